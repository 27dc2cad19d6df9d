package io.eventwalker.lineprovider;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** line-provider's endpoints and SPEC §1 rules, through HTTP against the real database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineProviderApiTest {

  private static final long DEADLINE = 1893456000L;
  private TestSystem system;
  private Http http;

  @BeforeAll
  void start() {
    system = TestSystem.lineProviderOnly();
    http = system.lineProvider();
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private String table(String name) {
    return system.lpSchema() + "." + name;
  }

  @Test
  void createsAnEventAtVersionOne() {
    Http.Response created = http.post("/event", "{\"event_id\":\"create-1\",\"ratio\":1.75,\"deadline\":" + DEADLINE + "}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.contentType()).startsWith("application/json");
    assertThat(created.header("Location")).isEqualTo("/event/create-1");
    JsonObject body = created.object();
    assertThat(body.getString("event_id")).isEqualTo("create-1");
    assertThat(body.getString("status")).isEqualTo("NEW");
    assertThat(body.getLong("version")).isEqualTo(1L);
    assertThat(body.getLong("deadline")).isEqualTo(DEADLINE);

    Http.Response fetched = http.get("/event/create-1");
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.object()).isEqualTo(body);
  }

  @Test
  void generatesAnIdWhenNoneIsGiven() {
    Http.Response created = http.post("/event", "{\"ratio\":\"3.00\",\"deadline\":\"2030-01-01T00:00:00Z\"}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.object().getString("event_id");
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(created.object().getLong("deadline")).isEqualTo(DEADLINE);
    assertThat(http.get("/event/" + id).status()).isEqualTo(200);
  }

  @Test
  void keepsDecimalsExactEndToEnd() {
    http.post("/event", "{\"event_id\":\"exact-1\",\"ratio\":\"2.10\",\"deadline\":" + DEADLINE + "}");
    Map<?, ?> exact = (Map<?, ?>) http.get("/event/exact-1").exact();
    assertThat(exact.get("ratio")).isEqualTo(new BigDecimal("2.10"));
    assertThat(http.get("/event/exact-1").body()).contains("\"ratio\":2.10");
    Row row = system.sql("SELECT ratio, ratio::text AS text FROM " + table("events") + " WHERE event_id = 'exact-1'").get(0);
    assertThat(row.getString("text")).isEqualTo("2.10");
    http.put("/event", "{\"event_id\":\"exact-1\",\"ratio\":9999.99}");
    assertThat(((Map<?, ?>) http.get("/event/exact-1").exact()).get("ratio")).isEqualTo(new BigDecimal("9999.99"));
  }

  @Test
  void keepsFractionalDeadlines() {
    http.post("/event", "{\"event_id\":\"frac-1\",\"ratio\":2,\"deadline\":1893456000.25}");
    assertThat(((Map<?, ?>) http.get("/event/frac-1").exact()).get("deadline")).isEqualTo(new BigDecimal("1893456000.25"));
  }

  @Test
  void createsABatchAllOrNothing() {
    Http.Response batch = http.post("/event", "[{\"event_id\":\"batch-a\",\"ratio\":1.1,\"deadline\":" + DEADLINE + "},"
      + "{\"event_id\":\"batch-b\",\"ratio\":1.2,\"deadline\":" + DEADLINE + "}]");
    assertThat(batch.status()).isEqualTo(201);
    JsonArray created = batch.array();
    assertThat(created).hasSize(2);
    assertThat(created.getJsonObject(0).getString("event_id")).isEqualTo("batch-a");
    assertThat(created.getJsonObject(1).getString("event_id")).isEqualTo("batch-b");

    Http.Response refused = http.post("/event", "[{\"event_id\":\"batch-c\",\"ratio\":1.1,\"deadline\":" + DEADLINE + "},"
      + "{\"event_id\":\"batch-a\",\"ratio\":1.2,\"deadline\":" + DEADLINE + "}]");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.object().getJsonArray("errors").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(http.get("/event/batch-c").status()).isEqualTo(404);
  }

  @Test
  void refusesAnExistingId() {
    http.post("/event", "{\"event_id\":\"dup-1\",\"ratio\":1.5,\"deadline\":" + DEADLINE + "}");
    Http.Response again = http.post("/event", "{\"event_id\":\"dup-1\",\"ratio\":9,\"deadline\":" + DEADLINE + "}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).startsWith("application/problem+json");
    assertThat(http.get("/event/dup-1").object().getDouble("ratio")).isEqualTo(1.5);
  }

  @Test
  void everyChangeIsTheNextVersion() {
    http.post("/event", "{\"event_id\":\"ver-1\",\"ratio\":1.5,\"deadline\":" + DEADLINE + "}");
    JsonObject v2 = http.put("/event", "{\"event_id\":\"ver-1\",\"ratio\":1.6}").object();
    assertThat(v2.getLong("version")).isEqualTo(2L);
    JsonObject v3 = http.put("/event", "{\"event_id\":\"ver-1\",\"deadline\":" + (DEADLINE + 60) + "}").object();
    assertThat(v3.getLong("version")).isEqualTo(3L);
    assertThat(v3.getLong("deadline")).isEqualTo(DEADLINE + 60);
    JsonObject same = http.put("/event", "{\"event_id\":\"ver-1\",\"ratio\":\"1.60\"}").object();
    assertThat(same.getLong("version")).as("a change that alters nothing").isEqualTo(3L);
    JsonObject v4 = http.put("/event", "{\"event_id\":\"ver-1\",\"status\":\"FINISHED_LOSE\",\"version\":3}").object();
    assertThat(v4.getLong("version")).isEqualTo(4L);
    assertThat(v4.getString("status")).isEqualTo("FINISHED_LOSE");
  }

  @Test
  void aFinishedEventIsFinal() {
    http.post("/event", "{\"event_id\":\"final-1\",\"ratio\":1.5,\"deadline\":" + DEADLINE + "}");
    assertThat(http.put("/event", "{\"event_id\":\"final-1\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    for (String change : List.of("{\"event_id\":\"final-1\",\"status\":\"NEW\"}",
      "{\"event_id\":\"final-1\",\"status\":\"FINISHED_LOSE\"}",
      "{\"event_id\":\"final-1\",\"status\":\"FINISHED_WIN\"}",
      "{\"event_id\":\"final-1\",\"ratio\":2}",
      "{\"event_id\":\"final-1\",\"deadline\":" + (DEADLINE + 1) + "}")) {
      assertThat(http.put("/event", change).status()).as(change).isEqualTo(409);
    }
    JsonObject event = http.get("/event/final-1").object();
    assertThat(event.getString("status")).isEqualTo("FINISHED_WIN");
    assertThat(event.getLong("version")).isEqualTo(2L);
  }

  @Test
  void updatesABatchInOneTransaction() {
    http.post("/event", "[{\"event_id\":\"bu-1\",\"ratio\":1.5,\"deadline\":" + DEADLINE + "},{\"event_id\":\"bu-2\",\"ratio\":1.5,\"deadline\":" + DEADLINE + "}]");
    Http.Response refused = http.put("/event", "[{\"event_id\":\"bu-1\",\"ratio\":2},{\"event_id\":\"bu-missing\",\"ratio\":2}]");
    assertThat(refused.status()).isEqualTo(404);
    assertThat(http.get("/event/bu-1").object().getLong("version")).as("nothing applied").isEqualTo(1L);
    Http.Response applied = http.put("/event", "[{\"event_id\":\"bu-2\",\"ratio\":2},{\"event_id\":\"bu-1\",\"status\":\"FINISHED_WIN\"}]");
    assertThat(applied.status()).isEqualTo(200);
    assertThat(applied.array().getJsonObject(0).getString("event_id")).isEqualTo("bu-2");
    assertThat(applied.array().getJsonObject(1).getString("status")).isEqualTo("FINISHED_WIN");
  }

  @Test
  void everyChangeWritesAnOutboxRowWithTheNewState() {
    http.post("/event", "{\"event_id\":\"out-1\",\"ratio\":1.5,\"deadline\":" + DEADLINE + "}");
    http.put("/event", "{\"event_id\":\"out-1\",\"ratio\":1.7}");
    http.put("/event", "{\"event_id\":\"out-1\",\"ratio\":\"1.70\"}");
    http.put("/event", "{\"event_id\":\"out-1\",\"status\":\"FINISHED_WIN\"}");
    List<Row> rows = system.sql("SELECT version, payload::text AS payload FROM " + table("outbox")
      + " WHERE event_id = 'out-1' ORDER BY id");
    assertThat(rows).extracting(row -> row.getLong("version")).containsExactly(1L, 2L, 3L);
    JsonObject last = new JsonObject(rows.get(2).getString("payload"));
    assertThat(last.getString("status")).isEqualTo("FINISHED_WIN");
    assertThat(last.getLong("version")).isEqualTo(3L);
    assertThat(last.getDouble("ratio")).isEqualTo(1.7);
    assertThat(last.fieldNames()).containsExactlyInAnyOrder("event_id", "ratio", "deadline", "status", "version");
    // Nobody subscribed to out-1, so the relay has nothing to send and marks the rows published.
    Await.until("the relay to mark out-1's rows", Duration.ofSeconds(10), () -> system.count(
      "SELECT count(*) FROM " + table("outbox") + " WHERE event_id = 'out-1' AND published_at IS NULL") == 0);
  }

  @Test
  void listsByStatusPageByPage() {
    List<String> mine = new ArrayList<>();
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 25; i++) {
      String id = "page-" + (100 + i);
      mine.add(id);
      batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(id).append("\",\"ratio\":2,\"deadline\":").append(DEADLINE)
        .append(i % 5 == 0 ? ",\"status\":\"FINISHED_WIN\"" : "").append("}");
    }
    assertThat(http.post("/event", batch.append("]").toString()).status()).isEqualTo(201);

    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Response page = http.get("/events?status=NEW&limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      JsonArray events = page.array();
      assertThat(events.size()).isLessThanOrEqualTo(7);
      for (Object event : events) {
        JsonObject e = (JsonObject) event;
        assertThat(e.getString("status")).isEqualTo("NEW");
        assertThat(seen.add(e.getString("event_id"))).as("no event twice").isTrue();
      }
      cursor = page.header("Next-Cursor");
      pages++;
    } while (cursor != null && pages < 100);
    List<String> expectedNew = mine.stream().filter(id -> (Integer.parseInt(id.substring(5)) - 100) % 5 != 0).toList();
    assertThat(seen).containsAll(expectedNew);
    assertThat(seen).doesNotContain("page-100", "page-105");
    assertThat(http.get("/events?status=FINISHED_WIN&limit=1000").array().stream()
      .map(e -> ((JsonObject) e).getString("event_id"))).contains("page-100", "page-105", "page-120");
  }

  @Test
  void answersHealthReadinessMetricsAndItsContract() {
    assertThat(http.get("/health").status()).isEqualTo(200);
    Http.Response ready = http.get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.object().getJsonObject("checks").fieldNames()).containsExactlyInAnyOrder("postgres", "redis", "rabbitmq");
    http.get("/event/metrics-probe");
    // The server counts a request once its answer is written, a moment after the client may have it.
    Http.Response metrics = Await.value("the probe counted on /metrics", Duration.ofSeconds(10), () -> http.get("/metrics"),
      scraped -> scraped.body().contains("route=\"/event/:event_id\""));
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("vertx_http_server_requests_total").contains("route=\"/event/:event_id\"")
      .contains("vertx_http_server_response_time_seconds");
    Http.Response openApi = http.get("/openapi.json");
    assertThat(openApi.status()).isEqualTo(200);
    assertThat(openApi.object().getString("openapi")).startsWith("3.");
  }
}
