package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A settlement larger than {@code BM_SETTLE_CHUNK} goes in chunks, each its own transaction, and
 * is still exactly once: every bet settled once, none left PENDING, the watched one pushed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeSettlementTest {

  private static final int CHUNK = 100;
  private TestSystem system;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true, config -> config.put("BM_SETTLE_CHUNK", CHUNK));
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void anEventWithMoreBetsThanAChunkSettlesEveryBetExactlyOnce() {
    Http line = system.lineProvider();
    Http bets = system.betMaker();
    String id = "large-event";
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":1.5,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 3 * CHUNK + 50; i++) {
      batch.add(new JsonObject().put("event_id", id).put("sum_bet", (i % 90 + 10) + ".00"));
    }
    Http.Response placed = bets.post("/bet", batch.encode());
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    String watched = placed.array().getJsonObject(3 * CHUNK + 49).getString("bet_id");
    int port = system.vertx.sharedData().<String, Integer>getLocalMap(io.eventwalker.platform.http.Routers.PORTS_MAP).get("bet-maker");
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      BridgeRegistrations.registerOwned(system, client, "bets." + watched, system.token(TestSystem.PLAYER));
      assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
      JsonObject pushed = client.nextOn("bets." + watched, Duration.ofSeconds(15)).getJsonObject("body");
      assertThat(pushed.getString("status")).isEqualTo("WON");
    }
    String schema = system.bmSchema();
    Await.until("every bet settled", Duration.ofSeconds(20), () -> system.count(
      "SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'PENDING'", id) == 0);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'WON'"
      + " AND payout = trunc(sum_bet * ratio, 2)", id)).isEqualTo(3 * CHUNK + 50);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bet_status_log WHERE event_id = $1", id)).isEqualTo(3 * CHUNK + 50);
    assertThat(system.count("SELECT count(DISTINCT bet_id) FROM " + schema + ".bet_status_log WHERE event_id = $1", id))
      .isEqualTo(3 * CHUNK + 50);
    assertThat(system.count("SELECT count(DISTINCT txid) FROM " + schema + ".bet_status_log WHERE event_id = $1", id))
      .as("settled in chunks, each its own transaction").isEqualTo(4);
  }
}
