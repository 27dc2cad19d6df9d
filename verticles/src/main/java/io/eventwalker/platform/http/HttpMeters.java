package io.eventwalker.platform.http;

import io.eventwalker.platform.metrics.Meters;

/**
 * How the doors of the HTTP API turn requests away ({@code http_requests_refused_total{reason}})
 * and how many clients go away before their answer ({@code http_requests_abandoned_total}), for
 * both services of the process.
 */
final class HttpMeters {

  private static final String REFUSED = "http_requests_refused";
  private static final String REFUSED_HELP = "API requests refused before any work was done, by reason";
  private static final String ABANDONED = "http_requests_abandoned";
  private static final String ABANDONED_HELP = "API requests whose client went away before its answer";

  private HttpMeters() {
  }

  /** {@code reason}: {@code client_share} (429), {@code capacity} (503) or {@code body_timeout} (408). */
  static void refused(String reason) {
    Meters.counter(REFUSED, REFUSED_HELP, "reason", reason).increment();
  }

  static void abandoned() {
    Meters.counter(ABANDONED, ABANDONED_HELP).increment();
  }

  /** Every meter at 0 from the start, each reason listed (a dashboard shows 0, and rate() counts the first one). */
  static void registerAtZero() {
    for (String reason : new String[] {"client_share", "capacity", "body_timeout"}) {
      Meters.counter(REFUSED, REFUSED_HELP, "reason", reason);
    }
    Meters.counter(ABANDONED, ABANDONED_HELP);
  }
}
