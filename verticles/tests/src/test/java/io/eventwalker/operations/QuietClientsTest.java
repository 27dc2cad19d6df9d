package io.eventwalker.operations;

import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.RawClient;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.eventwalker.testing.Scrape.sample;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that do what clients do (connect, listen, read, leave cleanly or all at once, give up on
 * a request mid-answer) make the services log no WARN and no ERROR (docs/operations.md: a WARN or
 * an ERROR always means something to look at), with the libraries' loggers at their production
 * levels. Each test waits until the services have seen every client go before it reads the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuietClientsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  /** A SockJS session whose transport went away ends after its session time-out (30 s), checked on its heartbeat (10 s). */
  private static final Duration SOCKJS_SESSIONS_END = Duration.ofSeconds(60);

  private TestSystem system;
  private Http line;
  private Http bets;
  private int betsPort;
  private int linePort;
  private int tcpPort;
  private String event;
  private double ratio = 1.5;

  @BeforeAll
  void start() {
    tcpPort = FreePorts.one();
    system = TestSystem.start(true, true, bets -> bets.put("BM_TCP_BRIDGE_PORT", tcpPort));
    line = system.lineProvider();
    bets = system.betMaker();
    betsPort = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
    linePort = system.vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("line-provider");
    event = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(line.post("/event", "{\"event_id\":\"" + event + "\",\"ratio\":1.5,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void sockJsClientsThatComeAndGoLogNoWarningOrError() {
    try (LogCapture log = LogCapture.asInProduction()) {
      String register = "{\"type\":\"register\",\"address\":\"events." + event + "\"}";
      String ownRegister = "{\"type\":\"register\",\"address\":\"players." + TestSystem.PLAYER + "\",\"headers\":{\"Authorization\":"
        + "\"Bearer " + system.token(TestSystem.PLAYER) + "\"}}";
      List<RawClient> raw = List.of(new RawClient(betsPort).webSocket("/eventbus/websocket"),
        new RawClient(betsPort).webSocket("/eventbus/websocket"));
      raw.forEach(client -> client.text(register).text(ownRegister).text(SYNC).waitFor("access_denied", WAIT));
      List<RawClient> framed = List.of(new RawClient(betsPort).webSocket("/eventbus/000/" + session() + "/websocket"),
        new RawClient(betsPort).webSocket("/eventbus/000/" + session() + "/websocket"));
      framed.forEach(client -> client.waitFor("o", WAIT).text(sockJs(register, ownRegister, SYNC)).waitFor("access_denied", WAIT));
      String streaming = session();
      RawClient stream = new RawClient(betsPort).request("POST", "/eventbus/000/" + streaming + "/xhr_streaming", "", "")
        .waitFor("\no\n", WAIT);
      sendOverXhr(streaming, register, ownRegister, SYNC);
      stream.waitFor("access_denied", WAIT);
      String polling = session();
      new RawClient(betsPort).request("POST", "/eventbus/000/" + polling + "/xhr", "Connection: close\r\n", "").waitFor("o\n", WAIT)
        .close();
      sendOverXhr(polling, register);
      RawClient poll = new RawClient(betsPort).request("POST", "/eventbus/000/" + polling + "/xhr", "", "");

      changeRatio();
      for (RawClient client : List.of(raw.get(0), raw.get(1), framed.get(0), framed.get(1), stream, poll)) {
        client.waitFor("events." + event, WAIT);
      }
      raw.get(0).closeWebSocket(1000);
      raw.get(1).abort();
      framed.get(0).closeWebSocket(1001);
      framed.get(1).abort();
      stream.abort();
      poll.abort();
      changeRatio(); // pushed to sessions whose transport has just gone

      Await.until("every SockJS session over", SOCKJS_SESSIONS_END, () -> sample(bets, "bet_maker_bridge_sockets", "") == 0);
      assertThat(log.warningsAndErrors()).as("what the services logged at WARN or ERROR").isEmpty();
    }
  }

  @Test
  void tcpClientsThatComeAndGoLogNoWarningOrError() {
    try (LogCapture log = LogCapture.asInProduction()) {
      byte[] register = tcp("{\"type\":\"register\",\"address\":\"events." + event + "\"}");
      byte[] ping = tcp("{\"type\":\"ping\"}");
      List<RawClient> clients = List.of(new RawClient(tcpPort), new RawClient(tcpPort), new RawClient(tcpPort));
      clients.forEach(client -> client.raw(register).raw(ping).waitFor("pong", WAIT));
      changeRatio();
      clients.forEach(client -> client.waitFor("events." + event, WAIT));
      clients.get(0).closeCleanly();
      clients.get(1).abort();
      clients.get(2).raw(ping).close(); // its pong unread: the connection is reset
      RawClient halfFrame = new RawClient(tcpPort).raw(ByteBuffer.allocate(8).putInt(100).put("{\"ty".getBytes(StandardCharsets.UTF_8)).array());
      RawClient halfFrameAborted = new RawClient(tcpPort).raw(ByteBuffer.allocate(6).putInt(100).put("{\"".getBytes(StandardCharsets.UTF_8)).array());
      halfFrame.close();
      halfFrameAborted.abort();
      changeRatio();

      Await.until("every TCP socket closed", WAIT, () -> sample(bets, "bet_maker_bridge_sockets", "") == 0);
      assertThat(log.warningsAndErrors()).as("what the services logged at WARN or ERROR").isEmpty();
    }
  }

  @Test
  void httpClientsThatGiveUpLogNoWarningOrError() {
    try (LogCapture log = LogCapture.asInProduction()) {
      // Ordinary requests, answered 2xx and 4xx.
      assertThat(bets.get("/events").status()).isEqualTo(200);
      assertThat(bets.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":1}").status()).isEqualTo(201);
      assertThat(bets.post("/bet", "{\"event_id\":\"no-such-event\",\"sum_bet\":1}").status()).isEqualTo(404);
      assertThat(bets.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":-1}").status()).isEqualTo(400);
      assertThat(bets.as(null).get("/bets").status()).isEqualTo(401);
      assertThat(line.get("/event/" + event).status()).isEqualTo(200);
      assertThat(line.get("/event/no-such-event").status()).isEqualTo(404);
      assertThat(line.send("DELETE", "/event/" + event, (String) null, java.util.Map.of()).status()).isEqualTo(405);
      long placed = bets.get("/bets?event_id=" + event).array().size();
      double abandoned = sample(bets, "http_requests_abandoned_total", "") + sample(line, "http_requests_abandoned_total", "");

      // A client offering HTTP/2 over cleartext (Java's HttpClient does) is answered in HTTP/1.1.
      for (int port : new int[] {betsPort, linePort}) {
        RawClient upgrading = new RawClient(port).request("GET", "/health",
          "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n", null);
        assertThat(upgrading.waitFor("\"UP\"", WAIT).received()).startsWith("HTTP/1.1 200");
        upgrading.abort();
      }
      // A kept-alive connection closed after its answer.
      new RawClient(betsPort).request("GET", "/health", "", null).waitFor("\"UP\"", WAIT).closeCleanly();
      // A bet sent whole, then the connection reset before its answer: it is placed all the same.
      new RawClient(betsPort).request("POST", "/bet", "Authorization: Bearer " + system.token(TestSystem.PLAYER) + "\r\n",
        "{\"event_id\":\"" + event + "\",\"sum_bet\":2}").abort();
      // Large answers given up on after their first bytes.
      new RawClient(betsPort).request("GET", "/assets/vendor/swagger-ui/swagger-ui-bundle.js", "", null).waitFor("200 OK", WAIT).abort();
      new RawClient(linePort).request("GET", "/metrics", "", null).waitFor("200 OK", WAIT).abort();
      new RawClient(betsPort).request("GET", "/events", "", null).abort();
      // Bodies cut short: the connection reset, or closed.
      new RawClient(betsPort).raw(("POST /bet HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
        + "Authorization: Bearer " + system.token(TestSystem.PLAYER) + "\r\n\r\n{\"event_id\"").getBytes(StandardCharsets.UTF_8)).abort();
      new RawClient(linePort).raw(("POST /event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .getBytes(StandardCharsets.UTF_8)).close();

      Await.until("the bet whose answer nobody read placed", WAIT, () -> bets.get("/bets?event_id=" + event).array().size() == placed + 1);
      Await.until("the requests given up on counted", WAIT,
        () -> sample(bets, "http_requests_abandoned_total", "") + sample(line, "http_requests_abandoned_total", "") >= abandoned + 2);
      assertThat(log.warningsAndErrors()).as("what the services logged at WARN or ERROR").isEmpty();
    }
  }

  /** A frame the bridge refuses at once ({@code access_denied}): once answered, the frames sent before it were handled. */
  private static final String SYNC = "{\"type\":\"publish\",\"address\":\"betmaker.sync\",\"body\":{}}";

  private void changeRatio() {
    ratio += 0.01;
    assertThat(line.put("/event", "{\"event_id\":\"" + event + "\",\"ratio\":" + String.format(java.util.Locale.ROOT, "%.2f", ratio) + "}")
      .status()).isEqualTo(200);
  }

  /** Frames sent over SockJS's {@code xhr_send}, as a browser without websockets sends them. */
  private void sendOverXhr(String session, String... frames) {
    try (RawClient send = new RawClient(betsPort)) {
      send.request("POST", "/eventbus/000/" + session + "/xhr_send", "Connection: close\r\n", sockJs(frames)).waitFor("HTTP/1.1 204", WAIT);
    }
  }

  /** SockJS's framing of messages from a client: a JSON array of strings. */
  private static String sockJs(String... frames) {
    return new io.vertx.core.json.JsonArray(List.of((Object[]) frames)).encode();
  }

  private static byte[] tcp(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
  }

  private static String session() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
