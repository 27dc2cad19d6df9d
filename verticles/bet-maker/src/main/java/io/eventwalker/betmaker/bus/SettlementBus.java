package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bus.BetMessages.Applied;
import io.eventwalker.betmaker.bus.BetMessages.ApplyStates;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** Settlement's address ({@code SettlementVerticle}): apply the states line-provider reports. */
public final class SettlementBus {

  private SettlementBus() {
  }

  /** Applies {@code states} where newer, settling finished events; completes once every one is done. */
  public static Future<Applied> apply(Vertx vertx, ApplyStates states, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_APPLY, states, options);
  }
}
