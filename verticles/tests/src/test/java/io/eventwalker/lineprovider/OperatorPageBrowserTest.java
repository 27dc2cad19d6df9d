package io.eventwalker.lineprovider;

import io.eventwalker.testing.BrowserTest;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * line-provider's page in a real browser (headless Chromium): it creates events, settles them only
 * after asking, says a refused credential in the operator's words, and follows the line live over
 * line-provider's bridge.
 */
class OperatorPageBrowserTest extends BrowserTest {

  private static final Path SCREENSHOT = Path.of("target", "screenshots", "line-provider.png");

  @Test
  void createsEventsAndSettlesThemOnlyAfterAsking() throws Exception {
    browser.get(system.lineProvider().base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    chromium.signIn("api-key", Jwts.operator(system.secret, "page-operator"));
    browser.findElement(By.id("create-id")).sendKeys("page-made");
    browser.findElement(By.id("create-ratio")).sendKeys("1.005");
    browser.findElement(By.cssSelector("#create-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("create-error"), "at most 2 decimal places"));

    WebElement ratio = browser.findElement(By.id("create-ratio"));
    ratio.clear();
    ratio.sendKeys("2.20");
    browser.findElement(By.cssSelector("#create-form button")).click();
    String row = "#events tr[data-event-id='page-made']";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row)));
    assertThat(system.lineProvider().get("/event/page-made").object().getString("status")).isEqualTo("NEW");

    // A final action asks first and says what it does; "No" changes nothing.
    assertThat(browser.findElement(By.cssSelector(row + " button.cancel")).getText()).isEqualTo("Cancel the event (void all bets)");
    browser.findElement(By.cssSelector(row + " button.win")).click();
    WebElement question = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(row + " .confirm .question")));
    assertThat(question.getText()).contains("Settle page-made as won?", "Every pending bet on it wins", "This is final");
    assertThat(browser.findElement(By.cssSelector(row + " button.win")).isDisplayed()).as("the choices give way to the question").isFalse();
    Files.createDirectories(SCREENSHOT.getParent());
    Files.move(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    browser.findElement(By.cssSelector(row + " .confirm-no")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(row + " button.win")));
    assertThat(system.lineProvider().get("/event/page-made").object().getString("status")).isEqualTo("NEW");

    browser.findElement(By.cssSelector(row + " button.win")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(row + " .confirm-yes"))).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(row), 0));
    wait.until(ExpectedConditions.textToBe(By.id("event-note"), "page-made settled as won."));
    assertThat(system.lineProvider().get("/event/page-made").object().getString("status")).isEqualTo("FINISHED_WIN");

    // A player's token may not change the line: said so, in words that say what to paste instead.
    chromium.signIn("api-key", system.token("not-an-operator"));
    browser.findElement(By.id("create-id")).sendKeys("page-refused");
    browser.findElement(By.cssSelector("#create-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("create-error"), "paste an operator token"));
    assertThat(browser.findElement(By.id("create-error")).getText()).doesNotContain("role operator");
  }

  /**
   * line-provider's page follows the line over its bridge, without reload or polling: an event
   * created, a ratio changed and an event finished through the API show at once; a finished event
   * loses its buttons (and a question asked about it) at once; the list was read only on load.
   */
  @Test
  void followsTheLineLive() {
    Http line = system.lineProvider();
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"live-a\",\"ratio\":1.80,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    browser.get(line.base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    chromium.signIn("api-key", Jwts.operator(system.secret, "live-operator"));
    wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
    String rowA = "#events tr[data-event-id='live-a']";
    wait.until(ExpectedConditions.textToBe(By.cssSelector(rowA + " .ratio-now"), "1.80"));
    long listReads = listReads();

    assertThat(line.post("/event", "{\"event_id\":\"live-b\",\"ratio\":2.00,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#events tr[data-event-id='live-b']")));
    assertThat(line.put("/event", "{\"event_id\":\"live-a\",\"ratio\":2.35}").status()).isEqualTo(200);
    wait.until(ExpectedConditions.textToBe(By.cssSelector(rowA + " .ratio-now"), "2.35"));
    assertThat(browser.findElement(By.cssSelector(rowA + " .version")).getText()).isEqualTo("2");

    // The operator is asked about live-a; meanwhile someone else settles it: its row, its buttons and
    // the question go at once.
    browser.findElement(By.cssSelector(rowA + " button.lose")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(rowA + " .confirm-yes")));
    assertThat(line.put("/event", "{\"event_id\":\"live-a\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(rowA), 0));
    assertThat(browser.findElements(By.cssSelector(rowA + " button"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("#events tr[data-event-id='live-b'] button.win"))).hasSize(1);
    assertThat(listReads()).as("GET /events was not asked again: the changes came over the bridge").isEqualTo(listReads);
  }

  /** How many times the page has read the list of events ({@code GET /events}) since it loaded. */
  private long listReads() {
    return (Long) ((JavascriptExecutor) browser).executeScript(
      "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/events').length;");
  }
}
