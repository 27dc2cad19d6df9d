package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.metrics.Meters;
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
 * The process holds at most {@code BM_BRIDGE_MAX_SOCKETS} bridge sockets, SockJS and TCP together,
 * whatever addresses they come from (3 here): one more websocket is refused (503) before it opens,
 * one more TCP connection is closed at once, each counted as {@code sockets_total}, and a closed
 * socket gives its place back. Its sockets listen on at most {@code BM_BRIDGE_MAX_HANDLERS_TOTAL}
 * addresses together (4 here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeSocketsTotalTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private int port;
  private int tcpPort;

  @BeforeAll
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      tcpPort = free.getLocalPort();
    }
    system = TestSystem.start(false, true, config -> config.put("BM_BRIDGE_MAX_SOCKETS_PER_CLIENT", 100).put("BM_BRIDGE_MAX_SOCKETS", 3)
      .put("BM_BRIDGE_MAX_HANDLERS_TOTAL", 4).put("BM_TCP_BRIDGE_PORT", tcpPort));
    port = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
  }

  /** Each test starts with no socket held: the sockets of the one before have been seen to close. */
  @BeforeEach
  void noSocketHeld() {
    Await.until("no bridge socket held", WAIT,
      () -> system.vertx.sharedData().getLocalMap("event-walker.bridge-totals").isEmpty());
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aSocketBeyondTheProcesssMostIsRefusedAndAClosedOneGivesItsPlaceBack() throws IOException {
    double refusedBefore = refused("sockets_total");
    try (BridgeClient first = new BridgeClient(system.vertx, port); BridgeClient second = new BridgeClient(system.vertx, port);
         TcpBridgeClient third = new TcpBridgeClient(tcpPort)) {
      first.sync();
      second.sync();
      third.ping();
      assertThat(third.expect(WAIT).getString("type")).isEqualTo("pong");
      assertThatThrownBy(() -> new BridgeClient(system.vertx, port))
        .as("a fourth socket, a websocket, refused before it opens")
        .isInstanceOfSatisfying(UpgradeRejectedException.class, refused -> assertThat(refused.getStatus()).isEqualTo(503));
      try (TcpBridgeClient fourth = new TcpBridgeClient(tcpPort)) {
        assertThat(fourth.closedWithin(WAIT)).as("a fourth socket, over TCP, closed at once").isTrue();
      }
      assertThat(refused("sockets_total") - refusedBefore).isEqualTo(2);

      third.close();
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
      assertThat(first.isClosed()).isFalse();
      assertThat(second.isClosed()).isFalse();
    }
  }

  @Test
  void theProcesssSocketsListenOnABoundedNumberOfAddressesTogether() {
    double refusedBefore = refused("handlers_total");
    try (BridgeClient first = new BridgeClient(system.vertx, port); BridgeClient second = new BridgeClient(system.vertx, port)) {
      first.register("events.total-1");
      first.register("events.total-2");
      first.register("events.total-3");
      first.sync();
      assertThat(first.drain()).as("three registers taken").isEmpty();
      second.register("events.total-4");
      second.sync();
      assertThat(second.drain()).as("the fourth taken").isEmpty();
      second.register("events.total-5");
      assertThat(second.nextError(WAIT).getString("body")).isEqualTo("max_handlers_reached");
      assertThat(refused("handlers_total") - refusedBefore).isEqualTo(1);

      first.close();
      Await.until("the closed socket's registrations given back", WAIT,
        () -> Integer.valueOf(1).equals(system.vertx.sharedData().getLocalMap("event-walker.bridge-totals").get("handlers")));
      second.register("events.total-5");
      second.sync();
      assertThat(second.drain()).as("a register taken once a socket's registrations ended").isEmpty();
      assertThat(second.isClosed()).isFalse();
    }
  }

  private double refused(String reason) {
    return Meters.of(system.vertx, "bet-maker").registry().find("bet_maker_bridge_refused").tag("reason", reason).counter().count();
  }
}
