package io.eventwalker.betmaker.wallet;

/**
 * The wallet's own statements: deposits, withdrawals and the player's reads (V13). The stakes a
 * placement debits and the credits of a settlement are written by those statements themselves
 * ({@code BetQueries.PLACE}, {@code BetQueries.SETTLE_CHUNK}), in their transactions.
 */
final class WalletQueries {

  /** A player's account, created empty the first time money comes in ($1 the player). */
  static final String OPEN_ACCOUNT = """
    INSERT INTO accounts (player_id, balance, pending_stakes) VALUES ($1, 0, 0) ON CONFLICT (player_id) DO NOTHING""";

  /** The player's account, locked until the end of the transaction ($1 the player): no row when there is none. */
  static final String LOCK_ACCOUNT = "SELECT account_id, balance FROM accounts WHERE player_id = $1 FOR UPDATE";

  /**
   * Moves $3 (positive for a deposit, negative for a withdrawal) between player $1's account
   * (locked by {@link #LOCK_ACCOUNT}) and the house's cash, as one transfer of kind $2 made by
   * operator $4; the CHECK on the balance refuses a withdrawal below zero. Returns the player's entry.
   */
  static final String MOVE_CASH = """
    WITH moved AS (
      UPDATE accounts SET balance = balance + $3::numeric, version = version + 1
      WHERE player_id = $1 RETURNING account_id, balance, version
    ), transfer AS (
      INSERT INTO transfers (kind, operator) VALUES ($2, $4) RETURNING transfer_id
    ), written AS (
      INSERT INTO entries (transfer_id, account_id, kind, amount, balance_after)
      SELECT transfer.transfer_id, moved.account_id, $2, $3::numeric, moved.balance FROM transfer, moved
      UNION ALL
      SELECT transfer.transfer_id, house.account_id, $2, -$3::numeric, NULL
      FROM transfer, accounts house WHERE house.house = 'cash'
      RETURNING entry_id, account_id, kind, amount, balance_after, created_at
    )
    SELECT w.entry_id, w.kind, w.amount, w.balance_after, w.created_at, moved.version
    FROM written w JOIN moved ON moved.account_id = w.account_id""";

  /** An operator's key ($1 operator, $2 key): its request's hash and first answer. */
  static final String READ_KEY = "SELECT request_hash, status_code, response FROM wallet_keys WHERE operator = $1 AND key = $2";

  /** Records an operator's key with its answer, in the transaction that moved the money ($1 operator, $2 key, $3 hash, $4 status, $5 body). */
  static final String RECORD_KEY = """
    INSERT INTO wallet_keys (operator, key, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5)""";

  static final String PURGE_KEYS = "DELETE FROM wallet_keys WHERE created_at < now() - make_interval(secs => $1)";

  /** A player's wallet ($1): no row when the player never had money. */
  static final String WALLET = "SELECT balance, pending_stakes FROM accounts WHERE player_id = $1";

  /** A player's entries ($1), newest first, before entry $2 (null: from the newest), at most $3. */
  static final String ENTRIES = """
    SELECT entry_id, kind, amount, balance_after, bet_id, created_at FROM entries
    WHERE account_id = (SELECT account_id FROM accounts WHERE player_id = $1) AND ($2::bigint IS NULL OR entry_id < $2)
    ORDER BY entry_id DESC LIMIT $3""";

  private WalletQueries() {
  }
}
