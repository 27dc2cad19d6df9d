package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.RawHttp;
import io.eventwalker.testing.TcpBridgeClient;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits both bridges apply (SPEC §3.5), here with small ones: a frame of at most 2048 bytes
 * (a TCP frame's length is checked before anything of it is kept; a SockJS websocket message or
 * another transport's body likewise), and at most 3 addresses per socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeLimitsTest {

  private static final int MAX_FRAME = 2048;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private int tcpPort;
  private int httpPort;

  @BeforeAll
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      tcpPort = free.getLocalPort();
    }
    system = TestSystem.start(false, true, bets -> bets.put("BM_TCP_BRIDGE_PORT", tcpPort)
      .put("BM_BRIDGE_MAX_FRAME_BYTES", MAX_FRAME).put("BM_BRIDGE_MAX_HANDLERS", 3));
    httpPort = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aHugeLengthPrefixClosesTheTcpConnectionAtOnceAndTheBridgeServesOthers() throws IOException {
    try (LogCapture log = new LogCapture(); TcpBridgeClient hostile = new TcpBridgeClient(tcpPort)) {
      hostile.raw(ByteBuffer.allocate(4).putInt(0x7ffffff0).array());
      try {
        hostile.raw(new byte[64 * 1024]); // the start of the 2 GB announced
      } catch (IOException alreadyClosed) {
        // the bridge closed the connection as soon as it read the length
      }
      assertThat(hostile.closedWithin(WAIT)).as("the connection closed after a length of 0x7ffffff0").isTrue();
      try (TcpBridgeClient other = new TcpBridgeClient(tcpPort)) {
        other.register("events.after-the-huge-one");
        other.ping();
        assertThat(other.expect(WAIT).getString("type")).isEqualTo("pong");
      }
      assertThat(log.errors()).isEmpty();
    }
  }

  @Test
  void aTcpFrameAtTheLimitIsTakenAndOneByteMoreClosesTheConnection() throws IOException {
    try (TcpBridgeClient client = new TcpBridgeClient(tcpPort)) {
      client.frame(padded("{\"type\":\"ping\"}", MAX_FRAME));
      assertThat(client.expect(WAIT).getString("type")).as("the answer to a ping of exactly 2048 bytes").isEqualTo("pong");
      client.frame(padded("{\"type\":\"ping\"}", MAX_FRAME + 1));
      assertThat(client.closedWithin(WAIT)).as("the connection closed after a frame of 2049 bytes, unanswered").isTrue();
    }
  }

  @Test
  void aSockJsWebsocketMessageAtTheLimitIsTakenAndOneByteMoreClosesTheSocket() {
    try (BridgeClient client = new BridgeClient(system.vertx, httpPort)) {
      client.text(padded("{\"type\":\"publish\",\"address\":\"betmaker.sync\",\"body\":\"\"}", MAX_FRAME));
      assertThat(client.nextError(WAIT).getString("body")).as("the answer to 2048 bytes").isEqualTo("access_denied");
      client.text(padded("{\"type\":\"publish\",\"address\":\"betmaker.sync\",\"body\":\"\"}", MAX_FRAME + 1));
      Await.until("the websocket closed after a message of 2049 bytes", WAIT, client::isClosed);
      assertThat(client.drain()).as("no answer to the 2049 bytes").isEmpty();
    }
  }

  @Test
  void aSockJsBodyAtTheLimitIsTakenAndOneByteMoreIsRefused() {
    // A connection per request: SockJS closes the connection of each xhr poll it answers.
    String session = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "") + "/";
    assertThat(RawHttp.send(httpPort, "POST", session + "xhr", Map.of(), null).body()).as("the xhr session opened").contains("o\n");
    String frame = "{\"type\":\"publish\",\"address\":\"betmaker.sync\",\"body\":\"\"}";
    String atLimit = new JsonArray().add(padded(frame, MAX_FRAME - 4 - 2 * 6)).encode(); // 12 escaped quotes, brackets and quotes: 4
    assertThat(atLimit).hasSize(MAX_FRAME);
    assertThat(xhrSend(session, atLimit).status()).isEqualTo(204);
    assertThat(RawHttp.send(httpPort, "POST", session + "xhr", Map.of(), null).body()).as("the bridge's answer to the 2048 bytes")
      .contains("access_denied");
    String over = new JsonArray().add(padded(frame, MAX_FRAME - 4 - 2 * 6 + 1)).encode();
    assertThat(xhrSend(session, over).status()).isEqualTo(413);
  }

  private Http.Response xhrSend(String session, String body) {
    return RawHttp.send(httpPort, "POST", session + "xhr_send", Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSocketListensOnAtMostMaxHandlersAddressesOnEitherBridge() throws IOException {
    try (TcpBridgeClient client = new TcpBridgeClient(tcpPort)) {
      for (String address : new String[] {"events.h1", "events.h2", "events.h3"}) {
        client.register(address);
      }
      client.register("events.h4");
      JsonObject refused = client.expect(WAIT);
      assertThat(refused.getString("type")).as("%s", refused).isEqualTo("err");
      assertThat(refused.getString("message")).isEqualTo("max_handlers_reached");
      client.frame(new JsonObject().put("type", "unregister").put("address", "events.h1"));
      client.register("events.h4");
      client.ping();
      assertThat(client.expect(WAIT).getString("type")).as("events.h4 taken once events.h1 was let go").isEqualTo("pong");
    }
    try (BridgeClient client = new BridgeClient(system.vertx, httpPort)) {
      for (String address : new String[] {"events.h1", "events.h2", "events.h3", "events.h4"}) {
        client.register(address);
      }
      assertThat(client.nextError(WAIT).getString("body")).isEqualTo("max_handlers_reached");
    }
  }

  /** A listener that never reads its pushes is closed before they pile up in the heap (counted as slow_consumer). */
  @Test
  void aListenerThatDoesNotReadItsPushesIsClosed() throws IOException {
    double before = slowConsumers();
    try (java.net.Socket silent = new java.net.Socket()) {
      silent.setReceiveBufferSize(4096);
      silent.connect(new java.net.InetSocketAddress("127.0.0.1", tcpPort));
      silent.setSoTimeout((int) WAIT.toMillis());
      for (JsonObject frame : new JsonObject[] {new JsonObject().put("type", "register").put("address", "events.unread"),
                                                new JsonObject().put("type", "ping")}) {
        byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
        silent.getOutputStream().write(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
      }
      silent.getOutputStream().flush();
      // Frames are handled in order: the pong says the register was. The only read this socket makes.
      java.io.DataInputStream in = new java.io.DataInputStream(silent.getInputStream());
      byte[] pong = new byte[in.readInt()];
      in.readFully(pong);
      assertThat(new String(pong, StandardCharsets.UTF_8)).contains("pong");
      JsonObject big = new JsonObject().put("event_id", "unread").put("padding", "x".repeat(1024));
      for (int i = 0; i < 30_000 && slowConsumers() == before; i++) { // up to 30 MB, far more than any socket buffer
        system.vertx.eventBus().publish("events.unread", big);
      }
      Await.until("the silent socket closed as a slow consumer", WAIT, () -> slowConsumers() > before);
    }
  }

  private double slowConsumers() {
    var counter = io.eventwalker.platform.metrics.Meters.of(system.vertx, "bet-maker").registry().find("bet_maker_bridge_refused").tag("reason", "slow_consumer").counter();
    return counter == null ? 0 : counter.count();
  }

  /** {@code json} followed by spaces up to {@code bytes} (ASCII: characters are bytes). */
  private static String padded(String json, int bytes) {
    return json + " ".repeat(bytes - json.length());
  }
}
