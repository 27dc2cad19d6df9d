package io.eventwalker.betmaker;

import com.rabbitmq.client.GetResponse;
import io.eventwalker.betmaker.line.EventUpdatesConsumerVerticle;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.Rabbit;
import io.eventwalker.testing.Scrape;
import io.eventwalker.testing.SystemTest;
import io.eventwalker.wire.Topology;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How bet-maker takes updates off RabbitMQ: duplicates, reordering, poison messages, lost connections. */
class DeliveryTest extends SystemTest {

  private Rabbit rabbit;

  @BeforeEach
  void connect() {
    rabbit = Rabbit.asLineProvider();
  }

  @AfterEach
  void disconnect() {
    rabbit.close();
  }

  private String openEventWithBets(String id, int count) {
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":2.50,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    for (int i = 0; i < count; i++) {
      assertThat(bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":10}").status()).isEqualTo(201);
    }
    return id;
  }

  private void publishUpdate(String id, String ratio, String status, long version) {
    rabbit.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), new JsonObject()
      .put("event_id", id).put("ratio", new java.math.BigDecimal(ratio)).put("deadline", deadline)
      .put("status", status).put("version", version).encode());
  }

  private long count(String sql, Object... params) {
    return system.count(sql.replace("$S", system.bmSchema()), params);
  }

  /**
   * Waits until bet-maker has applied and acknowledged every update published so far (it acknowledges one only after
   * its commit): the updates queue holds none, ready or delivered. The ready count alone drops to 0 as soon as the
   * updates are handed to bet-maker, before they are applied, so what is asserted after it would not have had its chance.
   */
  private void awaitUpdatesAcknowledged() {
    Await.until("bet-maker to acknowledge every update published", Duration.ofSeconds(20),
      () -> Rabbit.messagesHeld(Topology.updatesQueue(system.subscriber())) == 0);
  }

  @Test
  void theSameUpdateTwiceSettlesOnce() {
    String id = openEventWithBets("dup-update", 3);
    publishUpdate(id, "2.50", "FINISHED_WIN", 7);
    Await.until("settlement", Duration.ofSeconds(10),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 3);
    List<Row> first = system.sql("SELECT bet_id, settled_at, payout FROM " + system.bmSchema() + ".bets WHERE event_id = $1 ORDER BY bet_id", id);

    publishUpdate(id, "2.50", "FINISHED_WIN", 7);
    publishUpdate(id, "2.50", "FINISHED_LOSE", 8);
    awaitUpdatesAcknowledged();
    List<Row> after = system.sql("SELECT bet_id, settled_at, payout FROM " + system.bmSchema() + ".bets WHERE event_id = $1 ORDER BY bet_id", id);
    assertThat(after).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(after.get(i).getOffsetDateTime("settled_at")).isEqualTo(first.get(i).getOffsetDateTime("settled_at"));
      assertThat(after.get(i).getBigDecimal("payout")).isEqualByComparingTo("25.00");
    }
    assertThat(count("SELECT count(*) FROM $S.events WHERE event_id = $1 AND status = 'FINISHED_WIN' AND version = 7", id)).isEqualTo(1);
    // The database's own audit: one status change per bet, to WON.
    assertThat(count("SELECT count(*) FROM $S.bet_status_log WHERE event_id = $1 AND status = 'WON'", id)).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM (SELECT bet_id FROM $S.bet_status_log GROUP BY bet_id HAVING count(*) > 1) twice")).isZero();
  }

  @Test
  void anOlderVersionAfterANewerOneIsIgnored() {
    String id = openEventWithBets("reordered", 1);
    publishUpdate(id, "3.00", "NEW", 5);
    Await.until("version 5 applied", Duration.ofSeconds(10),
      () -> count("SELECT count(*) FROM $S.events WHERE event_id = $1 AND version = 5", id) == 1);
    publishUpdate(id, "9.99", "NEW", 4);
    publishUpdate(id, "1.01", "FINISHED_LOSE", 3);
    awaitUpdatesAcknowledged();
    Row event = system.sql("SELECT ratio, status, version FROM " + system.bmSchema() + ".events WHERE event_id = $1", id).get(0);
    assertThat(event.getLong("version")).isEqualTo(5L);
    assertThat(event.getBigDecimal("ratio")).isEqualByComparingTo("3.00");
    assertThat(event.getString("status")).isEqualTo("NEW");
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'PENDING'", id)).isEqualTo(1);
  }

  @Test
  void aNewerUpdateWaitsForTheOneBeforeItSoListenersHearEveryVersionInOrder() {
    // As when consecutive updates of an event reach two bet-makers and the later one is quicker.
    String id = openEventWithBets("in-order", 1);
    try (BridgeClient listener = new BridgeClient(system.vertx, Integer.parseInt(bets.base().substring(bets.base().lastIndexOf(':') + 1)))) {
      listener.register("events." + id);
      listener.sync();
      publishUpdate(id, "2.70", "NEW", 3);
      publishUpdate(id, "2.60", "NEW", 2);
      assertThat(listener.nextOn("events." + id, Duration.ofSeconds(10)).getJsonObject("body").getLong("version")).isEqualTo(2L);
      assertThat(listener.nextOn("events." + id, Duration.ofSeconds(10)).getJsonObject("body").getLong("version")).isEqualTo(3L);
    }
    awaitUpdatesAcknowledged();
    assertThat(count("SELECT count(*) FROM $S.events WHERE event_id = $1 AND version = 3 AND ratio = 2.70", id)).isEqualTo(1);
  }

  @Test
  void anUpdateWhoseVersionBeforeNeverComesIsAppliedAfterAWhile() {
    String id = openEventWithBets("gap", 1);
    long started = System.nanoTime();
    publishUpdate(id, "2.50", "FINISHED_WIN", 4);
    Await.until("version 4 applied without versions 2 and 3", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 1);
    assertThat((System.nanoTime() - started) / 1_000_000).as("ms until applied")
      .isGreaterThanOrEqualTo(EventUpdatesConsumerVerticle.IN_ORDER_WAIT_MS - 100);
  }

  @Test
  void aMalformedMessageIsDeadLetteredAndTheNextGoodOneSettles() {
    String id = openEventWithBets("after-poison", 2);
    String deadLetters = Topology.deadLetterQueue(system.subscriber());
    long before = rabbit.messageCount(deadLetters);
    rabbit.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), "this is not JSON");
    rabbit.publishStamped(Topology.UPDATES_EXCHANGE, system.subscriber(), "{\"event_id\":\"" + id + "\",\"ratio\":\"abc\",\"deadline\":1,\"status\":\"NEW\",\"version\":2}");
    Await.until("two dead letters", Duration.ofSeconds(10), () -> rabbit.messageCount(deadLetters) == before + 2);
    publishUpdate(id, "2.50", "FINISHED_WIN", 9);
    Await.until("settlement after the poison", Duration.ofSeconds(10),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 2);
  }

  @Test
  void anUpdateTheDatabaseKeepsRefusingIsDeadLetteredWithItsReasonAfterItsAttempts() {
    String id = openEventWithBets("refused-every-time", 1);
    String schema = system.bmSchema();
    system.sql("CREATE FUNCTION " + schema + ".refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      + " RAISE EXCEPTION 'refusing event %', NEW.event_id; END $$");
    system.sql("CREATE TRIGGER refuse_event BEFORE UPDATE ON " + schema + ".events FOR EACH ROW"
      + " WHEN (NEW.event_id = '" + id + "') EXECUTE FUNCTION " + schema + ".refuse_event()");
    String deadLetters = Topology.deadLetterQueue(system.subscriber());
    try (Rabbit reader = new Rabbit()) {
      reader.channel().queuePurge(deadLetters);
      publishUpdate(id, "2.50", "FINISHED_WIN", 2);
      GetResponse dead = Await.value("the update dead-lettered", Duration.ofSeconds(20), () -> basicGet(reader, deadLetters),
        response -> response != null);
      assertThat(dead.getProps().getHeaders().get(Topology.REASON_HEADER).toString())
        .contains("not applied after 5 attempts").contains("refusing event " + id);
      assertThat(new String(dead.getBody(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"version\":2");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } finally {
      system.sql("DROP TRIGGER refuse_event ON " + schema + ".events");
    }
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'PENDING'", id)).isEqualTo(1);
    publishUpdate(id, "2.50", "FINISHED_WIN", 2);
    Await.until("the same update applied once the database takes it", Duration.ofSeconds(10),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 1);
  }

  /** {@code rabbitmq_reconnects_total} of each connection of both services, each on its own service's /metrics. */
  private Map<String, Double> reconnects() {
    Map<String, Double> counted = new LinkedHashMap<>();
    for (String connection : List.of("bet-maker-updates-" + system.subscriber(), "bet-maker-line-client", "line-provider-outbox",
      "line-provider-requests")) {
      counted.put(connection, Scrape.sample(connection.startsWith("line-provider") ? line : bets, "rabbitmq_reconnects_total",
        "connection=\"" + connection + "\""));
    }
    return counted;
  }

  private static GetResponse basicGet(Rabbit rabbit, String queue) {
    try {
      return rabbit.channel().basicGet(queue, true);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void bothServicesReconnectWhenTheBrokerDropsEveryConnection() {
    String id = openEventWithBets("through-reconnect", 2);
    Map<String, Double> before = reconnects();
    Rabbit.closeAllConnections();
    // /ready still answers 200 in the moment before a service has noticed that its connections are gone: the wait
    // is first for every connection of both services to be made again (each counts its reconnect), then for /ready.
    Await.until("every RabbitMQ connection of both services made again", Duration.ofSeconds(30),
      () -> reconnects().entrySet().stream().allMatch(counted -> counted.getValue() > before.get(counted.getKey())));
    Await.until("both services ready again", Duration.ofSeconds(30),
      () -> line.get("/ready").status() == 200 && bets.get("/ready").status() == 200);
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("settlement after reconnect", Duration.ofSeconds(20),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 2);
    String next = openEventWithBets("after-reconnect", 1);
    assertThat(bets.get("/bets?event_id=" + next).array()).hasSize(1);
    // Each connection counts its reconnect (docs/operations.md).
    assertThat(bets.get("/metrics").body()).containsPattern("rabbitmq_reconnects_total\\{connection=\"bet-maker-updates-[^\"]+\"[^}]*\\} [1-9]");
  }
}
