package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.config.BetMakerConfig.BridgeLimits;
import io.eventwalker.betmaker.metrics.BetMeters.BridgeRefusal;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.platform.http.ClientAddress;
import io.eventwalker.platform.http.ClientSockets;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets of one bridge verticle, whichever bridge they came through (SPEC §3.5): a client
 * address holds at most {@code BM_BRIDGE_MAX_SOCKETS_PER_CLIENT} sockets, its SockJS and TCP sockets
 * counted together (the counts are shared by every bridge verticle of the process), and a socket
 * that sends no ping for {@code BM_BRIDGE_PING_TIMEOUT_MS} is closed. Each socket's frames are the
 * business of its {@link LiveSession}.
 */
public final class LiveSockets {

  private static final Logger LOG = LoggerFactory.getLogger(LiveSockets.class);

  private final Vertx vertx;
  private final BridgeLimits limits;
  private final BetMeters meters;
  private final ClientSockets clients;
  private final Map<Object, Admitted> admitted = new ConcurrentHashMap<>();
  private final long sweep;

  /** An admitted socket: the client it counts against, how to close it, and when it last pinged. */
  private static final class Admitted {
    final String client;
    final Runnable close;
    volatile long lastPing = System.nanoTime();

    Admitted(String client, Runnable close) {
      this.client = client;
      this.close = close;
    }
  }

  /** Starts the ping time-out's sweep on the caller's context (a bridge verticle's): {@link #stop} ends it. */
  LiveSockets(Vertx vertx, BridgeLimits limits, ClientSockets clients) {
    this.vertx = vertx;
    this.limits = limits;
    this.clients = clients;
    this.meters = BetMeters.of(vertx);
    this.sweep = vertx.setPeriodic(Math.max(100, limits.pingTimeoutMs() / 10), id -> closeSilent());
  }

  /**
   * Who a socket counts against: its client's address ({@link ClientAddress}: an IPv6 /64 is one
   * client). The one place a client address becomes a key for the bridges' per-client limit.
   */
  static String clientKey(SocketAddress remote) {
    return ClientAddress.of(remote);
  }

  /**
   * Admits a new socket from {@code remote} if its client holds fewer than its share of sockets;
   * {@code close} closes it (when it stops pinging). A socket not admitted is the caller's to close.
   */
  boolean admit(Object socket, SocketAddress remote, Runnable close) {
    String client = clientKey(remote);
    boolean room = clients.take(client);
    if (room) {
      admitted.put(socket, new Admitted(client, close));
    } else {
      meters.bridgeRefused(BridgeRefusal.SOCKETS_PER_CLIENT);
      LOG.debug("bridge socket from {} refused: the client already holds {} sockets", client, limits.maxSocketsPerClient());
    }
    return room;
  }

  /** The socket sent a ping: it is kept for another {@code BM_BRIDGE_PING_TIMEOUT_MS}. */
  void pinged(Object socket) {
    Admitted one = admitted.get(socket);
    if (one != null) {
      one.lastPing = System.nanoTime();
    }
  }

  /** The socket is gone: its client's place is free again. */
  void closed(Object socket) {
    Admitted one = admitted.remove(socket);
    if (one != null) {
      clients.release(one.client);
    }
  }

  /** Ends the sweep and closes every socket, freeing their places (the bridge verticle stops). */
  public void stop() {
    vertx.cancelTimer(sweep);
    for (Object socket : new ArrayList<>(admitted.keySet())) {
      Admitted one = admitted.get(socket);
      closed(socket);
      if (one != null) {
        one.close.run();
      }
    }
  }

  /** Closes the sockets that sent no ping for the time-out. */
  private void closeSilent() {
    long now = System.nanoTime();
    long timeout = limits.pingTimeoutMs() * 1_000_000;
    List<Admitted> silent = new ArrayList<>();
    admitted.values().forEach(one -> {
      if (now - one.lastPing >= timeout) {
        silent.add(one);
      }
    });
    for (Admitted one : silent) {
      meters.bridgeRefused(BridgeRefusal.PING_TIMEOUT);
      LOG.debug("bridge socket from {} closed: no ping for {} ms", one.client, limits.pingTimeoutMs());
      one.close.run();
    }
  }

  /**
   * Ahead of the SockJS bridge: a websocket upgrade from a client that already holds its share of
   * sockets is refused (429) before it becomes a websocket, which costs far more to open and close.
   * (Other SockJS transports, and TCP sockets, are checked when their socket is created.)
   */
  static Handler<RoutingContext> admission(Vertx vertx, BridgeLimits limits, ClientSockets clients) {
    BetMeters meters = BetMeters.of(vertx);
    return ctx -> {
      String upgrade = ctx.request().getHeader("Upgrade");
      if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && clients.full(clientKey(ctx.request().remoteAddress()))) {
        meters.bridgeRefused(BridgeRefusal.SOCKETS_PER_CLIENT);
        ctx.response().putHeader("Connection", "close").endHandler(ended -> ctx.request().connection().close());
        Problems.write(ctx, Problem.of(429, "this address already holds " + limits.maxSocketsPerClient() + " live connections, the most it may"));
        return;
      }
      ctx.next();
    };
  }

}
