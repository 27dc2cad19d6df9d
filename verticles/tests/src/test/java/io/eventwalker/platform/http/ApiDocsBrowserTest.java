package io.eventwalker.platform.http;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.BrowserTest;
import io.eventwalker.testing.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service's API docs at /docs in a real browser (headless Chromium): every operation of its
 * OpenAPI document listed, one run from "Try it out" against the server the docs were opened from,
 * and links between the pages and the docs.
 */
class ApiDocsBrowserTest extends BrowserTest {

  @Test
  void everyOperationIsListed() {
    for (Http service : List.of(system.lineProvider(), system.betMaker())) {
      JsonObject paths = service.get("/openapi.json").object().getJsonObject("paths");
      int operations = paths.fieldNames().stream().mapToInt(path -> paths.getJsonObject(path).size()).sum();
      browser.manage().logs().get(LogType.BROWSER);
      browser.get(service.base() + "/docs");
      new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.findElements(By.cssSelector(".opblock")).size() == operations);
      assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")))
        .extracting(path -> path.getAttribute("data-path")).contains("/health", "/openapi.json", "/docs");
      assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
        .extracting(LogEntry::getMessage)
        .as("console messages on " + service.base() + "/docs")
        .noneMatch(message -> message.contains("Content Security Policy"));
    }
  }

  /**
   * "Try it out" from /docs works wherever the docs are opened: here on 127.0.0.1 and a port picked
   * by the system, not the localhost:8000/8001 of the README. Each service's {@code GET /events} is
   * run from Swagger UI and its 200 with the event just created is shown.
   */
  @Test
  void tryItOutRunsAnOperationOnTheServerTheDocsWereOpenedFrom() {
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"docs-tried\",\"ratio\":3.10,\"deadline\":" + deadline + "}")
      .status()).isEqualTo(201);
    Await.until("bet-maker lists docs-tried", Duration.ofSeconds(15),
      () -> system.betMaker().get("/events").body().contains("docs-tried"));
    for (Http service : List.of(system.lineProvider(), system.betMaker())) {
      assertThat(java.net.URI.create(service.base()).getPort()).as("an ephemeral port").isNotIn(8000, 8001);
      browser.get(service.base() + "/docs");
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
      String operation = "//div[contains(@class,'opblock-get')][.//*[@data-path='/events']]";
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath(operation + "//*[contains(@class,'opblock-summary-control')]"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath(operation + "//button[contains(@class,'try-out__btn')]"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath(operation + "//button[contains(@class,'execute')]"))).click();
      String answer = operation + "//table[contains(@class,'live-responses-table')]/tbody//td[contains(@class,'response-col_status')]";
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.xpath(answer), "200"));
      assertThat(browser.findElement(By.xpath(operation + "//*[contains(@class,'request-url')]//pre")).getText())
        .as("the request went to the server the docs came from").startsWith(service.base() + "/events");
      wait.until(ExpectedConditions.textToBePresentInElementLocated(
        By.xpath(operation + "//table[contains(@class,'live-responses-table')]/tbody//td[contains(@class,'response-col_description')]"), "docs-tried"));
    }
  }

  /** Each page links to its API docs, and the docs link back to the page, naming the service. */
  @Test
  void thePagesAndTheDocsLinkToEachOther() {
    for (Http service : List.of(system.lineProvider(), system.betMaker())) {
      browser.get(service.base() + "/");
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
      browser.findElement(By.linkText("API docs")).click();
      wait.until(ExpectedConditions.urlToBe(service.base() + "/docs"));
      String name = service == system.lineProvider() ? "line-provider" : "bet-maker";
      wait.until(ExpectedConditions.textToBe(By.id("page-link"), "← " + name + "'s page"));
      browser.findElement(By.id("page-link")).click();
      wait.until(ExpectedConditions.urlToBe(service.base() + "/"));
    }
  }
}
