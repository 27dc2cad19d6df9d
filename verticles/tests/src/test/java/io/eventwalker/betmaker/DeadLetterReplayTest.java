package io.eventwalker.betmaker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.eventwalker.lineprovider.outbox.DeadLetterReplay;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Rabbit;
import io.eventwalker.testing.TestSystem;
import io.eventwalker.wire.Topology;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3.3: nothing is trusted because of a header or field the broker does not verify. A forged
 * update is dead-lettered, and replaying the dead letters never launders it into a payout: the
 * replay publishes line-provider's own current state of the event, never the letter.
 */
class DeadLetterReplayTest {

  private TestSystem system;
  private Http line;
  private Http bets;

  @BeforeEach
  void start() {
    system = TestSystem.both();
    line = system.lineProvider();
    bets = system.betMaker();
  }

  @AfterEach
  void stop() {
    system.close();
  }

  private long count(String sql, Object... params) {
    return system.count(sql.replace("$S", system.bmSchema()), params);
  }

  private String replay() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    new DeadLetterReplay(LineProviderConfig.read(system.lineProviderConfig), system.subscriber(),
      new PrintStream(printed, true, StandardCharsets.UTF_8)).run(system.vertx, true);
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aForgedResultDeadLetteredAndReplayedIsNeverPaid() throws Exception {
    String id = "laundered";
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":1.50,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    assertThat(bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":100}").status()).isEqualTo(201);
    String updates = Topology.updatesQueue(system.subscriber());
    String deadLetters = Topology.deadLetterQueue(system.subscriber());
    String forged = new JsonObject().put("event_id", id).put("ratio", 1.50).put("deadline", deadline)
      .put("status", "FINISHED_WIN").put("version", 2).encode();

    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      // bet-maker's own user, straight to the queue through the default exchange: no user-id, a header that claims one.
      betMaker.publish("", updates, new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
        .headers(Map.of(Topology.PUBLISHER_HEADER, "line-provider")).build(), forged);
      GetResponse letter = Await.value("the forged update dead-lettered", Duration.ofSeconds(15), () -> peek(betMaker, deadLetters),
        response -> response != null);
      assertThat(letter.getProps().getHeaders().get(Topology.PUBLISHER_HEADER))
        .as("the dead letter keeps no publisher the broker did not verify").isNull();
      assertThat(letter.getProps().getHeaders().get(Topology.REASON_HEADER).toString()).contains("user-id absent");
    }

    String printed = replay();
    assertThat(printed).contains("replayed as line-provider's current state of " + id + ": version 1, NEW");
    try (Rabbit rabbit = new Rabbit()) {
      assertThat(rabbit.messageCount(deadLetters)).isZero();
    }
    // Whatever bet-maker does with line-provider's state, it is line-provider's: the bet stays PENDING.
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"ratio\":1.60}").status()).isEqualTo(200);
    Await.until("line-provider's version 2 applied", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.events WHERE event_id = $1 AND version = 2 AND ratio = 1.60", id) == 1);
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'PENDING'", id)).isEqualTo(1);

    // line-provider's own result settles it, and nothing was in conflict.
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    Await.until("the bet LOST by line-provider's result", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'LOST' AND payout = 0", id) == 1);
    assertThat(bets.get("/ready").object().getJsonArray("event_conflicts")).isEmpty();
  }

  @Test
  void aLetterNamingNoEventLineProviderKnowsIsKept() throws Exception {
    try (Rabbit lineProvider = Rabbit.asLineProvider()) {
      lineProvider.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), "{\"event_id\":\"nobody-knows\",\"ratio\":\"x\"}");
      lineProvider.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), "not json");
    }
    String deadLetters = Topology.deadLetterQueue(system.subscriber());
    try (Rabbit rabbit = new Rabbit()) {
      Await.until("both dead-lettered", Duration.ofSeconds(15), () -> rabbit.messageCount(deadLetters) == 2);
      String printed = replay();
      assertThat(printed).contains("kept: line-provider does not know event nobody-knows").contains("kept: it names no event");
      assertThat(rabbit.messageCount(deadLetters)).isEqualTo(2);
    }
  }

  private static GetResponse peek(Rabbit rabbit, String queue) {
    try {
      GetResponse response = rabbit.channel().basicGet(queue, false);
      if (response != null) {
        rabbit.channel().basicNack(response.getEnvelope().getDeliveryTag(), false, true);
      }
      return response;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
