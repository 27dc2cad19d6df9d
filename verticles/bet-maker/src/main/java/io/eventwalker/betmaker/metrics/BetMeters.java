package io.eventwalker.betmaker.metrics;

import io.eventwalker.betmaker.bus.BetMessages.InsufficientFunds;
import io.eventwalker.betmaker.bus.BetMessages.NotStored;
import io.eventwalker.betmaker.bus.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.bus.BetMessages.Placed;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.betmaker.bus.BetMessages.Refused;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.wire.EventStatus;
import io.eventwalker.wire.LineRequest;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * bet-maker's own meters on its {@code /metrics} (docs/operations.md lists each with what a
 * healthy value looks like): bets placed, bets refused by reason, bets settled by outcome,
 * settlement latency, updates dead-lettered, the bridges' refusals, requests to line-provider.
 */
public final class BetMeters {

  public static final String SERVICE = "bet-maker";

  private final Meters meters;

  private BetMeters(Meters meters) {
    this.meters = meters;
  }

  /** bet-maker's meters in {@code vertx}. */
  public static BetMeters of(Vertx vertx) {
    return new BetMeters(Meters.of(vertx, SERVICE));
  }

  public Meters meters() {
    return meters;
  }

  /**
   * Registers every counter with each of its known labels, and the timers, at 0: a dashboard then
   * shows 0 rather than "no data" for what has not happened yet, and Prometheus's {@code rate}
   * counts the first occurrence too.
   */
  public void registerAtZero() {
    meters.counter(PLACED, PLACED_HELP);
    meters.countersAtZero(REFUSED, REFUSED_HELP, "reason",
      List.of("unknown_event", "event_closed", "odds_changed", "insufficient_funds", "invalid", "rate_limited", "not_stored",
        "outcome_unknown"));
    meters.countersAtZero(SETTLED, SETTLED_HELP, "outcome", List.of("won", "lost", "void"));
    meters.countersAtZero(DEAD_LETTERED, DEAD_LETTERED_HELP, "cause", List.of("forged", "unreadable", "refused", "poison"));
    for (BridgeRefusal reason : BridgeRefusal.values()) {
      meters.counter(BRIDGE_REFUSED, BRIDGE_REFUSED_HELP, "reason", reason.label);
    }
    for (String request : LINE_REQUESTS) {
      lineRequests(request);
      lineRequestTimeouts(request);
    }
    meters.counter(LINE_REPLIES_REFUSED, LINE_REPLIES_REFUSED_HELP);
    latency();
  }

  /** The requests bet-maker sends line-provider, each timed and its time-outs counted. */
  private static final List<String> LINE_REQUESTS = List.of(LineRequest.SUBSCRIBE, LineRequest.GET_STATES, LineRequest.GET_EVENTS,
    LineRequest.SUBSCRIBE_ALL);
  private static final String DEAD_LETTERED = "bet_maker_updates_dead_lettered";
  private static final String DEAD_LETTERED_HELP = "updates sent to the dead-letter queue, by cause";
  private static final String LINE_REPLIES_REFUSED = "bet_maker_line_replies_refused";
  private static final String LINE_REPLIES_REFUSED_HELP = "replies dropped because their user-id was not line-provider's";
  private static final String PLACED = "bet_maker_bets_placed";
  private static final String PLACED_HELP = "bets stored (answered 201)";
  private static final String REFUSED = "bet_maker_bets_refused";
  private static final String REFUSED_HELP = "requests to place bets that stored none, by reason";
  private static final String SETTLED = "bet_maker_bets_settled";
  private static final String SETTLED_HELP = "bets settled, by outcome";
  private static final String BRIDGE_REFUSED = "bet_maker_bridge_refused";
  private static final String BRIDGE_REFUSED_HELP = "bridge sockets closed and frames refused by the bridges' limits, by limit";

  /** Which of the bridges' limits (SPEC §3.5) refused a socket or a frame. */
  public enum BridgeRefusal {
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
  public void bridgeRefused(BridgeRefusal reason) {
    meters.counter(BRIDGE_REFUSED, BRIDGE_REFUSED_HELP, "reason", reason.label).increment();
  }

  /** Counts what a placement came to: its bets placed, or one refusal with its reason. */
  public void placement(Placement outcome) {
    if (outcome instanceof Placed placed) {
      meters.counter(PLACED, PLACED_HELP).increment(placed.bets().size());
    } else if (outcome instanceof Refused refused) {
      refused(refused.unknownEvent() ? "unknown_event" : refused.ratio() != null ? "odds_changed" : "event_closed");
    } else if (outcome instanceof InsufficientFunds) {
      refused("insufficient_funds");
    } else if (outcome instanceof NotStored) {
      refused("not_stored");
    } else if (outcome instanceof OutcomeUnknown) {
      refused("outcome_unknown");
    }
  }

  /**
   * A request to place bets that stored none: {@code unknown_event} (404), {@code event_closed}
   * (409: finished, past its deadline or in conflict), {@code odds_changed} (409), {@code insufficient_funds}
   * (409: the balance does not cover the stakes), {@code not_stored}
   * (503), {@code outcome_unknown} (500), {@code rate_limited} (429), {@code invalid} (400).
   */
  public void refused(String reason) {
    meters.counter(REFUSED, REFUSED_HELP, "reason", reason).increment();
  }

  /**
   * An event's result applied and its bets settled: the time from line-provider's commit of the
   * change ({@code changedAt}, carried by the update) to the commit of the settlement's last chunk.
   * Clocks of two hosts differ a little: a negative time counts as 0.
   */
  public void settlementLatency(Instant changedAt, Instant settledAt) {
    Duration latency = Duration.between(changedAt, settledAt);
    latency().record(latency.isNegative() ? Duration.ZERO : latency);
  }

  private Timer latency() {
    return Timer.builder("bet_maker_settlement_latency")
      .description("from line-provider's commit of a result to bet-maker's commit of its settlement")
      .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new))
      .register(meters.registry());
  }

  private static final List<Duration> LATENCY_BUCKETS = java.util.stream.LongStream.of(
      5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000)
    .mapToObj(Duration::ofMillis).toList();

  /** Bets settled by a chunk of an event's settlement, by the event's result. */
  public void settled(EventStatus result, int bets) {
    if (bets > 0) {
      String outcome = switch (result) {
        case FINISHED_WIN -> "won";
        case FINISHED_LOSE -> "lost";
        case CANCELLED -> "void";
        case NEW -> "none";
      };
      meters.counter(SETTLED, SETTLED_HELP, "outcome", outcome).increment(bets);
    }
  }

  /** An update dead-lettered: {@code forged}, {@code unreadable}, {@code refused} or {@code poison}. */
  public void deadLettered(String cause) {
    meters.counter(DEAD_LETTERED, DEAD_LETTERED_HELP, "cause", cause).increment();
  }

  /** Round trips of answered requests to line-provider, by request ({@code bet_maker_line_requests_seconds}). */
  public Timer lineRequests(String request) {
    return Timer.builder("bet_maker_line_requests")
      .description("round trips of requests to line-provider over RabbitMQ, answered").tag("request", request)
      .register(meters.registry());
  }

  /** Requests line-provider did not answer within {@code BM_LINE_TIMEOUT_MS}, by request. */
  public io.micrometer.core.instrument.Counter lineRequestTimeouts(String request) {
    return meters.counter("bet_maker_line_request_timeouts", "requests to line-provider not answered within BM_LINE_TIMEOUT_MS",
      "request", request);
  }

  /**
   * The bridge sockets open in this process ({@code bet_maker_bridge_sockets}), read from {@code open};
   * registered once, by the first bridge (every bridge verticle counts into the same place).
   */
  public void bridgeSockets(java.util.function.Supplier<Number> open) {
    synchronized (meters) {
      if (meters.registry().find("bet_maker_bridge_sockets").gauge() == null) {
        io.micrometer.core.instrument.Gauge.builder("bet_maker_bridge_sockets", open)
          .description("bridge sockets open (admitted) in this process, SockJS and TCP")
          .register(meters.registry());
      }
    }
  }

  /** A reply dropped: not published by line-provider's user. */
  public void lineReplyRefused() {
    meters.counter(LINE_REPLIES_REFUSED, LINE_REPLIES_REFUSED_HELP).increment();
  }
}
