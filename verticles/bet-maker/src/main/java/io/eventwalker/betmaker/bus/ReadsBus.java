package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bus.BetMessages.BetPage;
import io.eventwalker.betmaker.bus.BetMessages.EventIds;
import io.eventwalker.betmaker.bus.BetMessages.GetBet;
import io.eventwalker.betmaker.bus.BetMessages.ListBets;
import io.eventwalker.betmaker.bus.BetMessages.PendingEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/** The reads' addresses ({@code BetReadsVerticle}): a bet, a page of bets, the events with PENDING bets. */
public final class ReadsBus {

  private ReadsBus() {
  }

  /** A page of the events with PENDING bets, by id, after {@code page.after()}. */
  public static Future<EventIds> pendingEvents(Vertx vertx, PendingEvents page, DeliveryOptions options) {
    return vertx.eventBus().<EventIds>request(Addresses.EVENTS_PENDING, page, options).map(Message::body);
  }

  /** One of the player's bets, or null when the player has no such bet. */
  public static Future<Bet> get(Vertx vertx, GetBet bet, DeliveryOptions options) {
    return vertx.eventBus().<Bet>request(Addresses.BETS_GET, bet, options).map(Message::body);
  }

  /** A page of the player's bets, newest first. */
  public static Future<BetPage> list(Vertx vertx, ListBets bets, DeliveryOptions options) {
    return vertx.eventBus().<BetPage>request(Addresses.BETS_LIST, bets, options).map(Message::body);
  }
}
