package io.eventwalker.betmaker;

import io.eventwalker.betmaker.BetMessages.Applied;
import io.eventwalker.betmaker.BetMessages.ApplyStates;
import io.eventwalker.betmaker.BetMessages.EventIds;
import io.eventwalker.betmaker.BetMessages.PendingEvents;
import io.eventwalker.betmaker.BetMessages.States;
import io.eventwalker.betmaker.BetMessages.Subscribe;
import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.wire.LineRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up (SPEC §3.6): at start-up and every {@code BM_CATCH_UP_INTERVAL_MS}, bet-maker
 * subscribes again to every event (so the live list of open events hears of new ones), and to
 * every event with PENDING bets, applying the states line-provider returns. A lost or missed
 * update, or subscriptions lost with Redis, can therefore never leave a bet pending forever.
 */
public final class CatchUpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CatchUpVerticle.class);

  private DeliveryOptions busOptions;
  private boolean running;

  @Override
  public Future<?> start() {
    Settings settings = new Settings("bet-maker", config());
    busOptions = new DeliveryOptions().setSendTimeout(settings.integer("BM_SETTLE_TIMEOUT_MS", 1_000, 600_000, 120_000));
    long interval = settings.longValue("BM_CATCH_UP_INTERVAL_MS", 100, 24L * 3600 * 1000, 30_000);
    vertx.setPeriodic(1, interval, id -> run());
    return Future.succeededFuture();
  }

  private void run() {
    if (running) {
      return;
    }
    running = true;
    vertx.eventBus().request(Addresses.LINE_SUBSCRIBE_ALL, "subscribe", busOptions)
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
    var bus = vertx.eventBus();
    return bus.<EventIds>request(Addresses.EVENTS_PENDING, new PendingEvents(after, LineRequest.MAX_IDS), busOptions)
      .compose(page -> {
        var ids = page.body().ids();
        if (ids.isEmpty()) {
          return Future.succeededFuture(settled);
        }
        return bus.<States>request(Addresses.LINE_SUBSCRIBE, new Subscribe(ids, true), busOptions)
          .compose(states -> {
            if (!states.body().missing().isEmpty()) {
              LOG.warn("line-provider does not know events with pending bets: {}", states.body().missing());
            }
            return bus.<Applied>request(Addresses.EVENTS_APPLY, new ApplyStates(states.body().found(), true), busOptions);
          })
          .compose(applied -> ids.size() < LineRequest.MAX_IDS
            ? Future.succeededFuture(settled + applied.body().settledBets())
            : round(ids.get(ids.size() - 1), settled + applied.body().settledBets(), pages + 1));
      });
  }
}
