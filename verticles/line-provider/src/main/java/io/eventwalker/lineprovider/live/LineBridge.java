package io.eventwalker.lineprovider.live;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.platform.http.BridgeTransports;
import io.eventwalker.platform.http.ClientAddress;
import io.eventwalker.platform.http.ClientSockets;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.eventwalker.platform.http.Routers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * line-provider's SockJS event-bus bridge at {@code /eventbus}, read-only: each committed change of
 * the line ({@link Addresses#EVENTS_CHANGED}, from the repository, on every line-provider of a
 * cluster) is pushed to the sockets listening on {@code events.open} or {@code events.<event_id>},
 * in the frames of bet-maker's bridge, so its page follows the line live and any SockJS event-bus
 * client can too. Anyone may listen, as anyone may {@code GET /events}; nothing can be sent in
 * ({@link LineBridgeSocket}). Pages of other origins are refused (403). Limits: a frame is at most
 * {@link #MAX_FRAME_BYTES} (the HTTP server refuses a larger websocket frame or message, the body
 * handler a larger body of another transport with 413), and a client address holds at most
 * {@link #MAX_SOCKETS_PER_CLIENT} sockets of the process (one more websocket is refused with 429
 * before the upgrade, a socket of another transport is closed as it opens).
 *
 * <p>One per HTTP verticle: its sockets are touched only on that verticle's event loop.
 */
public final class LineBridge {

  public static final int MAX_FRAME_BYTES = 4_096;
  public static final int MAX_SOCKETS_PER_CLIENT = 100;
  private static final Logger LOG = LoggerFactory.getLogger(LineBridge.class);

  private final ClientSockets clients;
  private final Set<LineBridgeSocket> sockets = new HashSet<>();

  private LineBridge(ClientSockets clients) {
    this.clients = clients;
  }

  /**
   * Serves the bridge at {@code /eventbus} on {@code router}, an HTTP verticle's (call from its
   * {@code start}); {@code clients}: the sockets every HTTP verticle's bridge counts together.
   */
  public static LineBridge mount(Vertx vertx, Router router, ClientSockets clients) {
    LineBridge bridge = new LineBridge(clients);
    vertx.eventBus().<JsonArray>consumer(Addresses.EVENTS_CHANGED, changed -> bridge.push(changed.body()));
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_FRAME_BYTES).setHandleFileUploads(false);
    router.route("/eventbus/*").handler(Routers.sameOrigin(Set.of()))
      .handler(bridge::admitWebSocket)
      .handler(ctx -> {
        if (ctx.request().method() == HttpMethod.POST) {
          bodies.handle(ctx);
        } else {
          ctx.next();
        }
      });
    SockJSHandlerOptions options = BridgeTransports.options();
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(socket -> {
      String client = ClientAddress.of(socket.remoteAddress());
      if (!bridge.admit(client)) {
        socket.close();
        return;
      }
      LineBridgeSocket one = new LineBridgeSocket(socket, client);
      bridge.sockets.add(one);
      socket.handler(one::frame);
      socket.exceptionHandler(one::failed);
      socket.closeHandler(ended -> {
        if (bridge.sockets.remove(one)) {
          one.closed();
          bridge.release(client);
        }
      });
    }));
    return bridge;
  }

  /** Websocket frames and messages, on line-provider's HTTP server, no larger than a bridge frame. */
  public static HttpServerOptions limitFrames(HttpServerOptions options) {
    return options.setMaxWebSocketFrameSize(MAX_FRAME_BYTES).setMaxWebSocketMessageSize(MAX_FRAME_BYTES);
  }

  /** Closes this verticle's sockets (the verticle stops), freeing their clients' places. */
  public void close() {
    for (LineBridgeSocket one : new ArrayList<>(sockets)) {
      one.close();
    }
  }

  private void push(JsonArray changed) {
    if (sockets.isEmpty()) {
      return;
    }
    for (Object state : changed) {
      if (state instanceof JsonObject event) {
        sockets.forEach(one -> one.push(event));
      }
    }
  }

  /** A websocket upgrade from a client that holds its share of sockets is refused before it becomes a websocket. */
  private void admitWebSocket(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && clients.full(ClientAddress.of(ctx.request()))) {
      ctx.response().putHeader("Connection", "close").endHandler(ended -> ctx.request().connection().close());
      Problems.write(ctx, Problem.of(429, "this address already holds " + MAX_SOCKETS_PER_CLIENT + " live connections, the most it may"));
      return;
    }
    ctx.next();
  }

  private boolean admit(String client) {
    boolean room = clients.take(client);
    if (!room) {
      LOG.debug("line-provider bridge socket from {} refused: the client already holds {} sockets", client, MAX_SOCKETS_PER_CLIENT);
    }
    return room;
  }

  private void release(String client) {
    clients.release(client);
  }
}
