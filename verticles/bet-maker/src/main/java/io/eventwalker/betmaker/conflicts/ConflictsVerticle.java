package io.eventwalker.betmaker.conflicts;

import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.ApplyStates;
import io.eventwalker.betmaker.bus.BetMessages.ConfirmConflicts;
import io.eventwalker.betmaker.bus.BetMessages.MarkConflicts;
import io.eventwalker.betmaker.bus.BetMessages.Resolution;
import io.eventwalker.betmaker.bus.BetMessages.ResolveConflict;
import io.eventwalker.betmaker.bus.BetMessages.Subscribe;
import io.eventwalker.betmaker.bus.ConflictsBus;
import io.eventwalker.betmaker.bus.LineProviderBus;
import io.eventwalker.betmaker.bus.SettlementBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.betmaker.events.Verdict;
import io.eventwalker.betmaker.live.SettlementPushes;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.betmaker.settlement.Disagreements;
import io.eventwalker.betmaker.settlement.SettlementChunks;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Events in conflict with line-provider (SPEC §3.3): where line-provider reports a lower version
 * than bet-maker holds, the same version with other content, or a newer version of an event
 * bet-maker holds finished. Neither side is trusted: bet-maker takes no bet on the event, logs an
 * ERROR, counts it, lists it in {@code /ready} and in the meter {@code bet_maker_event_conflict}
 * ({@link ConflictMeters}) with both versions and the command that resolves it.
 *
 * <p>A conflict always ends: by itself when line-provider reports a newer state of an event
 * bet-maker holds open, or by an operator ({@code POST /conflicts/{event_id}/resolve}, or
 * {@code java -jar event-walker.jar conflicts resolve EVENT_ID}): bet-maker asks line-provider for
 * the event's current state and adopts it whatever the versions, and, when it is final, settles
 * every PENDING bet of the event by it ({@link Adoption}).
 */
public final class ConflictsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ConflictsVerticle.class);
  /** How often the meter is read again from the database (another instance may have found or resolved one). */
  private static final long METER_REFRESH_MS = 10_000;

  private final BetMakerConfig config;
  private final SettlementPushes pushes;
  private Pool pool;
  private DeliveryOptions lineOptions;
  private DeliveryOptions settleOptions;
  private ConflictMeters meters;
  private Adoption adoption;

  /** {@code pushes}: what browsers are told after a resolution settles bets. */
  public ConflictsVerticle(BetMakerConfig config, SettlementPushes pushes) {
    this.config = config;
    this.pushes = pushes;
  }

  /** Settlement's way to report disagreements here: {@link #mark} and {@link #confirm}, skipped when there is nothing to report. */
  public static Disagreements disagreements(Vertx vertx, DeliveryOptions options) {
    return new Disagreements() {
      @Override
      public Future<Void> mark(List<EventState> reported) {
        return reported.isEmpty() ? Future.succeededFuture() : ConflictsBus.mark(vertx, new MarkConflicts(reported, List.of()), options);
      }

      @Override
      public Future<Void> confirm(Set<String> eventIds) {
        return eventIds.isEmpty() ? Future.succeededFuture() : ConflictsBus.confirm(vertx, new ConfirmConflicts(eventIds), options);
      }
    };
  }

  @Override
  public Future<?> start() {
    pool = Databases.pool(vertx, config.database(), "bet-maker");
    lineOptions = LocalBus.options(config.http().requestTimeoutMs());
    settleOptions = LocalBus.options(config.settlement().timeoutMs());
    meters = new ConflictMeters(BetMeters.of(vertx).meters());
    adoption = new Adoption(pool, new SettlementChunks(vertx, pool, config.settlement().chunk(), pushes));
    var bus = vertx.eventBus();
    bus.<MarkConflicts>localConsumer(Addresses.CONFLICTS_MARK, msg -> mark(msg.body())
      .onSuccess(msg::reply).onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<ConfirmConflicts>localConsumer(Addresses.CONFLICTS_CONFIRM, msg -> confirm(msg.body())
      .onSuccess(msg::reply).onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<ResolveConflict>localConsumer(Addresses.CONFLICTS_RESOLVE, msg -> resolve(msg.body())
      .onSuccess(msg::reply).onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<String>localConsumer(Addresses.READY_CONFLICTS, msg -> list()
      .timeout(config.http().readyTimeoutMs(), TimeUnit.MILLISECONDS)
      .onSuccess(msg::reply)
      .onFailure(failure -> Failures.reply(msg, Problem.of(503, "PostgreSQL: " + failure.getMessage()))));
    vertx.setPeriodic(0, METER_REFRESH_MS, id -> refreshMeters());
    return Future.succeededFuture();
  }

  /**
   * line-provider answered an older state of these events than bet-maker holds, or none. That
   * answer may have been overtaken by an update applied meanwhile, so line-provider is asked again
   * (a request sent now reflects every update bet-maker has applied): what it reports newer is
   * applied, what still disagrees is marked.
   */
  private Future<Void> confirm(ConfirmConflicts events) {
    List<String> ids = List.copyOf(events.eventIds());
    return LineProviderBus.subscribe(vertx, new Subscribe(ids, false, null), lineOptions)
      .compose(states -> held(ids).compose(held -> {
        List<EventState> newer = new ArrayList<>();
        List<EventState> disagree = new ArrayList<>();
        for (EventState state : states.found()) {
          Verdict verdict = Verdict.of(held.get(state.eventId()), state);
          if (verdict == Verdict.APPLY) {
            newer.add(state);
          } else if (verdict == Verdict.OLDER || verdict == Verdict.CONFLICT) {
            disagree.add(state);
          }
        }
        List<String> unknown = states.missing().stream().filter(held::containsKey).toList();
        states.missing().stream().filter(id -> !held.containsKey(id)).forEach(id -> LOG.atError().addKeyValue("event_id", id)
          .log("bets name event {}, which neither line-provider nor bet-maker's events table knows: they cannot settle", id));
        Future<?> applied = newer.isEmpty() ? Future.succeededFuture()
          : SettlementBus.apply(vertx, new ApplyStates(newer, false, false), settleOptions);
        return applied.compose(done -> mark(new MarkConflicts(disagree, unknown)));
      }));
  }

  private Future<Map<String, HeldEvent>> held(List<String> ids) {
    return pool.preparedQuery(BetQueries.HELD_STATES).execute(Tuple.of((Object) ids.toArray(String[]::new))).map(rows -> {
      Map<String, HeldEvent> held = new HashMap<>();
      rows.forEach(row -> held.put(row.getString("event_id"), HeldEvent.read(row)));
      return held;
    });
  }

  private Future<Void> mark(MarkConflicts conflicts) {
    int n = conflicts.reported().size() + conflicts.unknown().size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    String[] ids = new String[n];
    String[] ratios = new String[n];
    OffsetDateTime[] deadlines = new OffsetDateTime[n];
    String[] statuses = new String[n];
    Long[] versions = new Long[n];
    String[] states = new String[n];
    int i = 0;
    for (EventState state : conflicts.reported()) {
      ids[i] = state.eventId();
      ratios[i] = state.ratio().toPlainString();
      deadlines[i] = Timestamps.toOffsetDateTime(state.deadline());
      statuses[i] = state.status().name();
      versions[i] = state.version();
      states[i++] = state.toJson().encode();
    }
    for (String unknown : conflicts.unknown()) {
      ids[i] = unknown;
      versions[i++] = 0L; // line-provider does not know it: lower than any version bet-maker holds
    }
    return pool.preparedQuery(BetQueries.MARK_CONFLICTS).execute(Tuple.of(ids, ratios, deadlines, statuses, versions, states))
      .map(marked -> {
        for (Row row : marked) {
          String eventId = row.getString("event_id");
          LOG.atError().addKeyValue("event_id", eventId).log("event {} is in conflict: line-provider reports version {} ({}),"
              + " bet-maker holds version {} ({}); no bets are taken on it until it is resolved: {}", eventId, row.getLong("reported"),
            row.getString("reported_status") == null ? "unknown to it" : row.getString("reported_status"), row.getLong("version"),
            row.getString("status"), ConflictMeters.command(eventId));
          meters.found();
        }
        if (marked.size() > 0) {
          refreshMeters();
        }
        return null;
      });
  }

  /**
   * Resolves the conflict on one event: asks line-provider for its current state, and makes it
   * bet-maker's whatever the versions ({@link Adoption} settles the event's PENDING bets when it
   * is final). Refused (409) when the event is not in conflict, or when
   * line-provider does not know it: then there is no state of line-provider's to settle by.
   */
  private Future<Resolution> resolve(ResolveConflict conflict) {
    String eventId = conflict.eventId();
    HeldEvent[] mine = new HeldEvent[1];
    return held(List.of(eventId)).compose(held -> {
      mine[0] = held.get(eventId);
      if (mine[0] == null || !mine[0].inConflict()) {
        return Future.failedFuture(Problem.of(mine[0] == null ? 404 : 409, "event " + eventId + " is not in conflict with line-provider")
          .exception());
      }
      return LineProviderBus.subscribe(vertx, new Subscribe(List.of(eventId), true, null), lineOptions);
    }).compose(states -> {
      if (states.found().isEmpty()) {
        return Future.failedFuture(Problem.of(409, "line-provider does not know event " + eventId + ", so there is no state of"
          + " its own to settle by: create the event at line-provider again (as it was), then resolve").exception());
      }
      EventState theirs = states.found().get(0);
      if (mine[0].state().status().isFinished() && !theirs.status().isFinished()) {
        // Bets were settled by bet-maker's result, which players may know: the event never takes bets again (SPEC §3.4).
        return Future.failedFuture(Problem.of(409, "bet-maker holds event " + eventId + " " + mine[0].state().status()
          + " and settled its bets; line-provider has it open (version " + theirs.version() + "): a settled event is never"
          + " opened for bets again. Enter the event's result at line-provider, then resolve to settle by it").exception());
      }
      return adoption.adopt(theirs, conflict.operator());
    }).onSuccess(resolution -> {
      LOG.atWarn().addKeyValue("event_id", eventId).log("conflict on event {} resolved by {}: bet-maker's version {} ({}) replaced by"
          + " line-provider's version {} ({}); {} bets settled now, {} settled before (to review in conflict_resolutions)", eventId,
        conflict.operator(), resolution.replaced().version(), resolution.replaced().status(), resolution.adopted().version(),
        resolution.adopted().status(), resolution.settled(), resolution.settledBefore());
      meters.resolved();
      refreshMeters();
    });
  }

  /** The events in conflict, for {@code /ready} and {@code GET /conflicts}. */
  private Future<JsonArray> list() {
    return pool.query(BetQueries.CONFLICTS).execute().map(rows -> {
      JsonArray conflicts = new JsonArray();
      rows.forEach(row -> conflicts.add(describe(row)));
      return conflicts;
    });
  }

  private static JsonObject describe(Row row) {
    String eventId = row.getString("event_id");
    Object reported = row.getValue("conflict_state");
    return new JsonObject()
      .put("event_id", eventId)
      .put("bet_maker_version", row.getLong("version"))
      .put("line_provider_version", row.getLong("conflict_version"))
      .put("bet_maker_state", io.eventwalker.wire.EventRows.read(row).toJson())
      .put("line_provider_state", reported instanceof JsonObject json ? json : null)
      .put("since", Timestamps.iso(row.getOffsetDateTime("conflict_at").toInstant()))
      .put("resolve", ConflictMeters.command(eventId));
  }

  private void refreshMeters() {
    pool.query(BetQueries.CONFLICTS).execute()
      .onSuccess(rows -> {
        List<ConflictMeters.Open> open = new ArrayList<>();
        rows.forEach(row -> open.add(new ConflictMeters.Open(row.getString("event_id"), row.getLong("version"),
          row.getLong("conflict_version"))));
        meters.show(open);
      })
      .onFailure(failure -> LOG.debug("conflicts meter not refreshed: {}", failure.getMessage()));
  }
}
