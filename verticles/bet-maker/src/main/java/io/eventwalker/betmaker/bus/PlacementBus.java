package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Placement's address ({@code PlacementVerticle}): place a request's bets. */
public final class PlacementBus {

  private PlacementBus() {
  }

  /**
   * Stores {@code bets}, and completes with what became of them ({@link Placement}); waits
   * {@code waitMs} for the answer (longer than the placement's deadline plus its commit: see
   * {@link PlaceBets}). A failure means no answer came in time.
   */
  public static Future<Placement> place(Vertx vertx, PlaceBets bets, long waitMs) {
    return LocalBus.request(vertx, Addresses.BETS_PLACE, bets, LocalBus.options(waitMs));
  }
}
