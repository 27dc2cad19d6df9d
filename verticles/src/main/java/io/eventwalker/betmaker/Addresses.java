package io.eventwalker.betmaker;

/** Event-bus addresses inside bet-maker, owned here. None of them is reachable from outside the JVM. */
public final class Addresses {

  /** {@link BetMessages.PlaceBets} → {@link BetMessages.PlacedBets}, or 404/409/503. */
  public static final String BETS_PLACE = "bets.place";
  /** {@link BetMessages.GetBet} → {@link Bet}, or 404. */
  public static final String BETS_GET = "bets.get";
  /** {@link BetMessages.ListBets} → {@link BetMessages.BetPage}. */
  public static final String BETS_LIST = "bets.list";
  /** {@link BetMessages.ApplyStates} → {@link BetMessages.Applied}: newer event states, settling finished events. */
  public static final String EVENTS_APPLY = "bets.events.apply";
  /** {@link BetMessages.PendingEvents} → {@link BetMessages.EventIds}: events that still have PENDING bets. */
  public static final String EVENTS_PENDING = "bets.events.pending";
  /** {@link BetMessages.ClaimKey} → {@link BetMessages.KeyClaim}. */
  public static final String IDEMPOTENCY_CLAIM = "bets.idempotency.claim";
  /** {@link BetMessages.ReleaseKey} → "OK": forget a claimed key whose request failed. */
  public static final String IDEMPOTENCY_RELEASE = "bets.idempotency.release";

  /** {@link BetMessages.OpenEvents} → {@link BetMessages.EventPage}, asked of line-provider. */
  public static final String LINE_OPEN_EVENTS = "bets.line.open-events";
  /** {@link BetMessages.Subscribe} → {@link BetMessages.States}: subscribe at line-provider, get the current states. */
  public static final String LINE_SUBSCRIBE = "bets.line.subscribe";

  /** Readiness probes: "ping" → "UP", or a 503 failure saying why not. */
  public static final String READY_POSTGRES = "bets.ready.postgres";
  public static final String READY_REDIS = "bets.ready.redis";
  public static final String READY_RABBITMQ_LINE = "bets.ready.rabbitmq.line";
  public static final String READY_RABBITMQ_UPDATES = "bets.ready.rabbitmq.updates";

  private Addresses() {
  }
}
