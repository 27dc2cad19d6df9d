package io.eventwalker.lineprovider.bus;

/** Event-bus addresses inside line-provider, owned here. None of them is reachable from outside the JVM. */
public final class Addresses {

  /** {@link EventMessages.CreateEvents} → {@link EventMessages.Events}. */
  public static final String EVENTS_CREATE = "line.events.create";
  /** {@link EventMessages.UpdateEvents} → {@link EventMessages.Events}. */
  public static final String EVENTS_UPDATE = "line.events.update";
  /** {@link EventMessages.GetEvent} → {@link io.eventwalker.wire.EventState}, or a 404 failure. */
  public static final String EVENTS_GET = "line.events.get";
  /** {@link EventMessages.ListEvents} → {@link EventPage}. */
  public static final String EVENTS_LIST = "line.events.list";
  /** {@link EventMessages.GetStates} → {@link EventStates}. */
  public static final String EVENTS_STATES = "line.events.states";

  /** {@link EventMessages.PendingOutbox} → {@link EventMessages.OutboxRows}. */
  public static final String OUTBOX_PENDING = "line.outbox.pending";
  /** {@link EventMessages.MarkPublished} → number of rows marked. */
  public static final String OUTBOX_PUBLISHED = "line.outbox.published";
  /** Published (no reply) after a commit that wrote outbox rows, to wake the relay. */
  public static final String OUTBOX_WRITTEN = "line.outbox.written";
  /**
   * Published (no reply) after a commit that created or changed events: a {@link io.vertx.core.json.JsonArray}
   * of their new states ({@link io.eventwalker.wire.EventState#toJson}), for {@code LineBridge} to push to its
   * sockets. Published to every line-provider of a cluster, like {@link #OUTBOX_WRITTEN}.
   */
  public static final String EVENTS_CHANGED = "line.events.changed";

  /** {@link EventMessages.AddSubscriptions} → "OK": recorded in PostgreSQL, before Redis is told. */
  public static final String SUBSCRIPTIONS_RECORD = "line.subscriptions.record";
  /** {@link EventMessages.DurableSubscriptions} → {@link EventMessages.DurablePage}: what to put back into an emptied Redis. */
  public static final String SUBSCRIPTIONS_DURABLE = "line.subscriptions.durable";
  /** {@link EventMessages.AddSubscriptions} → "OK": added in Redis. */
  public static final String SUBSCRIPTIONS_ADD = "line.subscriptions.add";
  /** {@link EventMessages.SubscribersOf} → {@link EventMessages.Subscribers}. */
  public static final String SUBSCRIPTIONS_OF = "line.subscriptions.of";

  /** Readiness probes: "ping" → "UP", or a 503 failure saying why not. */
  public static final String READY_POSTGRES = "line.ready.postgres";
  public static final String READY_REDIS = "line.ready.redis";
  public static final String READY_RABBITMQ_REQUESTS = "line.ready.rabbitmq.requests";
  public static final String READY_RABBITMQ_OUTBOX = "line.ready.rabbitmq.outbox";

  private Addresses() {
  }
}
