package io.eventwalker.betmaker;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.SystemTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Odds-change protection (SPEC §2): a bet says which ratio it saw and what it accepts; a ratio
 * moved before the bet is refused with 409, the current ratio and version, and nothing stored;
 * a bet taken stores the ratio it was taken at.
 */
class OddsChangeTest extends SystemTest {

  /** An event at 2.00 that a first bet made known to bet-maker, then moved to {@code ratio} by line-provider. */
  private String movedTo(String id, String ratio) {
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":2.00,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    assertThat(bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":1,\"ratio\":2.00}").status()).isEqualTo(201);
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"ratio\":" + ratio + "}").status()).isEqualTo(200);
    return id;
  }

  private long stored(String event) {
    return system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id = '" + event + "'");
  }

  @Test
  void exactRefusesAMovedRatioWithTheCurrentOneAndStoresNothing() {
    String event = movedTo("odds-exact", "2.10");
    for (String body : new String[] {"{\"event_id\":\"" + event + "\",\"sum_bet\":10,\"ratio\":2.00}",
      "{\"event_id\":\"" + event + "\",\"sum_bet\":10,\"ratio\":\"2.00\",\"accept_odds\":\"exact\"}"}) {
      Http.Response refused = bets.post("/bet", body);
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      JsonObject problem = refused.object();
      assertThat(new BigDecimal(problem.getValue("ratio").toString())).isEqualByComparingTo("2.10");
      assertThat(problem.getLong("version")).isEqualTo(2L);
      assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("ratio");
    }
    assertThat(stored(event)).as("only the first bet").isEqualTo(1);
    JsonObject taken = bets.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":10,\"ratio\":2.10}").object();
    assertThat(new BigDecimal(taken.getValue("ratio").toString())).isEqualByComparingTo("2.10");
  }

  @Test
  void higherTakesARatioThatRoseAtTheNewRatioAndRefusesOneThatFell() {
    String up = movedTo("odds-up", "2.40");
    JsonObject taken = bets.post("/bet", "{\"event_id\":\"" + up + "\",\"sum_bet\":10,\"ratio\":2.00,\"accept_odds\":\"higher\"}").object();
    assertThat(new BigDecimal(taken.getValue("ratio").toString())).as("the ratio it was taken at").isEqualByComparingTo("2.40");
    assertThat(system.sql("SELECT ratio FROM " + system.bmSchema() + ".bets WHERE bet_id = $1",
      java.util.UUID.fromString(taken.getString("bet_id"))).get(0).getBigDecimal("ratio")).isEqualByComparingTo("2.40");

    String down = movedTo("odds-down", "1.90");
    Http.Response refused = bets.post("/bet", "{\"event_id\":\"" + down + "\",\"sum_bet\":10,\"ratio\":2.00,\"accept_odds\":\"higher\"}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(new BigDecimal(refused.object().getValue("ratio").toString())).isEqualByComparingTo("1.90");
    assertThat(stored(down)).isEqualTo(1);
  }

  @Test
  void anyTakesWhateverTheRatioIsAndABatchIsRefusedWhole() {
    String event = movedTo("odds-any", "1.50");
    JsonObject taken = bets.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":10,\"ratio\":2.00,\"accept_odds\":\"any\"}").object();
    assertThat(new BigDecimal(taken.getValue("ratio").toString())).isEqualByComparingTo("1.50");

    Http.Response batch = bets.post("/bet", "[{\"event_id\":\"" + event + "\",\"sum_bet\":5},"
      + "{\"event_id\":\"" + event + "\",\"sum_bet\":5,\"ratio\":2.00}]");
    assertThat(batch.status()).isEqualTo(409);
    assertThat(batch.object().getJsonArray("errors").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(stored(event)).as("the first bet and the one at any ratio").isEqualTo(2);
  }
}
