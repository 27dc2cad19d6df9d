package io.eventwalker.lineprovider.bus;

import io.eventwalker.lineprovider.bus.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.DurablePage;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.Subscribers;
import io.eventwalker.lineprovider.bus.EventMessages.SubscribersOf;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/** The subscriptions' addresses: recorded in PostgreSQL ({@code SubscriptionRepositoryVerticle}) and looked up in Redis ({@code SubscriptionStoreVerticle}). */
public final class SubscriptionsBus {

  private SubscriptionsBus() {
  }

  /** Records (or renews) subscriptions to events that exist; completes with those recorded. */
  public static Future<AddSubscriptions> record(Vertx vertx, AddSubscriptions subscriptions, DeliveryOptions options) {
    return vertx.eventBus().<AddSubscriptions>request(Addresses.SUBSCRIPTIONS_RECORD, subscriptions, options).map(Message::body);
  }

  /** A page of the durable subscriptions, by event id. */
  public static Future<DurablePage> durable(Vertx vertx, DurableSubscriptions page, DeliveryOptions options) {
    return vertx.eventBus().<DurablePage>request(Addresses.SUBSCRIPTIONS_DURABLE, page, options).map(Message::body);
  }

  /** Adds subscriptions in Redis (after they were recorded in PostgreSQL); completes with "OK". */
  public static Future<String> add(Vertx vertx, AddSubscriptions subscriptions, DeliveryOptions options) {
    return vertx.eventBus().<String>request(Addresses.SUBSCRIPTIONS_ADD, subscriptions, options).map(Message::body);
  }

  /** The subscribers of each event named; fails with a 503 problem while Redis does not hold them all. */
  public static Future<Subscribers> subscribersOf(Vertx vertx, SubscribersOf events, DeliveryOptions options) {
    return vertx.eventBus().<Subscribers>request(Addresses.SUBSCRIPTIONS_OF, events, options).map(Message::body);
  }
}
