package io.eventwalker.lineprovider.bus;

import io.eventwalker.lineprovider.bus.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.DurablePage;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.Subscribers;
import io.eventwalker.lineprovider.bus.EventMessages.SubscribersOf;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The subscriptions' addresses: recorded in PostgreSQL ({@code SubscriptionRepositoryVerticle}) and looked up in Redis ({@code SubscriptionStoreVerticle}). */
public final class SubscriptionsBus {

  private SubscriptionsBus() {
  }

  /** Records (or renews) subscriptions to events that exist; completes with those recorded. */
  public static Future<AddSubscriptions> record(Vertx vertx, AddSubscriptions subscriptions, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.SUBSCRIPTIONS_RECORD, subscriptions, options);
  }

  /** A page of the durable subscriptions, by event id. */
  public static Future<DurablePage> durable(Vertx vertx, DurableSubscriptions page, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.SUBSCRIPTIONS_DURABLE, page, options);
  }

  /** Adds subscriptions in Redis (after they were recorded in PostgreSQL); completes with "OK". */
  public static Future<String> add(Vertx vertx, AddSubscriptions subscriptions, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.SUBSCRIPTIONS_ADD, subscriptions, options);
  }

  /** The subscribers of each event named; fails with a 503 problem while Redis does not hold them all. */
  public static Future<Subscribers> subscribersOf(Vertx vertx, SubscribersOf events, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.SUBSCRIPTIONS_OF, events, options);
  }
}
