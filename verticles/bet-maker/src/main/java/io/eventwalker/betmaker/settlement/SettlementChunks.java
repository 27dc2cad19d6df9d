package io.eventwalker.betmaker.settlement;

import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.betmaker.live.SettlementPushes;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.betmaker.metrics.WalletMeters;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished event's PENDING bets, settled in chunks of {@code BM_SETTLE_CHUNK} bets, each chunk in
 * a transaction of its own (the first in the transaction that finished the event), one settler of
 * an event at a time; each chunk credits its players' wallets in its own statement; after each
 * commit the settled and the money are counted and browsers told ({@link SettlementPushes}).
 */
public final class SettlementChunks {

  private final Pool pool;
  private final int chunkSize;
  private final BetMeters meters;
  private final WalletMeters walletMeters;
  private final SettlementPushes pushes;

  public SettlementChunks(Vertx vertx, Pool pool, int chunkSize, SettlementPushes pushes) {
    this.meters = BetMeters.of(vertx);
    this.walletMeters = WalletMeters.of(vertx);
    this.pool = pool;
    this.chunkSize = chunkSize;
    this.pushes = pushes;
  }

  /**
   * After the transaction of an event's first chunk committed: tells what it applied and settled,
   * then settles the rest; completes with how many bets were settled in all. {@code first.settled}
   * stays 0 when the state did not finish the event: nothing more to settle.
   */
  public Future<Integer> afterFirst(String eventId, List<EventState> applied, Chunk first) {
    committed(applied, first);
    return first.settled < chunkSize ? Future.succeededFuture(first.settled) : settleRest(eventId, first.lastSeq, first.settled);
  }

  /**
   * The chunks after the first, each in its own transaction, until no PENDING bet is left. A loop,
   * not a chain of futures: a chain would keep every chunk's bets reachable until the last one.
   */
  private Future<Integer> settleRest(String eventId, long afterSeq, int settledSoFar) {
    Promise<Integer> done = Promise.promise();
    settleNext(eventId, afterSeq, settledSoFar, done);
    return done.future();
  }

  private void settleNext(String eventId, long afterSeq, int settledSoFar, Promise<Integer> done) {
    Failpoints.hit(Failpoints.SETTLE_BETWEEN_CHUNKS);
    Chunk chunk = new Chunk();
    pool.withTransaction(conn -> settleChunk(conn, eventId, afterSeq, chunk)).onComplete(settled -> {
      if (settled.failed()) {
        done.fail(settled.cause());
        return;
      }
      committed(List.of(), chunk);
      int total = settledSoFar + settled.result();
      if (settled.result() < chunkSize) {
        done.complete(total);
      } else {
        settleNext(eventId, chunk.lastSeq, total, done);
      }
    });
  }

  /** What a chunk's transaction settled, told (pushed, counted) only once it is committed. */
  public static final class Chunk {
    /** The watched bets among them (the settlement returns no other). */
    private final List<SettlementPushes.SettledBet> watched = new ArrayList<>();
    /** The watched players it credited, with their balances after it. */
    private final Map<String, BigDecimal> balances = new HashMap<>();
    private BigDecimal paid;
    private BigDecimal refunded;
    private EventStatus result;
    private int settled;
    /** The highest seq the chunk took: the next chunk starts after it. */
    private long lastSeq;
  }

  /**
   * Settles up to {@code BM_SETTLE_CHUNK} PENDING bets of the event after {@code afterSeq} (0: from
   * its first bet) if it is finished; completes with how many, and collects them, the watched ones
   * among them and the last seq taken into {@code chunk}. Chunks of one event are taken one at a
   * time (a transaction-scoped advisory lock), whoever settles it (the update's consumer,
   * catch-up, another instance), and every bet up to {@code afterSeq} was settled by a committed
   * chunk, so a chunk smaller than the limit means none is left.
   */
  public Future<Integer> settleChunk(SqlConnection conn, String eventId, long afterSeq, Chunk chunk) {
    return conn.preparedQuery(BetQueries.LOCK_SETTLEMENT).execute(Tuple.of(eventId))
      .compose(locked -> conn.preparedQuery(BetQueries.SETTLE_CHUNK)
        .execute(Tuple.of(eventId, chunkSize, pushes.watchedBets(), pushes.watchedPlayers(), afterSeq)))
      .map(rows -> {
        for (Row row : rows) {
          chunk.settled = row.getInteger("settled");
          Long lastSeq = row.getLong("last_seq");
          chunk.lastSeq = lastSeq == null ? afterSeq : lastSeq;
          chunk.result = row.getString("result") == null ? null : EventStatus.valueOf(row.getString("result"));
          chunk.paid = row.getBigDecimal("paid");
          chunk.refunded = row.getBigDecimal("refunded");
          String[] players = row.getArrayOfStrings("credited_players");
          String[] balances = row.getArrayOfStrings("credited_balances");
          for (int i = 0; players != null && i < players.length; i++) {
            chunk.balances.put(players[i], new BigDecimal(balances[i]));
          }
          if (row.getUUID("bet_id") != null) {
            chunk.watched.add(new SettlementPushes.SettledBet(row.getUUID("bet_id"), row.getString("player_id"), eventId, BetStatus.valueOf(row.getString("status")),
              row.getBigDecimal("payout")));
          }
        }
        return chunk.settled;
      });
  }

  /** After a chunk's commit: counts what it settled, then tells browsers what changed ({@code applied}: the states it applied). */
  private void committed(List<EventState> applied, Chunk chunk) {
    if (chunk.result != null) {
      meters.settled(chunk.result, chunk.settled);
    }
    walletMeters.moved("payout", chunk.paid);
    walletMeters.moved("refund", chunk.refunded);
    pushes.committed(applied, chunk.watched);
    pushes.balances(chunk.balances);
  }
}
