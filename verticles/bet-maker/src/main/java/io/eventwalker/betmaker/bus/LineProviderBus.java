package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bus.BetMessages.OpenEvents;
import io.eventwalker.betmaker.bus.BetMessages.Subscribe;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** Requests to line-provider through bet-maker's client of it ({@code LineProviderClientVerticle}). */
public final class LineProviderBus {

  private LineProviderBus() {
  }

  /**
   * Subscribes bet-maker to {@code events} at line-provider (the first time; afterwards asks their
   * states) and completes with line-provider's current states of them.
   */
  public static Future<EventStates> subscribe(Vertx vertx, Subscribe events, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.LINE_SUBSCRIBE, events, options);
  }

  /** A page of the events open for bets now, as line-provider answers {@code get_events}. */
  public static Future<EventPage> openEvents(Vertx vertx, OpenEvents page, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.LINE_OPEN_EVENTS, page, options);
  }

  /** Subscribes bet-maker to every event at line-provider, so that no update is missed while catch-up reads. */
  public static Future<Void> subscribeAll(Vertx vertx, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.LINE_SUBSCRIBE_ALL, "subscribe", options).mapEmpty();
  }
}
