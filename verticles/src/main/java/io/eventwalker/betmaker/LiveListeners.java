package io.eventwalker.betmaker;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;

/**
 * Counts, per {@code bets.<bet_id>} address, the bridge registrations listening on it, so that a
 * settlement of many bets builds and publishes a push only for the bets somebody is watching.
 * (Event addresses are few and always published.)
 */
final class LiveListeners {

  private static final String MAP = "event-walker.live-bet-listeners";

  private LiveListeners() {
  }

  /** The bridge's event hook: counts registrations, refuses nothing (the bridge's permissions decide). */
  static Handler<BridgeEvent> tracker(Vertx vertx) {
    LocalMap<String, Integer> listeners = vertx.sharedData().getLocalMap(MAP);
    return event -> {
      switch (event.type()) {
        case REGISTERED -> count(listeners, event, +1);
        case UNREGISTER -> count(listeners, event, -1);
        default -> {
        }
      }
      event.complete(true);
    };
  }

  private static void count(LocalMap<String, Integer> listeners, BridgeEvent event, int delta) {
    String address = event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
    if (address != null && address.startsWith(Addresses.LIVE_BET_PREFIX)) {
      listeners.compute(address, (key, count) -> {
        int next = (count == null ? 0 : count) + delta;
        return next > 0 ? next : null;
      });
    }
  }

  /** Whether some bridge socket listens on {@code address}. */
  static boolean isHeard(Vertx vertx, String address) {
    return vertx.sharedData().<String, Integer>getLocalMap(MAP).containsKey(address);
  }
}
