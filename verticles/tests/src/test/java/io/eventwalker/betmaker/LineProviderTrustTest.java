package io.eventwalker.betmaker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.eventwalker.testing.SystemTest;
import io.eventwalker.wire.Topology;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Rabbit;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SPEC §3.3: only line-provider can change bet-maker's view of an event. An update published by
 * any other RabbitMQ user is dead-lettered, not applied; the broker itself refuses a {@code user-id}
 * that is not the publisher's own, and bet-maker's user may not publish updates at all. When
 * line-provider reports a lower version than bet-maker holds, bet-maker stops taking bets on the
 * event and says so, until line-provider is ahead again.
 */
class LineProviderTrustTest extends SystemTest {

  private String openEventWithBets(String id, int count) {
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":2.50,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    for (int i = 0; i < count; i++) {
      assertThat(bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":10}").status()).isEqualTo(201);
    }
    return id;
  }

  private long count(String sql, Object... params) {
    return system.count(sql.replace("$S", system.bmSchema()), params);
  }

  private String forged(String id) {
    return new JsonObject().put("event_id", id).put("ratio", new java.math.BigDecimal("10000.00")).put("deadline", deadline)
      .put("status", "FINISHED_WIN").put("version", 1_000_000_000_000_000L).encode();
  }

  private static List<GetResponse> take(Rabbit rabbit, String queue, int count) {
    List<GetResponse> taken = new ArrayList<>();
    Await.until(count + " dead letters", Duration.ofSeconds(15), () -> {
      try {
        GetResponse next = rabbit.channel().basicGet(queue, true);
        if (next != null) {
          taken.add(next);
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return taken.size() >= count;
    });
    return taken;
  }

  @Test
  void anUpdateNotPublishedByLineProviderIsDeadLetteredAndNeverApplied() {
    String id = openEventWithBets("forged", 2);
    String deadLetters = Topology.deadLetterQueue(system.subscriber());
    try (Rabbit other = new Rabbit()) { // any RabbitMQ user that may publish to the exchange
      other.channel().queuePurge(deadLetters);
      other.publish(Topology.UPDATES_EXCHANGE, system.subscriber(),
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(), forged(id));
      other.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), forged(id));
      List<GetResponse> dead = take(other, deadLetters, 2);
      for (GetResponse letter : dead) {
        assertThat(letter.getProps().getHeaders().get(Topology.REASON_HEADER).toString()).contains("not published by line-provider");
        assertThat(new String(letter.getBody(), StandardCharsets.UTF_8)).contains("1000000000000000");
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(count("SELECT version FROM $S.events WHERE event_id = $1", id)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'PENDING'", id)).isEqualTo(2);

    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("line-provider's own result settles the bets", Duration.ofSeconds(10),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON' AND payout = 25.00", id) == 2);
  }

  /**
   * line-provider's user-id survives the broker's own dead-lettering, so a result of line-provider's
   * captured elsewhere and dead-lettered (or sent) into bet-maker's queue carries it: only what
   * came from the updates exchange, never dead-lettered on the way, is applied.
   */
  @Test
  void lineProvidersMessageNotDeliveredFromTheUpdatesExchangeIsNeverApplied() {
    String id = openEventWithBets("rerouted", 1);
    String deadLetters = Topology.deadLetterQueue(system.subscriber());
    String result = new JsonObject().put("event_id", id).put("ratio", new java.math.BigDecimal("2.50")).put("deadline", deadline)
      .put("status", "FINISHED_WIN").put("version", 2).encode();
    try (Rabbit lineProvider = Rabbit.asLineProvider()) {
      lineProvider.channel().queuePurge(deadLetters);
      String user = TestSystem.config("line-provider").getString("LP_RABBITMQ_USER");
      // Straight into the queue, through the default exchange.
      lineProvider.publish("", Topology.updatesQueue(system.subscriber()), new AMQP.BasicProperties.Builder()
        .contentType("application/json").deliveryMode(2).userId(user).build(), result);
      // Through the updates exchange, but with the mark of a dead-lettering on the way.
      lineProvider.publish(Topology.UPDATES_EXCHANGE, system.subscriber(), new AMQP.BasicProperties.Builder()
        .contentType("application/json").deliveryMode(2).userId(user)
        .headers(java.util.Map.of("x-death", List.of(java.util.Map.of("queue", "capture.event-updates")))).build(), result);
      for (GetResponse letter : take(lineProvider, deadLetters, 2)) {
        assertThat(letter.getProps().getHeaders().get(Topology.REASON_HEADER).toString()).contains("not delivered from");
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'PENDING'", id)).isEqualTo(1);
    assertThat(count("SELECT version FROM $S.events WHERE event_id = $1", id)).isEqualTo(1);
  }

  @Test
  void theBrokerRefusesAUserIdThatIsNotThePublishersOwn() {
    try (Rabbit other = new Rabbit()) {
      assertThatThrownBy(() -> other.publish(Topology.UPDATES_EXCHANGE, system.subscriber(),
        new AMQP.BasicProperties.Builder().deliveryMode(2).userId("line-provider").build(), forged("whatever")))
        .isInstanceOf(AssertionError.class);
    }
  }

  @Test
  void betMakersOwnUserMayNotPublishUpdates() {
    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      assertThatThrownBy(() -> betMaker.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), forged("whatever")))
        .isInstanceOf(AssertionError.class);
    }
  }

  @Test
  void anEventLineProviderReportsAtALowerVersionTakesNoBetsUntilLineProviderIsAheadAgain() {
    String id = openEventWithBets("regressed", 1);
    // bet-maker holds a version line-provider never had: a forged update applied before this
    // check existed, or line-provider restored from an older backup.
    system.sql("UPDATE " + system.bmSchema() + ".events SET version = 7 WHERE event_id = $1", id);
    Http.Response refused = bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":3}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.object().getString("detail")).contains("in conflict").contains("version 1").contains("version 7");
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1", id)).isEqualTo(1);

    Http.Response ready = bets.get("/ready");
    assertThat(ready.status()).as("one event in conflict does not make the service unready").isEqualTo(200);
    JsonArray conflicts = ready.object().getJsonArray("event_conflicts");
    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.getJsonObject(0).getString("event_id")).isEqualTo(id);
    assertThat(conflicts.getJsonObject(0).getLong("line_provider_version")).isEqualTo(1L);
    assertThat(conflicts.getJsonObject(0).getLong("bet_maker_version")).isEqualTo(7L);
    assertThat(bets.get("/metrics").body()).containsPattern("bet_maker_event_version_conflicts_total(\\{[^}]*\\})? [1-9]");

    for (int ratio = 2; ratio <= 8; ratio++) { // line-provider moves on to version 8
      assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"ratio\":" + ratio + "}").status()).isEqualTo(200);
    }
    Http.Response placed = Await.value("bets taken again", Duration.ofSeconds(10),
      () -> bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":3}"), response -> response.status() != 409);
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    assertThat(placed.object().getValue("ratio").toString()).isEqualTo("8.0");
    assertThat(bets.get("/ready").object().getJsonArray("event_conflicts")).isEmpty();
  }
}
