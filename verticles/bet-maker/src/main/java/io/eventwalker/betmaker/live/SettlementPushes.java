package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.wire.EventState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What browsers are told (through the bridges) once a settlement's transaction has committed: each
 * event state it applied, on {@code events.<event_id>} and {@code events.open}, and each bet it
 * settled, on {@code bets.<bet_id>} and {@code players.<player_id>}, only where somebody listens
 * ({@link LiveListeners}): settlement asks which bets and players are watched and returns only those.
 * Also, after any commit that changed players' balances (a placement's stakes, a settlement's
 * credits, a deposit, a withdrawal), each watched player's balance on {@code players.<player_id>}.
 */
public final class SettlementPushes {

  /** A watched bet as its settlement left it. */
  public record SettledBet(UUID betId, String playerId, String eventId, BetStatus status, BigDecimal payout) {
  }

  private final EventBus bus;
  private final LiveListeners listeners;

  public SettlementPushes(Vertx vertx, LiveListeners listeners) {
    this.bus = vertx.eventBus();
    this.listeners = listeners;
  }

  /** The bets somebody listens on now: the only bets whose settlement is pushed by bet. */
  public UUID[] watchedBets() {
    return listeners.watchedBets();
  }

  /** The players somebody listens to now: every settlement of their bets is pushed to them. */
  public String[] watchedPlayers() {
    return listeners.watchedPlayers();
  }

  /** After a commit that changed {@code balances} (player → balance now): each to its player's address, where heard. */
  public void balances(Map<String, BigDecimal> balances) {
    if (balances.isEmpty()) {
      return;
    }
    Predicate<String> heard = listeners.heard();
    balances.forEach((player, balance) -> {
      String address = Addresses.LIVE_PLAYER_PREFIX + player;
      if (heard.test(address)) {
        bus.publish(address, new JsonObject().put("balance", balance));
      }
    });
  }

  /** After a commit: publishes the states it applied, then the watched bets it settled to the addresses still heard. */
  public void committed(List<EventState> applied, List<SettledBet> settled) {
    for (EventState state : applied) {
      JsonObject json = state.toJson();
      bus.publish(Addresses.LIVE_EVENT_PREFIX + state.eventId(), json);
      bus.publish(Addresses.LIVE_OPEN_EVENTS, json);
    }
    Predicate<String> heard = listeners.heard();
    for (SettledBet bet : settled) {
      JsonObject push = new JsonObject()
        .put("bet_id", bet.betId().toString())
        .put("event_id", bet.eventId())
        .put("status", bet.status().name())
        .put("payout", bet.payout());
      // Only to addresses still heard, as the settlement only returns the watched ones.
      for (String address : List.of(Addresses.LIVE_BET_PREFIX + bet.betId(), Addresses.LIVE_PLAYER_PREFIX + bet.playerId())) {
        if (heard.test(address)) {
          bus.publish(address, push);
        }
      }
    }
  }
}
