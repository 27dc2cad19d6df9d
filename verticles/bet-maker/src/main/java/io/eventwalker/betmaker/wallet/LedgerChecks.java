package io.eventwalker.betmaker.wallet;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * Every invariant of the wallet (SPEC §7), checked on the database ({@code ledger verify}): each a
 * query that returns one line per violation, so that a ledger in order returns nothing at all.
 */
public final class LedgerChecks {

  /** One invariant: what it promises, and the query whose rows ({@code violation}, text) break it. */
  public record Check(String promise, String sql) {
  }

  public static final List<Check> CHECKS = List.of(
    new Check("each transfer sums to zero", """
      SELECT 'transfer ' || transfer_id || ' sums to ' || sum(amount) AS violation FROM entries GROUP BY transfer_id HAVING sum(amount) <> 0"""),
    new Check("each transfer has entries", """
      SELECT 'transfer ' || t.transfer_id || ' (' || t.kind || ') has no entries' AS violation FROM transfers t
      WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.transfer_id = t.transfer_id)"""),
    new Check("each player's balance equals the sum of the player's entries", """
      SELECT 'player ' || a.player_id || ': balance ' || a.balance || ' but entries sum to ' || coalesce(e.total, 0) AS violation
      FROM accounts a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM entries GROUP BY account_id) e USING (account_id)
      WHERE a.player_id IS NOT NULL AND a.balance <> coalesce(e.total, 0)"""),
    new Check("each player's balance equals the last entry's balance_after, and each entry follows the one before", """
      SELECT 'player ' || a.player_id || ': entry ' || e.entry_id || ' says balance_after ' || coalesce(e.balance_after::text, 'nothing')
        || ' but the entries up to it sum to ' || e.running AS violation
      FROM accounts a JOIN (SELECT account_id, entry_id, balance_after,
          sum(amount) OVER (PARTITION BY account_id ORDER BY entry_id) AS running FROM entries) e USING (account_id)
      WHERE a.player_id IS NOT NULL AND e.balance_after IS DISTINCT FROM e.running"""),
    new Check("no player's balance is below zero", """
      SELECT 'player ' || player_id || ': balance ' || balance AS violation FROM accounts WHERE player_id IS NOT NULL AND balance < 0"""),
    new Check("the house's stakes held equal the stakes of the PENDING bets", """
      SELECT 'stakes held ' || held.total || ' but PENDING bets stake ' || pending.total AS violation
      FROM (SELECT coalesce(sum(e.amount), 0) AS total FROM entries e JOIN accounts a USING (account_id) WHERE a.house = 'stakes_held') held,
           (SELECT coalesce(sum(sum_bet), 0) AS total FROM bets WHERE status = 'PENDING') pending
      WHERE held.total <> pending.total"""),
    new Check("each player's pending stakes equal the stakes of the player's PENDING bets", """
      SELECT 'player ' || a.player_id || ': pending_stakes ' || a.pending_stakes || ' but PENDING bets stake ' || coalesce(b.total, 0) AS violation
      FROM accounts a LEFT JOIN (SELECT player_id, sum(sum_bet) AS total FROM bets WHERE status = 'PENDING' GROUP BY player_id) b USING (player_id)
      WHERE a.player_id IS NOT NULL AND a.pending_stakes <> coalesce(b.total, 0)"""),
    new Check("each bet staked from a wallet was staked its sum_bet, once", """
      SELECT 'bet ' || b.bet_id || ': stake entry ' || e.amount || ' for a sum_bet of ' || b.sum_bet AS violation
      FROM entries e JOIN bets b ON b.bet_id = e.bet_id WHERE e.kind = 'stake' AND e.amount <> -b.sum_bet"""),
    new Check("each settled bet staked from a wallet was credited its payout, once", """
      SELECT 'bet ' || b.bet_id || ' is ' || b.status || ' with payout ' || b.payout || ' but was credited ' || coalesce(c.amount::text, 'nothing')
        AS violation
      FROM bets b JOIN entries s ON s.bet_id = b.bet_id AND s.kind = 'stake'
      LEFT JOIN entries c ON c.bet_id = b.bet_id AND c.kind IN ('payout', 'refund')
      WHERE (b.status IN ('WON', 'VOID') AND b.payout > 0 AND (c.amount IS NULL OR c.amount <> b.payout))
         OR (b.status IN ('PENDING', 'LOST') AND c.amount IS NOT NULL)"""),
    new Check("each bet placed since the wallet began was staked from its player's wallet", """
      SELECT 'bet ' || b.bet_id || ' of ' || b.player_id || ', placed ' || b.created_at || ', has no stake entry' AS violation
      FROM bets b WHERE b.created_at > (SELECT created_at FROM accounts WHERE house = 'cash')
        AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.bet_id = b.bet_id AND e.kind = 'stake')"""));

  private LedgerChecks() {
  }

  /** Runs every check: the violations, each named by its promise; empty when the ledger is in order. */
  public static Future<List<String>> run(SqlClient pool) {
    List<String> violations = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Check check : CHECKS) {
      chain = chain.compose(done -> pool.query(check.sql()).execute().map(rows -> {
        for (Row row : rows) {
          violations.add(check.promise() + ": " + row.getString("violation"));
        }
        return null;
      }));
    }
    return chain.map(done -> violations);
  }
}
