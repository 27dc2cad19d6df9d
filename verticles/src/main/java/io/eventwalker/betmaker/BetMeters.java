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
import java.util.List;

/**
 * bet-maker's business meters on {@code /metrics} (docs/operations.md lists each with what a
 * healthy value looks like): bets placed, bets refused by reason, bets settled by outcome, settlement latency.
 */
final class BetMeters {

  private BetMeters() {
  }

  /**
   * Registers every counter with each of its known labels, and the settlement latency, at 0: a
   * dashboard then shows 0 rather than "no data" for what has not happened yet, and Prometheus's
   * {@code rate} counts the first occurrence too.
   */
  static void registerAtZero() {
    Meters.counter(PLACED, PLACED_HELP);
    for (String reason : List.of("unknown_event", "event_closed", "odds_changed", "invalid", "rate_limited", "not_stored", "outcome_unknown")) {
      Meters.counter(REFUSED, REFUSED_HELP, "reason", reason);
    }
    for (String outcome : List.of("won", "lost", "void")) {
      Meters.counter(SETTLED, SETTLED_HELP, "outcome", outcome);
    }
    for (String cause : List.of("forged", "unreadable", "refused", "poison")) {
      Meters.counter(DEAD_LETTERED, DEAD_LETTERED_HELP, "cause", cause);
    }
    for (BridgeRefusal reason : BridgeRefusal.values()) {
      Meters.counter(BRIDGE_REFUSED, BRIDGE_REFUSED_HELP, "reason", reason.label);
    }
    latency();
  }

  static final String DEAD_LETTERED = "bet_maker_updates_dead_lettered";
  static final String DEAD_LETTERED_HELP = "updates sent to the dead-letter queue, by cause";
  private static final String PLACED = "bet_maker_bets_placed";
  private static final String PLACED_HELP = "bets stored (answered 201)";
  private static final String REFUSED = "bet_maker_bets_refused";
  private static final String REFUSED_HELP = "requests to place bets that stored none, by reason";
  private static final String SETTLED = "bet_maker_bets_settled";
  private static final String SETTLED_HELP = "bets settled, by outcome";
  private static final String BRIDGE_REFUSED = "bet_maker_bridge_refused";
  private static final String BRIDGE_REFUSED_HELP = "bridge sockets closed and frames refused by the bridges' limits, by limit";

  /** Which of the bridges' limits (SPEC §3.5) refused a socket or a frame. */
  enum BridgeRefusal {
    /** a socket beyond {@code BM_BRIDGE_MAX_SOCKETS_PER_CLIENT}: refused or closed at once */
    SOCKETS_PER_CLIENT("sockets_per_client"),
    /** a frame (or a SockJS body) larger than {@code BM_BRIDGE_MAX_FRAME_BYTES}, or too many frames waiting: the socket closed */
    FRAME_TOO_LARGE("frame_too_large"),
    /** a register beyond {@code BM_BRIDGE_MAX_HANDLERS}: refused, the socket kept */
    HANDLERS_PER_SOCKET("handlers_per_socket"),
    /** no ping for {@code BM_BRIDGE_PING_TIMEOUT_MS}: the socket closed */
    PING_TIMEOUT("ping_timeout"),
    /** a client that does not read its pushes: pushes would pile up in memory; the socket closed */
    SLOW_CONSUMER("slow_consumer");

    final String label;

    BridgeRefusal(String label) {
      this.label = label;
    }
  }

  /** A bridge socket closed, or a frame refused, by one of the bridges' limits. */
  static void bridgeRefused(BridgeRefusal reason) {
    Meters.counter(BRIDGE_REFUSED, BRIDGE_REFUSED_HELP, "reason", reason.label).increment();
  }

  /** Counts what a placement came to: its bets placed, or one refusal with its reason. */
  static void placement(Placement outcome) {
    if (outcome instanceof Placed placed) {
      Meters.counter(PLACED, PLACED_HELP).increment(placed.bets().size());
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
    Meters.counter(REFUSED, REFUSED_HELP, "reason", reason).increment();
  }

  /**
   * An event's result applied and its bets settled: the time from line-provider's commit of the
   * change ({@code changedAt}, carried by the update) to the commit of the settlement's last chunk.
   * Clocks of two hosts differ a little: a negative time counts as 0.
   */
  static void settlementLatency(Instant changedAt, Instant settledAt) {
    Duration latency = Duration.between(changedAt, settledAt);
    latency().record(latency.isNegative() ? Duration.ZERO : latency);
  }

  private static Timer latency() {
    return Timer.builder("bet_maker_settlement_latency")
      .description("from line-provider's commit of a result to bet-maker's commit of its settlement")
      .serviceLevelObjectives(LATENCY_BUCKETS)
      .register(Meters.registry());
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
      Meters.counter(SETTLED, SETTLED_HELP, "outcome", outcome).increment(bets);
    }
  }
}
