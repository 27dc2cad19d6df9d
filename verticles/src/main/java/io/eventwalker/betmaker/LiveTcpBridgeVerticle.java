package io.eventwalker.betmaker;

import io.eventwalker.platform.auth.Bearer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge (SPEC §3.5) on {@code BM_TCP_BRIDGE_PORT} (off when empty), for clients
 * in any language: frames are a 4-byte big-endian length and a JSON object ({@code examples/}
 * has one in Python with only its standard library). The SockJS bridge's permissions and token
 * rule exactly: listen on {@code events.*} freely, on {@code bets.<bet_id>} and
 * {@code players.<player_id>} only with the owner's token in the register frame's headers; nothing
 * inbound.
 */
public final class LiveTcpBridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LiveTcpBridgeVerticle.class);

  private final BetMakerConfig config;
  private TcpEventBusBridge bridge;

  LiveTcpBridgeVerticle(BetMakerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    Owners owners = new Owners(vertx, Bearer.create(vertx, config.auth()), config.http().requestTimeoutMs());
    BridgeOptions permissions = new BridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(LiveBridge.EVENTS_PATTERN))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(LiveBridge.BETS_PATTERN))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(LiveBridge.PLAYERS_PATTERN));
    bridge = TcpEventBusBridge.create(vertx, permissions,
      new NetServerOptions().setHost(config.http().host()).setIdleTimeout(config.http().idleTimeoutS()),
      LiveListeners.tcpHook(vertx, owners));
    return bridge.listen(config.bridge().tcpPort())
      .onSuccess(listening -> LOG.info("TCP event-bus bridge on port {}", config.bridge().tcpPort()));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }
}
