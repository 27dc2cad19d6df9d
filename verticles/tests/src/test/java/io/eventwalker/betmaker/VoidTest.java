package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.SystemTest;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Void (SPEC §1): a cancelled event is final, and its pending bets settle VOID with their stake paid back, once. */
class VoidTest extends SystemTest {

  @Test
  void aCancelledEventVoidsItsBetsAndIsFinal() {
    Http line = system.lineProvider();
    Http bets = system.betMaker();
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"void-1\",\"ratio\":3.30,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    assertThat(bets.post("/bet", "[{\"event_id\":\"void-1\",\"sum_bet\":\"10.05\"},{\"event_id\":\"void-1\",\"sum_bet\":3}]").status())
      .isEqualTo(201);

    JsonObject cancelled = line.put("/event", "{\"event_id\":\"void-1\",\"status\":\"CANCELLED\"}").object();
    assertThat(cancelled.getString("status")).isEqualTo("CANCELLED");
    assertThat(cancelled.getLong("version")).isEqualTo(2L);
    Await.until("both bets settled", Duration.ofSeconds(20), () -> system.count("SELECT count(*) FROM " + system.bmSchema()
      + ".bets WHERE event_id = 'void-1' AND status = 'VOID'") == 2);
    for (Row bet : system.sql("SELECT sum_bet, payout, settled_at FROM " + system.bmSchema() + ".bets WHERE event_id = 'void-1'")) {
      assertThat(bet.getBigDecimal("payout")).as("the stake back").isEqualByComparingTo(bet.getBigDecimal("sum_bet"));
      assertThat(bet.getOffsetDateTime("settled_at")).isNotNull();
    }
    List<Row> audit = system.sql("SELECT status, count(*) AS n FROM " + system.bmSchema()
      + ".bet_status_log WHERE event_id = 'void-1' GROUP BY status");
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).getString("status")).isEqualTo("VOID");
    assertThat(audit.get(0).getLong("n")).as("each bet settled once").isEqualTo(2L);
    JsonObject listed = bets.get("/bets?event_id=void-1&status=VOID").array().getJsonObject(0);
    assertThat(new BigDecimal(listed.getValue("payout").toString())).isPositive();

    assertThat(line.put("/event", "{\"event_id\":\"void-1\",\"status\":\"FINISHED_WIN\"}").status()).as("cancelled is final").isEqualTo(409);
    assertThat(bets.post("/bet", "{\"event_id\":\"void-1\",\"sum_bet\":1}").status()).as("no bets on a cancelled event").isEqualTo(409);
  }
}
