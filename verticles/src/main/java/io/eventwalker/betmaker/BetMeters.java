package io.eventwalker.betmaker;

import io.eventwalker.betmaker.BetMessages.NotStored;
import io.eventwalker.betmaker.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.BetMessages.Placed;
import io.eventwalker.betmaker.BetMessages.Placement;
import io.eventwalker.betmaker.BetMessages.Refused;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.wire.EventStatus;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;

/**
 * bet-maker's business meters on {@code /metrics} (docs/operations.md lists each with what a
 * healthy value looks like): bets placed, bets refused by reason, bets settled by outcome, settlement latency.
 */
final class BetMeters {

  private BetMeters() {
  }

  /** Counts what a placement came to: its bets placed, or one refusal with its reason. */
  static void placement(Placement outcome) {
    if (outcome instanceof Placed placed) {
      Meters.counter("bet_maker_bets_placed", "bets stored (answered 201)").increment(placed.bets().size());
    } else if (outcome instanceof Refused refused) {
      refused(refused.unknownEvent() ? "unknown_event" : refused.ratio() != null ? "odds_changed" : "event_closed");
    } else if (outcome instanceof NotStored) {
      refused("not_stored");
    } else if (outcome instanceof OutcomeUnknown) {
      refused("outcome_unknown");
    }
  }

  /**
   * A request to place bets that stored none: {@code unknown_event} (404), {@code event_closed}
   * (409: finished, past its deadline or in conflict), {@code odds_changed} (409), {@code not_stored}
   * (503), {@code outcome_unknown} (500), {@code rate_limited} (429), {@code invalid} (400).
   */
  static void refused(String reason) {
    Meters.counter("bet_maker_bets_refused", "requests to place bets that stored none, by reason", "reason", reason).increment();
  }

  /**
   * An event's result applied and its bets settled: the time from line-provider's commit of the
   * change ({@code changedAt}, carried by the update) to the commit of the settlement's last chunk.
   * Clocks of two hosts differ a little: a negative time counts as 0.
   */
  static void settlementLatency(Instant changedAt, Instant settledAt) {
    Duration latency = Duration.between(changedAt, settledAt);
    Timer.builder("bet_maker_settlement_latency")
      .description("from line-provider's commit of a result to bet-maker's commit of its settlement")
      .serviceLevelObjectives(LATENCY_BUCKETS)
      .register(Meters.registry())
      .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  private static final Duration[] LATENCY_BUCKETS = java.util.stream.LongStream.of(
      5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000)
    .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  /** Bets settled by a chunk of an event's settlement, by the event's result. */
  static void settled(EventStatus result, int bets) {
    if (bets > 0) {
      String outcome = switch (result) {
        case FINISHED_WIN -> "won";
        case FINISHED_LOSE -> "lost";
        case CANCELLED -> "void";
        case NEW -> "none";
      };
      Meters.counter("bet_maker_bets_settled", "bets settled, by outcome", "outcome", outcome).increment(bets);
    }
  }
}
