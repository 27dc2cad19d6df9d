package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bus.BetMessages.ConfirmConflicts;
import io.eventwalker.betmaker.bus.BetMessages.MarkConflicts;
import io.eventwalker.betmaker.bus.BetMessages.Resolution;
import io.eventwalker.betmaker.bus.BetMessages.ResolveConflict;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;

/** The conflicts' addresses ({@code ConflictsVerticle}): mark, confirm, resolve and list events in conflict. */
public final class ConflictsBus {

  private ConflictsBus() {
  }

  /** Marks in conflict, where the database still shows one, the states that disagree with bet-maker's. */
  public static Future<Void> mark(Vertx vertx, MarkConflicts conflicts, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.CONFLICTS_MARK, conflicts, options).mapEmpty();
  }

  /** Asks line-provider again about events it reported older than bet-maker holds (or not at all), and marks those it still does. */
  public static Future<Void> confirm(Vertx vertx, ConfirmConflicts events, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.CONFLICTS_CONFIRM, events, options).mapEmpty();
  }

  /** An operator's way out of a conflict: bet-maker adopts line-provider's current state of the event and settles by it. */
  public static Future<Resolution> resolve(Vertx vertx, ResolveConflict conflict, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.CONFLICTS_RESOLVE, conflict, options);
  }

  /** The events in conflict, both sides' states and how to resolve each (for {@code GET /conflicts}). */
  public static Future<JsonArray> list(Vertx vertx, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.READY_CONFLICTS, "list", options);
  }
}
