package io.eventwalker.betmaker.placement;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bus.BetMessages.NotStored;
import io.eventwalker.betmaker.bus.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.betmaker.idempotency.IdempotentPlacement;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.platform.db.Transactions;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One write of a placement group. While line-provider is asked for the current state of the
 * group's events ({@code line}), the bets are inserted in a transaction that holds those events'
 * rows; it commits only if bet-maker's view of every event is at least as new as line-provider's
 * answer ({@link GroupCheck}), and, for requests with an {@code Idempotency-Key}, their answers
 * are recorded in the same transaction ({@link IdempotentPlacement#complete}). Nothing is committed
 * once the group's deadline (the earliest of its requests') has passed.
 *
 * <p>What a run came to is a value ({@link Tried}). A failure of the future is a failure of a
 * dependency (PostgreSQL, line-provider): the transaction was rolled back, nothing stored.
 */
final class PlacementTransaction {

  private static final Logger LOG = LoggerFactory.getLogger(PlacementTransaction.class);
  static final String PAST_DEADLINE = "the bets could not be written before their deadline";

  /** What one run of the transaction came to. */
  sealed interface Tried permits Stored, Retry, Ended {
  }

  /**
   * Committed: for each request its stored bets, or null for a request the insert refused (for its
   * players' balances: {@link Stakes#refuses}; else see {@link Refusals}); {@code balances}: each
   * player's balance after the group.
   */
  record Stored(List<List<Bet>> bets, Stakes stakes, Map<String, BigDecimal> balances) implements Tried {
  }

  /** Rolled back: line-provider has newer states, or disagrees ({@link GroupCheck#catchUp}, then run again). */
  record Retry(GroupCheck check) implements Tried {
  }

  /** Not committed ({@link NotStored}), or committed and not confirmed ({@link OutcomeUnknown}): every request's answer. */
  record Ended(Placement outcome) implements Tried {
  }

  private final Pool pool;
  private final List<PlaceBets> requests;
  private final BetColumns columns;
  private final Future<EventStates> line;
  private final long deadlineMillis;
  private final long commitTimeoutMs;

  /** {@code line}: line-provider's answer about the group's events, asked once for every run. */
  PlacementTransaction(Pool pool, BetColumns columns, Future<EventStates> line, long commitTimeoutMs) {
    this.pool = pool;
    this.requests = columns.requests();
    this.columns = columns;
    this.line = line;
    this.deadlineMillis = requests.stream().mapToLong(PlaceBets::deadlineMillis).min().orElse(Long.MAX_VALUE);
    this.commitTimeoutMs = commitTimeoutMs;
  }

  /** Runs the transaction once. */
  Future<Tried> run() {
    if (System.currentTimeMillis() >= deadlineMillis) {
      return Future.succeededFuture(notStored(PAST_DEADLINE));
    }
    return pool.getConnection().compose(conn -> {
      long left = deadlineMillis - System.currentTimeMillis();
      if (left <= 0) {
        conn.close();
        return Future.succeededFuture(notStored(PAST_DEADLINE));
      }
      // BEGIN, the time limit, the hold of the events and the lock of the players' balances go out
      // together (pipelined): one round trip; then the insert with its stakes, decided on those
      // balances ({@link Stakes}); then the wait for line-provider's answer, then COMMIT or ROLLBACK.
      // PostgreSQL itself cancels a statement still waiting (on a lock, say) when the deadline comes.
      Future<Void> begun = Transactions.begin(conn, left);
      Future<RowSet<Row>> held = conn.preparedQuery(BetQueries.HOLD_EVENTS).execute(Tuple.of((Object) columns.events()));
      Future<RowSet<Row>> wallets = conn.preparedQuery(BetQueries.LOCK_WALLETS).execute(Tuple.of((Object) columns.players()));
      Future<Stakes> stakes = Future.all(begun, held, wallets).map(sent -> Stakes.of(requests, holds(held.result()), balances(wallets.result())));
      Future<RowSet<Row>> inserted = stakes.compose(taken -> conn.preparedQuery(BetQueries.PLACE).execute(columns.insert(taken)));
      Future<Tried> decided = inserted
        .compose(sent -> line.timeout(Math.max(1, deadlineMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
          .transform(answered -> answered.succeeded() ? decide(conn, held.result(), stakes.result(), inserted.result(), answered.result())
            : line.isComplete() ? Future.failedFuture(answered.cause())
            : Future.succeededFuture(notStored("line-provider did not answer before the bets' deadline"))));
      return decided.transform(done -> {
        if (done.failed()) {
          return Transactions.rollBack(conn, done.cause());
        }
        if (!(done.result() instanceof Stored stored)) {
          return rollBack(conn, done.result());
        }
        if (System.currentTimeMillis() >= deadlineMillis) {
          return rollBack(conn, notStored(PAST_DEADLINE));
        }
        return commit(conn, stored);
      });
    });
  }

  /** Line-provider answered: the group commits if bet-maker is not behind it, with the requests' keys completed. */
  private Future<Tried> decide(SqlConnection conn, RowSet<Row> held, Stakes stakes, RowSet<Row> inserted, EventStates states) {
    GroupCheck check = GroupCheck.of(holds(held), states);
    if (!check.commits()) {
      return Future.succeededFuture(new Retry(check));
    }
    List<List<Bet>> bets = columns.stored(inserted);
    return IdempotentPlacement.complete(conn, requests, bets).map(completed -> completed ? new Stored(bets, stakes, stakes.after(inserted))
      : notStored("an Idempotency-Key of these bets was taken over by another attempt"));
  }

  private static Map<String, HeldEvent> holds(RowSet<Row> held) {
    Map<String, HeldEvent> holds = new HashMap<>();
    held.forEach(row -> holds.put(row.getString("event_id"), HeldEvent.read(row)));
    return holds;
  }

  private static Map<String, BigDecimal> balances(RowSet<Row> wallets) {
    Map<String, BigDecimal> balances = new HashMap<>();
    wallets.forEach(row -> balances.put(row.getString("player_id"), row.getBigDecimal("balance")));
    return balances;
  }

  /**
   * Commits. PostgreSQL refusing the commit rolled it back (nothing stored); a lost connection or
   * no answer within {@code BM_COMMIT_TIMEOUT_MS} leaves the outcome unknown, and says so. The
   * connection goes back to the pool only once PostgreSQL has answered the COMMIT (or the
   * connection is gone): nothing else may queue behind a commit whose outcome is still open.
   */
  private Future<Tried> commit(SqlConnection conn, Stored stored) {
    return Transactions.commit(conn, commitTimeoutMs).transform(committed -> {
      if (committed.succeeded()) {
        Failpoints.hit(Failpoints.PLACE_AFTER_COMMIT);
        return Future.succeededFuture(stored);
      }
      Throwable failure = committed.cause();
      if (!(failure instanceof Transactions.CommitUnknown)) {
        return Future.succeededFuture(notStored("PostgreSQL refused to commit the bets (" + failure.getMessage() + ")"));
      }
      // Each bet is a line of its own, with its id and player as fields, for whoever reconciles them.
      for (int i = 0; i < columns.size(); i++) {
        PlaceBets request = columns.requestOf(i);
        Tracing.log(LOG.atError(), request.traceparent()).addKeyValue("bet_id", columns.betId(i))
          .addKeyValue("player_id", request.playerId()).addKeyValue("event_id", columns.eventId(i))
          .log("outcome unknown: the COMMIT of bet {} was not confirmed ({})", columns.betId(i), failure.toString());
      }
      return Future.succeededFuture(new Ended(new OutcomeUnknown("the database did not confirm the commit of these bets")));
    });
  }

  /** Rolls back (no COMMIT was sent: nothing stored), releases the connection, and ends with {@code tried}. */
  private static Future<Tried> rollBack(SqlConnection conn, Tried tried) {
    return conn.query("ROLLBACK").execute().transform(rolledBack -> {
      conn.close();
      return Future.succeededFuture(tried);
    });
  }

  /** Nothing stored, and nothing will be. */
  private static Ended notStored(String why) {
    return new Ended(new NotStored(why));
  }
}
