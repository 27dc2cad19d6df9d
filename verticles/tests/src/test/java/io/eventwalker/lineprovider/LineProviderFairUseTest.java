package io.eventwalker.lineprovider;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.Scrape;
import io.eventwalker.testing.SlowBody;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §5 at line-provider, whose clients are operators: one operator sending bodies a byte at a
 * time holds only its share of the requests in flight, and only until the body deadline; writes
 * are rate-limited per operator (the operator key is one), or per address without a valid
 * credential.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineProviderFairUseTest {

  private static final int BODY_TIMEOUT_MS = 3_000;
  private static final int BURST = 40;
  private static final String KEY = "line-provider-operator-key-of-32-bytes-or-more";
  private TestSystem system;
  private int port;
  private long deadline;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, false, line -> line.put("HTTP_BODY_TIMEOUT_MS", BODY_TIMEOUT_MS).put("LP_API_KEY", KEY)
      .put("LP_RATE_LIMIT_PER_S", 1).put("LP_RATE_LIMIT_BURST", BURST), bets -> { });
    port = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("line-provider");
    deadline = Instant.now().getEpochSecond() + 3600;
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private String event(String id) {
    return "{\"event_id\":\"" + id + "\",\"ratio\":2,\"deadline\":" + deadline + "}";
  }

  private String operator(String name) {
    return Jwts.operator(system.secret, name);
  }

  @Test
  void oneOperatorsSlowBodiesLeaveTheRestToOthersAndEndWithinTheDeadline() {
    int budget = system.lineProviderConfig.getInteger("LP_MAX_CONCURRENT_REQUESTS");
    int share = system.lineProviderConfig.getInteger("LP_MAX_CONCURRENT_PER_CLIENT", budget);
    List<SlowBody> slow = new ArrayList<>();
    try {
      for (int i = 0; i < budget; i++) {
        slow.add(SlowBody.open(port, "POST", "/event", Map.of("Authorization", "Bearer " + operator("slow-operator")), 200));
      }
      List<SlowBody> held = new ArrayList<>();
      for (SlowBody request : slow) {
        int status = request.firstStatus(Duration.ofSeconds(10));
        if (status == 100) {
          held.add(request);
        } else {
          assertThat(status).as("a request beyond the operator's share").isEqualTo(429);
        }
      }
      assertThat(held).as("requests of one operator waiting for their bodies at once").isNotEmpty().hasSizeLessThanOrEqualTo(share);
      held.forEach(SlowBody::sendByte);

      Http other = system.lineProvider().as(operator("other-operator"));
      assertThat(other.post("/event", event("fair-lp-1")).status()).as("another operator's POST /event").isEqualTo(201);
      assertThat(other.as(null).get("/events").status()).as("GET /events").isEqualTo(200);
      assertThat(other.as(null).get("/event/fair-lp-1").status()).as("GET /event/{id}").isEqualTo(200);
      assertThat(held.get(0).elapsedMs()).as("all of it while the slow bodies were still within their deadline")
        .isLessThan(BODY_TIMEOUT_MS);

      Duration bound = Duration.ofMillis(BODY_TIMEOUT_MS + 2_000);
      for (SlowBody request : slow) {
        String after = request.awaitClose(bound);
        if (held.contains(request)) {
          assertThat(after).startsWith("HTTP/1.1 408").contains("application/problem+json").contains("\"status\":408");
        }
      }
      assertThat(system.lineProvider().as(operator("slow-operator")).get("/events").status()).isEqualTo(200);
    } finally {
      slow.forEach(SlowBody::close);
    }
  }

  @Test
  void writesAreRateLimitedPerOperatorOrPerAddress() {
    Http busy = system.lineProvider().as(operator("busy-operator"));
    double counted = Scrape.sample(busy, "line_provider_rate_limited_requests_total", "client=\"operator\"");
    Http.Response limited = firstRefusal(() -> busy.put("/event", "{\"event_id\":\"no-such-event\",\"ratio\":3}"), 404);
    assertThat(limited.contentType()).startsWith("application/problem+json");
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isPositive();
    assertThat(Scrape.sample(busy, "line_provider_rate_limited_requests_total", "client=\"operator\"")).isGreaterThan(counted);

    // Another operator has a bucket of its own; reads are not limited.
    assertThat(system.lineProvider().as(operator("calm-operator")).post("/event", event("fair-lp-2")).status()).isEqualTo(201);
    assertThat(busy.get("/event/fair-lp-2").status()).isEqualTo(200);

    // The operator key is one operator.
    Map<String, String> withKey = Map.of("Content-Type", "application/json", "X-Api-Key", KEY);
    firstRefusal(() -> system.lineProvider().as(null).send("PUT", "/event", "{\"event_id\":\"no-such-event\",\"ratio\":3}", withKey), 404);

    // Without a valid credential a write counts against its address, before its 401.
    Http nobody = system.lineProvider().as(null);
    firstRefusal(() -> nobody.post("/event", event("fair-lp-3")), 401);
    assertThat(nobody.get("/event/fair-lp-3").status()).as("nothing stored").isEqualTo(404);
  }

  /** Sends {@code request} until it is refused 429 (each answer before that must be {@code status}); the refusal. */
  private static Http.Response firstRefusal(Supplier<Http.Response> request, int status) {
    for (int i = 0; i < BURST + 10; i++) {
      Http.Response response = request.get();
      if (response.status() == 429) {
        return response;
      }
      assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }
    throw new AssertionError("no 429 within " + (BURST + 10) + " quick writes (burst " + BURST + ")");
  }
}
