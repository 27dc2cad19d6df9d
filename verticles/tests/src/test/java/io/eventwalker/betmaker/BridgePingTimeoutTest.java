package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.TcpBridgeClient;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridge socket that sends no ping for {@code BM_BRIDGE_PING_TIMEOUT_MS} (here 1 s) is closed, on
 * the TCP bridge as on the SockJS one; one that pings is kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgePingTimeoutTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private int tcpPort;
  private int httpPort;

  @BeforeAll
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      tcpPort = free.getLocalPort();
    }
    system = TestSystem.start(false, true, bets -> bets.put("BM_TCP_BRIDGE_PORT", tcpPort).put("BM_BRIDGE_PING_TIMEOUT_MS", 1_000));
    httpPort = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aTcpSocketWithoutPingsIsClosedAndOneThatPingsIsKept() throws IOException {
    try (TcpBridgeClient silent = new TcpBridgeClient(tcpPort); TcpBridgeClient pinging = new TcpBridgeClient(tcpPort)) {
      silent.register("events.quiet");
      pinging.register("events.lively");
      long threeSecondsOn = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      Await.until("three seconds of pings, each answered", WAIT, () -> {
        try {
          pinging.ping();
          assertThat(pinging.expect(WAIT).getString("type")).isEqualTo("pong");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return System.nanoTime() > threeSecondsOn;
      });
      assertThat(silent.closedWithin(Duration.ofSeconds(2))).as("the silent socket closed within 3 s of 1 s without a ping").isTrue();
      pinging.ping();
      assertThat(pinging.expect(WAIT).getString("type")).as("the socket that pinged is still served").isEqualTo("pong");
    }
  }

  @Test
  void aSockJsSocketWithoutPingsIsClosedToo() {
    try (BridgeClient silent = new BridgeClient(system.vertx, httpPort)) {
      silent.register("events.quiet");
      Await.until("the silent websocket closed", WAIT, silent::isClosed);
    }
  }
}
