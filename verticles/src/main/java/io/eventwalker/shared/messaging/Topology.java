package io.eventwalker.shared.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

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
  /** Deliveries of one update message before the broker dead-letters it instead of redelivering. */
  public static final int DELIVERY_LIMIT = 5;

  public static final String JSON = "application/json";
  public static final String TYPE_EVENT_UPDATE = "event_update";

  private static final Pattern SUBSCRIBER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Topology() {
  }

  public static boolean isValidSubscriber(String name) {
    return name != null && SUBSCRIBER.matcher(name).matches();
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

  /** Properties of an update message: persistent, JSON, identified by event and version. */
  public static AMQP.BasicProperties updateProperties(String eventId, long version) {
    return new AMQP.BasicProperties.Builder()
      .contentType(JSON)
      .deliveryMode(2)
      .type(TYPE_EVENT_UPDATE)
      .messageId(eventId + ":" + version)
      .timestamp(new java.util.Date())
      .build();
  }
}
