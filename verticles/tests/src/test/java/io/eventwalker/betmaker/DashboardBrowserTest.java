package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.BrowserTest;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import io.eventwalker.testing.Wallets;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium): place a bet from the page, finish the event
 * through line-provider's API, and see the bet turn WON with its payout on the page, without reload;
 * each bet shown by its whole id; a refused token said in the player's words, with what to do; the
 * player's wallet, its balance moving with each bet and, live, with each settlement and deposit.
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

  /**
   * The wallet on the page: the balance and what pending bets hold, read at sign-in; a bet takes its
   * stake; a bet beyond the balance is refused in the player's words (the balance said, nothing
   * stored); the settlement pays out, and a deposit arrives, live on the same page (the balance pushed
   * on players.<player_id> moves it and is not taken for a settlement); the latest entries follow.
   */
  @Test
  void theWalletMovesWithBetsAndLiveWithSettlementsAndDeposits() {
    Http line = system.lineProvider();
    assertThat(line.post("/event", "{\"event_id\":\"wallet-cup\",\"ratio\":1.50,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    // A player with exactly 50.00 (a token of TestSystem's would bring money of its own).
    String player = "wallet-player";
    Wallets.deposit(system.betMakerOperator(), player, new BigDecimal("50.00"));

    browser.get(system.betMaker().base() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
    chromium.signIn("player-token", Jwts.player(system.secret, player));
    wait.until(ExpectedConditions.textToBe(By.id("wallet-balance"), "50.00"));
    assertThat(browser.findElement(By.id("wallet-pending")).getText()).isEqualTo("0.00");
    awaitNewestEntry(wait, "Deposit", "", "+50.00", "50.00");
    // Pushes go only to addresses somebody listens on: the page's, once the bridge has checked its token.
    Await.until("the page listening to " + player, Duration.ofSeconds(10),
      () -> system.bridges().listeners().heard().test("players." + player));
    // Marks this page: a reload would lose the mark.
    JavascriptExecutor page = (JavascriptExecutor) browser;
    page.executeScript("document.body.dataset.sameLoad = 'yes';");

    placeFromPage(wait, "wallet-cup", "30.00");
    String betRow = "#bets tr[data-bet-id='"
      + wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#bets tr[data-bet-id]"))).getAttribute("data-bet-id") + "']";
    wait.until(ExpectedConditions.textToBe(By.id("wallet-balance"), "20.00"));
    wait.until(ExpectedConditions.textToBe(By.id("wallet-pending"), "30.00"));
    awaitNewestEntry(wait, "Stake", "wallet-cup", "-30.00", "20.00");

    // A bet beyond the balance: refused in the player's words, with the balance; nothing stored.
    placeFromPage(wait, "wallet-cup", "25.00");
    wait.until(ExpectedConditions.textToBe(By.id("bet-error"), "Not enough money: your balance is 20.00."));
    assertThat(browser.findElement(By.id("bet-amount")).getAttribute("class")).contains("invalid");
    assertThat(browser.findElements(By.cssSelector("#bets tr[data-bet-id]"))).as("nothing placed").hasSize(1);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE player_id = $1", player)).isEqualTo(1);
    assertThat(browser.findElement(By.id("wallet-balance")).getText()).isEqualTo("20.00");

    // The settlement pays 30.00 × 1.50 = 45.00: heard live, no reload.
    assertThat(line.put("/event", "{\"event_id\":\"wallet-cup\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    wait.until(ExpectedConditions.textToBe(By.id("wallet-balance"), "65.00"));
    wait.until(ExpectedConditions.textToBe(By.id("wallet-pending"), "0.00"));
    wait.until(ExpectedConditions.textToBe(By.cssSelector(betRow + " .status"), "WON"));
    awaitNewestEntry(wait, "Payout", "wallet-cup", "+45.00", "65.00");

    // A deposit moves nothing on the page but the pushed balance (no bet of the page's is settled by it).
    Wallets.deposit(system.betMakerOperator(), player, new BigDecimal("100.00"));
    wait.until(ExpectedConditions.textToBe(By.id("wallet-balance"), "165.00"));
    awaitNewestEntry(wait, "Deposit", "", "+100.00", "165.00");
    assertThat(browser.findElements(By.cssSelector("#bets tr[data-bet-id]"))).hasSize(1);
    assertThat(browser.findElement(By.cssSelector(betRow + " .status")).getText()).isEqualTo("WON");
    assertThat(browser.findElement(By.cssSelector(betRow + " .payout")).getText()).isEqualTo("45.00");
    assertThat(browser.findElements(By.cssSelector("#wallet-entries tr[data-entry-id]"))).hasSize(4);
    assertThat(page.executeScript("return document.body.dataset.sameLoad;")).as("the same page, not reloaded").isEqualTo("yes");
  }

  /** Waits until the wallet's newest entry shows {@code cells}: what, bet, amount, balance after. */
  private void awaitNewestEntry(WebDriverWait wait, String... cells) {
    List<String> expected = List.of(cells);
    try {
      wait.until(d -> newestEntry().equals(expected));
    } catch (TimeoutException e) {
      assertThat(newestEntry()).as("the newest wallet entry on the page").isEqualTo(expected);
    }
  }

  /** The wallet's newest entry as shown (read in one go: the rows are redrawn), or nothing. */
  private List<String> newestEntry() {
    Object cells = ((JavascriptExecutor) browser).executeScript(
      "const row = document.querySelector('#wallet-entries tr[data-entry-id]');"
        + "return row ? ['.kind', '.bet', '.amount', '.balance-after'].map((cell) => row.querySelector(cell).textContent) : [];");
    return ((List<?>) cells).stream().map(String::valueOf).toList();
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
