package io.eventwalker.betmaker;

import ch.qos.logback.classic.Level;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.LogCapture;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §5, fair use: one player sending bodies a byte at a time on as many connections as the
 * service takes requests at once holds only its share of them, and only until the body deadline;
 * other players are served meanwhile. A client that goes away is not an error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FairShareTest {

  private static final int BODY_TIMEOUT_MS = 3_000;
  private TestSystem system;
  private int port;
  private int budget;
  private int share;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true, line -> { }, bets -> bets.put("HTTP_BODY_TIMEOUT_MS", BODY_TIMEOUT_MS));
    port = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
    budget = system.betMakerConfig.getInteger("BM_MAX_CONCURRENT_REQUESTS");
    share = system.betMakerConfig.getInteger("BM_MAX_CONCURRENT_PER_CLIENT", budget);
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"fair-1\",\"ratio\":2,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private List<SlowBody> slowBets(String token, int connections) {
    List<SlowBody> slow = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      slow.add(SlowBody.open(port, "POST", "/bet", Map.of("Authorization", "Bearer " + token), 100));
    }
    return slow;
  }

  @Test
  void onePlayersSlowBodiesLeaveTheRestOfTheBudgetToOthersAndEndWithinTheDeadline() {
    List<SlowBody> slow = slowBets(system.token("hog"), budget);
    try {
      List<SlowBody> held = new ArrayList<>();
      for (SlowBody request : slow) {
        int status = request.firstStatus(Duration.ofSeconds(10));
        if (status == 100) {
          held.add(request);
        } else {
          assertThat(status).as("a request beyond the player's share").isEqualTo(429);
        }
      }
      assertThat(held).as("requests of one player waiting for their bodies at once").isNotEmpty().hasSizeLessThanOrEqualTo(share);
      held.forEach(SlowBody::sendByte);

      // Other players are served while the slow player holds what it may.
      Http other = system.betMaker().as(system.token("someone-else"));
      assertThat(other.get("/bets").status()).as("another player's GET /bets").isEqualTo(200);
      assertThat(other.as(null).get("/events").status()).as("GET /events").isEqualTo(200);
      assertThat(other.post("/bet", "{\"event_id\":\"fair-1\",\"sum_bet\":5}").status()).as("another player's POST /bet").isEqualTo(201);
      assertThat(held.get(0).elapsedMs()).as("all of it while the slow bodies were still within their deadline")
        .isLessThan(BODY_TIMEOUT_MS);

      // Every slow connection is answered 408 (those that held a slot) and closed within the deadline.
      Duration bound = Duration.ofMillis(BODY_TIMEOUT_MS + 2_000);
      for (SlowBody request : slow) {
        String after = request.awaitClose(bound);
        if (held.contains(request)) {
          assertThat(after).as("the answer to a body that did not arrive whole in time")
            .startsWith("HTTP/1.1 408").contains("application/problem+json").contains("\"status\":408");
        }
      }
      // Their slots are free again: the same player is served.
      assertThat(system.betMaker().as(system.token("hog")).get("/bets").status()).isEqualTo(200);
    } finally {
      slow.forEach(SlowBody::close);
    }
  }

  @Test
  void aClientThatGoesAwayMidRequestIsNoError() {
    try (LogCapture log = new LogCapture()) {
      List<SlowBody> slow = slowBets(system.token("leaver"), 3);
      for (SlowBody request : slow) {
        assertThat(request.firstStatus(Duration.ofSeconds(10))).isEqualTo(100);
        request.sendByte();
        request.abort();
      }
      Await.until("the service to log the requests whose clients went away", Duration.ofSeconds(10),
        () -> log.events().stream().filter(event -> event.getFormattedMessage().contains("POST /bet")).count() >= slow.size());
      assertThat(log.events()).as("what was logged")
        .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN) || event.getThrowableProxy() != null)
        .extracting(event -> event.getLevel() + " " + event.getFormattedMessage())
        .isEmpty();
    }
  }
}
