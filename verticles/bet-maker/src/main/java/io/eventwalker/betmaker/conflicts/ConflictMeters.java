package io.eventwalker.betmaker.conflicts;

import io.eventwalker.platform.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of events in conflict with line-provider:
 * <ul>
 *   <li>{@code bet_maker_event_conflict{event_id, bet_maker_version, line_provider_version}}: 1 per
 *       event in conflict now (read from the database, so every instance shows them all);</li>
 *   <li>{@code bet_maker_event_conflicts}: how many events are in conflict now;</li>
 *   <li>{@code bet_maker_event_version_conflicts_total}: conflicts found by this instance;</li>
 *   <li>{@code bet_maker_event_conflicts_resolved_total}: conflicts resolved by an operator through this instance.</li>
 * </ul>
 */
final class ConflictMeters {

  /** An event in conflict now. */
  record Open(String eventId, long betMakerVersion, long lineProviderVersion) {
  }

  private final Counter found;
  private final Counter resolved;
  private final AtomicInteger count = new AtomicInteger();
  private final MultiGauge open;

  /** Every meter there from the start: the counters at 0, no event in conflict. */
  ConflictMeters(Meters meters) {
    found = meters.counter("bet_maker_event_version_conflicts",
      "events found in conflict with line-provider (a lower version, the same version with other content, or a change after a result)");
    resolved = meters.counter("bet_maker_event_conflicts_resolved",
      "conflicts with line-provider resolved by an operator (bet-maker adopted line-provider's state)");
    // A later bet-maker in the same Vert.x (a test's) takes the meter over from an earlier one.
    Gauge earlier = meters.registry().find("bet_maker_event_conflicts").gauge();
    if (earlier != null) {
      meters.registry().remove(earlier);
    }
    Gauge.builder("bet_maker_event_conflicts", count, AtomicInteger::get).strongReference(true)
      .description("events in conflict with line-provider now: no bets are taken on them until resolved")
      .register(meters.registry());
    open = MultiGauge.builder("bet_maker_event_conflict")
      .description("1 for each event in conflict with line-provider now, with both versions; resolve with: "
        + command("<event_id>"))
      .register(meters.registry());
  }

  /** The command that resolves the conflict on {@code eventId}. */
  static String command(String eventId) {
    return "java -jar event-walker.jar conflicts resolve " + eventId + " (or POST /conflicts/" + eventId + "/resolve)";
  }

  void found() {
    found.increment();
  }

  void resolved() {
    resolved.increment();
  }

  /** Shows exactly these events as in conflict (the ones shown before and not listed go). */
  void show(List<Open> events) {
    count.set(events.size());
    open.register(events.stream().map(event -> MultiGauge.Row.of(Tags.of("event_id", event.eventId(),
      "bet_maker_version", Long.toString(event.betMakerVersion()), "line_provider_version", Long.toString(event.lineProviderVersion())), 1))
      .toList(), true);
  }
}
