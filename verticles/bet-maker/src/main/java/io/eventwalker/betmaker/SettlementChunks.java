package io.eventwalker.betmaker;

import io.eventwalker.platform.Failpoints;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A finished event's PENDING bets, settled in chunks of {@code BM_SETTLE_CHUNK} bets, each chunk in
 * a transaction of its own (the first in the transaction that finished the event), one settler of
 * an event at a time; and, after each commit, what browsers are told of it.
 */
final class SettlementChunks {

  private final Vertx vertx;
  private final Pool pool;
  private final int chunkSize;
  private final BetMeters meters;

  SettlementChunks(Vertx vertx, Pool pool, int chunkSize) {
    this.vertx = vertx;
    this.meters = BetMeters.of(vertx);
    this.pool = pool;
    this.chunkSize = chunkSize;
  }

  /** Whether a chunk that settled {@code settled} bets may have left some: it took as many as it could. */
  boolean mayHaveMore(int settled) {
    return settled >= chunkSize;
  }

  /**
   * The chunks after the first, each in its own transaction, until no PENDING bet is left. A loop,
   * not a chain of futures: a chain would keep every chunk's bets reachable until the last one.
   */
  Future<Integer> settleRest(String eventId, long afterSeq, int settledSoFar) {
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
      push(List.of(), chunk);
      int total = settledSoFar + settled.result();
      if (settled.result() < chunkSize) {
        done.complete(total);
      } else {
        settleNext(eventId, chunk.lastSeq, total, done);
      }
    });
  }

  /** A watched bet as its settlement left it (the settlement returns no other). */
  private record SettledBet(UUID betId, String playerId, String eventId, BetStatus status, BigDecimal payout) {
  }

  /** What a chunk's transaction settled, told (pushed, counted) only once it is committed. */
  static final class Chunk {
    private final List<SettledBet> watched = new ArrayList<>();
    private EventStatus result;
    int settled;
    /** The highest seq the chunk took: the next chunk starts after it. */
    long lastSeq;
  }

  /**
   * Settles up to {@code BM_SETTLE_CHUNK} PENDING bets of the event after {@code afterSeq} (0: from
   * its first bet) if it is finished; completes with how many, and collects them, the watched ones
   * among them and the last seq taken into {@code chunk}. Chunks of one event are taken one at a
   * time (a transaction-scoped advisory lock), whoever settles it (the update's consumer,
   * catch-up, another instance), and every bet up to {@code afterSeq} was settled by a committed
   * chunk, so a chunk smaller than the limit means none is left.
   */
  Future<Integer> settleChunk(SqlConnection conn, String eventId, long afterSeq, Chunk chunk) {
    return conn.preparedQuery(BetQueries.LOCK_SETTLEMENT).execute(Tuple.of(eventId))
      .compose(locked -> conn.preparedQuery(BetQueries.SETTLE_CHUNK)
        .execute(Tuple.of(eventId, chunkSize, LiveListeners.watchedBets(vertx), LiveListeners.watchedPlayers(vertx), afterSeq)))
      .map(rows -> {
        for (Row row : rows) {
          chunk.settled = row.getInteger("settled");
          Long lastSeq = row.getLong("last_seq");
          chunk.lastSeq = lastSeq == null ? afterSeq : lastSeq;
          chunk.result = row.getString("result") == null ? null : EventStatus.valueOf(row.getString("result"));
          if (row.getUUID("bet_id") != null) {
            chunk.watched.add(new SettledBet(row.getUUID("bet_id"), row.getString("player_id"), eventId, BetStatus.valueOf(row.getString("status")),
              row.getBigDecimal("payout")));
          }
        }
        return chunk.settled;
      });
  }

  /** After a commit: tells browsers (through the SockJS bridge) what changed, settled bets only if watched; counts the settled. */
  void push(List<EventState> applied, Chunk chunk) {
    if (chunk.result != null) {
      meters.settled(chunk.result, chunk.settled);
    }
    var bus = vertx.eventBus();
    for (EventState state : applied) {
      JsonObject json = state.toJson();
      bus.publish(Addresses.LIVE_EVENT_PREFIX + state.eventId(), json);
      bus.publish(Addresses.LIVE_OPEN_EVENTS, json);
    }
    var heard = LiveListeners.heard(vertx);
    for (SettledBet bet : chunk.watched) {
      JsonObject push = new JsonObject()
        .put("bet_id", bet.betId().toString())
        .put("event_id", bet.eventId())
        .put("status", bet.status().name())
        .put("payout", bet.payout());
      // Only to addresses still heard, as the settlement only returns the watched ones.
      for (String address : List.of(Addresses.LIVE_BET_PREFIX + bet.betId(), Addresses.LIVE_PLAYER_PREFIX + bet.playerId())) {
        if (heard.test(address)) {
          bus.publish(address, push);
        }
      }
    }
  }
}
