package io.eventwalker.betmaker;

import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.testing.TestSystem;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settling statement against bet-maker's real schema: chunks walk an event's bets in seq order
 * from a cursor, a settler that starts again from the beginning skips what is settled, the last
 * chunk records the event as settled (and it leaves the pending list), and each bet's update stays
 * on its page (HOT: no index entry written per settled bet).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettlementChunksTest {

  private static final UUID[] NO_BETS = new UUID[0];
  private static final String[] NO_PLAYERS = new String[0];
  private TestSystem system;
  private String schema;

  @BeforeAll
  void start() {
    system = TestSystem.start(false, true, config -> { });
    schema = system.bmSchema();
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void chunksFollowTheCursorAndTheLastOneRecordsTheEventAsSettled() {
    String id = "chunked-" + UUID.randomUUID();
    String open = "open-" + UUID.randomUUID();
    event(id, "FINISHED_LOSE");
    event(open, "NEW");
    bets(id, 250);
    bets(open, 3);
    assertThat(pending()).contains(id, open);

    Row first = chunk(id, 100, 0);
    assertThat(first.getInteger("settled")).isEqualTo(100);
    assertThat(first.getString("result")).isEqualTo("FINISHED_LOSE");
    assertThat(pending()).as("cut short after one chunk: still pending").contains(id);

    // A settler starting over (another instance, or after a restart) skips the settled bets.
    Row again = chunk(id, 100, 0);
    assertThat(again.getInteger("settled")).isEqualTo(100);
    assertThat(again.getLong("last_seq")).isGreaterThan(first.getLong("last_seq"));
    Row last = chunk(id, 100, again.getLong("last_seq"));
    assertThat(last.getInteger("settled")).isEqualTo(50);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'LOST' AND payout = 0", id))
      .isEqualTo(250);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".events WHERE event_id = $1 AND settled_at IS NOT NULL", id)).isEqualTo(1);
    assertThat(pending()).doesNotContain(id).contains(open);

    Row after = chunk(id, 100, 0);
    assertThat(after.getInteger("settled")).as("settled in full: nothing more, nothing scanned").isZero();
    assertThat(after.getString("result")).isNull();
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bet_status_log WHERE event_id = $1", id)).isEqualTo(250);

    Row none = chunk(open, 100, 0);
    assertThat(none.getInteger("settled")).as("an open event settles nothing").isZero();
    assertThat(pending()).contains(open);
  }

  @Test
  void aFinishedEventWithoutBetsIsSettledAtOnce() {
    String id = "empty-" + UUID.randomUUID();
    event(id, "CANCELLED");
    assertThat(chunk(id, 100, 0).getInteger("settled")).isZero();
    assertThat(system.count("SELECT count(*) FROM " + schema + ".events WHERE event_id = $1 AND settled_at IS NOT NULL", id)).isEqualTo(1);
  }

  @Test
  void eachSettledBetIsUpdatedInPlace() {
    String id = "in-place-" + UUID.randomUUID();
    event(id, "FINISHED_WIN");
    bets(id, 600);
    // This backend's counts not yet reported (earlier transactions' too), read around the statement.
    String stats = "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = 'bets'::regclass";
    long[] updatedAndHot = system.inTransaction(schema, conn -> conn.query(stats).execute().compose(before -> conn.preparedQuery(BetQueries.SETTLE_CHUNK)
      .execute(Tuple.of(id, 1000, NO_BETS, NO_PLAYERS, 0L))
      .compose(settled -> conn.query(stats).execute())
      .map(after -> {
        Row was = before.iterator().next();
        Row is = after.iterator().next();
        return new long[] {is.getLong(0) - was.getLong(0), is.getLong(1) - was.getLong(1)};
      })));
    assertThat(updatedAndHot[0]).isEqualTo(600);
    assertThat(updatedAndHot[1]).as("HOT updates of 600").isEqualTo(600);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'WON'"
      + " AND payout = trunc(sum_bet * ratio, 2)", id)).isEqualTo(600);
  }

  @Test
  void aChunkSettlesOnlyItsOwnEventsBetsWhereverTheyLie() {
    String id = "interleaved-" + UUID.randomUUID();
    String other = "interleaved-other-" + UUID.randomUUID();
    event(id, "FINISHED_WIN");
    event(other, "FINISHED_LOSE");
    for (int i = 0; i < 30; i++) { // the two events' bets alternate, on the same pages
      bets(id, 1);
      bets(other, 1);
    }
    Row first = chunk(id, 10, 0);
    assertThat(first.getInteger("settled")).isEqualTo(10);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'WON'", id)).isEqualTo(10);
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status = 'WON' AND seq > $2",
      id, first.getLong("last_seq"))).as("the first 10 by seq, none after the cursor").isZero();
    assertThat(system.count("SELECT count(*) FROM " + schema + ".bets WHERE event_id = $1 AND status <> 'PENDING'", other))
      .as("the other event's bets, between them on the pages").isZero();
  }

  @Test
  void theUpdateFetchesTheChunksRowsByAddressNotByAJoinOverTheTable() {
    String id = "plan-" + UUID.randomUUID();
    event(id, "FINISHED_WIN");
    bets(id, 2_000);
    system.sql("ANALYZE " + schema + ".bets"); // the statistics of a table in use (autovacuum may be off here)
    String plan = system.inTransaction(schema, conn -> conn.preparedQuery("EXPLAIN " + BetQueries.SETTLE_CHUNK)
      .execute(Tuple.of(id, 100_000, NO_BETS, NO_PLAYERS, 0L))
      .map(rows -> {
        StringBuilder text = new StringBuilder();
        rows.forEach(row -> text.append(row.getString(0)).append('\n'));
        return text.toString();
      }));
    // The credits to the players' accounts join small sets (the chunk's players); the bets are never scanned or hashed.
    assertThat(plan).as(plan).contains("Tid Scan on bets b").doesNotContain("Seq Scan on bets").doesNotContainPattern("Hash Cond: .*bet_id");
  }

  private void event(String id, String status) {
    system.sql("INSERT INTO " + schema + ".events (event_id, ratio, deadline, status, version) VALUES ($1, 1.75, now() + interval '1 hour', $2, 2)",
      id, status);
  }

  /**
   * Bets inserted as placement inserts them (PENDING, a page filled to the table's fillfactor), their
   * stakes held as the wallet holds stakes taken outside it (V13's opening: cash to stakes_held, the
   * players' pending stakes), so that their settlement credits the players as it would.
   */
  private void bets(String eventId, int count) {
    system.sql("WITH placed AS (INSERT INTO " + schema + ".bets (bet_id, player_id, event_id, sum_bet, ratio, status)"
      + " SELECT gen_random_uuid(), 'player-' || (g % 7), $1, 10.00 + (g % 90), 1.75, 'PENDING' FROM generate_series(1, $2::int) g"
      + " RETURNING player_id, sum_bet),"
      + " per AS (SELECT player_id, sum(sum_bet) AS total FROM placed GROUP BY player_id),"
      + " held AS (INSERT INTO " + schema + ".accounts (player_id, balance, pending_stakes) SELECT player_id, 0, total FROM per"
      + "   ON CONFLICT (player_id) DO UPDATE SET pending_stakes = accounts.pending_stakes + EXCLUDED.pending_stakes),"
      + " opening AS (INSERT INTO " + schema + ".transfers (kind) VALUES ('opening') RETURNING transfer_id)"
      + " INSERT INTO " + schema + ".entries (transfer_id, account_id, kind, amount)"
      + " SELECT opening.transfer_id, a.account_id, 'opening', CASE a.house WHEN 'cash' THEN -1 ELSE 1 END * (SELECT sum(total) FROM per)"
      + " FROM opening, " + schema + ".accounts a WHERE a.house IN ('cash', 'stakes_held')",
      eventId, count);
  }

  private Row chunk(String eventId, int limit, long afterSeq) {
    return system.inTransaction(schema, conn -> conn.preparedQuery(BetQueries.LOCK_SETTLEMENT).execute(Tuple.of(eventId))
      .compose(locked -> conn.preparedQuery(BetQueries.SETTLE_CHUNK).execute(Tuple.of(eventId, limit, NO_BETS, NO_PLAYERS, afterSeq)))
      .map(RowSet::iterator).map(rows -> rows.next()));
  }

  private List<String> pending() {
    List<String> ids = new ArrayList<>();
    system.inTransaction(schema, conn -> conn.preparedQuery(BetQueries.PENDING_EVENTS).execute(Tuple.of(null, 1000)))
      .forEach(row -> ids.add(row.getString("event_id")));
    return ids;
  }
}
