package io.eventwalker.betmaker.line;

import io.eventwalker.betmaker.bus.BetMessages.Applied;
import io.eventwalker.betmaker.bus.BetMessages.ApplyStates;
import io.eventwalker.betmaker.bus.BetMessages.ConfirmConflicts;
import io.eventwalker.betmaker.bus.BetMessages.PendingEvents;
import io.eventwalker.betmaker.bus.BetMessages.Subscribe;
import io.eventwalker.betmaker.bus.ConflictsBus;
import io.eventwalker.betmaker.bus.LineProviderBus;
import io.eventwalker.betmaker.bus.ReadsBus;
import io.eventwalker.betmaker.bus.SettlementBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.db.Leadership;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.LineRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * Catch-up (SPEC §3.6): at start-up and every {@code BM_CATCH_UP_INTERVAL_MS}, bet-maker
 * subscribes again to every event (so the live list of open events hears of new ones), and to
 * every event with PENDING bets, applying the states line-provider returns. A lost or missed
 * update, or subscriptions lost with Redis, can therefore never leave a bet pending forever.
 * With several bet-makers only the elected one catches up ({@link Leadership}), so it runs once
 * per interval across them; it runs at once when an instance becomes the leader (at start-up, or
 * when it takes over from one that died).
 */
public final class CatchUpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CatchUpVerticle.class);

  /** How soon a standby notices that the leader is gone (at most; the interval when it is shorter). */
  private static final long TAKE_OVER_MS = 1_000;

  private final long intervalMs;
  private final DeliveryOptions busOptions;
  private final BetMakerConfig config;
  private boolean running;
  private Leadership leadership;

  public CatchUpVerticle(BetMakerConfig config) {
    this.config = config;
    this.intervalMs = config.settlement().catchUpIntervalMs();
    this.busOptions = LocalBus.options(config.settlement().timeoutMs());
  }

  @Override
  public Future<?> start() {
    leadership = Leadership.stand(vertx, config.database(), "bet-maker", "event-walker-catch-up:" + config.database().schema(),
      Math.min(intervalMs, TAKE_OVER_MS), this::run);
    vertx.setPeriodic(intervalMs, id -> run());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return leadership.stop();
  }

  private void run() {
    if (running || !leadership.isLeader()) {
      return;
    }
    running = true;
    LineProviderBus.subscribeAll(vertx, busOptions)
      .compose(subscribed -> round(null, 0, 0))
      .onComplete(done -> {
        running = false;
        if (done.failed()) {
          LOG.warn("catch-up round stopped: {}", done.cause().getMessage());
        } else if (done.result() > 0) {
          LOG.info("catch-up settled {} bets", done.result());
        }
      });
  }

  /** One page of events with pending bets after {@code after}, then the next; completes with the bets settled. */
  private Future<Integer> round(String after, int settled, int pages) {
    return ReadsBus.pendingEvents(vertx, new PendingEvents(after, LineRequest.MAX_IDS), busOptions)
      .compose(page -> {
        var ids = page.ids();
        if (ids.isEmpty()) {
          return Future.succeededFuture(settled);
        }
        return LineProviderBus.subscribe(vertx, new Subscribe(ids, true, null), busOptions)
          .compose(states -> {
            // Events line-provider does not know though they have bets: asked again, then conflicts (in /ready).
            Future<Void> unknown = states.missing().isEmpty() ? Future.succeededFuture()
              : ConflictsBus.confirm(vertx, new ConfirmConflicts(Set.copyOf(states.missing())), busOptions);
            return unknown.compose(looked -> applyInOrder(states.found()).recover(failure -> eachAlone(states.found(), failure)));
          })
          .compose(applied -> ids.size() < LineRequest.MAX_IDS
            ? Future.succeededFuture(settled + applied.settledBets())
            : round(ids.get(ids.size() - 1), settled + applied.settledBets(), pages + 1));
      });
  }

  /**
   * A page that failed as a whole ({@code failure}), applied one event at a time: an event whose
   * settlement fails every time (its bets refused by the database, say) is logged and passed over,
   * and the round goes on to the others, rather than ending at that event on every round.
   */
  private Future<Applied> eachAlone(List<EventState> states, Throwable failure) {
    LOG.warn("catch-up applies a page of {} events one by one after it failed: {}", states.size(), failure.getMessage());
    Future<Integer> settled = Future.succeededFuture(0);
    for (EventState state : states) {
      settled = settled.compose(sum -> applyInOrder(List.of(state)).map(applied -> sum + applied.settledBets()).recover(alone -> {
        LOG.atError().addKeyValue("event_id", state.eventId())
          .log("catch-up could not apply event {} at version {}: {}", state.eventId(), state.version(), alone.getMessage());
        return Future.succeededFuture(sum);
      }));
    }
    return settled.map(sum -> new Applied(List.of(), sum));
  }

  /**
   * Applies line-provider's current states as an update is applied: a state more than one version
   * ahead of bet-maker's first waits {@link EventUpdatesConsumerVerticle#IN_ORDER_WAIT_MS} for the
   * updates still on their way, so that listeners hear every version; then it is applied as it is
   * (those updates were lost). A round that met a change in flight once pushed its newest state and
   * dropped the one before as old.
   */
  private Future<Applied> applyInOrder(List<EventState> states) {
    return SettlementBus.apply(vertx, new ApplyStates(states, true, true), busOptions).compose(applied -> {
      if (!applied.waitsForEarlier()) {
        return Future.succeededFuture(applied);
      }
      Promise<Void> waited = Promise.promise();
      vertx.setTimer(EventUpdatesConsumerVerticle.IN_ORDER_WAIT_MS, id -> waited.complete());
      return waited.future().compose(later -> SettlementBus.apply(vertx, new ApplyStates(states, true, false), busOptions));
    });
  }
}
