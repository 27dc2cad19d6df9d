package io.eventwalker.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;

/**
 * A test class that runs both services once for all its tests ({@link TestSystem#both}), with
 * line-provider as an operator ({@link #line}), bet-maker as {@link TestSystem#PLAYER} ({@link #bets}),
 * and a deadline an hour away for the events it creates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SystemTest {

  protected TestSystem system;
  protected Http line;
  protected Http bets;
  /** An hour after the class started, in epoch seconds: events created with it stay open for its tests. */
  protected long deadline;

  @BeforeAll
  void startBothServices() {
    system = TestSystem.both();
    line = system.lineProvider();
    bets = system.betMaker();
    deadline = Instant.now().getEpochSecond() + 3600;
  }

  @AfterAll
  void stopBothServices() {
    if (system != null) {
      system.close();
    }
  }
}
