package io.eventwalker.betmaker;

import io.eventwalker.testing.BrowserTest;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium): place a bet from the page, finish the event
 * through line-provider's API, and see the bet turn WON with its payout on the page, without reload;
 * each bet shown by its whole id; a refused token said in the player's words, with what to do.
 */
class DashboardBrowserTest extends BrowserTest {

  private static final Path SCREENSHOT = Path.of("target", "screenshots", "dashboard.png");

  @Test
  void aBetPlacedOnThePageTurnsWonLive() throws Exception {
    Http line = system.lineProvider();
    long deadline = Instant.now().getEpochSecond() + 2 * 3600;
    assertThat(line.post("/event", "[{\"event_id\":\"cup-final\",\"ratio\":1.75,\"deadline\":" + deadline + "},"
      + "{\"event_id\":\"derby\",\"ratio\":2.40,\"deadline\":" + (deadline + 1800) + "}]").status()).isEqualTo(201);

    browser.get(system.betMaker().base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    chromium.signIn("player-token", system.token(TestSystem.PLAYER));
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
    // The whole id, not its time prefix (which every bet placed about now shares).
    assertThat(browser.findElement(By.cssSelector(betRow + " code.bet-id")).getText()).isEqualTo(betId);
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

  /** A refused token is said in the player's words, with what to do, on the list and on a bet. */
  @Test
  void thePlayerIsToldWhatToDoWhenTheirTokenIsRefused() {
    Http line = system.lineProvider();
    assertThat(line.post("/event", "{\"event_id\":\"token-told\",\"ratio\":1.50,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    browser.get(system.betMaker().base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
    chromium.signIn("player-token", Jwts.sign(system.secret, Jwts.claims("late-player", -60)));
    wait.until(ExpectedConditions.textToBe(By.id("bets-error"), "Your session has expired: paste a new token."));
    placeFromPage(wait, "token-told", "5.00");
    wait.until(ExpectedConditions.textToBe(By.id("bet-error"), "Your session has expired: paste a new token."));

    chromium.signIn("player-token", Jwts.player("another secret of at least thirty-two bytes", "late-player"));
    wait.until(ExpectedConditions.textToBe(By.id("bets-error"), "This token is not accepted here: paste a new one."));
    chromium.signIn("player-token", "");
    placeFromPage(wait, "token-told", "5.00");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bet-error"), "Paste your player token first"));
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id = 'token-told'")).isZero();
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
