package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.SystemTest;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** No bet can be accepted on an event once its settlement has run (SPEC §3.4). */
class SettlementRaceTest extends SystemTest {

  private static final int BETS = 200;

  @Test
  void everyAcceptedBetIsSettledWhenBetsRaceTheFinish() throws Exception {
    Http line = system.lineProvider();
    Http bets = system.betMaker();
    String eventId = "race-1";
    assertThat(line.post("/event", "{\"event_id\":\"" + eventId + "\",\"ratio\":1.37,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    // Subscribed and known to bet-maker before the race starts.
    assertThat(bets.post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":1}").status()).isEqualTo(201);

    ExecutorService pool = Executors.newFixedThreadPool(8);
    ExecutorService finisher = Executors.newSingleThreadExecutor();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch firstBets = new CountDownLatch(20);
    List<Future<Http.Response>> responses = new ArrayList<>();
    try {
      for (int i = 0; i < BETS; i++) {
        String sum = (i + 1) + ".11";
        responses.add(pool.submit(() -> {
          go.await();
          try {
            return bets.post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":\"" + sum + "\"}");
          } finally {
            firstBets.countDown();
          }
        }));
      }
      Future<Http.Response> finish = finisher.submit(() -> {
        firstBets.await(); // the finish lands in the middle of the bets
        return line.put("/event", "{\"event_id\":\"" + eventId + "\",\"status\":\"FINISHED_WIN\"}");
      });
      go.countDown();
      assertThat(finish.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);

      Map<String, BigDecimal> accepted = new HashMap<>();
      int refused = 0;
      for (Future<Http.Response> future : responses) {
        Http.Response response = future.get(30, TimeUnit.SECONDS);
        if (response.status() == 201) {
          var body = response.object();
          accepted.put(body.getString("bet_id"), new BigDecimal(body.getValue("sum_bet").toString()));
        } else {
          assertThat(response.status()).as(response.toString()).isIn(409, 422);
          refused++;
        }
      }
      assertThat(accepted.size() + refused).isEqualTo(BETS);
      assertThat(accepted.size()).as("bets accepted before the finish").isGreaterThanOrEqualTo(20);

      String schema = system.bmSchema();
      Await.until("no PENDING bet left on " + eventId, Duration.ofSeconds(20),
        () -> system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'PENDING'", eventId) == 0);
      List<Row> stored = system.sql("SELECT bet_id::text AS id, status, payout, sum_bet, ratio FROM " + schema
        + ".bets WHERE event_id = $1", eventId);
      assertThat(stored).hasSize(accepted.size() + 1);
      for (Row row : stored) {
        assertThat(row.getString("status")).isEqualTo("WON");
        assertThat(row.getBigDecimal("payout")).isEqualByComparingTo(
          row.getBigDecimal("sum_bet").multiply(row.getBigDecimal("ratio")).setScale(2, java.math.RoundingMode.DOWN));
      }
      assertThat(stored.stream().map(row -> row.getString("id"))).containsAll(accepted.keySet());
      assertThat(system.count("SELECT count(*) FROM " + schema + ".bet_status_log WHERE event_id = $1", eventId))
        .as("each bet's status changed exactly once").isEqualTo(stored.size());
      assertThat(system.count("SELECT count(DISTINCT bet_id) FROM " + schema + ".bet_status_log WHERE event_id = $1", eventId))
        .isEqualTo(stored.size());
    } finally {
      pool.shutdownNow();
      finisher.shutdownNow();
    }
  }
}
