package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3.3: a conflict with line-provider stops bets on the event, is listed in {@code /ready}
 * and a meter with both versions and the command that resolves it, and always ends: after the
 * documented remedy (the command), every PENDING bet of the event settles by line-provider's
 * final state. Each case is a sequence a review reproduced against the running system.
 */
class ConflictsTest {

  private TestSystem system;
  private Http line;
  private Http bets;
  private Http operator;
  private final long deadline = Instant.now().getEpochSecond() + 3600;

  private void start(int catchUpMs) {
    system = TestSystem.start(true, true, config -> config.put("BM_CATCH_UP_INTERVAL_MS", catchUpMs));
    line = system.lineProvider();
    bets = system.betMaker();
    operator = bets.as(Jwts.operator(system.secret, "ops-1"));
  }

  @AfterEach
  void stop() {
    system.close();
  }

  private void create(String id, String ratio) {
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":" + ratio + ",\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
  }

  private void bet(String id, String sum) {
    Http.Response placed = bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":" + sum + "}");
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
  }

  private long count(String sql, Object... params) {
    return system.count(sql.replace("$S", system.bmSchema()).replace("$L", system.lpSchema()), params);
  }

  private JsonObject conflictOf(String id) {
    JsonArray conflicts = bets.get("/ready").object().getJsonArray("event_conflicts");
    for (int i = 0; i < conflicts.size(); i++) {
      if (conflicts.getJsonObject(i).getString("event_id").equals(id)) {
        return conflicts.getJsonObject(i);
      }
    }
    return null;
  }

  @Test
  void lineProviderRestoredToAnOlderVersionEndsInSettlementAfterTheDocumentedCommand() {
    start(60_000);
    String id = "restored";
    create(id, "1.50");
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"ratio\":2.00}").status()).isEqualTo(200);
    Await.until("bet-maker holds version 2", Duration.ofSeconds(10),
      () -> count("SELECT count(*) FROM $S.events WHERE event_id = $1 AND version = 2", id) == 1);
    bet(id, "10");

    // line-provider is restored from a backup taken at version 1.
    system.sql("UPDATE " + system.lpSchema() + ".events SET version = 1, ratio = 1.50 WHERE event_id = $1", id);
    Http.Response refused = bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":5}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.object().getString("detail")).contains("in conflict");
    JsonObject conflict = conflictOf(id);
    assertThat(conflict).as("listed in /ready").isNotNull();
    assertThat(conflict.getLong("bet_maker_version")).isEqualTo(2L);
    assertThat(conflict.getLong("line_provider_version")).isEqualTo(1L);
    assertThat(conflict.getString("resolve")).contains("conflicts resolve " + id);
    // The meter is read again from the database after each change: wait for it.
    Await.until("the conflict in the meter", Duration.ofSeconds(10), () -> bets.get("/metrics").body()
      .contains("bet_maker_event_conflict{bet_maker_version=\"2\",event_id=\"" + id + "\",line_provider_version=\"1\"} 1.0"));

    // The documented remedy: an operator resolves it (line-provider's state is the true one).
    assertThat(bets.post("/conflicts/" + id + "/resolve", "").status()).as("a player may not").isEqualTo(403);
    Http.Response resolved = operator.post("/conflicts/" + id + "/resolve", "");
    assertThat(resolved.status()).as(resolved.toString()).isEqualTo(200);
    assertThat(resolved.object().getJsonObject("replaced").getLong("version")).isEqualTo(2L);
    assertThat(resolved.object().getJsonObject("adopted").getLong("version")).isEqualTo(1L);
    assertThat(conflictOf(id)).isNull();
    Await.until("the conflict gone from the meter", Duration.ofSeconds(10),
      () -> !bets.get("/metrics").body().contains("bet_maker_event_conflict{bet_maker_version=\"2\",event_id=\"" + id + "\""));
    bet(id, "5"); // bets are taken again, at line-provider's ratio
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND ratio = 1.50", id)).isEqualTo(1);

    // line-provider finishes the event: its version 2 is newer than the adopted 1.
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("every PENDING bet settled by line-provider's result", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 2);
    assertThat(count("SELECT sum(payout) * 100 FROM $S.bets WHERE event_id = $1", id)).isEqualTo(2000 + 750);
    assertThat(count("SELECT count(*) FROM $S.conflict_resolutions WHERE event_id = $1 AND resolved_by = 'ops-1'", id)).isEqualTo(1);
  }

  @Test
  void theSameVersionWithOtherContentIsAConflictNotABetAtTheOtherRatio() {
    start(60_000);
    String id = "same-version";
    create(id, "1.50");
    bet(id, "10");
    // bet-maker holds version 1 with a ratio line-provider never had (a forged update applied earlier).
    system.sql("UPDATE " + system.bmSchema() + ".events SET ratio = 9.99 WHERE event_id = $1", id);

    Http.Response refused = bets.post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":5}");
    assertThat(refused.status()).as("never a bet at a ratio line-provider does not have: " + refused).isEqualTo(409);
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND ratio = 9.99", id)).isZero();
    JsonObject conflict = conflictOf(id);
    assertThat(conflict).isNotNull();
    assertThat(conflict.getLong("line_provider_version")).isEqualTo(1L);
    assertThat(conflict.getJsonObject("line_provider_state").getValue("ratio").toString()).isEqualTo("1.5");
    assertThat(conflict.getJsonObject("bet_maker_state").getValue("ratio").toString()).isEqualTo("9.99");

    // line-provider's next change of the open event is newer: it ends the conflict by itself.
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    Await.until("settled by line-provider's result", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'LOST'", id) == 1);
    assertThat(conflictOf(id)).isNull();
  }

  @Test
  void aResultAfterTheResultBetMakerHoldsIsAConflictAndTheCommandSettlesByLineProviders() {
    start(60_000);
    String id = "two-results";
    create(id, "1.50");
    bet(id, "100");
    // bet-maker holds a result line-provider never published (version 2 FINISHED_WIN), and paid it.
    system.sql("UPDATE " + system.bmSchema() + ".events SET status = 'FINISHED_WIN', version = 2 WHERE event_id = $1", id);
    system.sql("UPDATE " + system.bmSchema() + ".bets SET status = 'WON', payout = 150.00, settled_at = now() WHERE event_id = $1", id);
    system.sql("UPDATE " + system.bmSchema() + ".events SET settled_at = now() WHERE event_id = $1", id);

    // line-provider's own result comes as version 2 too: the same version, other content.
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    Await.until("the conflict found", Duration.ofSeconds(15), () -> conflictOf(id) != null);
    JsonObject conflict = conflictOf(id);
    assertThat(conflict.getLong("bet_maker_version")).isEqualTo(2L);
    assertThat(conflict.getLong("line_provider_version")).isEqualTo(2L);
    assertThat(conflict.getJsonObject("line_provider_state").getString("status")).isEqualTo("FINISHED_LOSE");

    Http.Response listed = operator.get("/conflicts");
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.array().getJsonObject(0).getString("event_id")).isEqualTo(id);
    Http.Response resolved = operator.post("/conflicts/" + id + "/resolve", "");
    assertThat(resolved.status()).as(resolved.toString()).isEqualTo(200);
    assertThat(resolved.object().getJsonObject("adopted").getString("status")).isEqualTo("FINISHED_LOSE");
    assertThat(resolved.object().getLong("bets_settled_before")).as("the bet paid before, to review").isEqualTo(1L);
    assertThat(count("SELECT count(*) FROM $S.events WHERE event_id = $1 AND status = 'FINISHED_LOSE' AND conflict_version IS NULL", id))
      .isEqualTo(1);
    assertThat(operator.post("/conflicts/" + id + "/resolve", "").status()).as("nothing left to resolve").isEqualTo(409);
  }

  @Test
  void aSettledEventIsNeverOpenedForBetsAgainByTheCommand() {
    start(60_000);
    String id = "settled-then-restored";
    create(id, "2.00");
    bet(id, "100");
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("the bet paid", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON' AND payout = 200.00", id) == 1);
    // line-provider is restored from a backup taken before the result: the event is open there again.
    system.sql("UPDATE " + system.lpSchema() + ".events SET status = 'NEW', version = 1 WHERE event_id = $1", id);
    assertThat(bets.as(system.token("bob")).post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":100}").status()).isEqualTo(409);
    assertThat(conflictOf(id)).isNotNull();

    Http.Response refused = operator.post("/conflicts/" + id + "/resolve", "");
    assertThat(refused.status()).as("the known result's event is not opened again: " + refused).isEqualTo(409);
    assertThat(refused.object().getString("detail")).contains("never opened for bets again");
    assertThat(bets.as(system.token("bob")).post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":100}").status()).isEqualTo(409);

    // The operator enters the result at line-provider again; resolving then adopts it.
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Http.Response resolved = Await.value("resolved by line-provider's result", Duration.ofSeconds(10),
      () -> operator.post("/conflicts/" + id + "/resolve", ""), response -> response.status() == 200);
    assertThat(resolved.object().getJsonObject("adopted").getString("status")).isEqualTo("FINISHED_WIN");
    assertThat(count("SELECT count(*) FROM $S.bets WHERE event_id = $1", id)).as("no bet after the settlement").isEqualTo(1);
  }

  @Test
  void aResultOlderThanWhatBetMakerHoldsIsReportedAsAConflict() {
    start(60_000);
    String id = "restored-result";
    create(id, "2.00");
    bet(id, "10");
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"ratio\":3.00}").status()).isEqualTo(200);
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("settled at version 3", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON'", id) == 1);
    // line-provider restored to version 1, and given another result: its version 2.
    system.sql("UPDATE " + system.lpSchema() + ".events SET status = 'NEW', version = 1, ratio = 2.00 WHERE event_id = $1", id);
    assertThat(line.put("/event", "{\"event_id\":\"" + id + "\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    Await.until("the other result reported as a conflict", Duration.ofSeconds(15), () -> conflictOf(id) != null);
    assertThat(conflictOf(id).getJsonObject("line_provider_state").getString("status")).isEqualTo("FINISHED_LOSE");
  }

  @Test
  void catchUpFindsEveryEventWithPendingBetsEvenWithoutItsRow() {
    start(300);
    String id = "no-row";
    create(id, "2.00");
    bet(id, "10");
    // The older remedy removed bet-maker's row of the event; line-provider then finished the
    // event without any update reaching bet-maker (here: written straight to its table).
    system.sql("DELETE FROM " + system.bmSchema() + ".events WHERE event_id = $1", id);
    system.sql("UPDATE " + system.lpSchema() + ".events SET status = 'FINISHED_WIN', version = 2 WHERE event_id = $1", id);
    Await.until("catch-up to settle the bet", Duration.ofSeconds(15),
      () -> count("SELECT count(*) FROM $S.bets WHERE event_id = $1 AND status = 'WON' AND payout = 20.00", id) == 1);
  }
}
