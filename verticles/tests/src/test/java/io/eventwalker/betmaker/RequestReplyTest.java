package io.eventwalker.betmaker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Rabbit;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** bet-maker's request/reply to line-provider when line-provider is slow or absent. */
class RequestReplyTest {

  private static final int TIMEOUT_MS = 1000;
  private TestSystem system;

  @AfterEach
  void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void noReplyGivesAPrompt503AndStoresNothing() {
    system = TestSystem.start(false, true, config -> config.put("BM_LINE_TIMEOUT_MS", TIMEOUT_MS));
    Http bets = system.betMaker();

    long started = System.nanoTime();
    Http.Response events = bets.get("/events");
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(events.status()).isEqualTo(503);
    assertThat(events.contentType()).startsWith("application/problem+json");
    assertThat(events.object().getString("detail")).contains("did not answer");
    assertThat(elapsedMs).isBetween((long) TIMEOUT_MS - 50, (long) TIMEOUT_MS + 1000);

    started = System.nanoTime();
    Http.Response bet = bets.post("/bet", "{\"event_id\":\"anything\",\"sum_bet\":5}");
    elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(bet.status()).isEqualTo(503);
    assertThat(elapsedMs).isLessThan(TIMEOUT_MS + 1000);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets")).isZero();
  }

  @Test
  void aLateReplyIsDroppedNotGivenToTheNextCaller() throws Exception {
    system = TestSystem.start(false, true, config -> config.put("BM_LINE_TIMEOUT_MS", TIMEOUT_MS));
    Http bets = system.betMaker();
    String queue = system.betMakerConfig.getString("LINE_PROVIDER_QUEUE");
    long deadline = Instant.now().getEpochSecond() + 3600;
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger requests = new AtomicInteger();
    AtomicReference<AMQP.BasicProperties> firstRequest = new AtomicReference<>();
    try (Rabbit rabbit = Rabbit.asLineProvider()) {
      // A stand-in line-provider (its RabbitMQ user: bet-maker takes only its replies): the first request is answered
      // too late, only once the second has arrived (its caller was answered 503 before it sent the second: the reply
      // comes while the second caller waits), and the second right after it, in time.
      rabbit.channel().basicConsume(queue, true, new DefaultConsumer(rabbit.channel()) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
          if (!"get_events".equals(props.getType())) {
            return; // bet-maker's own start-up requests (catch-up) go unanswered
          }
          if (requests.incrementAndGet() == 1) {
            firstRequest.set(props);
            return;
          }
          scheduler.execute(() -> {
            reply(rabbit, firstRequest.get(), "late-answer", deadline);
            reply(rabbit, props, "timely-answer", deadline);
          });
        }
      });

      Http.Response first = bets.get("/events");
      assertThat(first.status()).isEqualTo(503);
      CompletableFuture<Http.Response> second = CompletableFuture.supplyAsync(() -> bets.get("/events?limit=10"));
      Http.Response answer = second.get(10, TimeUnit.SECONDS);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(answer.array()).hasSize(1);
      assertThat(answer.array().getJsonObject(0).getString("event_id")).isEqualTo("timely-answer");
      assertThat(requests.get()).isEqualTo(2);
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** Answers {@code request} as line-provider would, with one open event. */
  private static void reply(Rabbit rabbit, AMQP.BasicProperties request, String eventId, long deadline) {
    byte[] reply = new JsonObject().put("status", 200).put("missing", new JsonArray())
      .put("events", new JsonArray().add(new JsonObject().put("event_id", eventId).put("ratio", 1.5)
        .put("deadline", deadline).put("status", "NEW").put("version", 1)))
      .encode().getBytes(StandardCharsets.UTF_8);
    try {
      rabbit.channel().basicPublish("", request.getReplyTo(),
        new AMQP.BasicProperties.Builder().correlationId(request.getCorrelationId())
          .userId(TestSystem.config("line-provider").getString("LP_RABBITMQ_USER")).build(), reply);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
