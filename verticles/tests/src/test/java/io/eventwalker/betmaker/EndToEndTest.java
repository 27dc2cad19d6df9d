package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.SystemTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both services in one JVM on ephemeral ports, real PostgreSQL, Redis and RabbitMQ, driven only
 * through HTTP as a client would.
 */
class EndToEndTest extends SystemTest {

  static long inAnHour() {
    return Instant.now().getEpochSecond() + 3600;
  }

  private void createEvent(String id, String ratio) {
    Http.Response created = line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":" + ratio + ",\"deadline\":" + inAnHour() + "}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private Map<?, ?> bet(String eventId, String sum) {
    Http.Response placed = bets.post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":\"" + sum + "\"}");
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    return (Map<?, ?>) placed.exact();
  }

  private Map<?, ?> fetchBet(Object betId) {
    Http.Response response = bets.get("/bet/" + betId);
    assertThat(response.status()).isEqualTo(200);
    return (Map<?, ?>) response.exact();
  }

  @Test
  void aWinPaysEachBetItsOwnLockedRatio() {
    createEvent("e2e-win", "1.75");
    Http.Response open = bets.get("/events");
    assertThat(open.status()).isEqualTo(200);
    JsonObject listed = open.array().stream().map(JsonObject.class::cast)
      .filter(e -> e.getString("event_id").equals("e2e-win")).findFirst().orElseThrow();
    assertThat(listed.fieldNames()).containsExactlyInAnyOrder("event_id", "ratio", "deadline", "status");
    assertThat(listed.getString("status")).isEqualTo("NEW");

    List<Map<?, ?>> placed = new ArrayList<>();
    for (String sum : List.of("10.00", "10.01", "33.33", "0.01", "999999.99")) {
      placed.add(bet("e2e-win", sum));
    }
    assertThat(line.put("/event", "{\"event_id\":\"e2e-win\",\"ratio\":\"2.33\"}").status()).isEqualTo(200);
    for (String sum : List.of("10.00", "0.99", "45.45")) {
      placed.add(bet("e2e-win", sum));
    }
    Set<Object> ids = new HashSet<>();
    for (int i = 0; i < placed.size(); i++) {
      Map<?, ?> bet = placed.get(i);
      assertThat(ids.add(bet.get("bet_id"))).as("distinct bet ids").isTrue();
      assertThat(bet.get("status")).isEqualTo("PENDING");
      assertThat(bet.containsKey("payout")).isFalse();
      assertThat(bet.get("ratio")).isEqualTo(new BigDecimal(i < 5 ? "1.75" : "2.33"));
      assertThat(bet.get("event_id")).isEqualTo("e2e-win");
    }

    assertThat(line.put("/event", "{\"event_id\":\"e2e-win\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    for (Map<?, ?> bet : placed) {
      Map<?, ?> settled = Await.value("bet " + bet.get("bet_id") + " settled", Duration.ofSeconds(15),
        () -> fetchBet(bet.get("bet_id")), b -> !"PENDING".equals(b.get("status")));
      BigDecimal expected = ((BigDecimal) bet.get("sum_bet")).multiply((BigDecimal) bet.get("ratio")).setScale(2, RoundingMode.DOWN);
      assertThat(settled.get("status")).isEqualTo("WON");
      assertThat(settled.get("payout")).isEqualTo(expected);
      assertThat(settled.get("settled_at")).isNotNull();
    }
    // 999999.99 × 1.75 = 1749999.9825 → 1749999.98; 0.99 × 2.33 = 2.3067 → 2.30
    assertThat(fetchBet(placed.get(4).get("bet_id")).get("payout")).isEqualTo(new BigDecimal("1749999.98"));
    assertThat(fetchBet(placed.get(6).get("bet_id")).get("payout")).isEqualTo(new BigDecimal("2.30"));
    assertThat(bets.get("/events").array().stream().map(e -> ((JsonObject) e).getString("event_id")))
      .doesNotContain("e2e-win");
  }

  @Test
  void aLossSettlesEveryBetLostWithNoPayout() {
    createEvent("e2e-lose", "3.10");
    Http.Response batch = bets.post("/bet", "[{\"event_id\":\"e2e-lose\",\"sum_bet\":5},{\"event_id\":\"e2e-lose\",\"sum_bet\":7.5}]");
    assertThat(batch.status()).isEqualTo(201);
    JsonArray placed = batch.array();
    assertThat(placed).hasSize(2);
    assertThat(line.put("/event", "{\"event_id\":\"e2e-lose\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    for (Object item : placed) {
      String id = ((JsonObject) item).getString("bet_id");
      Map<?, ?> settled = Await.value("bet " + id + " settled", Duration.ofSeconds(15),
        () -> fetchBet(id), b -> !"PENDING".equals(b.get("status")));
      assertThat(settled.get("status")).isEqualTo("LOST");
      assertThat((BigDecimal) settled.get("payout")).isEqualByComparingTo("0");
    }
  }

  @Test
  void refusesBetsOnUnknownFinishedOrExpiredEvents() {
    Http.Response unknown = bets.post("/bet", "{\"event_id\":\"no-such-event\",\"sum_bet\":5}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");

    createEvent("e2e-closed", "2.00");
    line.put("/event", "{\"event_id\":\"e2e-closed\",\"status\":\"FINISHED_WIN\"}");
    Http.Response finished = bets.post("/bet", "{\"event_id\":\"e2e-closed\",\"sum_bet\":5}");
    assertThat(finished.status()).isIn(409, 422);
    assertThat(finished.object().getString("detail")).contains("FINISHED_WIN");

    line.post("/event", "{\"event_id\":\"e2e-expired\",\"ratio\":2,\"deadline\":" + (Instant.now().getEpochSecond() - 5) + "}");
    Http.Response expired = bets.post("/bet", "{\"event_id\":\"e2e-expired\",\"sum_bet\":5}");
    assertThat(expired.status()).isIn(409, 422);
    assertThat(expired.object().getString("detail")).contains("closed");
    assertThat(bets.get("/events").array().stream().map(e -> ((JsonObject) e).getString("event_id")))
      .doesNotContain("e2e-expired", "e2e-closed");

    createEvent("e2e-partial", "2.00");
    Http.Response mixed = bets.post("/bet", "[{\"event_id\":\"e2e-partial\",\"sum_bet\":5},{\"event_id\":\"no-such-event\",\"sum_bet\":5}]");
    assertThat(mixed.status()).isEqualTo(404);
    assertThat(mixed.object().getJsonArray("errors").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(bets.get("/bets?event_id=e2e-partial").array()).as("a refused batch stores nothing").isEmpty();
  }

  @Test
  void listsBetsNewestFirstWithFiltersAndPages() {
    createEvent("e2e-list-a", "1.50");
    createEvent("e2e-list-b", "1.50");
    List<Object> placedA = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      placedA.add(bet("e2e-list-a", i + ".00").get("bet_id"));
    }
    bet("e2e-list-b", "1.00");
    List<Object> seen = new ArrayList<>();
    String cursor = null;
    do {
      Http.Response page = bets.get("/bets?event_id=e2e-list-a&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.array().forEach(b -> seen.add(((JsonObject) b).getString("bet_id")));
      cursor = page.header("Next-Cursor");
    } while (cursor != null);
    List<Object> newestFirst = new ArrayList<>(placedA);
    java.util.Collections.reverse(newestFirst);
    assertThat(seen).isEqualTo(newestFirst);
    assertThat(bets.get("/bets?status=PENDING&event_id=e2e-list-b").array()).hasSize(1);
    assertThat(bets.get("/bets?status=WON&event_id=e2e-list-b").array()).isEmpty();
    assertThat(bets.get("/bet/00000000-0000-7000-8000-000000000000").status()).isEqualTo(404);
  }

  @Test
  void answersHealthAndReadiness() {
    assertThat(bets.get("/health").status()).isEqualTo(200);
    Http.Response ready = bets.get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.object().getJsonObject("checks").fieldNames()).containsExactlyInAnyOrder("postgres", "redis", "rabbitmq");
    // The server counts a request once its answer is written, a moment after the client may have it.
    Await.until("the requests counted on /metrics (vertx_http_server_requests_total)", Duration.ofSeconds(10),
      () -> bets.get("/metrics").body().contains("vertx_http_server_requests_total"));
    assertThat(bets.get("/openapi.json").object().getJsonObject("paths").fieldNames())
      .contains("/bet", "/bets", "/bet/{bet_id}", "/events");
  }
}
