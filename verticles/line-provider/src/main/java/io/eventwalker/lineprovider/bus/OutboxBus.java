package io.eventwalker.lineprovider.bus;

import io.eventwalker.lineprovider.bus.EventMessages.MarkPublished;
import io.eventwalker.lineprovider.bus.EventMessages.OutboxRows;
import io.eventwalker.lineprovider.bus.EventMessages.PendingOutbox;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The outbox's addresses ({@code OutboxRepositoryVerticle}): the rows still to publish, and marking them published. */
public final class OutboxBus {

  private OutboxBus() {
  }

  /** Up to {@code pending.limit()} rows not yet published, oldest first. */
  public static Future<OutboxRows> pending(Vertx vertx, PendingOutbox pending, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.OUTBOX_PENDING, pending, options);
  }

  /** Marks rows published; completes with how many were not already. */
  public static Future<Integer> markPublished(Vertx vertx, MarkPublished rows, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.OUTBOX_PUBLISHED, rows, options);
  }
}
