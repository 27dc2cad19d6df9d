package io.eventwalker.launcher;

import io.eventwalker.testing.Backing;
import io.eventwalker.wire.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of the packaged jar share: it runs as a separate process, as the README says
 * ({@code java -jar launcher/target/event-walker.jar ...}), against the real services, each test
 * in its own schemas, Redis keys and queues (removed afterwards), on free ports; environment
 * variables override its packed configuration.
 */
abstract class JarProcesses {

  static final Path JAR = Path.of("target", "event-walker.jar");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** The services' HS256 secret in these tests: no log line may hold it. */
  static final String SECRET = UUID.randomUUID() + "-" + UUID.randomUUID();
  /** This test's own names: schemas lp_<id> and bm_<id>, Redis prefix <id>:, queues <id>.… */
  final String id = "j" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void backingServices() {
    Backing.requireRunning();
  }

  @AfterEach
  void stopAndClean() throws Exception {
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    psql("DROP SCHEMA IF EXISTS lp_" + id + " CASCADE; DROP SCHEMA IF EXISTS bm_" + id + " CASCADE;");
    Backing.RedisServer redis = Backing.redis();
    run("sh", "-c", "redis-cli -h " + redis.host() + " -p " + redis.port() + " --scan --pattern '" + id + ":*'"
      + " | xargs -r redis-cli -h " + redis.host() + " -p " + redis.port() + " del");
    for (String queue : List.of(id + ".line-provider.requests", Topology.updatesQueue("bm-" + id), Topology.deadLetterQueue("bm-" + id))) {
      try {
        Backing.rabbitmqctl("-q", "delete_queue", queue);
      } catch (AssertionError neverDeclared) {
        // this test's services did not get as far as declaring it
      }
    }
  }

  /** Both services on these ports, in this test's own schemas, Redis keys and queues, on the backing services the tests use. */
  Map<String, String> env(int linePort, int betPort) {
    Map<String, String> env = new HashMap<>(Backing.environment());
    env.putAll(Map.of("LP_HTTP_PORT", String.valueOf(linePort), "BM_HTTP_PORT", String.valueOf(betPort),
      "LP_PG_SCHEMA", "lp_" + id, "BM_PG_SCHEMA", "bm_" + id, "BM_SUBSCRIBER", "bm-" + id, "LP_SUBSCRIBERS", "bet-maker:bm-" + id,
      "LP_REDIS_PREFIX", id + ":lp:", "LINE_PROVIDER_QUEUE", id + ".line-provider.requests",
      "AUTH_JWT_SECRET", SECRET));
    return env;
  }

  /** Runs the jar with {@code args} to its end: its exit status and output. */
  String[] command(Map<String, String> env, String... args) throws Exception {
    Process process = start(List.of(args), env);
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("done within 60 s").isTrue();
    return new String[] {String.valueOf(process.exitValue()), printed};
  }

  /** Runs {@code query} on the tests' PostgreSQL ({@link Backing}); what it printed, unaligned. */
  static String psql(String query) throws Exception {
    Backing.Postgres postgres = Backing.postgres();
    ProcessBuilder builder = new ProcessBuilder("psql", "-h", postgres.host(), "-p", String.valueOf(postgres.port()),
      "-U", postgres.user(), "-d", postgres.database(), "-At", "-c", query).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", postgres.password());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  Process start(List<String> args, Map<String, String> env) throws IOException {
    return start(args, env, null);
  }

  /** {@code log}: where its output goes (read after it stopped), or null for a pipe. */
  Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx256m", "-jar", JAR.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (log != null) {
      builder.redirectOutput(log.toFile());
    }
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** Waits for {@code /ready} to answer 503 (the service serves, a dependency is down); returns the answer. */
  static String awaitNotReady(Process process, int port) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      assertThat(process.isAlive()).as("the service process is running").isTrue();
      try {
        HttpResponse<String> ready = send("GET", port, "/ready", null, null);
        if (ready.statusCode() == 503 && ready.body().contains("rabbitmq")) {
          return ready.body();
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100); // poll interval, bounded by the deadline
    }
    throw new AssertionError("port " + port + " did not answer /ready 503 within 60 s");
  }

  static void awaitReady(Process process, int port) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      assertThat(process.isAlive()).as("the service process is running").isTrue();
      try {
        if (send("GET", port, "/ready", null, null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100); // poll interval, bounded by the deadline
    }
    throw new AssertionError("port " + port + " not ready within 60 s");
  }

  /** {@code java -jar … token NAME [flags]} with the services' environment: the token it prints. */
  String token(Map<String, String> env, String name, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("token", name));
    args.addAll(List.of(flags));
    Process process = start(args, env);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("token printed within 60 s").isTrue();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.exitValue()).as(printed).isEqualTo(0);
    return printed.lines().reduce((first, last) -> last).orElseThrow();
  }

  /** Deposits {@code amount} for {@code player} at bet-maker on {@code port}, as {@code operator}: it must be answered 201. */
  static void deposit(int port, String operator, String player, String amount) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/wallet/deposits"))
      .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("Authorization", "Bearer " + operator)
      .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
      .POST(HttpRequest.BodyPublishers.ofString("{\"player_id\":\"" + player + "\",\"amount\":\"" + amount + "\"}")).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
  }

  /** {@code java -jar … ledger verify} with the services' environment: its exit code and what it printed. */
  String ledgerVerify(Map<String, String> env) throws Exception {
    Process process = start(List.of("ledger", "verify"), env);
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ledger verify within 60 s").isTrue();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return process.exitValue() + " " + printed;
  }

  static HttpResponse<String> send(String method, int port, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    process.waitFor(60, TimeUnit.SECONDS);
  }
}
