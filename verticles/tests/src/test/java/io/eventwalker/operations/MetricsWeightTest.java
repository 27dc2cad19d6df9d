package io.eventwalker.operations;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scrape of {@code /metrics} stays light under a realistic mix of traffic (docs/operations.md,
 * "How heavy a scrape is"): after 1,000 requests of every kind, both services in one Vert.x as in
 * {@code all}, each service's scrape is under 100 KB, and the latency histograms still have their
 * buckets (the request and response sizes have none).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsWeightTest {

  private static final int REQUESTS = 1_000;
  private static final int MAX_SCRAPE_BYTES = 100_000;

  private TestSystem system;
  private Http line;
  private Http bets;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true,
      line -> line.put("LP_HTTP_PORT", FreePorts.one()).put("LP_RATE_LIMIT_PER_S", 0),
      bets -> bets.put("BM_HTTP_PORT", FreePorts.one()).put("BM_RATE_LIMIT_PER_S", 0));
    line = system.lineProvider();
    bets = system.betMaker();
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aScrapeAfterAThousandMixedRequestsIsUnder100Kilobytes() {
    long deadline = Instant.now().getEpochSecond() + 3600;
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add("weight-" + i);
      assertThat(line.post("/event", "{\"event_id\":\"weight-" + i + "\",\"ratio\":2,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    }
    String betId = bets.post("/bet", "{\"event_id\":\"weight-0\",\"sum_bet\":1}").object().getString("bet_id");
    List<IntFunction<Integer>> kinds = List.of(
      i -> bets.post("/bet", "{\"event_id\":\"" + events.get(i % events.size()) + "\",\"sum_bet\":1}").status(),
      i -> bets.post("/bet", "[{\"event_id\":\"" + events.get(i % events.size()) + "\",\"sum_bet\":1},{\"event_id\":\"weight-1\",\"sum_bet\":2}]")
        .status(),
      i -> bets.get("/bets?event_id=" + events.get(i % events.size()) + "&limit=10").status(),
      i -> bets.get("/bet/" + betId).status(),
      i -> bets.get("/events").status(),
      i -> bets.post("/bet", "{\"event_id\":\"weight-0\",\"sum_bet\":-1}").status(),
      i -> bets.post("/bet", "{\"event_id\":\"no-such-event\",\"sum_bet\":1}").status(),
      i -> bets.get("/bet/00000000-0000-0000-0000-000000000000").status(),
      i -> bets.as(null).get("/bets").status(),
      i -> line.get("/event/" + events.get(i % events.size())).status(),
      i -> line.get("/events?limit=5").status(),
      i -> line.get("/event/no-such-event").status(),
      i -> line.put("/event", "{\"event_id\":\"" + events.get(i % events.size()) + "\",\"ratio\":"
        + String.format(Locale.ROOT, "%.2f", 2 + (i % 50) / 100.0) + "}").status(),
      i -> line.post("/event", "{\"event_id\":\"weight-0\",\"ratio\":2,\"deadline\":" + deadline + "}").status(),
      i -> line.post("/event", "{\"event_id\":\"weight-x\",\"ratio\":-2}").status(),
      i -> line.send("DELETE", "/event/weight-0", (String) null, Map.of()).status(),
      i -> bets.get("/health").status(),
      i -> line.get("/ready").status());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      statuses.add(kinds.get(i % kinds.size()).apply(i));
    }
    assertThat(statuses).as("the mix: answered, refused and not found").contains(200, 201, 400, 401, 404, 405, 409);

    for (Http service : List.of(line, bets)) {
      String scrape = service.get("/metrics").body();
      assertThat(scrape.getBytes(StandardCharsets.UTF_8).length).as("bytes of one scrape of " + service.base()).isLessThan(MAX_SCRAPE_BYTES);
      assertThat(scrape).as("latency histograms keep their buckets")
        .containsPattern("vertx_http_server_response_time_seconds_bucket\\{code=\"200\"[^}]*le=\"0\\.1\"} [1-9]")
        .as("request and response sizes are a count, a sum and a maximum").doesNotContain("_bytes_bucket");
    }
  }
}
