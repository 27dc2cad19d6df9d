package io.eventwalker.wire;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventwalker.platform.tracing.Tracing;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The RabbitMQ topology both services rely on, declared (idempotently, with the same arguments)
 * by whichever side connects: declarations are repeated on every (re)connect.
 *
 * <pre>
 * line-provider.requests           durable classic queue; requests from bet-maker (default exchange)
 * event-walker.event-updates       durable direct exchange; routing key = subscriber name
 *   └─ &lt;subscriber&gt;.event-updates  durable quorum queue, delivery limit, dead-letters to ↓
 * event-walker.dead-letter         durable direct exchange; routing key = subscriber name
 *   └─ &lt;subscriber&gt;.event-updates.dead-letter  durable classic queue, kept for inspection
 * </pre>
 */
public final class Topology {

  public static final String UPDATES_EXCHANGE = "event-walker.event-updates";
  public static final String DEAD_LETTER_EXCHANGE = "event-walker.dead-letter";
  /**
   * Deliveries of one update message before the broker dead-letters it instead of redelivering: a
   * last resort against a message that kills its consumer every time. Measured on RabbitMQ 3.10: a
   * message returned by a lost connection counts as a delivery, so the limit is high enough that
   * reconnects during an outage never reach it; bet-maker dead-letters poison itself, with a reason.
   */
  public static final int DELIVERY_LIMIT = 50;

  public static final String JSON = "application/json";
  public static final String TYPE_EVENT_UPDATE = "event_update";

  private static final Pattern SUBSCRIBER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Topology() {
  }

  /** A subscriber's name: lower-case letters, digits and dashes, and never {@code event-walker}, the exchanges' prefix. */
  public static boolean isValidSubscriber(String name) {
    return name != null && SUBSCRIBER.matcher(name).matches() && !name.equals("event-walker");
  }

  public static String updatesQueue(String subscriber) {
    return subscriber + ".event-updates";
  }

  public static String deadLetterQueue(String subscriber) {
    return subscriber + ".event-updates.dead-letter";
  }

  /** line-provider's request queue (named by {@code LINE_PROVIDER_QUEUE}; requests go through the default exchange). */
  public static void declareRequests(Channel ch, String queue) throws Exception {
    ch.queueDeclare(queue, true, false, false, Map.of());
  }

  /** The updates exchange and {@code subscriber}'s queue, binding and dead-letter queue. */
  public static void declareUpdates(Channel ch, String subscriber) throws Exception {
    if (!isValidSubscriber(subscriber)) {
      throw new IllegalArgumentException("invalid subscriber name: " + subscriber);
    }
    ch.exchangeDeclare(UPDATES_EXCHANGE, "direct", true, false, Map.of());
    ch.exchangeDeclare(DEAD_LETTER_EXCHANGE, "direct", true, false, Map.of());
    ch.queueDeclare(deadLetterQueue(subscriber), true, false, false, Map.of());
    ch.queueBind(deadLetterQueue(subscriber), DEAD_LETTER_EXCHANGE, subscriber);
    ch.queueDeclare(updatesQueue(subscriber), true, false, false, Map.of(
      "x-queue-type", "quorum",
      "x-delivery-limit", DELIVERY_LIMIT,
      "x-dead-letter-exchange", DEAD_LETTER_EXCHANGE,
      "x-dead-letter-routing-key", subscriber));
    ch.queueBind(updatesQueue(subscriber), UPDATES_EXCHANGE, subscriber);
  }

  /**
   * Properties of an update message: persistent, JSON, identified by event and version, and
   * stamped with the publisher's RabbitMQ user ({@code user-id}), which the broker checks against
   * the connection's user, so a consumer can tell line-provider's updates from anyone else's.
   */
  /**
   * {@code changedAt}: when line-provider committed the change, or null (a state sent again);
   * {@code traceparent}: the W3C trace context the update continues, or null.
   */
  public static AMQP.BasicProperties updateProperties(String eventId, long version, String publisher, Instant changedAt,
                                                      String traceparent) {
    Map<String, Object> headers = new HashMap<>(4);
    if (changedAt != null) {
      headers.put(CHANGED_AT_HEADER, changedAt.toEpochMilli());
    }
    if (traceparent != null) {
      headers.put(Tracing.TRACEPARENT, traceparent);
    }
    return new AMQP.BasicProperties.Builder()
      .contentType(JSON)
      .deliveryMode(2)
      .type(TYPE_EVENT_UPDATE)
      .messageId(eventId + ":" + version)
      .userId(publisher)
      .timestamp(new java.util.Date())
      .headers(headers)
      .build();
  }

  /**
   * Header of an update: when line-provider committed the change, in ms since the epoch (a
   * reader that does not know it ignores it). bet-maker times its settlements from it.
   */
  public static final String CHANGED_AT_HEADER = "x-event-walker-changed-at";

  /** The {@value #CHANGED_AT_HEADER} header of a message's properties, or null when absent or not a number. */
  public static Instant changedAt(AMQP.BasicProperties properties) {
    Object value = properties.getHeaders() == null ? null : properties.getHeaders().get(CHANGED_AT_HEADER);
    return value instanceof Number ms ? Instant.ofEpochMilli(ms.longValue()) : null;
  }

  /** Header of a dead-lettered message: why it was dead-lettered. */
  public static final String REASON_HEADER = "x-event-walker-reason";
  /**
   * Header of a dead-lettered message: the {@code user-id} it was received with, as the broker
   * verified it (absent when it had none). Informative only: bet-maker's user writes it, so a
   * replay never trusts it (or anything else in a dead letter).
   */
  public static final String PUBLISHER_HEADER = "x-event-walker-published-by";
}
