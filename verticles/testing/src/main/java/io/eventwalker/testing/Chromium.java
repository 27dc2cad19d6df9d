package io.eventwalker.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * Debian's headless Chromium driven through ChromeDriver, for the browser tests of the pages; it
 * keeps the browser's console ({@link LogType#BROWSER}), so a test can look for what the page
 * logged. Fails with how to install it when it is missing: the browser tests are never skipped.
 */
public final class Chromium implements AutoCloseable {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  private final WebDriver driver;

  public Chromium() {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      throw new AssertionError("the browser tests need Chromium and ChromeDriver: "
        + "apt-get install -y chromium chromium-driver (.ci/run installs them when missing)");
    }
    String profile;
    try {
      profile = Files.createTempDirectory("chromium-profile").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions()
      .setBinary(CHROMIUM)
      .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
        "--window-size=1280,860", "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER))
      .usingAnyFreePort()
      .build();
    driver = new ChromeDriver(service, options);
  }

  public WebDriver driver() {
    return driver;
  }

  /** Pastes {@code token} into the page's field {@code field} and leaves it, as a person signing in would. */
  public void signIn(String field, String token) {
    WebElement input = driver.findElement(By.id(field));
    input.clear();
    input.sendKeys(token);
    input.sendKeys(Keys.TAB);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
