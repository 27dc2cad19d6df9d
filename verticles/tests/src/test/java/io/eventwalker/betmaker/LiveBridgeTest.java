package io.eventwalker.betmaker;

import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The SockJS bridge: pushes on events.*, events.open and bets.*, and nothing else gets through. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveBridgeTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private Http line;
  private Http bets;
  private int port;

  @BeforeAll
  void start() {
    system = TestSystem.both();
    line = system.lineProvider();
    bets = system.betMaker();
    port = Integer.parseInt(bets.base().substring(bets.base().lastIndexOf(':') + 1));
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private void createEvent(String id, String ratio) {
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":" + ratio + ",\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
  }

  @Test
  void aSettledBetIsPushedOnItsAddress() {
    createEvent("live-bet", "1.75");
    JsonObject bet = bets.post("/bet", "{\"event_id\":\"live-bet\",\"sum_bet\":\"10.01\"}").object();
    String address = "bets." + bet.getString("bet_id");
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      BridgeRegistrations.registerOwned(system, client, address, system.token(TestSystem.PLAYER));
      assertThat(line.put("/event", "{\"event_id\":\"live-bet\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
      JsonObject body = client.nextOn(address, WAIT).getJsonObject("body");
      assertThat(body.getString("bet_id")).isEqualTo(bet.getString("bet_id"));
      assertThat(body.getString("event_id")).isEqualTo("live-bet");
      assertThat(body.getString("status")).isEqualTo("WON");
      assertThat(body.getValue("payout").toString()).isEqualTo("17.51");
    }
  }

  @Test
  void aSettlementReachesTheBridgeWithinSecondsAfterRedisLostEverySubscription() {
    createEvent("live-redis-lost", "2.00");
    JsonObject bet = bets.post("/bet", "{\"event_id\":\"live-redis-lost\",\"sum_bet\":\"5.00\"}").object();
    String address = "bets." + bet.getString("bet_id");
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      BridgeRegistrations.registerOwned(system, client, address, system.token(TestSystem.PLAYER));
      system.forgetRedisKeys(); // as Redis restarting empty would; catch-up runs only every 60 s here
      assertThat(line.put("/event", "{\"event_id\":\"live-redis-lost\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
      JsonObject body = client.nextOn(address, Duration.ofSeconds(5)).getJsonObject("body");
      assertThat(body.getString("status")).isEqualTo("LOST");
      assertThat(bets.get("/bet/" + bet.getString("bet_id")).object().getString("status")).isEqualTo("LOST");
    }
  }

  @Test
  void anUnregisterFromASocketThatNeverRegisteredDoesNotSilenceTheListener() {
    createEvent("live-unregister", "3.00");
    JsonObject bet = bets.post("/bet", "{\"event_id\":\"live-unregister\",\"sum_bet\":\"2.00\"}").object();
    String address = "bets." + bet.getString("bet_id");
    try (BridgeClient listener = new BridgeClient(system.vertx, port); BridgeClient other = new BridgeClient(system.vertx, port)) {
      BridgeRegistrations.registerOwned(system, listener, address, system.token(TestSystem.PLAYER));
      other.frame(new JsonObject().put("type", "unregister").put("address", address));
      other.frame(new JsonObject().put("type", "unregister").put("address", address));
      other.sync();
      assertThat(line.put("/event", "{\"event_id\":\"live-unregister\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
      assertThat(listener.nextOn(address, WAIT).getJsonObject("body").getString("status")).isEqualTo("WON");
    }
  }

  @Test
  void aRatioChangeIsPushedOnTheEventsAddressWithItsVersion() {
    createEvent("live-ratio", "2.00");
    assertThat(bets.post("/bet", "{\"event_id\":\"live-ratio\",\"sum_bet\":1}").status()).isEqualTo(201);
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      client.register("events.live-ratio");
      client.sync();
      assertThat(line.put("/event", "{\"event_id\":\"live-ratio\",\"ratio\":2.45}").status()).isEqualTo(200);
      JsonObject body = client.nextOn("events.live-ratio", WAIT).getJsonObject("body");
      assertThat(body.getLong("version")).isEqualTo(2L);
      assertThat(body.getValue("ratio").toString()).isEqualTo("2.45");
      assertThat(body.getString("status")).isEqualTo("NEW");
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("event_id", "ratio", "deadline", "status", "version");
    }
  }

  @Test
  void newAndFinishedEventsArePushedOnEventsOpen() {
    awaitSubscribedToEveryEvent();
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      client.register("events.open");
      client.sync();
      createEvent("live-new", "3.30");
      JsonObject created = client.next("events.open for live-new", WAIT, f -> "rec".equals(f.getString("type"))
        && "live-new".equals(f.getJsonObject("body").getString("event_id"))).getJsonObject("body");
      assertThat(created.getString("status")).isEqualTo("NEW");
      line.put("/event", "{\"event_id\":\"live-new\",\"status\":\"FINISHED_LOSE\"}");
      JsonObject finished = client.next("events.open for the finish", WAIT, f -> "rec".equals(f.getString("type"))
        && "live-new".equals(f.getJsonObject("body").getString("event_id"))
        && "FINISHED_LOSE".equals(f.getJsonObject("body").getString("status"))).getJsonObject("body");
      assertThat(finished.getLong("version")).isEqualTo(2L);
    }
  }

  @Test
  void nothingOutsideThePermittedAddressesCanBeHeardOrReached() {
    try (BridgeClient client = new BridgeClient(system.vertx, port)) {
      for (String address : new String[] {Addresses.BETS_PLACE, Addresses.READY_POSTGRES, "bets.not-a-uuid",
        "events." + "x".repeat(65), "betmaker.events.apply", "line.events.create"}) {
        client.register(address);
        assertThat(client.nextError(WAIT).getString("body")).as("register " + address).isEqualTo("access_denied");
      }
      for (String address : new String[] {Addresses.BETS_GET, Addresses.EVENTS_APPLY, "events.open", "bets.00000000-0000-7000-8000-000000000000"}) {
        client.send(address, new JsonObject());
        assertThat(client.nextError(WAIT).getString("body")).as("send to " + address).isEqualTo("access_denied");
        client.publish(address, new JsonObject());
        assertThat(client.nextError(WAIT).getString("body")).as("publish to " + address).isEqualTo("access_denied");
      }
    }
    // Nothing reached the inside: no bet was stored, no event applied through the bridge.
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id NOT LIKE 'live-%'")).isZero();
  }

  @Test
  void crossOriginConnectionsAreRefused() {
    Http.Response foreign = bets.send("GET", "/eventbus/info", (byte[]) null, Map.of("Origin", "http://evil.example"));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.contentType()).startsWith("application/problem+json");
    Http.Response same = bets.send("GET", "/eventbus/info", (byte[]) null, Map.of("Origin", "http://127.0.0.1:" + port));
    assertThat(same.status()).isEqualTo(200);
  }

  @Test
  void aClientThatGoesAwayIsNotLoggedAsAnError() throws IOException {
    try (LogCapture log = new LogCapture()) {
      String session = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/websocket";
      for (String path : new String[] {"/eventbus/websocket", session}) {
        for (boolean reset : new boolean[] {false, true}) {
          Socket socket = new Socket("127.0.0.1", port);
          socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
          socket.setSoTimeout(10_000);
          byte[] answer = new byte[12];
          assertThat(socket.getInputStream().readNBytes(answer, 0, 12)).isEqualTo(12);
          assertThat(new String(answer, StandardCharsets.US_ASCII)).as(path).isEqualTo("HTTP/1.1 101");
          if (reset) {
            socket.setSoLinger(true, 0); // a reset, as a tab killed or a network dropped does; otherwise a close without a close frame
          }
          socket.close();
        }
      }
      Await.until("every socket seen closed by the bridge", WAIT,
        () -> system.bridges().sockets().total() == 0);
      try (BridgeClient after = new BridgeClient(system.vertx, port)) {
        after.sync(); // anything the bridge logs about the sockets before is logged by now
      }
      assertThat(log.errors()).as("errors logged while clients went away").isEmpty();
    }
  }

  private void awaitSubscribedToEveryEvent() {
    Redis redis = Redis.createClient(system.vertx, Backing.redis().url());
    try {
      String key = system.lineProviderConfig.getString("LP_REDIS_PREFIX") + "subscribers-all";
      Await.until("bet-maker subscribed to every event", WAIT, () -> {
        Response member = redis.send(Request.cmd(Command.SISMEMBER).arg(key).arg(system.subscriber())).await();
        return member != null && member.toInteger() == 1;
      });
    } finally {
      redis.close();
    }
  }
}
