package io.eventwalker.betmaker.conflicts;

import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bus.BetMessages.Resolution;
import io.eventwalker.betmaker.settlement.SettlementChunks;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * An operator's resolution of a conflict ({@link ConflictsVerticle}), once line-provider's current
 * state of the event is known: in one transaction, under the event's settlement lock, bet-maker's
 * copy of the event becomes line-provider's state (only while it is in conflict), the replaced
 * state is recorded, and a final state settles the first chunk of PENDING bets; the rest follow as
 * for any settlement ({@link SettlementChunks}).
 */
final class Adoption {

  private final Pool pool;
  private final SettlementChunks chunks;

  Adoption(Pool pool, SettlementChunks chunks) {
    this.pool = pool;
    this.chunks = chunks;
  }

  /** Makes {@code state} (line-provider's current one) bet-maker's copy of an event in conflict, and settles by it. */
  Future<Resolution> adopt(EventState state, String operator) {
    SettlementChunks.Chunk first = new SettlementChunks.Chunk();
    Tuple values = Tuple.of(state.eventId(), state.ratio(), Timestamps.toOffsetDateTime(state.deadline()),
      state.status().name(), state.version(), state.toJson(), operator);
    return pool.withTransaction(conn -> conn.preparedQuery(BetQueries.LOCK_SETTLEMENT).execute(Tuple.of(state.eventId()))
        .compose(locked -> conn.preparedQuery(BetQueries.ADOPT_STATE).execute(values))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Problem.of(409, "event " + state.eventId() + " is not in conflict with line-provider (or is held finished,"
              + " and the state to adopt would open it again)").exception());
          }
          Row replaced = rows.iterator().next();
          Future<Integer> settled = state.status().isFinished() ? chunks.settleChunk(conn, state.eventId(), 0, first) : Future.succeededFuture(0);
          return settled.map(n -> new Resolution(EventRows.read(replaced), state, replaced.getLong("settled_before"), n));
        }))
      .compose(resolution -> chunks.afterFirst(state.eventId(), List.of(state), first)
        .map(total -> new Resolution(resolution.replaced(), state, resolution.settledBefore(), total)));
  }
}
