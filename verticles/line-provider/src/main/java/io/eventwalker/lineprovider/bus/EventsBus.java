package io.eventwalker.lineprovider.bus;

import io.eventwalker.lineprovider.bus.EventMessages.CreateEvents;
import io.eventwalker.lineprovider.bus.EventMessages.Events;
import io.eventwalker.lineprovider.bus.EventMessages.GetEvent;
import io.eventwalker.lineprovider.bus.EventMessages.GetStates;
import io.eventwalker.lineprovider.bus.EventMessages.ListEvents;
import io.eventwalker.lineprovider.bus.EventMessages.UpdateEvents;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The events' addresses ({@code EventRepositoryVerticle}, {@code EventWrites}): create, change and read events. */
public final class EventsBus {

  private EventsBus() {
  }

  /** Creates events, each with its outbox row; fails with a problem (409 for an id that exists). */
  public static Future<Events> create(Vertx vertx, CreateEvents events, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_CREATE, events, options);
  }

  /** Changes events, each change with its outbox row; fails with a problem (404 unknown, 409 refused). */
  public static Future<Events> update(Vertx vertx, UpdateEvents changes, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_UPDATE, changes, options);
  }

  /** One event; fails with a 404 problem when there is none. */
  public static Future<EventState> get(Vertx vertx, GetEvent event, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_GET, event, options);
  }

  /** A page of events by id. */
  public static Future<EventPage> list(Vertx vertx, ListEvents query, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_LIST, query, options);
  }

  /** The states of the events named, and the ids of those there are none of. */
  public static Future<EventStates> states(Vertx vertx, GetStates events, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.EVENTS_STATES, events, options);
  }
}
