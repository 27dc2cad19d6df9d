package io.eventwalker.lineprovider.bus;

import io.eventwalker.lineprovider.bus.EventMessages.MarkPublished;
import io.eventwalker.lineprovider.bus.EventMessages.OutboxRows;
import io.eventwalker.lineprovider.bus.EventMessages.PendingOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/** The outbox's addresses ({@code OutboxRepositoryVerticle}): the rows still to publish, and marking them published. */
public final class OutboxBus {

  private OutboxBus() {
  }

  /** Up to {@code pending.limit()} rows not yet published, oldest first. */
  public static Future<OutboxRows> pending(Vertx vertx, PendingOutbox pending, DeliveryOptions options) {
    return vertx.eventBus().<OutboxRows>request(Addresses.OUTBOX_PENDING, pending, options).map(Message::body);
  }

  /** Marks rows published; completes with how many were not already. */
  public static Future<Integer> markPublished(Vertx vertx, MarkPublished rows, DeliveryOptions options) {
    return vertx.eventBus().<Integer>request(Addresses.OUTBOX_PUBLISHED, rows, options).map(Message::body);
  }
}
