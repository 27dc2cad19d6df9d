package io.eventwalker.lineprovider;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * line-provider's bridge holds at most a fixed number of sockets in the process, whatever addresses
 * they come from ({@link LineBridge#MAX_SOCKETS}; 2 here, on a bridge of its own): one more
 * websocket is refused (503) before it opens, and a closed socket gives its place back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineBridgeTotalTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private Vertx vertx;
  private int port;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    LineBridge.mount(vertx, router, 2);
    HttpServer server = vertx.createHttpServer(LineBridge.limitFrames(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
      .requestHandler(router).listen().await();
    port = server.actualPort();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  @Test
  void aSocketBeyondTheProcesssMostIsRefusedAndAClosedOneGivesItsPlaceBack() {
    try (BridgeClient first = new BridgeClient(vertx, port); BridgeClient second = new BridgeClient(vertx, port)) {
      first.register("events.open");
      first.sync();
      second.sync();
      assertThatThrownBy(() -> new BridgeClient(vertx, port))
        .as("a third websocket is refused before it opens")
        .isInstanceOfSatisfying(UpgradeRejectedException.class, refused -> assertThat(refused.getStatus()).isEqualTo(503));
      first.close();
      BridgeClient next = Await.value("a socket admitted once the first closed", WAIT, () -> {
        try {
          BridgeClient admitted = new BridgeClient(vertx, port);
          admitted.sync();
          return admitted;
        } catch (UpgradeRejectedException notYet) {
          return null; // the bridge has not seen the first one close yet
        }
      }, admitted -> admitted != null);
      assertThat(next.isClosed()).isFalse();
      next.close();
      assertThat(second.isClosed()).isFalse();
    }
  }
}
