package io.eventwalker.platform.runtime;

import io.eventwalker.platform.http.ClientGone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Vert.x reports when nothing else handled a failure (a handler that threw, a failed future
 * or connection nobody listened to): Vert.x's own report is an ERROR with a stack trace for
 * everything, a client that went away included. Here a client going away ({@link ClientGone}) is
 * logged at DEBUG, one line; anything else is an ERROR with its stack trace, a defect to look at.
 */
public final class UnhandledFailures {

  private static final Logger LOG = LoggerFactory.getLogger(UnhandledFailures.class);

  private UnhandledFailures() {
  }

  public static void log(Throwable failure) {
    if (ClientGone.is(failure)) {
      LOG.debug("a client went away: {}", failure.toString()); // its text: a Throwable argument would log a stack trace
    } else {
      LOG.error("unhandled failure", failure);
    }
  }
}
