package io.eventwalker.lineprovider.metrics;

import io.eventwalker.platform.metrics.Meters;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * line-provider's own meters on its {@code /metrics} (docs/operations.md lists each with what a
 * healthy value looks like): the outbox's backlog and its oldest row's age, the requests it
 * refused, the rebuilds of the subscriptions in Redis. Each is there from the start, at 0, with
 * each of its labels' values.
 */
public final class LineProviderMeters {

  public static final String SERVICE = "line-provider";
  private static final String REQUESTS_REFUSED = "line_provider_requests_refused";
  private static final String REQUESTS_REFUSED_HELP = "requests line-provider refused: reason user (not a client of LP_SUBSCRIBERS),"
    + " subscriber (a name not given to that user), reply_to (not a direct reply-to address; dropped)";
  private static final String REBUILDS = "line_provider_subscription_rebuilds";
  private static final String REBUILDS_HELP = "subscriptions put back into Redis from PostgreSQL: outcome complete, lost_again"
    + " (Redis lost them again meanwhile: not marked complete), failed";

  private final Meters meters;

  private LineProviderMeters(Meters meters) {
    this.meters = meters;
  }

  /** line-provider's meters in {@code vertx}. */
  public static LineProviderMeters of(Vertx vertx) {
    return new LineProviderMeters(Meters.of(vertx, SERVICE));
  }

  public Meters meters() {
    return meters;
  }

  /** Every counter with each of its labels at 0. */
  public void registerAtZero() {
    meters.countersAtZero(REQUESTS_REFUSED, REQUESTS_REFUSED_HELP, "reason", List.of("user", "subscriber", "reply_to"));
    meters.countersAtZero(REBUILDS, REBUILDS_HELP, "outcome", List.of("complete", "lost_again", "failed"));
  }

  /** The outbox's gauges, reading {@code backlogRows} and {@code oldestMillis} (sampled by the repository). */
  public void outbox(AtomicLong backlogRows, AtomicLong oldestMillis) {
    // A later line-provider in the same Vert.x (a test's) reads its own outbox: the gauges follow it.
    for (String name : List.of("line_provider_outbox_backlog_rows", "line_provider_outbox_oldest_age_seconds")) {
      Gauge earlier = meters.registry().find(name).gauge();
      if (earlier != null) {
        meters.registry().remove(earlier);
      }
    }
    Gauge.builder("line_provider_outbox_backlog_rows", backlogRows, AtomicLong::get).strongReference(true)
      .description("committed changes not yet published (sampled every 5 s)").register(meters.registry());
    Gauge.builder("line_provider_outbox_oldest_age_seconds", oldestMillis, ms -> ms.get() / 1000.0).strongReference(true)
      .description("age of the oldest change not yet published, 0 when none (sampled every 5 s)").register(meters.registry());
  }

  /** A request refused: {@code user}, {@code subscriber} or {@code reply_to}. */
  public void requestRefused(String reason) {
    meters.counter(REQUESTS_REFUSED, REQUESTS_REFUSED_HELP, "reason", reason).increment();
  }

  /** A rebuild of the subscriptions in Redis ended: {@code complete}, {@code lost_again} or {@code failed}. */
  public void rebuilt(String outcome) {
    meters.counter(REBUILDS, REBUILDS_HELP, "outcome", outcome).increment();
  }
}
