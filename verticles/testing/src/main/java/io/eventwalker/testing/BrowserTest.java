package io.eventwalker.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebDriver;

/**
 * A test class that drives the services' pages in one headless Chromium ({@link Chromium}), with both
 * services run once for all its tests ({@link TestSystem#both}); the browser closes before the services.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserTest {

  protected TestSystem system;
  protected Chromium chromium;
  protected WebDriver browser;

  @BeforeAll
  void startBrowserAndServices() {
    system = TestSystem.both();
    chromium = new Chromium();
    browser = chromium.driver();
  }

  @AfterAll
  void stopBrowserAndServices() {
    if (chromium != null) {
      chromium.close();
    }
    if (system != null) {
      system.close();
    }
  }
}
