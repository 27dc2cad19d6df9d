package io.eventwalker.betmaker;

import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.betmaker.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.BetMessages.NotStored;
import io.eventwalker.betmaker.BetMessages.Refused;
import io.eventwalker.betmaker.BetMessages.Placed;
import io.eventwalker.betmaker.BetMessages.Placement;
import io.eventwalker.betmaker.BetMessages.ApplyStates;
import io.eventwalker.betmaker.BetMessages.PlaceBets;
import io.eventwalker.wire.EventStates;
import io.eventwalker.betmaker.BetMessages.Subscribe;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.db.Transactions;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Placement: stores the bets of {@code POST /bet}, checked against line-provider's current states.
 *
 * <p>Bets arriving together share one statement and one commit (group commit): while a group is
 * being written the next requests queue, and go out together as the next group. Each request is
 * still all-or-nothing, each bet still one row, and nothing is answered before its commit. Each
 * group is checked against line-provider's current states before it commits ({@link #writeGroup}),
 * and written again, up to {@link #MAX_ATTEMPTS} times, after settlement applied newer ones.
 */
public final class PlacementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PlacementVerticle.class);
  /** Writes of one group: the first, and again after applying newer states line-provider reported. */
  private static final int MAX_ATTEMPTS = 3;

  private final BetMakerConfig.Placement config;
  private final BetMakerConfig settings;
  private Pool pool;
  private DeliveryOptions lineOptions;
  private DeliveryOptions settleOptions;
  /** Bets waiting in the queue (read by the {@code bet_maker_bets_waiting} gauge from other threads). */
  private volatile int queuedBets;
  /** Bets waiting, by player. */
  private final Map<String, Integer> queuedByPlayer = new HashMap<>();
  /**
   * The most bets one player may have waiting: the player's share of the requests in flight
   * ({@code BM_MAX_CONCURRENT_PER_CLIENT} of {@code BM_MAX_CONCURRENT_REQUESTS}) applied to the
   * queue, and never less than the largest batch.
   */
  private final int playerShare;
  private int groupsInFlight;
  private final ArrayDeque<Message<PlaceBets>> queue = new ArrayDeque<>();

  PlacementVerticle(BetMakerConfig config) {
    this.settings = config;
    this.config = config.placement();
    long share = (long) this.config.queueMax() * config.http().maxConcurrentPerClient() / config.http().maxConcurrentRequests();
    this.playerShare = (int) Math.max(Batch.MAX_ITEMS, share);
  }

  /**
   * Stores {@code bets}, and completes with what became of them ({@link Placement}); waits
   * {@code waitMs} for the answer (longer than the placement's deadline plus its commit: see
   * {@link PlaceBets}). A failure means no answer came in time.
   */
  static Future<Placement> place(Vertx vertx, PlaceBets bets, long waitMs) {
    return vertx.eventBus().<Placement>request(Addresses.BETS_PLACE, bets, LocalBus.options(waitMs))
      .map(Message::body);
  }

  @Override
  public Future<?> start() {
    lineOptions = LocalBus.options(settings.http().requestTimeoutMs());
    settleOptions = LocalBus.options(settings.settlement().timeoutMs());
    pool = Databases.pool(vertx, settings.database(), "bet-maker");
    vertx.eventBus().<PlaceBets>localConsumer(Addresses.BETS_PLACE, this::queue);
    BetMeters.of(vertx).meters().gauge("bet_maker_bets_waiting", "bets waiting in the placement queue for a group write", () -> queuedBets);
    return Future.succeededFuture();
  }

  /**
   * Puts a request in the queue, if there is room: at most {@code BM_PLACE_QUEUE_MAX} bets wait in
   * all, and one player's at most {@link #playerShare} of them, so that one player's batches cannot
   * fill the queue for everybody (SPEC §5).
   */
  private void queue(Message<PlaceBets> msg) {
    int bets = msg.body().bets().size();
    String player = msg.body().playerId();
    int players = queuedByPlayer.getOrDefault(player, 0);
    if (queuedBets + bets > config.queueMax()) {
      msg.reply(new NotStored("bet-maker is taking as many bets as it can (" + config.queueMax() + " waiting)"));
      return;
    }
    if (players + bets > playerShare) {
      msg.reply(new NotStored("you have as many bets waiting to be written as one player may (" + playerShare + ")"));
      return;
    }
    queue.add(msg);
    queuedBets += bets;
    queuedByPlayer.put(player, players + bets);
    flush();
  }

  private void dequeued(Message<PlaceBets> msg) {
    int bets = msg.body().bets().size();
    queuedBets -= bets;
    queuedByPlayer.computeIfPresent(msg.body().playerId(), (player, waiting) -> waiting - bets <= 0 ? null : waiting - bets);
  }

  private void flush() {
    while (groupsInFlight < config.groupsInFlight() && !queue.isEmpty()) {
      long now = System.currentTimeMillis();
      List<Message<PlaceBets>> group = new ArrayList<>();
      int bets = 0;
      while (!queue.isEmpty() && (group.isEmpty() || bets + queue.peek().body().bets().size() <= config.groupMax())) {
        Message<PlaceBets> next = queue.poll();
        dequeued(next);
        if (next.body().deadlineMillis() <= now) {
          next.reply(new NotStored("the bets waited past their deadline for a turn to be written"));
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

  /**
   * One group write: the bets of several requests (each bet's request and event by its position),
   * the distinct events, and the earliest of their deadlines.
   */
  private record Group(List<Message<PlaceBets>> requests, UUID[] betIds, Integer[] owners, String[] eventIds, Tuple rows, String[] events,
                       long deadlineMillis) {
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
    String[] players = new String[total];
    String[] seen = new String[total];
    String[] accept = new String[total];
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
        players[k] = requests.get(r).body().playerId();
        seen[k] = bet.ratio() == null ? null : bet.ratio().toPlainString();
        accept[k] = bet.acceptOdds().wire();
        events.add(bet.eventId());
        k++;
      }
    }
    String[] eventArray = events.toArray(String[]::new);
    Group group = new Group(requests, betIds, owners, eventIds, Tuple.of(betIds, eventIds, sums, owners, eventArray, players, seen, accept), eventArray, deadline);
    String traceparent = requests.stream().map(r -> r.body().traceparent()).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    Future<EventStates> line = LineProviderClientVerticle.subscribe(vertx, new Subscribe(List.of(eventArray), false, traceparent), lineOptions);
    return attempt(group, line, 1)
      .compose(outcomes -> answer(requests, outcomes))
      .recover(failure -> {
        Placement answer = failure instanceof Outcome outcome ? outcome.placement : new NotStored(describe(failure));
        requests.forEach(msg -> msg.reply(answer));
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

  private Future<List<List<Bet>>> attempt(Group group, Future<EventStates> line, int attempt) {
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
      Future<Void> begun = Transactions.begin(conn, left);
      Future<RowSet<Row>> held = conn.preparedQuery(BetQueries.HOLD_EVENTS).execute(Tuple.of((Object) group.events()));
      Future<RowSet<Row>> inserted = conn.preparedQuery(BetQueries.PLACE).execute(group.rows());
      Future<List<List<Bet>>> written = Future.all(begun, held, inserted)
        .compose(sent -> line.timeout(Math.max(1, group.deadlineMillis() - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
          .recover(failure -> Future.failedFuture(line.isComplete() ? failure
            : notStored("line-provider did not answer before the bets' deadline"))))
        .compose(states -> {
          Map<String, HeldEvent> holds = new HashMap<>();
          held.result().forEach(row -> holds.put(row.getString("event_id"), HeldEvent.read(row)));
          GroupCheck check = GroupCheck.of(holds, states);
          if (!check.newer().isEmpty()) {
            return Future.failedFuture(new Stale(check.newer()));
          }
          if (check.regressed()) {
            return Future.failedFuture(new Regressed(check));
          }
          List<List<Bet>> outcomes = outcomes(group.requests(), group.betIds(), inserted.result());
          return completeKeys(conn, group.requests(), outcomes).map(outcomes);
        });
      return written.transform(done -> {
        if (done.failed()) {
          return Transactions.rollBack(conn, done.cause());
        }
        if (System.currentTimeMillis() >= group.deadlineMillis()) {
          return Transactions.rollBack(conn, notStored("the bets could not be written before their deadline"));
        }
        return commit(conn, group).map(done.result());
      });
    }).recover(failure -> {
      if (!(failure instanceof Stale) && !(failure instanceof Regressed)) {
        return Future.failedFuture(failure);
      }
      if (attempt >= MAX_ATTEMPTS) {
        return Future.failedFuture(notStored("the event kept changing while the bets were placed"));
      }
      Future<?> caughtUp = failure instanceof Stale stale
        ? SettlementVerticle.apply(vertx, new ApplyStates(stale.newer, false, false), settleOptions)
        : ((Regressed) failure).check.lookInto(vertx, settleOptions);
      return caughtUp.compose(done -> attempt(group, line, attempt + 1));
    });
  }

  /** Thrown inside a group's transaction to roll it back: line-provider and bet-maker disagree ({@link GroupCheck}). */
  private static final class Regressed extends RuntimeException {
    private final transient GroupCheck check;

    Regressed(GroupCheck check) {
      super("line-provider's states disagree with bet-maker's", null, false, false);
      this.check = check;
    }
  }

  /**
   * Commits. PostgreSQL refusing the commit rolled it back (nothing stored); a lost connection or
   * no answer within {@code BM_COMMIT_TIMEOUT_MS} leaves the outcome unknown, and says so. The
   * connection goes back to the pool only once PostgreSQL has answered the COMMIT (or the
   * connection is gone): nothing else may queue behind a commit whose outcome is still open.
   */
  private Future<Void> commit(SqlConnection conn, Group group) {
    return Transactions.commit(conn, config.commitTimeoutMs())
      .transform(committed -> {
        if (committed.succeeded()) {
          Failpoints.hit(Failpoints.PLACE_AFTER_COMMIT);
          return Future.succeededFuture();
        }
        Throwable failure = committed.cause();
        if (!(failure instanceof Transactions.CommitUnknown)) {
          return Future.failedFuture(notStored("PostgreSQL refused to commit the bets (" + failure.getMessage() + ")"));
        }
        // Each bet is a line of its own, with its id and player as fields, for whoever reconciles them.
        for (int i = 0; i < group.betIds().length; i++) {
          Message<PlaceBets> request = group.requests().get(group.owners()[i]);
          Tracing.log(LOG.atError(), request.body().traceparent()).addKeyValue("bet_id", group.betIds()[i])
            .addKeyValue("player_id", request.body().playerId()).addKeyValue("event_id", group.eventIds()[i])
            .log("outcome unknown: the COMMIT of bet {} was not confirmed ({})", group.betIds()[i], failure.toString());
        }
        return Future.failedFuture(new Outcome(new OutcomeUnknown("the database did not confirm the commit of these bets")));
      });
  }

  /** Ends a group's work, along its chain of futures, with an outcome other than {@link Placed}. */
  private static final class Outcome extends RuntimeException {
    private final transient Placement placement;

    Outcome(Placement placement) {
      super(placement.toString(), null, false, false);
      this.placement = placement;
    }
  }

  /** The group is rolled back (or was never written): nothing stored, and nothing will be. */
  private static Outcome notStored(String why) {
    return new Outcome(new NotStored(why));
  }

  /** What failed, named by its dependency, for a 503's detail. */
  private static String describe(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return Failures.detail(reply);
    }
    if (Databases.isStatementTimeout(failure)) {
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
          bets.add(new Bet(row.getUUID("bet_id"), msg.body().playerId(), request.eventId(), request.sumBet(), row.getBigDecimal("ratio"),
            BetStatus.PENDING, null, row.getOffsetDateTime("created_at").toInstant(), null, row.getLong("seq")));
        }
      }
      outcomes.add(bets.size() == msg.body().bets().size() ? bets : null);
    }
    return outcomes;
  }

  /** Records each keyed request's answer; fails (and so rolls back) if any of their claims was taken over. */
  private static Future<Void> completeKeys(SqlClient conn, List<Message<PlaceBets>> group, List<List<Bet>> outcomes) {
    List<String> players = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<UUID> tokens = new ArrayList<>();
    List<String> responses = new ArrayList<>();
    for (int r = 0; r < group.size(); r++) {
      PlaceBets request = group.get(r).body();
      if (request.idempotency() != null && outcomes.get(r) != null) {
        players.add(request.playerId());
        keys.add(request.idempotency().key());
        tokens.add(request.idempotency().token());
        responses.add(BetResponses.created(outcomes.get(r), request.single()));
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(BetQueries.COMPLETE_KEYS)
      .execute(Tuple.of(players.toArray(String[]::new), keys.toArray(String[]::new), tokens.toArray(UUID[]::new),
        responses.toArray(String[]::new)))
      .compose(completed -> completed.rowCount() == keys.size()
        ? Future.succeededFuture()
        : Future.failedFuture(notStored("an Idempotency-Key of these bets was taken over by another attempt")));
  }

  private Future<Void> answer(List<Message<PlaceBets>> group, List<List<Bet>> outcomes) {
    List<String> refusedEvents = new ArrayList<>();
    for (int r = 0; r < group.size(); r++) {
      if (outcomes.get(r) == null) {
        group.get(r).body().bets().forEach(bet -> refusedEvents.add(bet.eventId()));
      } else {
        group.get(r).reply(new Placed(outcomes.get(r)));
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
            group.get(r).reply(refusal(group.get(r).body(), byId));
          }
        }
        return null;
      });
  }

  /**
   * Why a request the insert did not take was refused: its first bet on an event that is unknown,
   * takes no bets, or is at a ratio the bet does not accept.
   */
  private static Refused refusal(PlaceBets request, Map<String, Row> events) {
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
        return new Refused(i, event == null, why);
      }
    }
    for (int i = 0; i < bets.size(); i++) {
      BetRequest bet = bets.get(i);
      Row event = events.get(bet.eventId());
      BigDecimal current = event.getBigDecimal("ratio");
      if (bet.ratio() != null && !bet.acceptOdds().accepts(bet.ratio(), current)) {
        return new Refused(i, false, "the ratio of event " + bet.eventId() + " is " + current.toPlainString() + ", not "
          + bet.ratio().toPlainString() + (bet.acceptOdds() == AcceptOdds.HIGHER ? " or higher" : "")
          + " as the bet accepts; place it again at the current ratio to take it", current, event.getLong("version"));
      }
    }
    return new Refused(0, false, "an event of this request closed for bets");
  }}
