package io.eventwalker.lineprovider.outbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.events.EventQueries;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.messaging.RabbitConfig;
import io.eventwalker.wire.EventIds;
import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.Topology;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code java -jar event-walker.jar dead-letters [list|replay]}: the operator's view of a
 * subscriber's dead-letter queue ({@code <BM_SUBSCRIBER>.event-updates.dead-letter}), run as
 * line-provider (its RabbitMQ user, its database).
 *
 * <p>{@code list} prints every dead letter (message id, reason, the {@code user-id} the broker
 * verified when bet-maker received it, body) and leaves them in the queue. {@code replay}, once
 * the cause is fixed, never republishes a letter: nothing in a dead letter is verified by the
 * broker any more (bet-maker's user wrote its headers, and anyone who could write to the
 * subscriber's queue wrote its body). For each letter that names an event, line-provider's own
 * current state of that event is read from line-provider's database and published to the
 * subscriber as line-provider publishes any update; bet-maker applies it only where it is newer
 * than what it holds, as always. The letter is then removed. A letter that names no event, or an
 * event line-provider does not know, stays for inspection.
 */
public final class DeadLetterReplay {

  private final LineProviderConfig lineProvider;
  private final String subscriber;
  private final PrintStream out;

  public DeadLetterReplay(LineProviderConfig lineProvider, String subscriber, PrintStream out) {
    this.lineProvider = lineProvider;
    this.subscriber = subscriber;
    this.out = out;
  }

  /** {@code replay}: false to list only. Returns how many letters were replayed. Blocking: not on an event loop. */
  public int run(Vertx vertx, boolean replay) throws Exception {
    String queue = Topology.deadLetterQueue(subscriber);
    RabbitConfig rabbit = lineProvider.rabbit();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(rabbit.host());
    factory.setPort(rabbit.port());
    factory.setVirtualHost(rabbit.vhost());
    factory.setUsername(rabbit.user());
    factory.setPassword(rabbit.password());
    factory.setConnectionTimeout(5_000);
    Pool pool = replay ? Databases.pool(vertx, lineProvider.database(), "line-provider-dead-letters") : null;
    try (Connection connection = factory.newConnection("event-walker-dead-letters")) {
      long waiting;
      try (Channel probe = connection.createChannel()) {
        waiting = probe.messageCount(queue);
      } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
        out.printf("%s does not exist (bet-maker has not run on this broker yet): no dead letters%n", queue);
        return 0;
      }
      Channel ch = connection.createChannel();
      ch.confirmSelect();
      java.util.concurrent.atomic.AtomicBoolean unrouted = new java.util.concurrent.atomic.AtomicBoolean();
      ch.addReturnListener(returned -> unrouted.set(true)); // before its confirm: no queue took the copy
      out.printf("%s: %d dead letters%n", queue, waiting);
      int replayed = 0;
      for (long i = 0; i < waiting; i++) {
        GetResponse letter = ch.basicGet(queue, false);
        if (letter == null) {
          break;
        }
        AMQP.BasicProperties props = letter.getProps();
        Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
        Object verified = headers.get(Topology.PUBLISHER_HEADER);
        out.printf("- message_id %s, user-id when received %s%n  reason: %s%n  body: %s%n", props.getMessageId(),
          verified == null ? "(none)" : verified,
          headers.getOrDefault(Topology.REASON_HEADER, "(none: dead-lettered by the broker's delivery limit)"),
          new String(letter.getBody(), StandardCharsets.UTF_8));
        if (!replay) {
          continue;
        }
        String eventId = eventIdOf(letter.getBody());
        EventState current = eventId == null ? null : currentState(pool, eventId);
        if (current == null) {
          out.println(eventId == null ? "  kept: it names no event" : "  kept: line-provider does not know event " + eventId);
          continue;
        }
        unrouted.set(false);
        ch.basicPublish(Topology.UPDATES_EXCHANGE, subscriber, true,
          Topology.updateProperties(current.eventId(), current.version(), rabbit.user(), null, null),
          current.toJson().toBuffer().getBytes());
        ch.waitForConfirmsOrDie(10_000);
        if (unrouted.get()) {
          out.println("  kept: no queue of " + subscriber + " is bound to take it (start the subscriber, then replay)");
          continue;
        }
        ch.basicAck(letter.getEnvelope().getDeliveryTag(), false);
        out.printf("  replayed as line-provider's current state of %s: version %d, %s%n", current.eventId(), current.version(),
          current.status());
        replayed++;
      }
      // Letters not acknowledged go back to the queue when the channel closes.
      if (replay) {
        out.printf("replayed %d; %d left in %s%n", replayed, waiting - replayed, queue);
      }
      return replayed;
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  /** The {@code event_id} a letter's body names, or null when it names none (it is only a hint: the state replayed is line-provider's). */
  static String eventIdOf(byte[] body) {
    try {
      Object parsed = StrictJson.parse(body);
      return parsed instanceof Map<?, ?> map && map.get("event_id") instanceof String id && EventIds.isValid(id) ? id : null;
    } catch (StrictJson.MalformedJsonException e) {
      return null;
    }
  }

  private static EventState currentState(Pool pool, String eventId) {
    Iterator<Row> rows = pool.preparedQuery(EventQueries.GET_EVENT).execute(Tuple.of(eventId)).await().iterator();
    return rows.hasNext() ? EventRows.read(rows.next()) : null;
  }
}
