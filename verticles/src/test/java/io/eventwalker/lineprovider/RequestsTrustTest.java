package io.eventwalker.lineprovider;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DeliverCallback;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Rabbit;
import io.eventwalker.testing.TestSystem;
import io.eventwalker.wire.Topology;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3.3: who asks line-provider is the request's broker-verified {@code user-id}; a
 * subscriber's name comes from that user (LP_SUBSCRIBERS), never from the request alone, and
 * nothing else makes line-provider store a subscription or declare a queue. A reply goes only to
 * the asker's own channel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestsTrustTest {

  private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

  private TestSystem system;
  private String queue;

  @BeforeAll
  void start() {
    system = TestSystem.lineProviderOnly();
    queue = system.lineProviderConfig.getString("LINE_PROVIDER_QUEUE");
  }

  @AfterAll
  void stop() {
    system.close();
  }

  /** Sends {@code request} through {@code rabbit}, stamped with {@code user} (none when null), and waits for line-provider's reply. */
  private JsonObject ask(Rabbit rabbit, String user, String request) {
    Map<String, JsonObject> replies = new ConcurrentHashMap<>();
    String correlationId = UUID.randomUUID().toString();
    try {
      DeliverCallback onReply = (tag, delivery) -> replies.put(delivery.getProperties().getCorrelationId(),
        new JsonObject(new String(delivery.getBody(), StandardCharsets.UTF_8)).put("user-id", delivery.getProperties().getUserId()));
      String consumer = rabbit.channel().basicConsume(DIRECT_REPLY_TO, true, onReply, tag -> { });
      rabbit.publish("", queue, new AMQP.BasicProperties.Builder().replyTo(DIRECT_REPLY_TO).correlationId(correlationId)
        .userId(user).contentType("application/json").build(), request);
      JsonObject reply = Await.value("line-provider's reply", Duration.ofSeconds(10), () -> replies.get(correlationId), r -> r != null);
      rabbit.channel().basicCancel(consumer);
      return reply;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private long subscriptionsOf(String subscriber) {
    return system.count("SELECT count(*) FROM " + system.lpSchema() + ".subscriptions WHERE subscriber = $1", subscriber);
  }

  private static boolean queueExists(String name) {
    try (Rabbit rabbit = new Rabbit()) {
      rabbit.channel().queueDeclarePassive(name);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aSubscriberNameTheUserIsNotGivenCreatesNothing() {
    String madeUp = "made-up-" + system.id;
    String betMakerUser = TestSystem.config("bet-maker").getString("BM_RABBITMQ_USER");
    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      JsonObject refused = ask(betMaker, betMakerUser, "{\"type\":\"subscribe_all\",\"subscriber\":\"" + madeUp + "\"}");
      assertThat(refused.getInteger("status")).as(refused.encode()).isEqualTo(403);
      assertThat(refused.getString("user-id")).as("the reply is stamped as line-provider's")
        .isEqualTo(TestSystem.config("line-provider").getString("LP_RABBITMQ_USER"));
      assertThat(ask(betMaker, betMakerUser, "{\"type\":\"subscribe\",\"subscriber\":\"" + madeUp + "\",\"event_ids\":[\"x\"]}")
        .getInteger("status")).isEqualTo(403);
      // Its own name is given to it.
      JsonObject allowed = ask(betMaker, betMakerUser, "{\"type\":\"subscribe_all\",\"subscriber\":\"" + system.subscriber() + "\"}");
      assertThat(allowed.getInteger("status")).as(allowed.encode()).isEqualTo(200);
    }
    assertThat(subscriptionsOf(madeUp)).isZero();
    assertThat(subscriptionsOf(system.subscriber())).isEqualTo(1);
    assertThat(queueExists(Topology.updatesQueue(madeUp))).as("no queue for a made-up name").isFalse();
    assertThat(system.lineProvider().get("/ready").status()).isEqualTo(200);
  }

  @Test
  void aRequestWithoutAKnownUserIdIsRefused() {
    try (Rabbit other = new Rabbit()) { // the tests' own user, not a client of LP_SUBSCRIBERS
      JsonObject unstamped = ask(other, null, "{\"type\":\"get_states\",\"event_ids\":[\"x\"]}");
      assertThat(unstamped.getInteger("status")).isEqualTo(403);
      assertThat(unstamped.getString("detail")).contains("user-id is absent");
      JsonObject stranger = ask(other, Backing.rabbitmq().user(), "{\"type\":\"subscribe_all\",\"subscriber\":\"" + system.subscriber() + "\"}");
      assertThat(stranger.getInteger("status")).isEqualTo(403);
    }
  }

  @Test
  void aReplyIsNeverSentToAnotherServicesQueue() {
    String victim = Topology.updatesQueue(system.subscriber());
    String betMakerUser = TestSystem.config("bet-maker").getString("BM_RABBITMQ_USER");
    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      betMaker.channel().queuePurge(victim);
      betMaker.publish("", queue, new AMQP.BasicProperties.Builder().replyTo(victim).correlationId("aimed").userId(betMakerUser)
        .contentType("application/json").build(), "{\"type\":\"get_states\",\"event_ids\":[\"x\"]}");
      Await.until("the aimed request dropped", Duration.ofSeconds(10), () -> java.util.regex.Pattern
        .compile("line_provider_requests_refused_total\\{reason=\"reply_to\"} [1-9]").matcher(system.lineProvider().get("/metrics").body()).find());
      // A later request answered: the aimed one had every chance to be answered too.
      assertThat(ask(betMaker, betMakerUser, "{\"type\":\"get_states\",\"event_ids\":[\"x\"]}").getInteger("status")).isEqualTo(200);
      assertThat(betMaker.messageCount(victim)).as("nothing published into another service's queue").isZero();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
