package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.ProjectFiles;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCP event-bus bridge (SPEC §3.5) from a client in another language: {@code examples/live_client.py}
 * (Python, standard library only) follows an event and a player's settlements; another player's
 * token is refused; neither client's going away is logged as an error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpBridgeTest {

  private static final Path CLIENT = ProjectFiles.path("examples", "live_client.py");
  private TestSystem system;
  private int port;

  @BeforeAll
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    system = TestSystem.start(true, true, bets -> bets.put("BM_TCP_BRIDGE_PORT", port));
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aPythonClientFollowsAnEventAndItsPlayersSettlementsAndNobodyElsesTokenAndExitsWithoutAnErrorLogged() throws Exception {
    try (LogCapture log = new LogCapture()) {
      followAnEventAndSettlements();
      Await.until("the clients' sockets closed at the bridge", Duration.ofSeconds(20),
        () -> system.bridges().sockets().total() == 0
          && !system.bridges().listeners().heard().test("players.alice"));
      assertThat(log.errors()).as("errors logged while the clients came and went").isEmpty();
    }
  }

  private void followAnEventAndSettlements() throws Exception {
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"tcp-1\",\"ratio\":2.20,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"tcp-2\",\"ratio\":3,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
    JsonObject bet = system.betMaker().as(system.token("alice")).post("/bet", "{\"event_id\":\"tcp-1\",\"sum_bet\":\"5.00\"}").object();
    JsonObject lost = system.betMaker().as(system.token("alice")).post("/bet", "{\"event_id\":\"tcp-2\",\"sum_bet\":\"1.50\"}").object();

    Client stranger = new Client("--event", "tcp-1", "--player", "alice", "--token", system.token("bob"), "--timeout", "20");
    assertThat(stranger.exit()).as("bob cannot follow alice: %s", stranger.lines).isEqualTo(1);
    assertThat(stranger.lines).as("the TCP bridge refuses as the SockJS bridge does, with the error rejected")
      .contains("{\"refused\": \"rejected\"}");

    Client alice = new Client("--event", "tcp-1", "--player", "alice", "--token", system.token("alice"), "--settlements", "2",
      "--timeout", "30");
    Await.until("the client listening", Duration.ofSeconds(20), () -> alice.lines.stream().anyMatch(line -> line.contains("listening"))
      && system.bridges().listeners().heard().test("players.alice"));
    assertThat(system.lineProvider().put("/event", "{\"event_id\":\"tcp-1\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    assertThat(system.lineProvider().put("/event", "{\"event_id\":\"tcp-2\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    assertThat(alice.exit()).as("%s", alice.lines).isEqualTo(0);
    // Money as the HTTP API shows it, two decimals, also for a lost bet's payout: as sent, and as the client prints it.
    assertThat(alice.lines).as("%s", alice.lines)
      .anyMatch(line -> line.contains("\"bet_id\": \"" + bet.getString("bet_id") + "\"") && line.contains("\"payout\": 11.00"))
      .anyMatch(line -> line.contains("\"bet_id\": \"" + lost.getString("bet_id") + "\"") && line.contains("\"payout\": 0.00"))
      .anyMatch(line -> line.contains("\"address\": \"events.tcp-1\"") && line.contains("\"ratio\": 2.20"));

    List<JsonObject> messages = new ArrayList<>();
    alice.lines.stream().filter(line -> line.contains("\"address\"")).forEach(line -> messages.add(new JsonObject(line)));
    assertThat(messages).anyMatch(m -> m.getString("address").equals("events.tcp-1")
      && m.getJsonObject("body").getString("status").equals("FINISHED_WIN"));
    JsonObject settled = messages.stream().filter(m -> m.getString("address").equals("players.alice")).findFirst().orElseThrow()
      .getJsonObject("body");
    assertThat(settled.getString("bet_id")).isEqualTo(bet.getString("bet_id"));
    assertThat(settled.getString("status")).isEqualTo("WON");
    assertThat(new java.math.BigDecimal(settled.getValue("payout").toString())).isEqualByComparingTo("11.00");
  }

  /** {@code python3 examples/live_client.py --port <bridge> ARGS}, its output lines collected as they come. */
  private final class Client {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Process process;
    private final Thread reader;

    Client(String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of("python3", CLIENT.toString(), "--port", String.valueOf(port)));
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ended) {
          // the process is gone
        }
      }, "live-client-output");
      reader.setDaemon(true);
      reader.start();
    }

    int exit() throws InterruptedException {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the client did not finish within 60 s: " + lines);
      }
      reader.join(5_000); // the rest of its output, to the end of the stream
      return process.exitValue();
    }
  }
}
