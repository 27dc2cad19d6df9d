package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Scrape;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The locks: line-provider's operator key, bet-maker's per-client rate limit, no CORS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoorsTest {

  private static final String KEY = "operator-secret-4242-of-at-least-32-bytes";
  private TestSystem system;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true,
      line -> line.put("LP_API_KEY", KEY),
      bets -> bets.put("BM_RATE_LIMIT_PER_S", 2).put("BM_RATE_LIMIT_BURST", 5));
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private static String event(String id) {
    return "{\"event_id\":\"" + id + "\",\"ratio\":2,\"deadline\":" + (Instant.now().getEpochSecond() + 3600) + "}";
  }

  @Test
  void lineProviderWritesNeedTheOperatorKey() {
    Http line = system.lineProvider().as(null);
    Http.Response anonymous = line.post("/event", event("door-1"));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.contentType()).startsWith("application/problem+json");
    assertThat(anonymous.header("WWW-Authenticate")).as("no credential sent: no error code (RFC 6750 §3.1)")
      .isEqualTo("Bearer realm=\"event-walker\"");
    Http.Response wrong = line.send("POST", "/event", event("door-1"), Map.of("Content-Type", "application/json", "X-Api-Key", "guess"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"event-walker\", error=\"invalid_token\"");
    assertThat(wrong.body()).doesNotContain(KEY);
    assertThat(line.get("/event/door-1").status()).as("nothing stored").isEqualTo(404);
    assertThat(line.send("PUT", "/event", "{\"event_id\":\"door-1\",\"ratio\":3}", Map.of("Content-Type", "application/json")).status())
      .isEqualTo(401);

    assertThat(line.send("POST", "/event", event("door-1"), Map.of("Content-Type", "application/json", "X-Api-Key", KEY)).status())
      .isEqualTo(201);
    assertThat(line.send("PUT", "/event", "{\"event_id\":\"door-1\",\"ratio\":3}",
      Map.of("Content-Type", "application/json", "Authorization", "Bearer " + KEY)).status()).isEqualTo(200);
    assertThat(line.get("/event/door-1").status()).as("reads stay open").isEqualTo(200);
  }

  @Test
  void placingBetsIsRateLimitedPerClient() {
    Http bets = system.betMaker();
    long stored = system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets");
    double counted = Scrape.sample(bets, "bet_maker_rate_limited_requests_total", "client=\"player\"");
    Http.Response limited = null;
    for (int i = 0; i < 20 && limited == null; i++) {
      Http.Response response = bets.post("/bet", "{\"event_id\":\"no-such-event\",\"sum_bet\":1}");
      if (response.status() == 429) {
        limited = response;
      } else {
        assertThat(response.status()).isEqualTo(404);
      }
    }
    assertThat(limited).as("a 429 within 20 quick requests (burst 5)").isNotNull();
    assertThat(limited.contentType()).startsWith("application/problem+json");
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 5);
    assertThat(Scrape.sample(bets, "bet_maker_rate_limited_requests_total", "client=\"player\"")).isGreaterThan(counted);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets")).isEqualTo(stored);
    // The limit applies to placing bets only, and lifts with time.
    assertThat(bets.get("/bets").status()).isEqualTo(200);
    Await.until("the limit to lift", Duration.ofSeconds(10),
      () -> bets.post("/bet", "{\"event_id\":\"no-such-event\",\"sum_bet\":1}").status() == 404);
  }

  @Test
  void corsStaysClosed() {
    Http.Response preflight = system.betMaker().send("OPTIONS", "/bet", (byte[]) null,
      Map.of("Origin", "http://evil.example", "Access-Control-Request-Method", "POST"));
    assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    Http.Response read = system.betMaker().send("GET", "/bets", (byte[]) null, Map.of("Origin", "http://evil.example"));
    assertThat(read.header("Access-Control-Allow-Origin")).isNull();
  }
}
