package io.eventwalker.platform.messaging;

import io.eventwalker.platform.dependencies.DependencyConfig;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Rabbit;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector every RabbitMQ bridge uses, against the real broker: it comes back by itself. */
@ExtendWith(VertxExtension.class)
class RabbitConnectorTest {

  private final String queue = "t" + UUID.randomUUID().toString().substring(0, 8) + ".connector-test";
  /** The connector's name: unique, so that the test cuts only its own connection (others may share the broker). */
  private final String name = queue;
  private RabbitConnector connector;

  @AfterEach
  void stop(Vertx vertx) {
    if (connector != null) {
      connector.stop().await();
    }
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.channel().queueDelete(queue);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void redeclaresAndConsumesAgainAfterTheBrokerDropsTheConnection(Vertx vertx, VertxTestContext ctx) throws Exception {
    Backing.requireRunning();
    Backing.RabbitMq rabbitmq = Backing.rabbitmq();
    RabbitConfig settings = new RabbitConfig(rabbitmq.host(), rabbitmq.port(), "/", rabbitmq.user(),
      rabbitmq.password(), "RABBITMQ_PASSWORD", 2_000, 10, 200, 5_000, new DependencyConfig(30_000, 1_000));
    CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
    CopyOnWriteArrayList<String> acked = new CopyOnWriteArrayList<>();
    var connected = ctx.checkpoint(2); // the first connection, then the one after the cut
    vertx.runOnContext(start -> {
      connector = new RabbitConnector(vertx, settings, name, Meters.of(vertx, "test"), (c, ch) -> {
        ch.queueDeclare(queue, false, false, true, Map.of());
        c.consume(ch, queue, false, delivery -> {
          String body = delivery.body().toString(StandardCharsets.UTF_8);
          received.add(body);
          c.ack(delivery).onSuccess(done -> acked.add(body));
        });
      }).onConnected(v -> connected.flag());
      connector.start();
    });
    long firstGeneration;
    try (Rabbit rabbit = new Rabbit()) {
      waitFor(() -> connector != null && connector.isConnected());
      firstGeneration = connector.generation();
      rabbit.publish("", queue, "before");
      // Its ack is sent after it is received: cut before that, the broker would deliver it again.
      waitFor(() -> acked.contains("before"));
      Rabbit.closeConnectionsNamed("event-walker-" + name);
    }
    waitFor(() -> connector.isConnected() && connector.generation() > firstGeneration);
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.publish("", queue, "after");
      waitFor(() -> received.contains("after"));
    }
    assertThat(received).containsExactly("before", "after");
    assertThat(ctx.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Somebody deletes the queue it consumes (a user with configure rights on it): it declares it again and consumes. */
  @Test
  void declaresAndConsumesAgainWhenItsQueueIsDeleted(Vertx vertx) throws Exception {
    Backing.requireRunning();
    Backing.RabbitMq rabbitmq = Backing.rabbitmq();
    RabbitConfig settings = new RabbitConfig(rabbitmq.host(), rabbitmq.port(), "/", rabbitmq.user(),
      rabbitmq.password(), "RABBITMQ_PASSWORD", 2_000, 10, 200, 5_000, new DependencyConfig(30_000, 1_000));
    CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
    vertx.runOnContext(start -> {
      connector = new RabbitConnector(vertx, settings, name, Meters.of(vertx, "test"), (c, ch) -> {
        ch.queueDeclare(queue, true, false, false, Map.of());
        c.consume(ch, queue, true, delivery -> received.add(delivery.body().toString(StandardCharsets.UTF_8)));
      });
      connector.start();
    });
    waitFor(() -> connector != null && connector.isConnected());
    long firstGeneration = connector.generation();
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.channel().queueDelete(queue);
      waitFor(() -> connector.isConnected() && connector.generation() > firstGeneration);
      rabbit.publish("", queue, "after the delete");
      waitFor(() -> received.contains("after the delete"));
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    io.eventwalker.testing.Await.until("the connector", java.time.Duration.ofSeconds(20), condition);
  }
}
