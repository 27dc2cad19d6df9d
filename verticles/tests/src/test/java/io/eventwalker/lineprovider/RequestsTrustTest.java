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
    JsonObject reply = askWithin(rabbit, user, request, Duration.ofSeconds(10));
    assertThat(reply).as("line-provider's reply within 10 s").isNotNull();
    return reply;
  }

  /** As {@link #ask}, but null when no reply comes within {@code wait}. */
  private JsonObject askWithin(Rabbit rabbit, String user, String request, Duration wait) {
    String correlationId = UUID.randomUUID().toString();
    java.util.concurrent.CompletableFuture<JsonObject> reply = new java.util.concurrent.CompletableFuture<>();
    try {
      DeliverCallback onReply = (tag, delivery) -> {
        if (correlationId.equals(delivery.getProperties().getCorrelationId())) {
          reply.complete(new JsonObject(new String(delivery.getBody(), StandardCharsets.UTF_8))
            .put("user-id", delivery.getProperties().getUserId()));
        }
      };
      String consumer = rabbit.channel().basicConsume(DIRECT_REPLY_TO, true, onReply, tag -> { });
      rabbit.publish("", queue, new AMQP.BasicProperties.Builder().replyTo(DIRECT_REPLY_TO).correlationId(correlationId)
        .userId(user).contentType("application/json").build(), request);
      try {
        return reply.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException none) {
        return null;
      } finally {
        rabbit.channel().basicCancel(consumer);
      }
    } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException e) {
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

  /** Someone with configure rights declares line-provider's request queue again, dropping every request: it takes it back. */
  @Test
  void aRequestQueueDeclaredAgainWithOtherArgumentsIsTakenBack() {
    String betMakerUser = TestSystem.config("bet-maker").getString("BM_RABBITMQ_USER");
    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      betMaker.channel().queueDelete(queue);
      betMaker.channel().queueDeclare(queue, true, false, false, Map.of("x-message-ttl", 0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      JsonObject answered = Await.value("line-provider answering again", Duration.ofSeconds(30),
        () -> askWithin(betMaker, betMakerUser, "{\"type\":\"get_states\",\"event_ids\":[\"x\"]}", Duration.ofSeconds(2)),
        reply -> reply != null);
      assertThat(answered.getInteger("status")).isEqualTo(200);
    }
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
