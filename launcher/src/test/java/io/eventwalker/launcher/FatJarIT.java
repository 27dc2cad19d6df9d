package io.eventwalker.launcher;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged fat jar, run as the README says ({@code java -jar launcher/target/event-walker.jar all}),
 * as a separate process against the real services, with environment variables overriding its
 * packed configuration. It proves the shading (service loaders of the PostgreSQL driver, metrics
 * and config) and the launcher end to end.
 */
class FatJarIT extends JarProcesses {

  @Test
  void theJarRunsBothServicesConfiguredFromTheEnvironment() throws Exception {
    assertThat(JAR).as("the fat jar is built by mvn package").exists();
    int linePort = freePort();
    int betPort = freePort();
    Map<String, String> env = env(linePort, betPort);
    env.put("LOG_FORMAT", "json");
    env.put("BM_TCP_BRIDGE_PORT", "0");
    Path log = Files.createTempFile("event-walker-", ".log");
    Process process = start(List.of("all"), env, log);
    awaitReady(process, linePort);
    awaitReady(process, betPort);
    // The tokens come from the jar itself, as the README's walkthrough gets them.
    String operator = token(env, "jar-operator", "--operator");
    String player = token(env, "jar-player");
    deposit(betPort, operator, "jar-player", "100.00");

    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(send("POST", linePort, "/event", "{\"event_id\":\"jar-1\",\"ratio\":1.5,\"deadline\":" + deadline + "}", operator)
      .statusCode()).isEqualTo(201);
    assertThat(send("POST", linePort, "/event", "{\"event_id\":\"jar-2\",\"ratio\":1.5,\"deadline\":" + deadline + "}", player)
      .statusCode()).as("a player's token on an operator's route").isEqualTo(403);
    HttpResponse<String> bet = send("POST", betPort, "/bet", "{\"event_id\":\"jar-1\",\"sum_bet\":10}", player);
    assertThat(bet.statusCode()).as(bet.body()).isEqualTo(201);
    assertThat(send("POST", betPort, "/bet", "{\"event_id\":\"jar-1\",\"sum_bet\":10}", null).statusCode()).isEqualTo(401);
    assertThat(send("PUT", linePort, "/event", "{\"event_id\":\"jar-1\",\"status\":\"FINISHED_WIN\"}", operator).statusCode()).isEqualTo(200);
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String bets;
    do {
      bets = send("GET", betPort, "/bets?event_id=jar-1", null, player).body();
      if (bets.contains("\"WON\"")) {
        break;
      }
      Thread.sleep(50); // poll interval, bounded by the deadline
    } while (System.nanoTime() < until);
    assertThat(bets).contains("\"status\":\"WON\"").contains("\"payout\":15.00");
    assertThat(send("GET", betPort, "/wallet", null, player).body()).contains("\"balance\":105.00");
    assertThat(ledgerVerify(env)).as("java -jar … ledger verify").startsWith("0 ").contains("ledger verified");
    assertThat(send("GET", betPort, "/metrics", null, null).body()).contains("vertx_http_server_requests_total");

    // LOG_FORMAT=json: every line a JSON object, ids as fields, and never the secret or a token.
    // SIGTERM: a clean stop, exit status 0. Every dependency was up: not one WARN or ERROR.
    process.destroy();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(0);
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(new io.vertx.core.json.JsonObject(line).getString("level")).as(line).isIn("DEBUG", "INFO");
    }
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"kvpList\"").contains("\"event_id\":\"jar-1\""));
    assertThat(String.join("\n", lines)).doesNotContain(SECRET).doesNotContain(operator).doesNotContain(player);

    // Where each service serves, once, with the ports bound (the TCP bridge's was configured 0).
    List<String> banners = lines.stream().map(io.vertx.core.json.JsonObject::new)
      .filter(line -> line.getString("loggerName").endsWith(".Banner")).map(line -> line.getString("formattedMessage")).toList();
    assertThat(banners).hasSize(2);
    assertThat(banners).anySatisfy(banner -> assertThat(banner).startsWith("line-provider serves at http://127.0.0.1:" + linePort)
      .contains("http://127.0.0.1:" + linePort + "/docs").contains("http://127.0.0.1:" + linePort + "/metrics"));
    assertThat(banners).anySatisfy(banner -> assertThat(banner).startsWith("bet-maker serves at http://127.0.0.1:" + betPort)
      .contains("http://127.0.0.1:" + betPort + "/eventbus").containsPattern("tcp://127\\.0\\.0\\.1:[1-9][0-9]*"));
  }

  /**
   * SIGTERM while players place bets and an event's settlement is under way: every request gets
   * an answer (201, or 503 once the stop began), every 201 is stored, the settlement is whole, and
   * the process exits 0 within the grace period. A player told 503 stops, as a load balancer
   * takes a stopping instance out; one that connects after the process stopped listening was
   * never taken ({@code ConnectException}).
   */
  @Test
  void aStopUnderLoadAnswersEveryRequestAndLosesNothing() throws Exception {
    int linePort = freePort();
    int betPort = freePort();
    Map<String, String> env = env(linePort, betPort);
    env.put("BM_RATE_LIMIT_PER_S", "0");
    env.put("SHUTDOWN_GRACE_MS", "10000");
    env.put("BM_SETTLE_CHUNK", "100"); // the settlement under way takes three transactions: a stop between two would show
    Process process = start(List.of("all"), env, Files.createTempFile("event-walker-", ".log"));
    awaitReady(process, linePort);
    awaitReady(process, betPort);
    String operator = token(env, "jar-operator", "--operator");
    String player = token(env, "jar-player");
    deposit(betPort, operator, "jar-player", "1000000.00");
    long deadline = Instant.now().getEpochSecond() + 3600;
    for (String event : List.of("load", "result")) {
      assertThat(send("POST", linePort, "/event", "{\"event_id\":\"" + event + "\",\"ratio\":2,\"deadline\":" + deadline + "}", operator)
        .statusCode()).isEqualTo(201);
    }
    for (int i = 0; i < 30; i++) {
      String ten = String.join(",", java.util.Collections.nCopies(10, "{\"event_id\":\"result\",\"sum_bet\":1}"));
      assertThat(send("POST", betPort, "/bet", "[" + ten + "]", player).statusCode()).isEqualTo(201);
    }

    List<String> stored = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> players = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        while (!gone.get()) {
          try {
            HttpResponse<String> answer = send("POST", betPort, "/bet", "{\"event_id\":\"load\",\"sum_bet\":1}", player);
            if (answer.statusCode() == 201) {
              stored.add(new io.vertx.core.json.JsonObject(answer.body()).getString("bet_id"));
            } else if (answer.statusCode() == 503 && answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
              refused.incrementAndGet();
              return;
            } else {
              unexpected.add(answer.statusCode() + " " + answer.body());
            }
          } catch (java.net.ConnectException closed) {
            return; // the process no longer listens: the request was never taken
          } catch (Exception e) {
            unanswered.add(e.toString());
          }
        }
      });
      thread.start();
      players.add(thread);
    }
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (stored.size() < 200 && System.nanoTime() < until) {
      Thread.sleep(10); // poll interval, bounded by the deadline
    }
    assertThat(send("PUT", linePort, "/event", "{\"event_id\":\"result\",\"status\":\"FINISHED_WIN\"}", operator).statusCode()).isEqualTo(200);
    process.destroy(); // SIGTERM
    // It says at once that it is not ready: within 400 ms, while the requests in hand are finished (at least 500 ms).
    long notReadyBy = System.nanoTime() + Duration.ofMillis(400).toNanos();
    int ready = 200;
    while (ready != 503 && System.nanoTime() < notReadyBy) {
      ready = send("GET", betPort, "/ready", null, null).statusCode();
    }
    assertThat(ready).as("/ready after SIGTERM").isEqualTo(503);
    assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
    gone.set(true);
    for (Thread thread : players) {
      thread.join(15_000);
    }
    assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(0);
    assertThat(unanswered).as("requests sent and never answered").isEmpty();
    assertThat(unexpected).as("answers other than 201 and 503 problem+json").isEmpty();
    assertThat(stored).hasSizeGreaterThanOrEqualTo(200);
    String ids = String.join("','", stored);
    assertThat(psql("SELECT count(*) FROM bm_" + id + ".bets WHERE bet_id::text IN ('" + ids + "')"))
      .as("every 201 is stored").isEqualTo(String.valueOf(stored.size()));
    assertThat(psql("SELECT count(*) FROM bm_" + id + ".bets WHERE event_id = 'load'"))
      .as("and nothing else").isEqualTo(String.valueOf(stored.size()));
    String settled = psql("SELECT count(*) FILTER (WHERE status = 'WON') || '/' || count(*) FROM bm_" + id + ".bets WHERE event_id = 'result'");
    assertThat(settled).as("the settlement under way at SIGTERM is whole: all 300 bets WON, or (not begun) none").isIn("300/300", "0/300");
  }

  /**
   * The operator's way out of a conflict, as docs/reliability.md gives it: {@code conflicts list}
   * shows the event, {@code conflicts resolve EVENT_ID} makes bet-maker adopt line-provider's
   * state, bets are taken again, and line-provider's result settles them.
   */
  @Test
  void theConflictsCommandResolvesAConflictAndTheBetsSettle() throws Exception {
    int linePort = freePort();
    int betPort = freePort();
    Map<String, String> env = env(linePort, betPort);
    Process process = start(List.of("all"), env);
    awaitReady(process, linePort);
    awaitReady(process, betPort);
    String operator = token(env, "jar-operator", "--operator");
    String player = token(env, "jar-player");
    deposit(betPort, operator, "jar-player", "100.00");
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(send("POST", linePort, "/event", "{\"event_id\":\"jar-c\",\"ratio\":2,\"deadline\":" + deadline + "}", operator)
      .statusCode()).isEqualTo(201);
    assertThat(send("POST", betPort, "/bet", "{\"event_id\":\"jar-c\",\"sum_bet\":10}", player).statusCode()).isEqualTo(201);
    // bet-maker holds a version line-provider never had (line-provider restored from an older backup).
    psql("UPDATE bm_" + id + ".events SET version = 5 WHERE event_id = 'jar-c'");
    assertThat(send("POST", betPort, "/bet", "{\"event_id\":\"jar-c\",\"sum_bet\":10}", player).statusCode()).isEqualTo(409);

    String[] listed = command(env, "conflicts", "list");
    assertThat(listed[0]).as(listed[1]).isEqualTo("0");
    assertThat(listed[1]).contains("\"event_id\":\"jar-c\"").contains("\"bet_maker_version\":5").contains("\"line_provider_version\":1");
    String[] resolved = command(env, "conflicts", "resolve", "jar-c");
    assertThat(resolved[0]).as(resolved[1]).isEqualTo("0");
    assertThat(resolved[1]).contains("\"adopted\"");
    assertThat(command(env, "conflicts", "resolve", "jar-c")[0]).as("nothing left to resolve").isEqualTo("1");

    assertThat(send("POST", betPort, "/bet", "{\"event_id\":\"jar-c\",\"sum_bet\":10}", player).statusCode()).isEqualTo(201);
    assertThat(send("PUT", linePort, "/event", "{\"event_id\":\"jar-c\",\"status\":\"FINISHED_WIN\"}", operator).statusCode())
      .isEqualTo(200);
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String won;
    do {
      won = psql("SELECT count(*) FROM bm_" + id + ".bets WHERE event_id = 'jar-c' AND status = 'WON'");
      if (won.equals("2")) {
        break;
      }
      Thread.sleep(50); // poll interval, bounded by the deadline
    } while (System.nanoTime() < until);
    assertThat(won).as("both bets settled by line-provider's result").isEqualTo("2");
  }

  @Test
  void aMissingConfigurationStopsStartUpWithAMessage() throws Exception {
    Path empty = Files.createTempDirectory("no-conf");
    Process process = start(List.of("line-provider", "--conf-dir", empty.toString()), Map.of());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output).contains("line-provider.json").contains("does not exist or is not readable");
  }

}
