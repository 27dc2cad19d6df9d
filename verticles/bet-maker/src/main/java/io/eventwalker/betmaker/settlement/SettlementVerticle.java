package io.eventwalker.betmaker.settlement;

import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.Applied;
import io.eventwalker.betmaker.bus.BetMessages.ApplyStates;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.betmaker.events.Verdict;
import io.eventwalker.betmaker.live.SettlementPushes;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Settlement: applies the event states line-provider reports (an update, catch-up's answer, or
 * newer states a placement met), settles each finished event's PENDING bets in chunks
 * ({@link SettlementChunks}), and after each commit has browsers told what changed
 * ({@link SettlementPushes}).
 *
 * <p>Each state is judged against what the database holds of its event ({@link Verdict}), never
 * against a copy in memory: a newer state is applied, and a finished one settles the event's
 * PENDING bets, the first chunk in the same transaction; one that disagrees with bet-maker's is
 * reported ({@link Disagreements}).
 */
public final class SettlementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SettlementVerticle.class);

  private final BetMakerConfig config;
  private final SettlementPushes pushes;
  private final Disagreements disagreements;
  private Pool pool;
  private SettlementChunks chunks;

  /** {@code pushes}: what browsers are told after each commit; {@code disagreements}: where states that disagree go. */
  public SettlementVerticle(BetMakerConfig config, SettlementPushes pushes, Disagreements disagreements) {
    this.config = config;
    this.pushes = pushes;
    this.disagreements = disagreements;
  }

  @Override
  public Future<?> start() {
    pool = Databases.pool(vertx, config.database(), "bet-maker");
    chunks = new SettlementChunks(vertx, pool, config.settlement().chunk(), pushes);
    vertx.eventBus().<ApplyStates>localConsumer(Addresses.EVENTS_APPLY, msg -> held(msg.body().states())
      .compose(held -> waitsForEarlier(msg.body(), held) ? Future.succeededFuture(Applied.waiting()) : apply(msg.body(), held))
      .onSuccess(msg::reply)
      .onFailure(failure -> Failures.reply(msg, failure, LOG)));
    return Future.succeededFuture();
  }

  /** What the database holds of the states' events. */
  private Future<Map<String, HeldEvent>> held(List<EventState> states) {
    String[] ids = states.stream().map(EventState::eventId).distinct().toArray(String[]::new);
    return pool.preparedQuery(BetQueries.HELD_STATES).execute(Tuple.of((Object) ids)).map(rows -> {
      Map<String, HeldEvent> held = new HashMap<>();
      rows.forEach(row -> held.put(row.getString("event_id"), HeldEvent.read(row)));
      return held;
    });
  }

  /**
   * Whether an update that waits for the versions before it ({@link ApplyStates#inOrder}) is not to
   * be applied yet ({@link Applied#waiting}): bet-maker holds the event, still open, more than one
   * version behind. With several bet-makers consecutive updates of one event go to different
   * instances; without this one could apply version 4 before the other applied 3, and 3 would then
   * be dropped as old, unheard by listeners.
   */
  private static boolean waitsForEarlier(ApplyStates states, Map<String, HeldEvent> held) {
    if (!states.inOrder()) {
      return false;
    }
    for (EventState state : states.states()) {
      HeldEvent mine = held.get(state.eventId());
      if (mine != null && !mine.state().status().isFinished() && state.version() > mine.state().version() + 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Judges each event's newest state against the database ({@link Verdict}): applies the newer
   * ones, one event per transaction, settling each finished event's PENDING bets; reports those
   * that disagree; and, for line-provider's current states ({@link ApplyStates#current}), the older
   * ones, to be asked about again. Completes when every one is done: an update is acknowledged
   * only then, so no bet of a finished event is left PENDING once its update is acknowledged (or
   * the update is retried, and settling resumes where it stopped).
   */
  private Future<Applied> apply(ApplyStates message, Map<String, HeldEvent> held) {
    Map<String, EventState> newest = new TreeMap<>();
    for (EventState state : message.states()) {
      newest.merge(state.eventId(), state, (a, b) -> a.version() >= b.version() ? a : b);
    }
    List<EventState> toApply = new ArrayList<>();
    List<EventState> disagree = new ArrayList<>();
    Set<String> older = new TreeSet<>();
    for (EventState state : newest.values()) {
      switch (Verdict.of(held.get(state.eventId()), state)) {
        case APPLY, SETTLE_REST -> toApply.add(state);
        case CONFLICT -> disagree.add(state);
        case OLDER -> older.add(state.eventId()); // in an update message only late or repeated
        case NOTHING -> { }
      }
    }
    return disagreements.mark(disagree)
      .compose(marked -> applyEach(toApply, 0, new ArrayList<>(), 0))
      .compose(applied -> !message.current() ? Future.succeededFuture(applied) : disagreements.confirm(older).map(applied));
  }

  private Future<Applied> applyEach(List<EventState> states, int position, List<EventState> applied, int settled) {
    if (position == states.size()) {
      return Future.succeededFuture(new Applied(applied, settled));
    }
    return applyOne(states.get(position)).compose(one -> {
      applied.addAll(one.applied());
      return applyEach(states, position + 1, applied, settled + one.settledBets());
    });
  }

  /**
   * One event's state, in its own transaction with the first chunk of its settlement; the rest
   * of a large settlement follows in chunks of {@code BM_SETTLE_CHUNK} bets, each its own
   * transaction, so memory stays bounded whatever the size of the event. The event's row is
   * finished by the first transaction, so no bet is accepted on it after that; the later chunks
   * only settle bets accepted before.
   */
  private Future<Applied> applyOne(EventState state) {
    SettlementChunks.Chunk first = new SettlementChunks.Chunk();
    return pool.withTransaction(conn -> conn.preparedQuery(BetQueries.APPLY_STATES).execute(EventRows.columns(List.of(state)))
        .compose(rows -> {
          List<EventState> applied = rows.size() > 0 ? List.of(state) : List.of();
          if (!state.status().isFinished()) {
            return Future.succeededFuture(applied);
          }
          // Settles by the status bet-maker holds, whether this state finished the event or an
          // earlier one did and its settlement was cut short.
          return chunks.settleChunk(conn, state.eventId(), 0, first).map(settled -> {
            if (settled > 0) {
              Failpoints.hit(Failpoints.SETTLE_BEFORE_COMMIT);
            }
            return applied;
          });
        }))
      .compose(applied -> {
        if (!applied.isEmpty() && state.status().isFinished()) {
          LOG.atInfo().addKeyValue("event_id", state.eventId())
            .log("event {} {} at version {}", state.eventId(), state.status(), state.version());
        }
        return chunks.afterFirst(state.eventId(), applied, first).map(total -> {
          if (total > 0) {
            Failpoints.hit(Failpoints.SETTLE_AFTER_COMMIT); // committed; the update (if one brought it) not yet acked
            LOG.atInfo().addKeyValue("event_id", state.eventId()).log("settled {} bets of event {}", total, state.eventId());
          }
          return new Applied(applied, total);
        });
      });
  }
}
