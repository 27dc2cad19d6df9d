package io.eventwalker.betmaker;

import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.betmaker.BetMessages.Applied;
import io.eventwalker.betmaker.BetMessages.ApplyStates;
import io.eventwalker.betmaker.BetMessages.ConfirmConflicts;
import io.eventwalker.wire.EventStates;
import io.eventwalker.betmaker.BetMessages.Subscribe;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.wire.EventRows;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Settlement: applies the event states line-provider reports (an update, catch-up's answer, or
 * newer states a placement met), settles each finished event's PENDING bets in chunks, and after
 * each commit tells browsers what changed. Also keeps the events whose version line-provider
 * reports lower than bet-maker holds ("in conflict").
 *
 * <p>An event state is applied only when its version is newer than the one held; a state that
 * finishes the event settles its PENDING bets, the first chunk in the same transaction.
 */
public final class SettlementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SettlementVerticle.class);
  private static final int KNOWN_VERSIONS_CACHED = 100_000;

  /** The failure code of an update that waits for an earlier version ({@link ApplyStates#inOrder}). */
  static final int EARLIER_VERSION_PENDING = 425;

  private final BetMakerConfig.Settlement config;
  private final BetMakerConfig settings;
  private Pool pool;
  private DeliveryOptions lineOptions;
  private long readyTimeoutMs;
  private final Counter conflictsFound = Meters.counter("bet_maker_event_version_conflicts",
    "events found where line-provider reports a lower version than bet-maker holds");
  /** A lower bound of each event's version in the database, to skip states that are not newer. */
  private final Map<String, Long> knownVersions = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > KNOWN_VERSIONS_CACHED;
    }
  };

  SettlementVerticle(BetMakerConfig config) {
    this.settings = config;
    this.config = config.settlement();
  }

  /** Applies {@code states} where newer, settling finished events; completes once every one is done. */
  static Future<Applied> apply(Vertx vertx, ApplyStates states, DeliveryOptions options) {
    return vertx.eventBus().<Applied>request(Addresses.EVENTS_APPLY, states, options).map(Message::body);
  }

  /** Asks line-provider again about events it reported older than bet-maker holds, and marks those it still does. */
  static Future<Void> confirmConflicts(Vertx vertx, ConfirmConflicts events, DeliveryOptions options) {
    return vertx.eventBus().request(Addresses.EVENTS_CONFIRM_CONFLICTS, events, options).mapEmpty();
  }

  @Override
  public Future<?> start() {
    readyTimeoutMs = settings.http().readyTimeoutMs();
    lineOptions = LocalBus.options(settings.http().requestTimeoutMs());
    pool = Databases.pool(vertx, settings.database(), "bet-maker");
    var bus = vertx.eventBus();
    bus.<ApplyStates>localConsumer(Addresses.EVENTS_APPLY, msg -> inOrder(msg.body())
      .compose(next -> apply(msg.body().states()))
      .compose(applied -> msg.body().current() ? checkRegressions(msg.body().states()).map(applied) : Future.succeededFuture(applied))
      .onSuccess(msg::reply)
      .onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<ConfirmConflicts>localConsumer(Addresses.EVENTS_CONFIRM_CONFLICTS, msg -> confirmRegressions(msg.body().eventIds())
      .onSuccess(msg::reply)
      .onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<String>localConsumer(Addresses.READY_CONFLICTS, this::conflicts);
    return Future.succeededFuture();
  }

  /**
   * For an update that waits for the versions before it ({@link ApplyStates#inOrder}): fails with
   * {@link #EARLIER_VERSION_PENDING} when bet-maker holds the event, still open, more than one
   * version behind. With several bet-makers consecutive updates of one event go to different
   * instances; without this one could apply version 4 before the other applied 3, and 3 would then
   * be dropped as old, unheard by listeners.
   */
  private Future<Void> inOrder(ApplyStates states) {
    if (!states.inOrder()) {
      return Future.succeededFuture();
    }
    String[] ids = states.states().stream().map(EventState::eventId).distinct().toArray(String[]::new);
    return pool.preparedQuery(BetQueries.HELD_VERSIONS).execute(Tuple.of((Object) ids)).compose(rows -> {
      for (Row row : rows) {
        for (EventState state : states.states()) {
          if (state.eventId().equals(row.getString("event_id")) && "NEW".equals(row.getString("status"))
            && state.version() > row.getLong("version") + 1) {
            return Future.failedFuture(Problem.of(EARLIER_VERSION_PENDING, "event " + state.eventId() + " is held at version "
              + row.getLong("version") + "; version " + state.version() + " waits for the one before it").exception());
          }
        }
      }
      return Future.succeededFuture();
    });
  }

  /**
   * Events line-provider reports at a lower version than {@code held} (or does not know at all,
   * though bet-maker holds them).
   */
  static Set<String> regressions(EventStates states, Map<String, Long> held) {
    Set<String> regressed = new TreeSet<>();
    for (EventState state : states.found()) {
      Long version = held.get(state.eventId());
      if (version != null && state.version() < version) {
        regressed.add(state.eventId());
      }
    }
    for (String missing : states.missing()) {
      if (held.containsKey(missing)) {
        regressed.add(missing);
      }
    }
    return regressed;
  }

  /**
   * Applies the states that are newer than bet-maker's, one event per transaction, and settles
   * each finished event's PENDING bets. Completes when every one is done: an update is
   * acknowledged only then, so no bet of a finished event is left PENDING once its update is
   * acknowledged (or the update is retried, and settling resumes where it stopped).
   */
  private Future<Applied> apply(List<EventState> states) {
    Map<String, EventState> newest = new TreeMap<>();
    for (EventState state : states) {
      if (knownVersions.getOrDefault(state.eventId(), 0L) < state.version()) {
        newest.merge(state.eventId(), state, (a, b) -> a.version() >= b.version() ? a : b);
      }
    }
    return applyEach(List.copyOf(newest.values()), 0, new ArrayList<>(), 0);
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
    Chunk first = new Chunk();
    return pool.withTransaction(conn -> conn.preparedQuery(BetQueries.APPLY_STATES).execute(EventRows.columns(List.of(state)))
        .compose(rows -> {
          List<EventState> applied = rows.size() > 0 ? List.of(state) : List.of();
          if (!state.status().isFinished()) {
            return Future.succeededFuture(applied);
          }
          // Settles by the status bet-maker holds, whether this state finished the event or an
          // earlier one did and its settlement was cut short.
          return settleChunk(conn, state.eventId(), 0, first).map(settled -> {
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
        push(applied, first);
        // first.settled stays 0 when the state did not finish the event: nothing more to settle.
        Future<Integer> settled = first.settled < config.chunk() ? Future.succeededFuture(first.settled)
          : settleRest(state.eventId(), first.lastSeq, first.settled);
        return settled.map(total -> {
          // Known only once settled in full: a retry of a settlement cut short must not be skipped.
          knownVersions.merge(state.eventId(), state.version(), Math::max);
          if (total > 0) {
            Failpoints.hit(Failpoints.SETTLE_AFTER_COMMIT); // committed; the update (if one brought it) not yet acked
            LOG.atInfo().addKeyValue("event_id", state.eventId()).log("settled {} bets of event {}", total, state.eventId());
          }
          return new Applied(applied, total);
        });
      });
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
      push(List.of(), chunk);
      int total = settledSoFar + settled.result();
      if (settled.result() < config.chunk()) {
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
  private static final class Chunk {
    private final List<SettledBet> watched = new ArrayList<>();
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
  private Future<Integer> settleChunk(SqlConnection conn, String eventId, long afterSeq, Chunk chunk) {
    return conn.preparedQuery(BetQueries.LOCK_SETTLEMENT).execute(Tuple.of(eventId))
      .compose(locked -> conn.preparedQuery(BetQueries.SETTLE_CHUNK)
        .execute(Tuple.of(eventId, config.chunk(), LiveListeners.watchedBets(vertx), LiveListeners.watchedPlayers(vertx), afterSeq)))
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
  private void push(List<EventState> applied, Chunk chunk) {
    if (chunk.result != null) {
      BetMeters.settled(chunk.result, chunk.settled);
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

  /** After applying line-provider's current states: looks into any that is older than what bet-maker holds. */
  private Future<Void> checkRegressions(List<EventState> states) {
    String[] ids = states.stream().map(EventState::eventId).distinct().toArray(String[]::new);
    return pool.preparedQuery(BetQueries.HELD_VERSIONS).execute(Tuple.of((Object) ids)).compose(rows -> {
      Map<String, Long> held = new HashMap<>();
      rows.forEach(row -> {
        if (row.getLong("conflict_version") == null) {
          held.put(row.getString("event_id"), row.getLong("version"));
        }
      });
      Set<String> regressed = regressions(new EventStates(states, List.of()), held);
      return regressed.isEmpty() ? Future.succeededFuture() : confirmRegressions(regressed);
    });
  }

  /**
   * line-provider answered an older state of these events than bet-maker holds. That answer may
   * have been overtaken by an update applied meanwhile, so line-provider is asked again (a request
   * sent now reflects every update bet-maker has applied). Events it still reports older, or not
   * at all, are marked in conflict: bet-maker takes no more bets on them, logs and counts each, and
   * {@code /ready} lists them, until a newer state from line-provider (or an operator) resolves it.
   */
  private Future<Void> confirmRegressions(Set<String> eventIds) {
    return LineProviderClientVerticle.subscribe(vertx, new Subscribe(List.copyOf(eventIds), false, null), lineOptions)
      .compose(states -> {
        Map<String, Long> reported = new HashMap<>();
        eventIds.forEach(id -> reported.put(id, 0L));
        states.found().forEach(state -> reported.put(state.eventId(), state.version()));
        String[] ids = reported.keySet().toArray(String[]::new);
        Long[] versions = Arrays.stream(ids).map(reported::get).toArray(Long[]::new);
        return pool.preparedQuery(BetQueries.MARK_CONFLICTS).execute(Tuple.of((Object) ids, (Object) versions));
      })
      .map(marked -> {
        for (Row row : marked) {
          LOG.atError().addKeyValue("event_id", row.getString("event_id")).log("event {} is in conflict: line-provider reports version {}, bet-maker holds version {};"
              + " no bets are taken on it until this is resolved (docs/reliability.md)",
            row.getString("event_id"), row.getLong("reported"), row.getLong("version"));
          conflictsFound.increment();
        }
        return null;
      });
  }

  private void conflicts(Message<String> msg) {
    pool.query(BetQueries.CONFLICTS).execute()
      .timeout(readyTimeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(rows -> {
        JsonArray conflicts = new JsonArray();
        rows.forEach(row -> conflicts.add(new JsonObject()
          .put("event_id", row.getString("event_id"))
          .put("bet_maker_version", row.getLong("version"))
          .put("line_provider_version", row.getLong("conflict_version"))
          .put("since", Timestamps.iso(row.getOffsetDateTime("conflict_at").toInstant()))));
        msg.reply(conflicts);
      })
      .onFailure(failure -> Failures.reply(msg, Problem.of(503, "PostgreSQL: " + failure.getMessage())));
  }
}
