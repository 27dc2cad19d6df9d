package io.eventwalker.betmaker;

import io.eventwalker.betmaker.BetMessages.AdoptState;
import io.eventwalker.betmaker.BetMessages.Applied;
import io.eventwalker.betmaker.BetMessages.ApplyStates;
import io.eventwalker.betmaker.BetMessages.ConfirmConflicts;
import io.eventwalker.betmaker.BetMessages.MarkConflicts;
import io.eventwalker.betmaker.BetMessages.Resolution;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
 * newer states a placement met), settles each finished event's PENDING bets in chunks, and after
 * each commit tells browsers what changed.
 *
 * <p>Each state is judged against what the database holds of its event ({@link Verdict}), never
 * against a copy in memory: a newer state is applied, and a finished one settles the event's
 * PENDING bets, the first chunk in the same transaction; one that disagrees with bet-maker's
 * goes to {@link ConflictsVerticle}.
 */
public final class SettlementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SettlementVerticle.class);

  /** The failure code of an update that waits for an earlier version ({@link ApplyStates#inOrder}). */
  static final int EARLIER_VERSION_PENDING = 425;

  private final BetMakerConfig.Settlement config;
  private final BetMakerConfig settings;
  private Pool pool;
  private SettlementChunks chunks;
  private DeliveryOptions conflictOptions;

  SettlementVerticle(BetMakerConfig config) {
    this.settings = config;
    this.config = config.settlement();
  }

  /** Applies {@code states} where newer, settling finished events; completes once every one is done. */
  static Future<Applied> apply(Vertx vertx, ApplyStates states, DeliveryOptions options) {
    return vertx.eventBus().<Applied>request(Addresses.EVENTS_APPLY, states, options).map(Message::body);
  }

  /** Makes line-provider's state bet-maker's copy of an event in conflict, and settles by it ({@link ConflictsVerticle}). */
  static Future<Resolution> adopt(Vertx vertx, AdoptState state, DeliveryOptions options) {
    return vertx.eventBus().<Resolution>request(Addresses.EVENTS_ADOPT, state, options).map(Message::body);
  }

  @Override
  public Future<?> start() {
    // Looking into a conflict may apply (and settle) what line-provider answers.
    conflictOptions = LocalBus.options(config.timeoutMs());
    pool = Databases.pool(vertx, settings.database(), "bet-maker");
    chunks = new SettlementChunks(vertx, pool, config.chunk());
    var bus = vertx.eventBus();
    bus.<ApplyStates>localConsumer(Addresses.EVENTS_APPLY, msg -> held(msg.body().states())
      .compose(held -> inOrder(msg.body(), held).compose(next -> apply(msg.body(), held)))
      .onSuccess(msg::reply)
      .onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<AdoptState>localConsumer(Addresses.EVENTS_ADOPT, msg -> adopt(msg.body())
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
   * For an update that waits for the versions before it ({@link ApplyStates#inOrder}): fails with
   * {@link #EARLIER_VERSION_PENDING} when bet-maker holds the event, still open, more than one
   * version behind. With several bet-makers consecutive updates of one event go to different
   * instances; without this one could apply version 4 before the other applied 3, and 3 would then
   * be dropped as old, unheard by listeners.
   */
  private Future<Void> inOrder(ApplyStates states, Map<String, HeldEvent> held) {
    if (!states.inOrder()) {
      return Future.succeededFuture();
    }
    for (EventState state : states.states()) {
      HeldEvent mine = held.get(state.eventId());
      if (mine != null && !mine.state().status().isFinished() && state.version() > mine.state().version() + 1) {
        return Future.failedFuture(Problem.of(EARLIER_VERSION_PENDING, "event " + state.eventId() + " is held at version "
          + mine.state().version() + "; version " + state.version() + " waits for the one before it").exception());
      }
    }
    return Future.succeededFuture();
  }

  /**
   * Judges each event's newest state against the database ({@link Verdict}): applies the newer
   * ones, one event per transaction, settling each finished event's PENDING bets; marks those that
   * disagree in conflict; and, for line-provider's current states ({@link ApplyStates#current}),
   * has the older ones looked into. Completes when every one is done: an update is acknowledged
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
    Future<Void> marked = disagree.isEmpty() ? Future.succeededFuture()
      : ConflictsVerticle.mark(vertx, new MarkConflicts(disagree, List.of()), conflictOptions);
    return marked.compose(done -> applyEach(toApply, 0, new ArrayList<>(), 0))
      .compose(applied -> !message.current() || older.isEmpty() ? Future.succeededFuture(applied)
        : ConflictsVerticle.confirm(vertx, new ConfirmConflicts(older), conflictOptions).map(applied));
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
   * An operator's resolution of a conflict: in one transaction, under the event's settlement lock,
   * bet-maker's copy of the event becomes line-provider's state (only while it is in conflict),
   * the replaced state is recorded, and a final state settles the first chunk of PENDING bets; the
   * rest follow as for any settlement.
   */
  private Future<Resolution> adopt(AdoptState adopt) {
    EventState state = adopt.state();
    SettlementChunks.Chunk first = new SettlementChunks.Chunk();
    Tuple values = Tuple.of(state.eventId(), state.ratio(), Timestamps.toOffsetDateTime(state.deadline()),
      state.status().name(), state.version(), state.toJson(), adopt.operator());
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
      .compose(resolution -> {
        chunks.push(List.of(state), first);
        Future<Integer> settled = !chunks.mayHaveMore(first.settled) ? Future.succeededFuture(first.settled)
          : chunks.settleRest(state.eventId(), first.lastSeq, first.settled);
        return settled.map(total -> new Resolution(resolution.replaced(), state, resolution.settledBefore(), total));
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
        chunks.push(applied, first);
        // first.settled stays 0 when the state did not finish the event: nothing more to settle.
        Future<Integer> settled = !chunks.mayHaveMore(first.settled) ? Future.succeededFuture(first.settled)
          : chunks.settleRest(state.eventId(), first.lastSeq, first.settled);
        return settled.map(total -> {
          if (total > 0) {
            Failpoints.hit(Failpoints.SETTLE_AFTER_COMMIT); // committed; the update (if one brought it) not yet acked
            LOG.atInfo().addKeyValue("event_id", state.eventId()).log("settled {} bets of event {}", total, state.eventId());
          }
          return new Applied(applied, total);
        });
      });
  }
}
