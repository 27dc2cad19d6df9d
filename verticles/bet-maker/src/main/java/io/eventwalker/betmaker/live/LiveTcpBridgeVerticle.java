package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.config.BetMakerConfig.BridgeLimits;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.metrics.BetMeters.BridgeRefusal;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.http.BridgeFailures;
import io.eventwalker.platform.http.Routers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The TCP event-bus bridge (SPEC §3.5) on {@code BM_TCP_BRIDGE_PORT} (off when empty), for clients
 * in any language: each frame is a 4-byte big-endian length and a JSON object ({@code examples/} has
 * a client in Python with only its standard library). The frames mean what the SockJS bridge's do
 * ({@link LiveSession}: the same addresses, the same owner rule, nothing inbound), spelled as
 * vertx-tcp-eventbus-bridge's clients expect ({@code message}, {@code err} with a {@code message},
 * {@code pong}), under the same limits: a length over {@code BM_BRIDGE_MAX_FRAME_BYTES} closes the
 * connection before anything of the frame is kept ({@link TcpFrames}), and the client's sockets,
 * handlers and pings are counted as on the SockJS bridge ({@link LiveSockets}, {@link LiveSession}).
 *
 * <p>The server is ours, not vertx-tcp-eventbus-bridge's: that one (5.0.7) trusts the length before
 * anything else and buffers whatever it announces, has no limit on handlers or pings, and logs a
 * client's reset connection as an error with its stack trace.
 */
public final class LiveTcpBridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LiveTcpBridgeVerticle.class);
  /** The name its bound port is recorded under ({@link Routers#boundPort}). */
  public static final String PORT_NAME = "bet-maker.tcp-bridge";

  private final BetMakerConfig config;
  private final BridgeState state;
  private NetServer server;
  private LiveSockets sockets;
  private BetMeters meters;

  /** {@code state}: the process's listeners and sockets, counted with the SockJS bridge's. */
  public LiveTcpBridgeVerticle(BetMakerConfig config, BridgeState state) {
    this.config = config;
    this.state = state;
  }

  @Override
  public Future<?> start() {
    BridgeLimits limits = config.bridge().limits();
    meters = BetMeters.of(vertx);
    Owners owners = new Owners(vertx, Bearer.create(vertx, config.auth()), config.http().requestTimeoutMs());
    sockets = new LiveSockets(vertx, limits, state.sockets());
    server = vertx.createNetServer(new NetServerOptions().setHost(config.http().host()).setPort(config.bridge().tcpPort())
      .setIdleTimeout(config.http().idleTimeoutS()));
    server.connectHandler(socket -> connected(socket, limits, owners));
    // Its port is in bet-maker's start-up banner (the one bound, also when 0 was configured).
    meters.meters().serving(config.http().host(), config.bridge().tcpPort()); // its vertx_net_server_* series are bet-maker's
    return server.listen()
      .onSuccess(listening -> vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).put(PORT_NAME, listening.actualPort()));
  }

  @Override
  public Future<?> stop() {
    if (sockets != null) {
      sockets.stop();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void connected(NetSocket socket, BridgeLimits limits, Owners owners) {
    String client = LiveSockets.clientKey(socket.remoteAddress());
    TcpFrames[] frames = new TcpFrames[1];
    LiveSession session = new LiveSession(vertx, limits, sockets, state.listeners(), owners, new LiveSession.Peer() {
      @Override
      public Future<Void> write(JsonObject frame) {
        byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
        return socket.write(Buffer.buffer(4 + json.length).appendInt(json.length).appendBytes(json));
      }

      @Override
      public boolean writeQueueFull() {
        return socket.writeQueueFull();
      }

      @Override
      public boolean pause() {
        frames[0].pause();
        socket.pause();
        return true;
      }

      @Override
      public void resume() {
        socket.resume();
        frames[0].resume();
      }

      @Override
      public void close() {
        socket.close();
      }

      @Override
      public String client() {
        return client;
      }
    }, LiveSession.Dialect.TCP);
    if (!sockets.admit(session, socket.remoteAddress(), socket::close)) {
      socket.close();
      return;
    }
    frames[0] = new TcpFrames(limits.maxFrameBytes(), session::frame, announced -> {
      meters.bridgeRefused(BridgeRefusal.FRAME_TOO_LARGE);
      LOG.debug("TCP bridge socket from {} closed: a frame of {} bytes announced, the most is {}", client, announced, limits.maxFrameBytes());
      socket.close();
    });
    socket.handler(frames[0]);
    socket.exceptionHandler(failure -> {
      BridgeFailures.log("TCP", client, failure);
      socket.close();
    });
    socket.closeHandler(closed -> session.closed());
  }
}
