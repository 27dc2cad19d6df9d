package io.eventwalker.lineprovider.bus;

import io.eventwalker.lineprovider.config.Subscribers;
import io.eventwalker.platform.eventbus.LocalCodec;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.eventwalker.wire.EventStatus;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The records line-provider's verticles exchange over the event bus (passed by reference). */
public final class EventMessages {

  /**
   * {@code single}: the client sent one object, so errors carry no item index. {@code traceparent}:
   * the request's trace context, stored with the outbox rows (null when not traced).
   * {@code deadlineMillis}: the write commits before it or not at all.
   */
  public record CreateEvents(List<NewEvent> events, boolean single, String traceparent, long deadlineMillis) {
    public CreateEvents {
      events = List.copyOf(events);
    }
  }

  public record UpdateEvents(List<EventChange> changes, boolean single, String traceparent, long deadlineMillis) {
    public UpdateEvents {
      changes = List.copyOf(changes);
    }
  }

  public record Events(List<EventState> events) {
    public Events {
      events = List.copyOf(events);
    }
  }

  public record GetEvent(String eventId) {
  }

  /**
   * A page of events ordered by id. {@code status} null means any; {@code openOnly} keeps the
   * events open for bets now; {@code after} is the last id of the previous page, or null.
   */
  public record ListEvents(EventStatus status, boolean openOnly, String after, int limit) {
  }

  public record GetStates(List<String> eventIds) {
    public GetStates {
      eventIds = List.copyOf(eventIds);
    }
  }

  public record PendingOutbox(int limit) {
  }

  /**
   * One committed change waiting to be published: its payload is an {@link EventState} in JSON;
   * {@code changedAt} is when it was written, just before its transaction committed;
   * {@code traceparent} the trace context of the request that made it (null when not traced).
   */
  public record OutboxRow(long id, String eventId, long version, String payload, Instant changedAt, String traceparent) {
  }

  public record OutboxRows(List<OutboxRow> rows) {
    public OutboxRows {
      rows = List.copyOf(rows);
    }
  }

  public record MarkPublished(List<Long> ids) {
    public MarkPublished {
      ids = List.copyOf(ids);
    }
  }

  /** {@code all}: subscribe to every event, present and future ({@code eventIds} is then empty). */
  public record AddSubscriptions(String subscriber, List<String> eventIds, boolean all) {
    public AddSubscriptions {
      eventIds = List.copyOf(eventIds);
    }
  }

  /** A page of the durable subscriptions, by event id, after {@code afterEventId} (null: from the start). */
  public record DurableSubscriptions(String afterEventId, int limit) {
  }

  /** The subscribers of one event ({@code *}: of every event) and when the last of them renewed. */
  public record DurableSubscription(String eventId, List<String> subscribers, java.time.Instant renewedAt) {
    public DurableSubscription {
      subscribers = List.copyOf(subscribers);
    }
  }

  /** {@code nextAfter}: where the next page starts, or null after the last page. */
  public record DurablePage(List<DurableSubscription> subscriptions, String nextAfter) {
    public DurablePage {
      subscriptions = List.copyOf(subscriptions);
    }
  }

  public record SubscribersOf(List<String> eventIds) {
    public SubscribersOf {
      eventIds = List.copyOf(eventIds);
    }
  }

  /** Subscribers by event id; an event nobody subscribed to maps to an empty list. */
  public record Subscribers(Map<String, List<String>> byEvent) {
    public Subscribers {
      byEvent = Map.copyOf(byEvent);
    }
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.register(vertx, CreateEvents.class, UpdateEvents.class, Events.class, GetEvent.class,
      ListEvents.class, EventPage.class, GetStates.class, EventStates.class, PendingOutbox.class, OutboxRows.class,
      MarkPublished.class, AddSubscriptions.class, DurableSubscriptions.class, DurablePage.class, SubscribersOf.class, Subscribers.class, EventState.class);
  }

  private EventMessages() {
  }
}
