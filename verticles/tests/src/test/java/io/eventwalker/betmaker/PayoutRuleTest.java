package io.eventwalker.betmaker;

import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.betmaker.bets.Payout;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.eventwalker.wire.EventStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settlement rule: {@link Payout} in Java, and the settling SQL that mirrors it, agree. */
class PayoutRuleTest {

  private static final List<String> RATIOS = List.of("1.01", "1.15", "1.75", "1.99", "3.33", "10000.00");
  private static final List<String> STAKES = List.of("0.01", "0.99", "10.00", "10.01", "10.05", "33.33", "1000000.00");

  @ParameterizedTest
  @CsvSource({"10.00, 1.75, 17.50", "10.01, 1.99, 19.91", "0.01, 1.01, 0.01", "33.33, 3.33, 110.98",
    "1000000.00, 10000.00, 10000000000.00", "0.99, 1.01, 0.99", "10.05, 1.15, 11.55"})
  void aWinPaysStakeTimesRatioRoundedDownToCents(String stake, String ratio, String payout) {
    Payout won = Payout.of(EventStatus.FINISHED_WIN, new BigDecimal(stake), new BigDecimal(ratio));
    assertThat(won.status()).isEqualTo(BetStatus.WON);
    assertThat(won.amount()).isEqualByComparingTo(payout).hasScaleOf(2);
  }

  @Test
  void aLossPaysNothingAVoidPaysTheStakeBackAndNewSettlesNothing() {
    Payout lost = Payout.of(EventStatus.FINISHED_LOSE, new BigDecimal("10.00"), new BigDecimal("1.75"));
    assertThat(lost.status()).isEqualTo(BetStatus.LOST);
    assertThat(lost.amount()).isEqualByComparingTo("0").hasScaleOf(2);
    Payout voided = Payout.of(EventStatus.CANCELLED, new BigDecimal("10.05"), new BigDecimal("1.75"));
    assertThat(voided.status()).isEqualTo(BetStatus.VOID);
    assertThat(voided.amount()).isEqualByComparingTo("10.05").hasScaleOf(2);
    assertThatThrownBy(() -> Payout.of(EventStatus.NEW, BigDecimal.TEN, BigDecimal.TEN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSettlingStatementPaysWhatTheJavaRuleSays() {
    try (TestSystem system = TestSystem.both()) {
      Http line = system.lineProvider();
      Http bets = system.betMaker();
      long deadline = Instant.now().getEpochSecond() + 3600;
      for (EventStatus result : List.of(EventStatus.FINISHED_WIN, EventStatus.FINISHED_LOSE, EventStatus.CANCELLED)) {
        for (int e = 0; e < RATIOS.size(); e++) {
          String eventId = "payout-" + result.name().toLowerCase() + "-" + e;
          assertThat(line.post("/event", "{\"event_id\":\"" + eventId + "\",\"ratio\":\"" + RATIOS.get(e) + "\",\"deadline\":"
            + deadline + "}").status()).isEqualTo(201);
          JsonArray batch = new JsonArray();
          STAKES.forEach(stake -> batch.add(new JsonObject().put("event_id", eventId).put("sum_bet", stake)));
          assertThat(bets.post("/bet", batch.encode()).status()).isEqualTo(201);
          assertThat(line.put("/event", "{\"event_id\":\"" + eventId + "\",\"status\":\"" + result + "\"}").status()).isEqualTo(200);
        }
      }
      int expected = 3 * RATIOS.size() * STAKES.size();
      Await.until("every bet settled", Duration.ofSeconds(20),
        () -> system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE status <> 'PENDING'") == expected);
      assertThat(bets.get("/bets?limit=1000").array()).as("the API lists them").hasSize(expected);
      // Read exactly as stored (NUMERIC), not through a JSON parser's doubles.
      List<Row> settled = system.sql("SELECT b.sum_bet, b.ratio, b.status, b.payout, e.status AS result FROM " + system.bmSchema()
        + ".bets b JOIN " + system.bmSchema() + ".events e USING (event_id)");
      assertThat(settled).hasSize(expected);
      for (Row bet : settled) {
        Payout rule = Payout.of(EventStatus.valueOf(bet.getString("result")), bet.getBigDecimal("sum_bet"), bet.getBigDecimal("ratio"));
        assertThat(bet.getString("status")).as("status of %s", bet.toJson()).isEqualTo(rule.status().name());
        assertThat(bet.getBigDecimal("payout")).as("payout of %s", bet.toJson()).isEqualByComparingTo(rule.amount());
      }
    }
  }
}
