package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.TcpBridgeClient;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.http.UpgradeRejectedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client address may hold at most {@code BM_BRIDGE_MAX_SOCKETS_PER_CLIENT} bridge sockets, its
 * SockJS and TCP sockets counted together: one more websocket is refused (429) before it opens, one
 * more TCP connection is closed at once; a closed one frees its place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeSocketsPerClientTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private int port;
  private int tcpPort;

  @BeforeAll
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      tcpPort = free.getLocalPort();
    }
    system = TestSystem.start(false, true, config -> config.put("BM_BRIDGE_MAX_SOCKETS_PER_CLIENT", 2).put("BM_TCP_BRIDGE_PORT", tcpPort));
    port = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
  }

  /** Each test starts with no socket held: the sockets of the one before have been seen to close. */
  @BeforeEach
  void noSocketHeld() {
    Await.until("no bridge socket held", WAIT,
      () -> system.bridges().sockets().total() == 0);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aSocketBeyondTheClientsShareIsClosedAndAClosedOneFreesItsPlace() {
    try (BridgeClient first = new BridgeClient(system.vertx, port); BridgeClient second = new BridgeClient(system.vertx, port)) {
      first.sync();
      second.sync();
      assertThatThrownBy(() -> new BridgeClient(system.vertx, port))
        .as("a third websocket is refused before it opens")
        .isInstanceOfSatisfying(UpgradeRejectedException.class, refused -> assertThat(refused.getStatus()).isEqualTo(429));
      first.close();
      BridgeClient fourth = Await.value("a socket admitted once the first closed", Duration.ofSeconds(10), () -> {
        try {
          BridgeClient next = new BridgeClient(system.vertx, port);
          next.sync();
          return next;
        } catch (UpgradeRejectedException notYet) {
          return null; // the bridge has not seen the first one close yet
        }
      }, admitted -> admitted != null);
      assertThat(fourth.isClosed()).isFalse();
      fourth.close();
      assertThat(second.isClosed()).isFalse();
    }
  }

  @Test
  void aClientsTcpAndSockJsSocketsShareOneCount() throws IOException {
    try (BridgeClient websocket = new BridgeClient(system.vertx, port); TcpBridgeClient tcp = new TcpBridgeClient(tcpPort)) {
      websocket.sync();
      tcp.ping();
      assertThat(tcp.expect(WAIT).getString("type")).isEqualTo("pong");
      try (TcpBridgeClient third = new TcpBridgeClient(tcpPort)) {
        assertThat(third.closedWithin(WAIT)).as("a third socket, over TCP, closed at once").isTrue();
      }
      assertThatThrownBy(() -> new BridgeClient(system.vertx, port))
        .as("a third socket, a websocket, refused before it opens")
        .isInstanceOfSatisfying(UpgradeRejectedException.class, refused -> assertThat(refused.getStatus()).isEqualTo(429));
      tcp.close();
      BridgeClient next = Await.value("a websocket admitted once the TCP socket closed", WAIT, () -> {
        try {
          BridgeClient admitted = new BridgeClient(system.vertx, port);
          admitted.sync();
          return admitted;
        } catch (UpgradeRejectedException notYet) {
          return null; // the bridge has not seen the TCP socket close yet
        }
      }, admitted -> admitted != null);
      next.close();
      assertThat(websocket.isClosed()).isFalse();
    }
  }
}
