package io.eventwalker.betmaker;

import io.eventwalker.shared.http.Failures;
import io.eventwalker.betmaker.BetMessages.Applied;
import io.eventwalker.betmaker.BetMessages.ApplyStates;
import io.eventwalker.betmaker.BetMessages.BetPage;
import io.eventwalker.betmaker.BetMessages.ClaimKey;
import io.eventwalker.betmaker.BetMessages.ClaimOutcome;
import io.eventwalker.betmaker.BetMessages.EventIds;
import io.eventwalker.betmaker.BetMessages.GetBet;
import io.eventwalker.betmaker.BetMessages.KeyClaim;
import io.eventwalker.betmaker.BetMessages.ListBets;
import io.eventwalker.betmaker.BetMessages.PendingEvents;
import io.eventwalker.betmaker.BetMessages.PlaceBets;
import io.eventwalker.betmaker.BetMessages.PlacedBets;
import io.eventwalker.betmaker.BetMessages.ReleaseKey;
import io.eventwalker.betmaker.BetMessages.States;
import io.eventwalker.betmaker.BetMessages.Subscribe;
import io.eventwalker.shared.Failpoints;
import io.eventwalker.shared.Timestamps;
import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.db.Databases;
import io.eventwalker.shared.db.EventRows;
import io.eventwalker.shared.db.Migrations;
import io.eventwalker.shared.http.Problem;
import io.eventwalker.shared.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.eventwalker.shared.http.ProblemException;
import io.eventwalker.shared.validation.FieldError;
import io.eventwalker.shared.wire.EventState;
import io.eventwalker.shared.wire.EventStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * bet-maker's persistence: its view of the events, the bets and the idempotency keys.
 *
 * <p>Bets arriving together share one statement and one commit (group commit): while a group is
 * being written the next requests queue, and go out together as the next group. Each request is
 * still all-or-nothing, each bet still one row, and nothing is answered before its commit. Each
 * group is checked against line-provider's current states before it commits (see
 * {@link #writeGroup}).
 *
 * <p>An event state is applied only when its version is newer than the one held; a state that
 * finishes the event settles all its PENDING bets in the same transaction.
 */
public final class BetRepositoryVerticle extends VerticleBase {

  static final List<String> MIGRATIONS = List.of("V1__events_bets_idempotency.sql", "V2__bets_without_event_foreign_key.sql",
    "V3__bet_status_log.sql", "V4__bets_seq_in_placement_order.sql",
    "V5__idempotency_claims.sql", "V6__event_version_conflicts.sql");
  private static final Logger LOG = LoggerFactory.getLogger(BetRepositoryVerticle.class);
  private static final int KNOWN_VERSIONS_CACHED = 100_000;
  /** Writes of one group: the first, and again after applying newer states line-provider reported. */
  private static final int MAX_ATTEMPTS = 3;

  private Pool pool;
  private DeliveryOptions lineOptions;
  private long readyTimeoutMs;
  private long commitTimeoutMs;
  private int maxQueuedBets;
  private int queuedBets;
  private int maxGroupsInFlight;
  private int settleChunk;
  private int maxGroupBets;
  private int groupsInFlight;
  private final ArrayDeque<Message<PlaceBets>> queue = new ArrayDeque<>();
  private final Counter conflictsFound = Meters.counter("bet_maker_event_version_conflicts",
    "events found where line-provider reports a lower version than bet-maker holds");
  /** A lower bound of each event's version in the database, to skip states that are not newer. */
  private final Map<String, Long> knownVersions = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > KNOWN_VERSIONS_CACHED;
    }
  };

  @Override
  public Future<?> start() {
    Settings settings = new Settings("bet-maker", config());
    BetMessages.registerCodecs(vertx);
    String schema = settings.sqlIdentifier("BM_PG_SCHEMA");
    readyTimeoutMs = settings.integer("READY_TIMEOUT_MS", 100, 60_000, 2_000);
    commitTimeoutMs = settings.integer("BM_COMMIT_TIMEOUT_MS", 100, 600_000);
    maxQueuedBets = settings.integer("BM_PLACE_QUEUE_MAX", 1, 10_000_000);
    long retentionSeconds = settings.longValue("BM_IDEMPOTENCY_RETENTION_S", 24 * 3600, 365L * 24 * 3600, 25 * 3600);
    maxGroupsInFlight = settings.integer("BM_BET_GROUPS_IN_FLIGHT", 1, 64, 2);
    settleChunk = settings.integer("BM_SETTLE_CHUNK", 100, 1_000_000);
    lineOptions = new DeliveryOptions().setSendTimeout(settings.integer("REQUEST_TIMEOUT_MS", 100, 60_000, 5_000));
    maxGroupBets = settings.integer("BM_BET_GROUP_MAX", 1, 100_000, 2_000);
    pool = Databases.pool(vertx, settings, "BM_PG_SCHEMA", "bet-maker");
    return Migrations.migrate(pool, schema, "db/bet-maker", MIGRATIONS).onSuccess(migrated -> {
      var bus = vertx.eventBus();
      bus.<PlaceBets>consumer(Addresses.BETS_PLACE, this::place);
      bus.<GetBet>consumer(Addresses.BETS_GET, this::get);
      bus.<ListBets>consumer(Addresses.BETS_LIST, this::list);
      bus.<ApplyStates>consumer(Addresses.EVENTS_APPLY, msg -> apply(msg.body().states())
        .compose(applied -> msg.body().current() ? checkRegressions(msg.body().states()).map(applied) : Future.succeededFuture(applied))
        .onSuccess(msg::reply)
        .onFailure(failure -> Failures.reply(msg, failure, LOG)));
      bus.<String>consumer(Addresses.READY_CONFLICTS, this::conflicts);
      bus.<PendingEvents>consumer(Addresses.EVENTS_PENDING, this::pendingEvents);
      bus.<ClaimKey>consumer(Addresses.IDEMPOTENCY_CLAIM, this::claim);
      bus.<ReleaseKey>consumer(Addresses.IDEMPOTENCY_RELEASE, this::release);
      bus.<String>consumer(Addresses.READY_POSTGRES, this::ready);
      vertx.setPeriodic(600_000, id -> purgeKeys(retentionSeconds));
    });
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  // ---- event states and settlement ----

  /**
   * Applies the states that are newer than bet-maker's, one event per transaction, and settles
   * each finished event's PENDING bets. Completes when every one is done: an update is
   * acknowledged only then, so no bet of a finished event is left PENDING once its update is
   * acknowledged (or the update is retried, and settling resumes where it stopped).
   */
  Future<Applied> apply(List<EventState> states) {
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
    List<SettledBet> watched = new ArrayList<>();
    int[] firstChunk = {0};
    return pool.withTransaction(conn -> conn.preparedQuery(BetQueries.APPLY_STATES).execute(EventRows.columns(List.of(state)))
        .compose(rows -> {
          List<EventState> applied = rows.size() > 0 ? List.of(state) : List.of();
          if (!state.status().isFinished()) {
            return Future.succeededFuture(applied);
          }
          // Settles by the status bet-maker holds, whether this state finished the event or an
          // earlier one did and its settlement was cut short.
          return settleChunk(conn, state.eventId(), watched).map(settled -> {
            firstChunk[0] = settled;
            if (settled > 0) {
              Failpoints.hit(Failpoints.SETTLE_BEFORE_COMMIT);
            }
            return applied;
          });
        }))
      .compose(applied -> {
        if (!applied.isEmpty() && state.status().isFinished()) {
          LOG.info("event {} {} at version {}", state.eventId(), state.status(), state.version());
        }
        push(applied, watched);
        Future<Integer> settled = firstChunk[0] < settleChunk ? Future.succeededFuture(firstChunk[0])
          : settleRest(state.eventId(), firstChunk[0]);
        return settled.map(total -> {
          // Known only once settled in full: a retry of a settlement cut short must not be skipped.
          knownVersions.merge(state.eventId(), state.version(), Math::max);
          if (total > 0) {
            Failpoints.hit(Failpoints.SETTLE_AFTER_COMMIT); // committed; the update (if one brought it) not yet acked
            LOG.info("settled {} bets of event {}", total, state.eventId());
          }
          return new Applied(applied, total);
        });
      });
  }

  /**
   * The chunks after the first, each in its own transaction, until no PENDING bet is left. A loop,
   * not a chain of futures: a chain would keep every chunk's bets reachable until the last one.
   */
  private Future<Integer> settleRest(String eventId, int settledSoFar) {
    Promise<Integer> done = Promise.promise();
    settleNext(eventId, settledSoFar, done);
    return done.future();
  }

  private void settleNext(String eventId, int settledSoFar, Promise<Integer> done) {
    Failpoints.hit(Failpoints.SETTLE_BETWEEN_CHUNKS);
    List<SettledBet> watched = new ArrayList<>();
    pool.withTransaction(conn -> settleChunk(conn, eventId, watched)).onComplete(settled -> {
      if (settled.failed()) {
        done.fail(settled.cause());
        return;
      }
      push(List.of(), watched);
      int total = settledSoFar + settled.result();
      if (settled.result() < settleChunk) {
        done.complete(total);
      } else {
        settleNext(eventId, total, done);
      }
    });
  }

  /** A watched bet as its settlement left it (the settlement returns no other). */
  private record SettledBet(UUID betId, String eventId, BetStatus status, java.math.BigDecimal payout) {
  }

  /**
   * Settles up to {@code BM_SETTLE_CHUNK} PENDING bets of the event if it is finished; completes
   * with how many, and collects the watched ones among them into {@code settled}. Chunks of one event are taken one at a time (a transaction-scoped
   * advisory lock), whoever settles it (the update's consumer, catch-up, another instance), so a
   * chunk smaller than the limit means none is left.
   */
  private Future<Integer> settleChunk(SqlConnection conn, String eventId, List<SettledBet> settled) {
    return conn.preparedQuery(BetQueries.LOCK_SETTLEMENT).execute(Tuple.of(eventId))
      .compose(locked -> conn.preparedQuery(BetQueries.SETTLE_CHUNK)
        .execute(Tuple.of(eventId, settleChunk, LiveListeners.watchedBets(vertx))))
      .map(rows -> {
        int count = 0;
        for (Row row : rows) {
          count = row.getInteger("settled");
          if (row.getUUID("bet_id") != null) {
            settled.add(new SettledBet(row.getUUID("bet_id"), eventId, BetStatus.valueOf(row.getString("status")),
              row.getBigDecimal("payout")));
          }
        }
        return count;
      });
  }

  /** After a commit: tells browsers (through the SockJS bridge) what changed; settled bets only if watched. */
  private void push(List<EventState> applied, List<SettledBet> settledBets) {
    var bus = vertx.eventBus();
    for (EventState state : applied) {
      JsonObject json = state.toJson();
      bus.publish(Addresses.LIVE_EVENT_PREFIX + state.eventId(), json);
      bus.publish(Addresses.LIVE_OPEN_EVENTS, json);
    }
    for (SettledBet bet : settledBets) {
      String address = Addresses.LIVE_BET_PREFIX + bet.betId();
      if (LiveListeners.isHeard(vertx, address)) { // still, as the settlement only returns the watched ones
        bus.publish(address, new JsonObject()
          .put("bet_id", bet.betId().toString())
          .put("event_id", bet.eventId())
          .put("status", bet.status().name())
          .put("payout", bet.payout()));
      }
    }
  }

  // ---- placing bets, in groups ----

  private void place(Message<PlaceBets> msg) {
    int bets = msg.body().bets().size();
    if (queuedBets + bets > maxQueuedBets) {
      fail(msg, notStored("bet-maker is taking as many bets as it can (" + maxQueuedBets + " waiting)"));
      return;
    }
    queue.add(msg);
    queuedBets += bets;
    flush();
  }

  private void flush() {
    while (groupsInFlight < maxGroupsInFlight && !queue.isEmpty()) {
      long now = System.currentTimeMillis();
      List<Message<PlaceBets>> group = new ArrayList<>();
      int bets = 0;
      while (!queue.isEmpty() && (group.isEmpty() || bets + queue.peek().body().bets().size() <= maxGroupBets)) {
        Message<PlaceBets> next = queue.poll();
        queuedBets -= next.body().bets().size();
        if (next.body().deadlineMillis() <= now) {
          fail(next, notStored("the bets waited past their deadline for a turn to be written"));
          continue;
        }
        bets += next.body().bets().size();
        group.add(next);
      }
      if (group.isEmpty()) {
        continue;
      }
      groupsInFlight++;
      writeGroup(group, bets).onComplete(done -> {
        groupsInFlight--;
        flush();
      });
    }
  }

  /** One group write: the bets of several requests, their events, and the earliest of their deadlines. */
  private record Group(List<Message<PlaceBets>> requests, UUID[] betIds, Tuple rows, String[] events, long deadlineMillis) {
  }

  /**
   * Writes one group. While line-provider is asked for the current state of the group's events,
   * the bets are inserted in a transaction that holds those events' rows; it commits only if
   * bet-maker's view of every event is at least as new as line-provider's answer. Otherwise it
   * rolls back, applies the newer states (settling a finished event) and writes the group again
   * against them. So a bet is never taken at a ratio, deadline or status older than the one
   * line-provider had when the group was asked about.
   *
   * <p>Every request answered with a failure stored nothing, with one exception: a group whose
   * {@code COMMIT} was sent and never confirmed is answered "outcome unknown".
   */
  private Future<Void> writeGroup(List<Message<PlaceBets>> requests, int total) {
    UUID[] betIds = new UUID[total];
    String[] eventIds = new String[total];
    String[] sums = new String[total];
    Integer[] owners = new Integer[total];
    TreeSet<String> events = new TreeSet<>();
    long deadline = Long.MAX_VALUE;
    int k = 0;
    for (int r = 0; r < requests.size(); r++) {
      deadline = Math.min(deadline, requests.get(r).body().deadlineMillis());
      for (BetRequest bet : requests.get(r).body().bets()) {
        betIds[k] = BetIds.next();
        eventIds[k] = bet.eventId();
        sums[k] = bet.sumBet().toPlainString();
        owners[k] = r;
        events.add(bet.eventId());
        k++;
      }
    }
    String[] eventArray = events.toArray(String[]::new);
    Group group = new Group(requests, betIds, Tuple.of(betIds, eventIds, sums, owners, eventArray), eventArray, deadline);
    Future<States> line = vertx.eventBus().<States>request(Addresses.LINE_SUBSCRIBE, new Subscribe(List.of(eventArray), false), lineOptions)
      .map(Message::body);
    return attempt(group, line, 1)
      .compose(outcomes -> answer(requests, outcomes))
      .recover(failure -> {
        Throwable answer = failure instanceof ProblemException ? failure : notStored(describe(failure));
        requests.forEach(msg -> fail(msg, answer));
        return Future.succeededFuture();
      });
  }

  /** Thrown inside a group's transaction to roll it back: line-provider has newer states. */
  private static final class Stale extends RuntimeException {
    private final transient List<EventState> newer;

    Stale(List<EventState> newer) {
      super("line-provider has newer states", null, false, false);
      this.newer = newer;
    }
  }

  private Future<List<List<Bet>>> attempt(Group group, Future<States> line, int attempt) {
    if (System.currentTimeMillis() >= group.deadlineMillis()) {
      return Future.failedFuture(notStored("the bets could not be written before their deadline"));
    }
    return pool.getConnection().compose(conn -> {
      long left = group.deadlineMillis() - System.currentTimeMillis();
      if (left <= 0) {
        conn.close();
        return Future.failedFuture(notStored("the bets could not be written before their deadline"));
      }
      // BEGIN, the time limit, the hold and the insert go out together (pipelined): one round
      // trip, then the wait for line-provider's answer, then COMMIT or ROLLBACK. PostgreSQL
      // itself cancels a statement still waiting (on a lock, say) when the deadline comes.
      Future<RowSet<Row>> begun = conn.query("BEGIN").execute();
      Future<RowSet<Row>> limited = conn.query("SET LOCAL statement_timeout = " + left).execute();
      Future<RowSet<Row>> held = conn.preparedQuery(BetQueries.HOLD_EVENTS).execute(Tuple.of((Object) group.events()));
      Future<RowSet<Row>> inserted = conn.preparedQuery(BetQueries.PLACE).execute(group.rows());
      Future<List<List<Bet>>> written = Future.all(begun, limited, held, inserted)
        .compose(sent -> line.timeout(Math.max(1, group.deadlineMillis() - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
          .recover(failure -> Future.failedFuture(line.isComplete() ? failure
            : notStored("line-provider did not answer before the bets' deadline"))))
        .compose(states -> {
          Map<String, Long> versions = new HashMap<>();
          Set<String> inConflict = new HashSet<>();
          held.result().forEach(row -> {
            versions.put(row.getString("event_id"), row.getLong("version"));
            if (row.getLong("conflict_version") != null) {
              inConflict.add(row.getString("event_id"));
            }
          });
          List<EventState> newer = states.found().stream()
            .filter(state -> versions.getOrDefault(state.eventId(), 0L) < state.version())
            .toList();
          if (!newer.isEmpty()) {
            return Future.failedFuture(new Stale(newer));
          }
          Set<String> regressed = regressions(states, versions);
          regressed.removeAll(inConflict);
          if (!regressed.isEmpty()) {
            return Future.failedFuture(new Regressed(regressed));
          }
          List<List<Bet>> outcomes = outcomes(group.requests(), group.betIds(), inserted.result());
          return completeKeys(conn, group.requests(), outcomes).map(outcomes);
        });
      return written.transform(done -> {
        if (done.failed()) {
          return rollBack(conn, done.cause());
        }
        if (System.currentTimeMillis() >= group.deadlineMillis()) {
          return rollBack(conn, notStored("the bets could not be written before their deadline"));
        }
        return commit(conn).map(done.result());
      });
    }).recover(failure -> {
      if (!(failure instanceof Stale) && !(failure instanceof Regressed)) {
        return Future.failedFuture(failure);
      }
      if (attempt >= MAX_ATTEMPTS) {
        return Future.failedFuture(notStored("the event kept changing while the bets were placed"));
      }
      Future<?> caughtUp = failure instanceof Stale stale ? apply(stale.newer) : confirmRegressions(((Regressed) failure).eventIds);
      return caughtUp.compose(done -> attempt(group, line, attempt + 1));
    });
  }

  /** Thrown inside a group's transaction to roll it back: line-provider reports older states than bet-maker holds. */
  private static final class Regressed extends RuntimeException {
    private final transient Set<String> eventIds;

    Regressed(Set<String> eventIds) {
      super("line-provider reports older states", null, false, false);
      this.eventIds = eventIds;
    }
  }

  /** Events line-provider reports at a lower version than {@code held} (or does not know at all, though bet-maker holds them). */
  private static Set<String> regressions(States states, Map<String, Long> held) {
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

  // ---- versions in conflict with line-provider ----

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
      Set<String> regressed = regressions(new States(states, List.of()), held);
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
    return vertx.eventBus().<States>request(Addresses.LINE_SUBSCRIBE, new Subscribe(List.copyOf(eventIds), false), lineOptions)
      .compose(reply -> {
        Map<String, Long> reported = new HashMap<>();
        eventIds.forEach(id -> reported.put(id, 0L));
        reply.body().found().forEach(state -> reported.put(state.eventId(), state.version()));
        String[] ids = reported.keySet().toArray(String[]::new);
        Long[] versions = Arrays.stream(ids).map(reported::get).toArray(Long[]::new);
        return pool.preparedQuery(BetQueries.MARK_CONFLICTS).execute(Tuple.of((Object) ids, (Object) versions));
      })
      .map(marked -> {
        for (Row row : marked) {
          LOG.error("event {} is in conflict: line-provider reports version {}, bet-maker holds version {};"
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

  /**
   * Rolls the transaction back, releases the connection and fails with {@code cause}: nothing of
   * it is stored (no COMMIT was sent).
   */
  private static <T> Future<T> rollBack(SqlConnection conn, Throwable cause) {
    return conn.query("ROLLBACK").execute().transform(rolledBack -> {
      conn.close();
      return Future.failedFuture(cause);
    });
  }

  /**
   * Commits. PostgreSQL refusing the commit rolled it back (nothing stored); a lost connection or
   * no answer within {@code BM_COMMIT_TIMEOUT_MS} leaves the outcome unknown, and says so. The
   * connection goes back to the pool only once PostgreSQL has answered the COMMIT (or the
   * connection is gone): nothing else may queue behind a commit whose outcome is still open.
   */
  private Future<Void> commit(SqlConnection conn) {
    Future<RowSet<Row>> sent = conn.query("COMMIT").execute();
    sent.onComplete(answered -> conn.close());
    return sent
      .timeout(commitTimeoutMs, TimeUnit.MILLISECONDS)
      .transform(committed -> {
        if (committed.succeeded()) {
          Failpoints.hit(Failpoints.PLACE_AFTER_COMMIT);
          return Future.succeededFuture();
        }
        Throwable failure = committed.cause();
        if (failure instanceof PgException) {
          return Future.failedFuture(notStored("PostgreSQL refused to commit the bets (" + failure.getMessage() + ")"));
        }
        LOG.error("outcome unknown: the COMMIT of a group of bets was not confirmed ({})", failure.toString());
        return Future.failedFuture(Problem.outcomeUnknown("the database did not confirm the commit of these bets, so they may or may"
          + " not have been stored: retry with the same Idempotency-Key to learn which (GET /bets shows them if they were)").exception());
      });
  }

  /** A placement refused with a 503 that stored nothing and never will. */
  private static ProblemException notStored(String why) {
    return Problem.of(503, why + "; nothing was stored; try again").exception();
  }

  /** What failed, named by its dependency, for a 503's detail. */
  private static String describe(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return Failures.detail(reply);
    }
    if (failure instanceof PgException pg && "57014".equals(pg.getSqlState())) {
      return "the bets could not be written before their deadline";
    }
    return "PostgreSQL could not store the bets (" + failure.getMessage() + ")";
  }

  /** For each request of the group, its stored bets in order, or null if it was refused. */
  private static List<List<Bet>> outcomes(List<Message<PlaceBets>> group, UUID[] betIds, RowSet<Row> rows) {
    Map<UUID, Row> stored = new HashMap<>(rows.size() * 2);
    rows.forEach(row -> stored.put(row.getUUID("bet_id"), row));
    List<List<Bet>> outcomes = new ArrayList<>(group.size());
    int k = 0;
    for (Message<PlaceBets> msg : group) {
      List<Bet> bets = new ArrayList<>();
      for (BetRequest request : msg.body().bets()) {
        Row row = stored.get(betIds[k++]);
        if (row != null) {
          bets.add(new Bet(row.getUUID("bet_id"), request.eventId(), request.sumBet(), row.getBigDecimal("ratio"),
            BetStatus.PENDING, null, row.getOffsetDateTime("created_at").toInstant(), null, row.getLong("seq")));
        }
      }
      outcomes.add(bets.size() == msg.body().bets().size() ? bets : null);
    }
    return outcomes;
  }

  /** Records each keyed request's answer; fails (and so rolls back) if any of their claims was taken over. */
  private static Future<Void> completeKeys(SqlClient conn, List<Message<PlaceBets>> group, List<List<Bet>> outcomes) {
    List<String> keys = new ArrayList<>();
    List<UUID> tokens = new ArrayList<>();
    List<String> responses = new ArrayList<>();
    for (int r = 0; r < group.size(); r++) {
      PlaceBets request = group.get(r).body();
      if (request.idempotency() != null && outcomes.get(r) != null) {
        keys.add(request.idempotency().key());
        tokens.add(request.idempotency().token());
        responses.add(responseBody(outcomes.get(r), request.single()));
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(BetQueries.COMPLETE_KEYS)
      .execute(Tuple.of(keys.toArray(String[]::new), tokens.toArray(UUID[]::new), responses.toArray(String[]::new)))
      .compose(completed -> completed.rowCount() == keys.size()
        ? Future.succeededFuture()
        : Future.failedFuture(notStored("an Idempotency-Key of these bets was taken over by another attempt")));
  }

  /** The 201 body of {@code POST /bet}: the bets in the shape they were asked. */
  static String responseBody(List<Bet> bets, boolean single) {
    if (single) {
      return bets.get(0).toJson().encode();
    }
    JsonArray array = new JsonArray();
    bets.forEach(bet -> array.add(bet.toJson()));
    return array.encode();
  }

  private Future<Void> answer(List<Message<PlaceBets>> group, List<List<Bet>> outcomes) {
    List<String> refusedEvents = new ArrayList<>();
    for (int r = 0; r < group.size(); r++) {
      if (outcomes.get(r) == null) {
        group.get(r).body().bets().forEach(bet -> refusedEvents.add(bet.eventId()));
      } else {
        group.get(r).reply(new PlacedBets(outcomes.get(r)));
      }
    }
    if (refusedEvents.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(BetQueries.EVENTS_STATUS).execute(Tuple.of((Object) refusedEvents.toArray(String[]::new)))
      .map(rows -> {
        Map<String, Row> byId = new HashMap<>();
        rows.forEach(row -> byId.put(row.getString("event_id"), row));
        for (int r = 0; r < group.size(); r++) {
          if (outcomes.get(r) == null) {
            Message<PlaceBets> msg = group.get(r);
            ProblemException refusal = closedProblem(msg.body(), byId);
            Failures.reply(msg, refusal.problem());
          }
        }
        return null;
      });
  }

  private static ProblemException closedProblem(PlaceBets request, Map<String, Row> events) {
    Instant now = Instant.now();
    List<BetRequest> bets = request.bets();
    for (int i = 0; i < bets.size(); i++) {
      Row event = events.get(bets.get(i).eventId());
      String why = null;
      if (event == null) {
        why = "no event " + bets.get(i).eventId();
      } else if (event.getLong("conflict_version") != null) {
        why = "event " + bets.get(i).eventId() + " is in conflict: line-provider reports version " + event.getLong("conflict_version")
          + " but bet-maker holds version " + event.getLong("version") + "; no bets are taken on it until an operator resolves it";
      } else if (EventStatus.valueOf(event.getString("status")).isFinished()) {
        why = "event " + bets.get(i).eventId() + " is " + event.getString("status") + "; bets are closed";
      } else if (!event.getOffsetDateTime("deadline").toInstant().isAfter(now)) {
        why = "bets on event " + bets.get(i).eventId() + " closed at " + Timestamps.iso(event.getOffsetDateTime("deadline").toInstant());
      }
      if (why != null) {
        return refusal(event == null ? 404 : 409, why, i, request.single());
      }
    }
    return refusal(409, "an event of this request closed for bets", 0, request.single());
  }

  static ProblemException refusal(int status, String why, int index, boolean single) {
    String detail = single ? why : why + " (item " + index + ")";
    return new Problem(status, Problem.of(status, why).type(), Problem.title(status), detail,
      List.of(new FieldError("event_id", single ? null : index, why))).exception();
  }

  // ---- reading ----

  private void get(Message<GetBet> msg) {
    pool.preparedQuery(BetQueries.GET_BET).execute(Tuple.of(msg.body().betId()))
      .onSuccess(rows -> {
        if (rows.size() == 0) {
          Failures.reply(msg, Problem.of(404, "no bet " + msg.body().betId()));
        } else {
          msg.reply(toBet(rows.iterator().next()));
        }
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void list(Message<ListBets> msg) {
    ListBets query = msg.body();
    List<Object> params = new ArrayList<>();
    if (query.status() != null) {
      params.add(query.status().name());
    }
    if (query.eventId() != null) {
      params.add(query.eventId());
    }
    if (query.beforeSeq() != null) {
      params.add(query.beforeSeq());
    }
    params.add(query.limit() + 1);
    String sql = BetQueries.listBets(query.status() != null, query.eventId() != null, query.beforeSeq() != null);
    pool.preparedQuery(sql).execute(Tuple.from(params))
      .onSuccess(rows -> {
        List<Bet> bets = new ArrayList<>(rows.size());
        rows.forEach(row -> bets.add(toBet(row)));
        Long next = null;
        if (bets.size() > query.limit()) {
          bets.remove(bets.size() - 1);
          next = bets.get(bets.size() - 1).seq();
        }
        msg.reply(new BetPage(bets, next));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void pendingEvents(Message<PendingEvents> msg) {
    pool.preparedQuery(BetQueries.PENDING_EVENTS).execute(Tuple.of(msg.body().after(), msg.body().limit()))
      .onSuccess(rows -> {
        List<String> ids = new ArrayList<>(rows.size());
        rows.forEach(row -> ids.add(row.getString("event_id")));
        msg.reply(new EventIds(ids));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  static Bet toBet(Row row) {
    OffsetDateTime settledAt = row.getOffsetDateTime("settled_at");
    return new Bet(row.getUUID("bet_id"), row.getString("event_id"), row.getBigDecimal("sum_bet"),
      row.getBigDecimal("ratio"), BetStatus.valueOf(row.getString("status")), row.getBigDecimal("payout"),
      row.getOffsetDateTime("created_at").toInstant(), settledAt == null ? null : settledAt.toInstant(), row.getLong("seq"));
  }

  // ---- idempotency keys ----

  private void claim(Message<ClaimKey> msg) {
    claim(msg.body(), true)
      .onSuccess(msg::reply)
      .onFailure(failure -> fail(msg, failure));
  }

  /**
   * Claims a key for this attempt: a new key is claimed; a completed one is replayed; one claimed
   * by an attempt that may still commit is in flight; one whose claim lapsed, and whose row no
   * transaction holds, is taken over (that attempt can no longer complete it). The key is read
   * before it is inserted: an insert would wait for a transaction completing the key to end.
   */
  private Future<KeyClaim> claim(ClaimKey key, boolean again) {
    return pool.preparedQuery(BetQueries.READ_KEY).execute(Tuple.of(key.key())).compose(rows -> {
      if (rows.size() == 0) {
        return pool.preparedQuery(BetQueries.CLAIM_KEY).execute(Tuple.of(key.key(), key.requestHash(), key.token(), key.leaseMillis()))
          .compose(inserted -> inserted.size() > 0 ? Future.succeededFuture(new KeyClaim(ClaimOutcome.CLAIMED, 0, null))
            // Claimed by a concurrent attempt between our read and our insert: read it again.
            : again ? claim(key, false) : Future.succeededFuture(new KeyClaim(ClaimOutcome.IN_FLIGHT, 0, null)));
      }
      Row row = rows.iterator().next();
      if (!row.getString("request_hash").equals(key.requestHash())) {
        return Future.succeededFuture(new KeyClaim(ClaimOutcome.MISMATCH, 0, null));
      }
      if (row.getString("response") != null) {
        return Future.succeededFuture(new KeyClaim(ClaimOutcome.REPLAY, row.getInteger("status_code"), row.getString("response")));
      }
      if (!row.getBoolean("lapsed")) {
        return Future.succeededFuture(new KeyClaim(ClaimOutcome.IN_FLIGHT, 0, null));
      }
      return pool.preparedQuery(BetQueries.TAKE_OVER_KEY).execute(Tuple.of(key.key(), key.token(), key.leaseMillis()))
        .compose(taken -> taken.size() > 0 ? Future.succeededFuture(new KeyClaim(ClaimOutcome.CLAIMED, 0, null))
          // Held by a transaction about to commit, or completed or released meanwhile: read it again.
          : again ? claim(key, false) : Future.succeededFuture(new KeyClaim(ClaimOutcome.IN_FLIGHT, 0, null)));
    });
  }

  private void release(Message<ReleaseKey> msg) {
    pool.preparedQuery(BetQueries.RELEASE_KEY).execute(Tuple.of(msg.body().key(), msg.body().token()))
      .onSuccess(rows -> msg.reply("OK"))
      .onFailure(failure -> fail(msg, failure));
  }

  private void purgeKeys(long retentionSeconds) {
    pool.preparedQuery(BetQueries.PURGE_KEYS).execute(Tuple.of(retentionSeconds))
      .onFailure(failure -> LOG.warn("idempotency key purge failed: {}", failure.getMessage()));
  }

  private void ready(Message<String> msg) {
    pool.query("SELECT 1").execute()
      .timeout(readyTimeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(rows -> msg.reply("UP"))
      .onFailure(failure -> Failures.reply(msg, Problem.of(503, "PostgreSQL: " + failure.getMessage())));
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }

}
