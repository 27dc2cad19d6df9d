package io.eventwalker.betmaker;

import io.eventwalker.platform.auth.Bearer;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;

/**
 * The SockJS event-bus bridge at {@code /eventbus} (SPEC §3.5). Browsers may only listen, and only
 * on {@code events.<event_id>}, {@code events.open} (anyone), {@code bets.<bet_id>} and
 * {@code players.<player_id>} (only their owner, proven by the token in the register frame's
 * headers: {@link Owners}): nothing is permitted inbound, so a client can neither send to nor call any address; every internal address starts with
 * {@code betmaker.} and matches no pattern here. Each socket is bounded (handlers, address length)
 * and dropped when it stops answering pings; each client address may hold at most
 * {@code BM_BRIDGE_MAX_SOCKETS_PER_CLIENT} sockets.
 */
final class LiveBridge {

  static final String EVENTS_PATTERN = "events\\.[A-Za-z0-9._:-]{1,64}";
  static final String BETS_PATTERN = "bets\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  static final String PLAYERS_PATTERN = "players\\.[A-Za-z0-9._@:-]{1,64}";

  private LiveBridge() {
  }

  static Router create(Vertx vertx, BetMakerConfig.Bridge config, Bearer bearer, long ownerCheckTimeoutMs) {
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(EVENTS_PATTERN))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(BETS_PATTERN))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(PLAYERS_PATTERN))
      .setPingTimeout(config.pingTimeoutMs())
      .setMaxHandlersPerSocket(config.maxHandlers())
      .setMaxAddressLength(100);
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
      .setHeartbeatInterval(10_000)
      .setSessionTimeout(30_000)
      .setRegisterWriteHandler(false)
      .setInsertJSESSIONID(false)
      .setLibraryURL("/assets/vendor/sockjs.min.js");
    return SockJSHandler.create(vertx, sockJs).bridge(bridge,
      LiveListeners.hook(vertx, config.maxSocketsPerClient(), new Owners(vertx, bearer, ownerCheckTimeoutMs)));
  }
}
