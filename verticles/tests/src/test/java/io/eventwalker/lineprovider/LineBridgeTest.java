package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.live.LineBridge;
import io.eventwalker.lineprovider.live.LineBridgeSocket;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * line-provider's read-only SockJS bridge at /eventbus: every committed change is pushed on
 * events.open and events.&lt;event_id&gt;, in bet-maker's bridge's frames; nothing can be sent in, no
 * other address heard, no other origin let in, and a client holds a bounded number of sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineBridgeTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private Http line;
  private int port;

  @BeforeAll
  void start() {
    system = TestSystem.lineProviderOnly();
    line = system.lineProvider();
    port = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("line-provider");
  }

  /** Each test starts with no socket held: the sockets of the one before have been seen to close. */
  @BeforeEach
  void noSocketHeld() {
    Await.until("no bridge socket held", WAIT, () -> system.lineBridgeSockets().total() == 0);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void everyCommittedChangeIsPushedOnTheEventsAddresses() {
    try (BridgeClient open = new BridgeClient(system.vertx, port); BridgeClient one = new BridgeClient(system.vertx, port)) {
      open.register("events.open");
      one.register("events.lb-watched");
      open.sync();
      one.sync();
      long deadline = Instant.now().getEpochSecond() + 3600;
      assertThat(line.post("/event", "[{\"event_id\":\"lb-watched\",\"ratio\":1.50,\"deadline\":" + deadline + "},"
        + "{\"event_id\":\"lb-other\",\"ratio\":3.00,\"deadline\":" + deadline + "}]").status()).isEqualTo(201);
      assertThat(List.of(open.nextOn("events.open", WAIT).getJsonObject("body").getString("event_id"),
        open.nextOn("events.open", WAIT).getJsonObject("body").getString("event_id"))).containsExactlyInAnyOrder("lb-watched", "lb-other");
      assertThat(one.nextOn("events.lb-watched", WAIT).getJsonObject("body").getInteger("version")).isEqualTo(1);

      assertThat(line.put("/event", "{\"event_id\":\"lb-watched\",\"ratio\":\"1.65\"}").status()).isEqualTo(200);
      JsonObject changed = one.nextOn("events.lb-watched", WAIT).getJsonObject("body");
      assertThat(changed.getMap()).containsEntry("event_id", "lb-watched").containsEntry("status", "NEW").containsEntry("version", 2);
      assertThat(changed.getValue("ratio").toString()).isEqualTo("1.65");
      assertThat(open.nextOn("events.open", WAIT).getJsonObject("body").getInteger("version")).isEqualTo(2);

      assertThat(line.put("/event", "{\"event_id\":\"lb-watched\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
      assertThat(one.nextOn("events.lb-watched", WAIT).getJsonObject("body").getString("status")).isEqualTo("FINISHED_LOSE");
      assertThat(open.nextOn("events.open", WAIT).getJsonObject("body").getString("status")).isEqualTo("FINISHED_LOSE");

      // A PUT that changes nothing commits nothing, and pushes nothing: the next push is the next change.
      assertThat(line.put("/event", "{\"event_id\":\"lb-other\",\"ratio\":3.00}").status()).isEqualTo(200);
      assertThat(line.put("/event", "{\"event_id\":\"lb-other\",\"ratio\":3.10}").status()).isEqualTo(200);
      assertThat(open.nextOn("events.open", WAIT).getJsonObject("body").getInteger("version")).isEqualTo(2);
      assertThat(one.drain()).as("lb-other's changes are not lb-watched's").isEmpty();
    }
  }

  @Test
  void nothingCanBeSentInAndNoOtherAddressHeard() {
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      client.send(Addresses.EVENTS_UPDATE, new JsonObject());
      assertThat(client.nextError(WAIT).getString("body")).isEqualTo("access_denied");
      client.publish(Addresses.EVENTS_CHANGED, new JsonObject());
      assertThat(client.nextError(WAIT).getString("body")).isEqualTo("access_denied");
      for (String address : List.of(Addresses.EVENTS_CHANGED, Addresses.OUTBOX_WRITTEN, "players.alice", "events.", "events.a b")) {
        client.register(address);
        assertThat(client.nextError(WAIT).getString("body")).as(address).isEqualTo("access_denied");
      }
      client.register("events.open");
      client.register("events.open");
      assertThat(client.nextError(WAIT).getString("body")).isEqualTo("address_already_registered");
      client.text("not json");
      assertThat(client.nextError(WAIT).getString("body")).isEqualTo("invalid_json");
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void aSocketListensOnABoundedNumberOfAddresses() {
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      for (int i = 0; i < LineBridgeSocket.MAX_ADDRESSES; i++) {
        client.register("events.bounded-" + i);
      }
      assertNoErrorBeforeThisOne(client);
      client.register("events.one-too-many");
      assertThat(client.nextError(WAIT).getString("body")).isEqualTo("max_handlers_reached");
      client.frame(new JsonObject().put("type", "unregister").put("address", "events.bounded-0"));
      client.register("events.one-too-many");
      assertNoErrorBeforeThisOne(client);
    }
  }

  /** Every frame sent before was taken without an error: the first error is the answer to this publish. */
  private static void assertNoErrorBeforeThisOne(BridgeClient client) {
    client.publish("events.sync", new JsonObject());
    assertThat(client.nextError(WAIT).getString("body")).isEqualTo("access_denied");
    assertThat(client.drain()).isEmpty();
  }

  @Test
  void aLargerBodyOfAnotherTransportIsRefused() {
    Http.Response refused = line.as(null).send("POST", "/eventbus/000/" + "session1" + "/xhr_send",
      "[\"" + "x".repeat(LineBridge.MAX_FRAME_BYTES) + "\"]", Map.of("Content-Type", "text/plain"));
    assertThat(refused.status()).isEqualTo(413);
  }

  @Test
  void aPageOfAnotherOriginIsRefused() {
    Http.Response refused = line.as(null).send("GET", "/eventbus/info", (byte[]) null, Map.of("Origin", "http://elsewhere.example"));
    assertThat(refused.status()).isEqualTo(403);
    Http.Response own = line.as(null).send("GET", "/eventbus/info", (byte[]) null, Map.of("Origin", line.base()));
    assertThat(own.status()).isEqualTo(200);
  }

  @Test
  void aClientHoldsAtMostItsShareOfSocketsAndAClosedOneFreesItsPlace() {
    List<BridgeClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < LineBridge.MAX_SOCKETS_PER_CLIENT; i++) {
        held.add(new BridgeClient(system.vertx, port));
      }
      held.get(held.size() - 1).sync();
      Await.until("every socket admitted", WAIT,
        () -> system.lineBridgeSockets().full("127.0.0.1"));
      assertThatThrownBy(() -> new BridgeClient(system.vertx, port))
        .as("one more websocket is refused before it opens")
        .isInstanceOfSatisfying(UpgradeRejectedException.class, refused -> assertThat(refused.getStatus()).isEqualTo(429));
      held.remove(0).close();
      BridgeClient next = Await.value("a socket admitted once one closed", WAIT, () -> {
        try {
          BridgeClient admitted = new BridgeClient(system.vertx, port);
          admitted.sync();
          return admitted;
        } catch (UpgradeRejectedException notYet) {
          return null; // the bridge has not seen the first one close yet
        }
      }, admitted -> admitted != null);
      held.add(next);
    } finally {
      held.forEach(BridgeClient::close);
    }
  }

  @Test
  void aClientThatGoesAwayLogsNoWarningOrError() {
    try (LogCapture log = new LogCapture()) {
      BridgeClient client = new BridgeClient(system.vertx, port);
      client.register("events.open");
      client.sync();
      client.close();
      Await.until("the socket's place freed", WAIT, () -> system.lineBridgeSockets().total() == 0);
      assertThat(line.post("/event", "{\"event_id\":\"lb-after-close\",\"ratio\":2.00,\"deadline\":"
        + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
      assertThat(log.events()).as("nothing above INFO from the bridge or Vert.x")
        .filteredOn(event -> event.getLoggerName().startsWith("io.vertx") || event.getLoggerName().contains("LineBridge"))
        .noneMatch(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
    }
  }

  @Test
  void aFrameLargerThanTheLimitClosesTheSocket() {
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      client.text("{\"type\":\"ping\",\"padding\":\"" + "x".repeat(LineBridge.MAX_FRAME_BYTES) + "\"}");
      Await.until("the socket closed", WAIT, client::isClosed);
    }
  }
}
