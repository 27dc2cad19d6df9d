package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.http.UpgradeRejectedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client address may hold at most {@code BM_BRIDGE_MAX_SOCKETS_PER_CLIENT} bridge sockets: one
 * more websocket is refused (429) before it opens; a closed one frees its place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeSocketsPerClientTest {

  private TestSystem system;
  private int port;

  @BeforeAll
  void start() {
    system = TestSystem.start(false, true, config -> config.put("BM_BRIDGE_MAX_SOCKETS_PER_CLIENT", 2));
    port = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
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
}
