package io.eventwalker.betmaker.bus;

/** Event-bus addresses inside bet-maker, owned here. None of them is reachable from outside the JVM. */
public final class Addresses {

  /** {@link BetMessages.PlaceBets} → a {@link BetMessages.Placement}: placed, refused, not stored, or outcome unknown. */
  public static final String BETS_PLACE = "betmaker.bets.place";
  /** {@link BetMessages.GetBet} → {@code Bet}, or null if there is no such bet. */
  public static final String BETS_GET = "betmaker.bets.get";
  /** {@link BetMessages.ListBets} → {@link BetMessages.BetPage}. */
  public static final String BETS_LIST = "betmaker.bets.list";
  /** {@link BetMessages.ApplyStates} → {@link BetMessages.Applied}: newer event states, settling finished events. */
  public static final String EVENTS_APPLY = "betmaker.events.apply";
  /** {@link BetMessages.ConfirmConflicts} → null: events line-provider reported older, asked about again and marked if still so. */
  public static final String CONFLICTS_CONFIRM = "betmaker.conflicts.confirm";
  /** {@link BetMessages.MarkConflicts} → null: states that disagree with bet-maker's, marked in conflict. */
  public static final String CONFLICTS_MARK = "betmaker.conflicts.mark";
  /** {@link BetMessages.ResolveConflict} → {@link BetMessages.Resolution}: an operator's way out of a conflict. */
  public static final String CONFLICTS_RESOLVE = "betmaker.conflicts.resolve";
  /** {@link BetMessages.PendingEvents} → {@link BetMessages.EventIds}: events that still have PENDING bets. */
  public static final String EVENTS_PENDING = "betmaker.events.pending";
  /** {@link BetMessages.ClaimKey} → {@link BetMessages.KeyClaim}. */
  public static final String IDEMPOTENCY_CLAIM = "betmaker.idempotency.claim";
  /** {@link BetMessages.ReleaseKey} → "OK": forget a claimed key whose request failed. */
  public static final String IDEMPOTENCY_RELEASE = "betmaker.idempotency.release";

  /** {@link WalletMessages.MoveMoney} → {@link WalletMessages.MoneyMoved}: an operator's deposit or withdrawal. */
  public static final String WALLET_MOVE = "betmaker.wallet.move";
  /** {@link WalletMessages.GetWallet} → {@link WalletMessages.Wallet}. */
  public static final String WALLET_GET = "betmaker.wallet.get";
  /** {@link WalletMessages.ListEntries} → {@link WalletMessages.EntryPage}. */
  public static final String WALLET_ENTRIES = "betmaker.wallet.entries";

  /** {@link BetMessages.OpenEvents} → {@link EventPage}, asked of line-provider. */
  public static final String LINE_OPEN_EVENTS = "betmaker.line.open-events";
  /** {@link BetMessages.Subscribe} → {@link EventStates}: subscribe at line-provider, get the current states. */
  public static final String LINE_SUBSCRIBE = "betmaker.line.subscribe";

  /** "subscribe" → "OK": subscribe at line-provider to every event, so the line's changes reach {@link #LIVE_OPEN_EVENTS}. */
  public static final String LINE_SUBSCRIBE_ALL = "betmaker.line.subscribe-all";

  /**
   * Addresses browsers hear through the SockJS bridge (outbound only; nothing inbound):
   * {@code events.<event_id>} every applied change of an event, {@code events.open} every change
   * of the list of open events, {@code bets.<bet_id>} a bet's settlement. Internal addresses all
   * start with {@code betmaker.}, so the bridge's patterns can never match one of them.
   */
  public static final String LIVE_EVENT_PREFIX = "events.";
  public static final String LIVE_OPEN_EVENTS = "events.open";
  public static final String LIVE_BET_PREFIX = "bets.";
  /** {@code players.<player_id>}: every settlement of the player's bets, and the balance after every change of it. */
  public static final String LIVE_PLAYER_PREFIX = "players.";

  /** Readiness probes: "ping" → "UP", or a 503 failure saying why not. */
  public static final String READY_POSTGRES = "betmaker.ready.postgres";
  public static final String READY_REDIS = "betmaker.ready.redis";
  public static final String READY_RABBITMQ_LINE = "betmaker.ready.rabbitmq.line";
  public static final String READY_RABBITMQ_UPDATES = "betmaker.ready.rabbitmq.updates";
  /** "list" → a JSON array of the events in conflict with line-provider (bets suspended on them); shown by {@code /ready}. */
  public static final String READY_CONFLICTS = "betmaker.ready.conflicts";

  private Addresses() {
  }
}
