package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bus.BetMessages.BetPage;
import io.eventwalker.betmaker.bus.BetMessages.EventIds;
import io.eventwalker.betmaker.bus.BetMessages.GetBet;
import io.eventwalker.betmaker.bus.BetMessages.ListBets;
import io.eventwalker.betmaker.bus.BetMessages.PendingEvents;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The reads' addresses ({@code BetReadsVerticle}): a bet, a page of bets, the events with PENDING bets. */
public final class ReadsBus {

  private ReadsBus() {
  }

  /** A page of the events with PENDING bets, by id, after {@code page.after()}. */
  public static Future<EventIds> pendingEvents(Vertx vertx, PendingEvents page, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_PENDING, page, options);
  }

  /** One of the player's bets, or null when the player has no such bet. */
  public static Future<Bet> get(Vertx vertx, GetBet bet, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.BETS_GET, bet, options);
  }

  /** A page of the player's bets, newest first. */
  public static Future<BetPage> list(Vertx vertx, ListBets bets, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.BETS_LIST, bets, options);
  }
}
