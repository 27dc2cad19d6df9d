package io.eventwalker.betmaker.bets;

/** Every SQL statement of bet-maker, in one place. Tables are in the service's own schema (search_path). */
public final class BetQueries {

  static final String BET_COLUMNS = "bet_id, player_id, event_id, sum_bet, ratio, status, payout, created_at, settled_at, seq";

  /**
   * Newer states only: a row is written when it is new or its version is higher, and never once
   * the event is finished. Returns the rows actually written.
   */
  public static final String APPLY_STATES = """
    INSERT INTO events AS e (event_id, ratio, deadline, status, version)
    SELECT u.event_id, u.ratio::numeric, u.deadline, u.status, u.version
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[]) AS u(event_id, ratio, deadline, status, version)
    ORDER BY u.event_id
    ON CONFLICT (event_id) DO UPDATE
      SET ratio = EXCLUDED.ratio, deadline = EXCLUDED.deadline, status = EXCLUDED.status,
          version = EXCLUDED.version, updated_at = now(), conflict_version = NULL, conflict_state = NULL, conflict_at = NULL
      WHERE e.version < EXCLUDED.version AND e.status = 'NEW'
    RETURNING e.event_id, e.status, e.version""";

  /** One settler of an event at a time, until the end of the transaction ($1 the event id). */
  public static final String LOCK_SETTLEMENT = "SELECT pg_advisory_xact_lock(hashtext('event-walker-settle:' || $1))";

  /**
   * Settles up to $2 PENDING bets of event $1 with seq above $5, in seq order, by the status
   * bet-maker holds for it (nothing while it is NEW, nor once it is settled in full): WON pays
   * sum_bet × ratio rounded down to cents, LOST pays 0, VOID (a cancelled event) pays the stake
   * back ({@link Payout}, mirrored here). Answers how many it settled and the last seq it took (in every row, with the event's
   * result) and, of the settled, only the bets in $3 or of the players in $4 (the ones a bridge
   * socket watches): a large settlement sends nothing else back. Run again from the last seq until
   * it settles fewer than $2; that last chunk also records the event as settled
   * ({@code events.settled_at}, what {@link #PENDING_EVENTS} reads). Run under
   * {@link #LOCK_SETTLEMENT}: the only other writers of bets insert new ones, and none on a
   * finished event, so the chunk needs no row locks of its own (FOR UPDATE cost half as much again
   * as the update, measured). No index names status, payout or settled_at, so each row's update
   * stays on its page (HOT, V10). The update fetches the chunk's rows by the addresses (ctid) the
   * chunk read them at, in the same statement and snapshot, and by nothing else: joined back by
   * bet_id, PostgreSQL hashed the whole bets table (or probed the primary key once per bet) for
   * every chunk, and given the event id as well, it may walk all the event's bets for each chunk.
   *
   * <p>The same statement credits the players (SPEC §7), exactly once as each bet leaves PENDING
   * exactly once here (and {@code entries_once_per_bet} would refuse a second credit): one transfer
   * per chunk, each WON bet's payout and each VOID bet's stake on its player's account (with the
   * balance after it), each settled stake off the house's stakes_held, a LOST stake (and what a win
   * at a ratio under 1 keeps) to stakes_won, what payouts cost beyond their stakes from
   * winnings_paid. Each player's account is updated once per chunk, locked in player order
   * ({@link #LOCK_WALLETS}). Returns also the money paid and refunded, and the watched players' balances.
   */
  public static final String SETTLE_CHUNK = """
    WITH event AS (
      SELECT status FROM events WHERE event_id = $1 AND status <> 'NEW' AND settled_at IS NULL
    ), chunk AS (
      SELECT ctid AS row_id, seq FROM bets
      WHERE event_id = $1 AND seq > $5 AND status = 'PENDING' AND EXISTS (SELECT 1 FROM event)
      ORDER BY seq LIMIT $2
    ), settled AS (
      UPDATE bets AS b
      SET status = CASE event.status WHEN 'FINISHED_WIN' THEN 'WON' WHEN 'CANCELLED' THEN 'VOID' ELSE 'LOST' END,
          payout = CASE event.status WHEN 'FINISHED_WIN' THEN trunc(b.sum_bet * b.ratio, 2)
                                     WHEN 'CANCELLED' THEN b.sum_bet ELSE 0 END,
          settled_at = now()
      FROM event
      WHERE b.ctid = ANY (ARRAY(SELECT row_id FROM chunk)) AND b.status = 'PENDING'
      RETURNING b.bet_id, b.player_id, b.status, b.payout, b.sum_bet, b.seq
    ), whole AS (
      UPDATE events SET settled_at = now()
      WHERE event_id = $1 AND EXISTS (SELECT 1 FROM event) AND (SELECT count(*) FROM chunk) < $2
    ), owed AS (
      SELECT player_id, sum(payout) AS credit, sum(sum_bet) AS released FROM settled GROUP BY player_id
    ), locked AS MATERIALIZED (
      SELECT account_id, player_id FROM accounts WHERE player_id IN (SELECT player_id FROM owed) ORDER BY player_id FOR UPDATE
    ), credited AS (
      UPDATE accounts AS a SET balance = a.balance + o.credit, pending_stakes = a.pending_stakes - o.released,
        version = a.version + CASE WHEN o.credit > 0 THEN 1 ELSE 0 END
      FROM locked l JOIN owed o ON o.player_id = l.player_id
      WHERE a.account_id = l.account_id
      RETURNING a.account_id, a.player_id, a.balance, o.credit
    ), transfer AS (
      INSERT INTO transfers (kind) SELECT 'settlement' WHERE EXISTS (SELECT 1 FROM settled) RETURNING transfer_id
    ), house AS (
      SELECT h.account_id, h.house, CASE h.house
          WHEN 'stakes_held' THEN -(SELECT sum(sum_bet) FROM settled)
          WHEN 'stakes_won' THEN (SELECT sum(greatest(sum_bet - payout, 0)) FROM settled)
          WHEN 'winnings_paid' THEN -(SELECT sum(greatest(payout - sum_bet, 0)) FROM settled) END AS amount
      FROM accounts h WHERE h.house IN ('stakes_held', 'stakes_won', 'winnings_paid')
    ), entries AS (
      INSERT INTO entries (transfer_id, account_id, kind, amount, balance_after, bet_id)
      SELECT t.transfer_id, c.account_id, CASE s.status WHEN 'WON' THEN 'payout' ELSE 'refund' END, s.payout,
             c.balance - coalesce(sum(s.payout) OVER (PARTITION BY s.player_id ORDER BY s.seq
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0), s.bet_id
      FROM settled s JOIN credited c ON c.player_id = s.player_id CROSS JOIN transfer t
      WHERE s.payout > 0
      UNION ALL
      SELECT t.transfer_id, h.account_id, CASE h.house WHEN 'stakes_held' THEN 'settlement' WHEN 'stakes_won' THEN 'loss' ELSE 'payout' END,
             h.amount, NULL, NULL
      FROM transfer t, house h WHERE h.amount <> 0
    )
    SELECT (SELECT count(*) FROM settled) AS settled, (SELECT max(seq) FROM chunk) AS last_seq,
           (SELECT status FROM event) AS result,
           (SELECT sum(payout) FROM settled WHERE status = 'WON') AS paid, (SELECT sum(payout) FROM settled WHERE status = 'VOID') AS refunded,
           (SELECT array_agg(player_id) FROM credited WHERE credit > 0 AND player_id = ANY($4::text[])) AS credited_players,
           (SELECT array_agg(balance::text) FROM credited WHERE credit > 0 AND player_id = ANY($4::text[])) AS credited_balances,
           w.bet_id, w.player_id, w.status, w.payout
    FROM (SELECT 1) AS one
    LEFT JOIN settled AS w ON w.bet_id = ANY($3::uuid[]) OR w.player_id = ANY($4::text[])""";

  /**
   * Stores a group of requests' bets in one statement, and debits their stakes (SPEC §7). Each bet
   * carries its request's number, its player ($6), and the ratio its player saw with what it
   * accepts against it ($7, $8: {@link AcceptOdds}, mirrored here); a request is stored whole or
   * not at all: if any of its events is not open for bets (under a share lock, so a settlement
   * cannot run in between; its deadline compared with the clock as the statement runs, not with the
   * transaction's start, which a wait on a lock may have left behind), or it is not one of the
   * requests {@code Stakes} took on the balances {@link #LOCK_WALLETS} locked ($9), none of its bets
   * is inserted. The ratio is the event's, locked into the bet.
   *
   * <p>The stakes are one transfer: each stored bet's stake entry on its player's account (with
   * the balance after it, in the order of the bets), and one entry of their sum on the house's
   * stakes_held; each player's balance is updated once for the group. The CHECK on the balance
   * refuses the whole statement if a balance would go below zero. Returns each stored bet, with
   * its player's balance after the group.
   */
  public static final String PLACE = """
    WITH open AS (
      SELECT event_id, ratio FROM events
      WHERE event_id = ANY($5::text[]) AND status = 'NEW' AND deadline > clock_timestamp() AND conflict_version IS NULL
      ORDER BY event_id
      FOR SHARE
    ), req AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $6::text[], $7::text[], $8::text[])
        WITH ORDINALITY AS r(bet_id, event_id, sum_bet, request, player_id, seen_ratio, accept_odds, ord)
    ), refused AS (
      SELECT r.request FROM req r LEFT JOIN open o ON o.event_id = r.event_id
      WHERE o.event_id IS NULL
         OR (r.accept_odds = 'exact' AND o.ratio <> r.seen_ratio::numeric)
         OR (r.accept_odds = 'higher' AND o.ratio < r.seen_ratio::numeric)
         OR r.request <> ALL ($9::int[])
    ), placed AS (
      INSERT INTO bets (bet_id, player_id, event_id, sum_bet, ratio, status)
      SELECT r.bet_id, r.player_id, r.event_id, r.sum_bet::numeric, o.ratio, 'PENDING'
      FROM req r JOIN open o ON o.event_id = r.event_id
      WHERE r.request NOT IN (SELECT request FROM refused)
      ORDER BY r.ord
      RETURNING bet_id, player_id, sum_bet, seq, ratio, created_at
    ), staked AS (
      SELECT player_id, sum(sum_bet) AS total FROM placed GROUP BY player_id
    ), debited AS (
      UPDATE accounts AS a SET balance = a.balance - s.total, pending_stakes = a.pending_stakes + s.total, version = a.version + 1
      FROM staked s WHERE a.player_id = s.player_id
      RETURNING a.account_id, a.player_id, a.balance
    ), transfer AS (
      INSERT INTO transfers (kind) SELECT 'stakes' WHERE EXISTS (SELECT 1 FROM placed) RETURNING transfer_id
    ), entries AS (
      INSERT INTO entries (transfer_id, account_id, kind, amount, balance_after, bet_id)
      SELECT t.transfer_id, d.account_id, 'stake', -p.sum_bet,
             d.balance + coalesce(sum(p.sum_bet) OVER (PARTITION BY p.player_id ORDER BY p.seq
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0), p.bet_id
      FROM placed p JOIN debited d ON d.player_id = p.player_id CROSS JOIN transfer t
      UNION ALL
      SELECT t.transfer_id, h.account_id, 'stake', (SELECT sum(sum_bet) FROM placed), NULL, NULL
      FROM transfer t, accounts h WHERE h.house = 'stakes_held'
    )
    SELECT p.bet_id, p.seq, p.ratio, p.created_at, p.player_id, d.balance FROM placed p JOIN debited d ON d.player_id = p.player_id""";

  /**
   * The balances of a placement group's players ($1, sorted), locked until the group commits, in
   * the order every writer of balances takes them (by player), so two writers never wait on each
   * other in a circle. A player without an account has no row: nothing to bet with.
   */
  public static final String LOCK_WALLETS = """
    SELECT player_id, balance FROM accounts WHERE player_id = ANY($1::text[]) ORDER BY player_id FOR UPDATE""";

  /** What bet-maker holds of events ({@code HeldEvent}'s columns), read from $1 (the ids). */
  private static final String HELD = """
    SELECT event_id, ratio, deadline, status, version, conflict_version, settled_at IS NOT NULL AS settled
    FROM events WHERE event_id = ANY($1::text[])""";

  /** Holds the group's events (a share lock, as the insert takes) and reads the states it is checked against. */
  public static final String HOLD_EVENTS = HELD + " ORDER BY event_id FOR SHARE";

  public static final String EVENTS_STATUS = """
    SELECT event_id, ratio, status, deadline, version, conflict_version FROM events WHERE event_id = ANY($1::text[])""";

  /** The states bet-maker holds of events ($1), as {@code HeldEvent}s. */
  public static final String HELD_STATES = HELD;

  /**
   * Records line-provider's reported states (the five arrays of {@link io.eventwalker.wire.EventRows#columns},
   * then $6 the states as JSON; version 0 and nulls for an event it does not know) as conflicts
   * where the database still shows one ({@code Verdict.CONFLICT}, or a lower version): the same
   * version with other content, a lower version, or a newer version of an event held finished.
   * Returns the events newly found in conflict (one already marked at the same version is not).
   */
  public static final String MARK_CONFLICTS = """
    UPDATE events AS e SET conflict_version = c.version, conflict_state = c.state::jsonb, conflict_at = now()
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[], $6::text[])
      AS c(event_id, ratio, deadline, status, version, state)
    WHERE e.event_id = c.event_id AND e.conflict_version IS DISTINCT FROM c.version
      AND (e.version > c.version
        OR (e.version = c.version AND (e.ratio <> c.ratio::numeric OR e.deadline <> c.deadline OR e.status <> c.status))
        OR (e.version < c.version AND e.status <> 'NEW'))
    RETURNING e.event_id, e.version, e.status, c.version AS reported, c.status AS reported_status""";

  /** The events in conflict, oldest first, with both sides' states. */
  public static final String CONFLICTS = """
    SELECT event_id, ratio, deadline, status, version, conflict_version, conflict_state, conflict_at FROM events
    WHERE conflict_version IS NOT NULL ORDER BY conflict_at, event_id LIMIT 100""";

  /**
   * An operator's way out of a conflict (SPEC §3.3): bet-maker's copy of event $1 becomes
   * line-provider's current state ($2 ratio, $3 deadline, $4 status, $5 version, $6 the state as
   * JSON, $7 who resolved it), whatever the versions, and its settlement starts afresh (a finished
   * state settles every PENDING bet). Only while the event is in conflict; the replaced state is
   * kept in {@code conflict_resolutions} with the count of its bets already settled. An event held
   * finished is never opened again ($4 NEW): its settlement ran (SPEC §3.4). Returns the replaced
   * state, or no row when the event is not in conflict (or would be opened again).
   */
  public static final String ADOPT_STATE = """
    WITH held AS (
      SELECT event_id, ratio, deadline, status, version, conflict_version FROM events
      WHERE event_id = $1 AND conflict_version IS NOT NULL AND (status = 'NEW' OR $4 <> 'NEW') FOR UPDATE
    ), adopted AS (
      UPDATE events AS e SET ratio = $2, deadline = $3, status = $4, version = $5, updated_at = now(),
        conflict_version = NULL, conflict_state = NULL, conflict_at = NULL, settled_at = NULL
      FROM held WHERE e.event_id = held.event_id
      RETURNING e.event_id
    ), earlier AS (
      SELECT count(*) AS settled FROM bets WHERE event_id = $1 AND status <> 'PENDING'
    ), recorded AS (
      INSERT INTO conflict_resolutions (event_id, bet_maker_state, line_provider_state, bets_settled_before, resolved_by)
      SELECT held.event_id, jsonb_build_object('event_id', held.event_id, 'ratio', held.ratio, 'deadline',
          extract(epoch FROM held.deadline), 'status', held.status, 'version', held.version),
        $6::jsonb, earlier.settled, $7
      FROM held, earlier
    )
    SELECT held.event_id, held.ratio, held.deadline, held.status, held.version, held.conflict_version, earlier.settled AS settled_before
    FROM held, earlier""";

  /**
   * Records the answers of a group's requests under their keys, each only while its claim is
   * still this attempt's ($2 the claim tokens): fewer rows than keys means a claim was taken
   * over, and the transaction must roll back. The rows stay locked until the commit, so a
   * takeover cannot happen in between.
   */
  public static final String COMPLETE_KEYS = """
    UPDATE idempotency_keys AS k SET status_code = 201, response = v.response, completed_at = now()
    FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) AS v(player_id, key, token, response)
    WHERE k.player_id = v.player_id AND k.key = v.key AND k.claim_token = v.token AND k.completed_at IS NULL""";

  /** A bet of one player: another player's bet is not found, as an unknown id is not ($1 bet, $2 player). */
  public static final String GET_BET = "SELECT " + BET_COLUMNS + " FROM bets WHERE bet_id = $1 AND player_id = $2";

  /** A player's bets ($1), newest first, with the filters asked. */
  public static String listBets(boolean byStatus, boolean byEvent, boolean before) {
    StringBuilder sql = new StringBuilder("SELECT " + BET_COLUMNS + " FROM bets WHERE player_id = $1");
    int n = 1;
    if (byStatus) {
      sql.append(" AND status = $").append(++n);
    }
    if (byEvent) {
      sql.append(" AND event_id = $").append(++n);
    }
    if (before) {
      sql.append(" AND seq < $").append(++n);
    }
    return sql.append(" ORDER BY seq DESC LIMIT $").append(++n).toString();
  }

  /**
   * Events bet-maker may still have PENDING bets on, by id, after $1 (a finished one too, if its
   * settlement was cut short), at most $2: every event some bet names, found in the bets
   * themselves (one probe of the index on {@code (event_id, seq)} per event, never a scan of the
   * bets), that has no row in {@code events} or one not settled in full. Bets are settled only
   * once their event is finished, none is taken on a finished event, and the settlement's last
   * chunk sets {@code settled_at}, so an event without it may have PENDING bets and one with it
   * has none. An event whose row is missing (removed by hand) is found all the same.
   */
  public static final String PENDING_EVENTS = """
    WITH RECURSIVE ids AS (
      (SELECT event_id FROM bets WHERE $1::text IS NULL OR event_id > $1 ORDER BY event_id LIMIT 1)
      UNION ALL
      SELECT (SELECT b.event_id FROM bets b WHERE b.event_id > ids.event_id ORDER BY b.event_id LIMIT 1)
      FROM ids WHERE ids.event_id IS NOT NULL
    )
    SELECT ids.event_id FROM ids LEFT JOIN events e ON e.event_id = ids.event_id
    WHERE ids.event_id IS NOT NULL AND (e.event_id IS NULL OR e.settled_at IS NULL)
    LIMIT $2""";

  /** Keys are a player's own. $1 player, $2 key, $3 request hash, $4 claim token, $5 lease in milliseconds. */
  public static final String CLAIM_KEY = """
    INSERT INTO idempotency_keys (player_id, key, request_hash, claim_token, claimed_until)
    VALUES ($1, $2, $3, $4, now() + $5::bigint * interval '1 millisecond')
    ON CONFLICT (player_id, key) DO NOTHING RETURNING key""";

  /** $1 player, $2 key. */
  public static final String READ_KEY = """
    SELECT request_hash, status_code, response, claimed_until IS NULL OR claimed_until < now() AS lapsed
    FROM idempotency_keys WHERE player_id = $1 AND key = $2""";

  /**
   * Takes over a claim that has lapsed and was never completed. A row locked by a transaction
   * (the previous attempt recording its answer, about to commit) is skipped, never waited for:
   * that attempt may still commit, so the key is still in flight.
   */
  public static final String TAKE_OVER_KEY = """
    UPDATE idempotency_keys AS k
    SET claim_token = $3, claimed_until = now() + $4::bigint * interval '1 millisecond'
    FROM (SELECT player_id, key FROM idempotency_keys
          WHERE player_id = $1 AND key = $2 AND completed_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
          FOR UPDATE SKIP LOCKED) AS lapsed
    WHERE k.player_id = lapsed.player_id AND k.key = lapsed.key
    RETURNING k.key""";

  /** Forgets a claim whose attempt stored nothing; only the claim's own attempt may ($1 player, $2 key, $3 its token). */
  public static final String RELEASE_KEY = """
    DELETE FROM idempotency_keys WHERE player_id = $1 AND key = $2 AND claim_token = $3 AND completed_at IS NULL""";

  public static final String PURGE_KEYS = "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)";

  private BetQueries() {
  }
}
