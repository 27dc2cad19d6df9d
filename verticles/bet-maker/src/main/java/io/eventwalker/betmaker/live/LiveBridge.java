package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.config.BetMakerConfig.BridgeLimits;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.metrics.BetMeters.BridgeRefusal;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.http.BridgeFailures;
import io.eventwalker.platform.http.BridgeTransports;
import io.eventwalker.platform.http.Routers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The SockJS event-bus bridge at {@code /eventbus} (SPEC §3.5): SockJS carries the frames (a
 * websocket, or another transport for browsers without one), {@link LiveSession} answers them, as
 * it does the TCP bridge's, and {@link LiveSockets} applies the per-client limit and the ping
 * time-out to both. A frame is at most {@code BM_BRIDGE_MAX_FRAME_BYTES}: the HTTP server refuses a
 * larger websocket frame or message ({@link #limitFrames}) and the body of another transport's
 * request is refused (413) from its {@code Content-Length}, or once that many bytes have come.
 */
public final class LiveBridge {

  private LiveBridge() {
  }

  /**
   * Serves the bridge at {@code /eventbus} on {@code router} (an HTTP verticle's): other origins
   * refused unless allowed, a client's websocket beyond its share refused before the upgrade, bodies
   * read up to the frame limit. Returns the verticle's sockets, to stop with it.
   */
  public static LiveSockets mount(Vertx vertx, Router router, BetMakerConfig config, Bearer bearer, BridgeState state) {
    BridgeLimits limits = config.bridge().limits();
    LiveSockets sockets = new LiveSockets(vertx, limits, state.sockets());
    router.route("/eventbus/*").handler(Routers.sameOrigin(config.bridge().allowedOrigins()))
      .handler(LiveSockets.admission(vertx, limits, state.sockets()))
      .handler(bodies(vertx, limits));
    router.route("/eventbus/*").subRouter(create(vertx, limits, sockets, state.listeners(),
      new Owners(vertx, bearer, config.http().requestTimeoutMs())));
    return sockets;
  }

  /** Websocket frames and messages, on the HTTP server that serves the bridge, no larger than a bridge frame. */
  public static HttpServerOptions limitFrames(HttpServerOptions options, BridgeLimits limits) {
    return options.setMaxWebSocketFrameSize(limits.maxFrameBytes()).setMaxWebSocketMessageSize(limits.maxFrameBytes());
  }

  /**
   * Ahead of the bridge's router: the body of a SockJS request (the frames of transports other than
   * websockets) read only up to the frame limit.
   */
  private static Handler<RoutingContext> bodies(Vertx vertx, BridgeLimits limits) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxFrameBytes()).setHandleFileUploads(false);
    BetMeters meters = BetMeters.of(vertx);
    return ctx -> {
      if (ctx.request().method() == HttpMethod.POST) {
        ctx.addHeadersEndHandler(answered -> {
          if (ctx.response().getStatusCode() == 413) {
            meters.bridgeRefused(BridgeRefusal.FRAME_TOO_LARGE);
          }
        });
        body.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** The bridge's router; {@code sockets} is the calling HTTP verticle's. */
  private static Router create(Vertx vertx, BridgeLimits limits, LiveSockets sockets, LiveListeners listeners, Owners owners) {
    SockJSHandlerOptions sockJs = BridgeTransports.options();
    BetMeters meters = BetMeters.of(vertx);
    return SockJSHandler.create(vertx, sockJs).socketHandler(socket -> {
      LiveSession session = new LiveSession(vertx, limits, sockets, listeners, owners, peer(socket), LiveSession.Dialect.SOCKJS);
      if (!sockets.admit(session, socket.remoteAddress(), socket::close)) {
        socket.close();
        return;
      }
      socket.handler(session::frame);
      socket.exceptionHandler(failure -> {
        if (BridgeFailures.isFrameTooLarge(failure)) {
          meters.bridgeRefused(BridgeRefusal.FRAME_TOO_LARGE);
        }
        BridgeFailures.log("SockJS", LiveSockets.clientKey(socket.remoteAddress()), failure);
        socket.close();
      });
      socket.closeHandler(closed -> session.closed());
    });
  }

  private static LiveSession.Peer peer(SockJSSocket socket) {
    return new LiveSession.Peer() {
      @Override
      public Future<Void> write(JsonObject frame) {
        return socket.write(Buffer.buffer(frame.encode()));
      }

      @Override
      public boolean writeQueueFull() {
        return socket.writeQueueFull();
      }

      @Override
      public boolean pause() {
        return false; // a SockJS session would keep reading into a queue of its own, unbounded
      }

      @Override
      public void resume() {
      }

      @Override
      public void close() {
        socket.close();
      }

      @Override
      public String client() {
        return LiveSockets.clientKey(socket.remoteAddress());
      }
    };
  }
}
