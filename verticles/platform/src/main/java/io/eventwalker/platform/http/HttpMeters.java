package io.eventwalker.platform.http;

import io.eventwalker.platform.metrics.Meters;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * How the doors of a service's HTTP API turn requests away ({@code http_requests_refused_total{reason}})
 * and how many clients go away before their answer ({@code http_requests_abandoned_total}), in the
 * service's own meters. Every request of a router made by {@link Routers#base} carries its service's.
 */
final class HttpMeters {

  private static final String KEY = "event-walker.http-meters";
  private static final String REFUSED = "http_requests_refused";
  private static final String REFUSED_HELP = "API requests refused before any work was done, by reason";
  private static final String ABANDONED = "http_requests_abandoned";
  private static final String ABANDONED_HELP = "API requests whose client went away before its answer";
  private static final HttpMeters NONE = new HttpMeters(null);

  private final Meters meters;

  /** Every meter at 0 from the start, each reason listed (a dashboard shows 0, and rate() counts the first one). */
  HttpMeters(Meters meters) {
    this.meters = meters;
    if (meters != null) {
      meters.countersAtZero(REFUSED, REFUSED_HELP, "reason", List.of("client_share", "capacity", "body_timeout"));
      meters.counter(ABANDONED, ABANDONED_HELP);
    }
  }

  /** The first handler of a service's router: the request carries the service's meters. */
  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
    ctx.next();
  }

  /** The meters of the service the request came to (none for a router not made by {@link Routers#base}). */
  static HttpMeters of(RoutingContext ctx) {
    HttpMeters meters = ctx.get(KEY);
    return meters == null ? NONE : meters;
  }

  /** {@code reason}: {@code client_share} (429), {@code capacity} (503) or {@code body_timeout} (408). */
  void refused(String reason) {
    if (meters != null) {
      meters.counter(REFUSED, REFUSED_HELP, "reason", reason).increment();
    }
  }

  void abandoned() {
    if (meters != null) {
      meters.counter(ABANDONED, ABANDONED_HELP).increment();
    }
  }
}
