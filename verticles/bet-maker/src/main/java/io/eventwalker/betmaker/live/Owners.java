package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.GetBet;
import io.eventwalker.betmaker.bus.ReadsBus;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Who may listen to a player's pushes (SPEC §3.5): {@code bets.<bet_id>} only the bet's owner,
 * {@code players.<player_id>} only that player, each proven by the token a bridge client sends in
 * its register frame's headers ({@code "Authorization": "Bearer …"}). Every other address the
 * bridge permits is public.
 */
public final class Owners {

  private final Vertx vertx;
  private final Bearer bearer;
  private final DeliveryOptions options;

  Owners(Vertx vertx, Bearer bearer, long timeoutMs) {
    this.vertx = vertx;
    this.bearer = bearer;
    this.options = LocalBus.options(timeoutMs);
  }

  /** Whether a client whose frame carries {@code headers} may listen on {@code address}; never fails. */
  Future<Boolean> mayListen(String address, JsonObject headers) {
    boolean bet = address.matches(LiveSession.BETS_PATTERN);
    boolean player = address.matches(LiveSession.PLAYERS_PATTERN);
    if (!bet && !player) {
      return Future.succeededFuture(true); // public, or not permitted at all (the bridge's permissions refuse it)
    }
    Object authorization = headers == null ? null : headers.getValue("Authorization");
    String token = authorization instanceof String text ? Bearer.token(text) : null;
    return bearer.verify(token).compose(identity -> {
      if (player) {
        return Future.succeededFuture(address.equals(Addresses.LIVE_PLAYER_PREFIX + identity.subject()));
      }
      UUID betId = UUID.fromString(address.substring(Addresses.LIVE_BET_PREFIX.length()));
      return ReadsBus.get(vertx, new GetBet(identity.subject(), betId), options).map(found -> found != null);
    }).otherwise(false);
  }
}
