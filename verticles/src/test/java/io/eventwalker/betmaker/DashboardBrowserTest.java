package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium): place a bet from the page, finish the event
 * through line-provider's API, and see the bet turn WON with its payout on the page, without reload;
 * and each service's API docs at /docs list every operation of its OpenAPI document and run one
 * against the server they were opened from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Path SCREENSHOT = Path.of("target", "screenshots", "dashboard.png");

  private TestSystem system;
  private WebDriver browser;
  private Path profile;

  @BeforeAll
  void start() throws Exception {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      throw new AssertionError("the browser test needs Chromium and ChromeDriver: "
        + "apt-get install -y chromium chromium-driver (.ci/run installs them when missing)");
    }
    system = TestSystem.both();
    profile = Files.createTempDirectory("chromium-profile");
    ChromeOptions options = new ChromeOptions()
      .setBinary(CHROMIUM)
      .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
        "--window-size=1280,860", "--user-data-dir=" + profile);
    // The console, for the API docs' check that nothing on the page breaks the Content Security Policy.
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER))
      .usingAnyFreePort()
      .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aBetPlacedOnThePageTurnsWonLive() throws Exception {
    Http line = system.lineProvider();
    long deadline = Instant.now().getEpochSecond() + 2 * 3600;
    assertThat(line.post("/event", "[{\"event_id\":\"cup-final\",\"ratio\":1.75,\"deadline\":" + deadline + "},"
      + "{\"event_id\":\"derby\",\"ratio\":2.40,\"deadline\":" + (deadline + 1800) + "}]").status()).isEqualTo(201);

    browser.get(system.betMaker().base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    signIn("player-token", system.token(TestSystem.PLAYER));
    wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#events tr[data-event-id='cup-final']")));

    // The server's validation shows inline.
    placeFromPage(wait, "cup-final", "1.005");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bet-error"), "at most 2 decimal places"));
    assertThat(browser.findElements(By.cssSelector("#bets tr[data-bet-id]"))).isEmpty();

    placeFromPage(wait, "cup-final", "10.00");
    String betId = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#bets tr[data-bet-id]")))
      .getAttribute("data-bet-id");
    String betRow = "#bets tr[data-bet-id='" + betId + "']";
    assertThat(browser.findElement(By.cssSelector(betRow + " .status")).getText()).isEqualTo("PENDING");
    placeFromPage(wait, "derby", "25.50");
    wait.until(d -> d.findElements(By.cssSelector("#bets tr[data-bet-id]")).size() == 2);

    // A ratio change shows in the list without reload.
    assertThat(line.put("/event", "{\"event_id\":\"derby\",\"ratio\":2.55}").status()).isEqualTo(200);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(
      By.cssSelector("#events tr[data-event-id='derby'] .ratio"), "2.55"));

    // A bet placed at a ratio that has moved since the player saw it is refused inline, with the
    // ratio now, and taken at that ratio only when the player accepts it. (The page is made to
    // show the old ratio, as a page that had not heard of the change yet would.)
    ((JavascriptExecutor) browser).executeScript(
      "document.querySelector(\"#bet-event option[value='derby']\").dataset.ratio = '2.40';");
    placeFromPage(wait, "derby", "4.00");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bet-error"), "The ratio moved to 2.55"));
    assertThat(browser.findElements(By.cssSelector("#bets tr[data-bet-id]"))).as("nothing placed").hasSize(2);
    browser.findElement(By.id("odds-accept")).click();
    wait.until(d -> d.findElements(By.cssSelector("#bets tr[data-bet-id]")).size() == 3);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id = 'derby' AND ratio = 2.55"))
      .isEqualTo(1);

    // The result arrives through the bridge: the bet turns WON with its payout, and the event leaves the list.
    assertThat(line.put("/event", "{\"event_id\":\"cup-final\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(betRow + " .status"), "WON"));
    wait.until(ExpectedConditions.textToBe(By.cssSelector(betRow + " .payout"), "17.50")); // read as drawn now (rows are redrawn)
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#events tr[data-event-id='cup-final']"), 0));

    Files.createDirectories(SCREENSHOT.getParent());
    Files.move(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theOperatorPageCreatesAndFinishesEvents() {
    browser.get(system.lineProvider().base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    signIn("api-key", Jwts.operator(system.secret, "page-operator"));
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

    // The list is drawn again as events change (its own creation's push among them): the button found
    // may be replaced before the click lands, so the click is retried on the row drawn now.
    wait.ignoring(StaleElementReferenceException.class).until(d -> {
      d.findElement(By.cssSelector(row + " button.win")).click();
      return true;
    });
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(row), 0));
    assertThat(system.lineProvider().get("/event/page-made").object().getString("status")).isEqualTo("FINISHED_WIN");
  }

  @Test
  void theApiDocsListEveryOperation() {
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
  void theApiDocsTryAnOperationOnTheServerTheyAreOpenedFrom() {
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

  /** Pastes a token into the page's token field (kept for the tab), as a person signing in would. */
  private void signIn(String field, String token) {
    WebElement input = browser.findElement(By.id(field));
    input.clear();
    input.sendKeys(token);
    input.sendKeys(Keys.TAB);
  }

  private void placeFromPage(WebDriverWait wait, String eventId, String amount) {
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#bet-event option[value='" + eventId + "']")));
    new Select(browser.findElement(By.id("bet-event"))).selectByValue(eventId);
    WebElement input = browser.findElement(By.id("bet-amount"));
    input.clear();
    input.sendKeys(amount);
    browser.findElement(By.id("bet-submit")).click();
  }
}
