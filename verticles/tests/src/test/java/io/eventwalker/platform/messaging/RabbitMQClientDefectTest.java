package io.eventwalker.platform.messaging;

import com.rabbitmq.client.GetResponse;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Rabbit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Why the RabbitMQ bridges use amqp-client through {@link RabbitConnector} and not vertx-rabbitmq-client 5.0.7's
 * {@link RabbitMQClient}, shown against the real broker.
 *
 * <p>The defect: {@link RabbitMQClient} binds no call to a channel. Each call runs on whichever channel the client holds
 * when its blocking task runs, the client replaces a closed channel or a lost connection behind the caller's back, and
 * neither a delivery nor a call result says which connection or channel it belongs to. An acknowledgement or a wait for
 * confirms therefore lands on a channel that never saw the delivery or the publish: after the client's reconnect an
 * ack meant for one message acknowledges another, and after a channel error {@code waitForConfirms} confirms a publish
 * the broker refused. A layer over the client cannot bind a call to a channel either (the API takes a bare delivery
 * tag, and the client picks the channel when the task runs), so the connector stays.
 *
 * <p>These tests pass while the defect is there. When one fails, the client has changed: see "RabbitMQ client" in
 * docs/architecture.md before moving the bridges onto it.
 */
@ExtendWith(VertxExtension.class)
class RabbitMQClientDefectTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /** The queue and the client's connection name: unique, so that the test cuts only its own connection. */
  private final String name = "t" + UUID.randomUUID().toString().substring(0, 8) + ".vertx-client-defect";
  private RabbitMQClient client;
  private RabbitMQConsumer consumer;

  @BeforeEach
  void declare() throws Exception {
    Backing.requireRunning();
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.channel().queueDeclare(name, false, false, false, Map.of());
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    stopClient();
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.channel().queueDelete(name);
    }
  }

  @ParameterizedTest(name = "automatic recovery {0}")
  @ValueSource(booleans = {false, true})
  void anAckFromBeforeTheClientsReconnectAcknowledgesAnotherMessage(boolean automaticRecovery, Vertx vertx) {
    start(vertx, automaticRecovery);
    List<RabbitMQMessage> received = new CopyOnWriteArrayList<>();
    consumer = await("basicConsumer", client.basicConsumer(name, new QueueOptions().setAutoAck(false)));
    consumer.handler(received::add);
    RabbitMQMessage b;
    RabbitMQMessage c;
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.publish("", name, "a");
      rabbit.publish("", name, "b");
      waitFor("a and b delivered", () -> bodies(received).equals(List.of("a", "b")));
      await("the ack of a", client.basicAck(received.get(0).envelope().getDeliveryTag(), false));
      b = received.get(1);

      // b is still being worked on when the broker cuts the connection: it goes back to the queue, and the client
      // reconnects and consumes again by itself.
      Rabbit.closeConnectionsNamed(name);
      message(received, "b redelivered on the client's new connection", m -> body(m).equals("b") && m.envelope().isRedeliver());
      rabbit.publish("", name, "c");
      c = message(received, "c delivered on the new connection", m -> body(m).equals("c"));
    }
    assertThat(c.envelope().getDeliveryTag())
      .as("delivery tags start again on the new channel: c carries the tag b was first delivered with")
      .isEqualTo(b.envelope().getDeliveryTag());

    // The work on b that began before the cut ends now and acknowledges b with the tag b came with. Nothing in the
    // message or the client tells that this tag belongs to a channel that no longer exists.
    Future<Void> lateAck = client.basicAck(b.envelope().getDeliveryTag(), false);
    waitFor("the late ack of b to complete", lateAck::isComplete);
    assertThat(lateAck.succeeded()).as("the client reports the late ack of b as done (%s)", lateAck.cause()).isTrue();

    // Closing the client returns every unacknowledged delivery to the queue: what is missing was acknowledged.
    stopClient();
    List<String> left = drainQueue();
    assertThat(left)
      .as("the defect: the late ack meant for b lands on the client's new channel and acknowledges c there, so c"
        + " leaves the queue though nobody acknowledged it (lost if the process stops before handling it) and b is"
        + " handled twice. Left in the queue: %s (b and c both left means the stale ack was dropped or refused: the"
        + " client no longer has this defect)", left)
      .containsExactly("b");
  }

  @ParameterizedTest(name = "automatic recovery {0}")
  @ValueSource(booleans = {false, true})
  void waitForConfirmsAfterTheClientReplacedAClosedChannelConfirmsAPublishTheBrokerRefused(boolean automaticRecovery, Vertx vertx) {
    start(vertx, automaticRecovery);
    await("confirmSelect", client.confirmSelect());
    String missing = name + ".no-such-exchange";

    // Any channel error between a publish and the wait for its confirm: here an exchange that does not exist
    // (404 NOT_FOUND); a user-id the broker refuses or an unknown delivery tag close the channel the same way.
    Future<Void> published = client.basicPublish(missing, "any", Buffer.buffer("refused"));
    waitFor("the publish to complete", published::isComplete);
    assertThat(published.succeeded()).as("a publish is asynchronous: the client reports it sent (%s)", published.cause()).isTrue();
    waitFor("the broker to close the client's channel", () -> !client.isOpenChannel());

    Future<Void> confirmed = client.waitForConfirms(2_000);
    waitFor("waitForConfirms to complete", confirmed::isComplete);
    assertThat(confirmed.succeeded())
      .as("the defect: waitForConfirms runs on a channel the client opened in place of the closed one, where nothing"
        + " was published, and succeeds, so the message the broker refused counts as confirmed (an outbox relay would"
        + " mark it published and never send it). A failure here (%s) means the client no longer has this defect",
        confirmed.cause())
      .isTrue();
    assertThat(client.isOpenChannel()).as("the client opened a new channel without telling the caller").isTrue();
  }

  /** {@code automaticRecovery}: amqp-client's own recovery as well as the client's reconnect (the defect is the same). */
  private void start(Vertx vertx, boolean automaticRecovery) {
    client = RabbitMQClient.create(vertx, new RabbitMQOptions()
      .setHost(Backing.rabbitmq().host())
      .setPort(Backing.rabbitmq().port())
      .setUser(Backing.rabbitmq().user())
      .setPassword(Backing.rabbitmq().password())
      .setConnectionName(name)
      .setReconnectAttempts(Integer.MAX_VALUE)
      // A lost connection starts two reconnects in the client, its consumer's and its connection listener's; the
      // one that finds the other under way retries after this interval, and stop() does not cancel that retry. A
      // short interval lets both finish while the test runs, so none reconnects the client after stop().
      .setReconnectInterval(10)
      .setAutomaticRecoveryEnabled(automaticRecovery));
    await("start", client.start());
  }

  private void stopClient() {
    if (client == null) {
      return;
    }
    if (consumer != null) {
      // A consumer that is not cancelled makes the client reconnect when its own connection closes, stop() included.
      Future<Void> cancelled = consumer.cancel();
      waitFor("the consumer's cancel to complete", cancelled::isComplete);
      consumer = null;
    }
    await("stop", client.stop());
    client = null;
    try (Rabbit rabbit = new Rabbit()) {
      waitFor("the broker to drop the client's consumer", () -> consumers(rabbit) == 0);
    }
  }

  /** Takes every message off the queue (acknowledged: the queue is deleted afterwards) and returns their bodies. */
  private List<String> drainQueue() {
    List<String> bodies = new ArrayList<>();
    try (Rabbit rabbit = new Rabbit()) {
      GetResponse response;
      while ((response = rabbit.channel().basicGet(name, true)) != null) {
        bodies.add(new String(response.getBody(), StandardCharsets.UTF_8));
      }
    } catch (Exception e) {
      throw new AssertionError("cannot read " + name, e);
    }
    return bodies;
  }

  private long consumers(Rabbit rabbit) {
    try {
      return rabbit.channel().consumerCount(name);
    } catch (Exception e) {
      throw new AssertionError("cannot count the consumers of " + name, e);
    }
  }

  private static RabbitMQMessage message(List<RabbitMQMessage> received, String what, Predicate<RabbitMQMessage> which) {
    waitFor(what, () -> received.stream().anyMatch(which));
    return received.stream().filter(which).findFirst().orElseThrow();
  }

  private static List<String> bodies(List<RabbitMQMessage> messages) {
    return messages.stream().map(RabbitMQClientDefectTest::body).toList();
  }

  private static String body(RabbitMQMessage message) {
    return message.body().toString(StandardCharsets.UTF_8);
  }

  private static <T> T await(String what, Future<T> future) {
    try {
      return future.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": no answer within " + DEADLINE.toSeconds() + " s", e);
    }
  }

  private static void waitFor(String what, BooleanSupplier condition) {
    Await.until(what, DEADLINE, condition);
  }
}
