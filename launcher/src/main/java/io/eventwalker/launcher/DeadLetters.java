package io.eventwalker.launcher;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.eventwalker.betmaker.BetMakerConfig;
import io.eventwalker.lineprovider.LineProviderConfig;
import io.eventwalker.platform.messaging.RabbitConfig;
import io.eventwalker.wire.Topology;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar event-walker.jar dead-letters [list|replay]}: the operator's view of bet-maker's
 * dead-letter queue ({@code <BM_SUBSCRIBER>.event-updates.dead-letter}).
 *
 * <p>{@code list} prints every dead letter (message id, reason, publisher, body) and leaves them
 * in the queue. {@code replay} publishes again, to bet-maker's update queue, every dead letter
 * that line-provider published (once the cause is fixed: a poison update whose data the database
 * now takes, say), stamped with line-provider's user as the relay would, and removes it from the
 * dead-letter queue once the broker confirmed the copy. Messages published by anyone else are
 * never replayed: they stay for inspection. It connects as line-provider's RabbitMQ user.
 */
final class DeadLetters {

  private final LineProviderConfig lineProvider;
  private final BetMakerConfig betMaker;
  private final PrintStream out;

  DeadLetters(LineProviderConfig lineProvider, BetMakerConfig betMaker, PrintStream out) {
    this.lineProvider = lineProvider;
    this.betMaker = betMaker;
    this.out = out;
  }

  int run(String action) throws Exception {
    String subscriber = betMaker.line().subscriber();
    String queue = Topology.deadLetterQueue(subscriber);
    RabbitConfig rabbit = lineProvider.rabbit();
    String user = rabbit.user();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(rabbit.host());
    factory.setPort(rabbit.port());
    factory.setVirtualHost(rabbit.vhost());
    factory.setUsername(user);
    factory.setPassword(rabbit.password());
    factory.setConnectionTimeout(5_000);
    try (Connection connection = factory.newConnection("event-walker-dead-letters")) {
      long waiting;
      try (Channel probe = connection.createChannel()) {
        waiting = probe.messageCount(queue);
      } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
        out.printf("%s does not exist (bet-maker has not run on this broker yet): no dead letters%n", queue);
        return 0;
      }
      Channel ch = connection.createChannel();
      ch.confirmSelect();
      out.printf("%s: %d dead letters%n", queue, waiting);
      int replayed = 0;
      int kept = 0;
      for (long i = 0; i < waiting; i++) {
        GetResponse letter = ch.basicGet(queue, false);
        if (letter == null) {
          break;
        }
        AMQP.BasicProperties props = letter.getProps();
        Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
        Object publisher = headers.get(Topology.PUBLISHER_HEADER);
        String body = new String(letter.getBody(), StandardCharsets.UTF_8);
        out.printf("- message_id %s, published by %s%n  reason: %s%n  body: %s%n", props.getMessageId(), publisher,
          headers.getOrDefault(Topology.REASON_HEADER, "(none: dead-lettered by the broker's delivery limit)"), body);
        if (action.equals("replay") && user.equals(String.valueOf(publisher))) {
          Map<String, Object> kept_headers = new HashMap<>(headers);
          kept_headers.remove(Topology.REASON_HEADER);
          kept_headers.remove(Topology.PUBLISHER_HEADER);
          AMQP.BasicProperties copy = props.builder().headers(kept_headers).userId(user).deliveryMode(2).build();
          ch.basicPublish(Topology.UPDATES_EXCHANGE, subscriber, copy, letter.getBody());
          ch.waitForConfirmsOrDie(10_000);
          ch.basicAck(letter.getEnvelope().getDeliveryTag(), false);
          out.println("  replayed");
          replayed++;
        } else {
          kept++;
        }
      }
      // Unacknowledged letters go back to the queue when the channel closes.
      if (action.equals("replay")) {
        out.printf("replayed %d; %d left in %s (not published by %s, or not asked to)%n", replayed, kept, queue, user);
      }
    }
    return 0;
  }
}
