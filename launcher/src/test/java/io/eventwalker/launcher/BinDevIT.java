package io.eventwalker.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/dev} where a backing service does not answer. This machine has no Docker engine, so a
 * stand-in {@code docker} first on the PATH plays one: it records every call, and its {@code run}
 * starts the service on this machine on the port asked for (Redis, here) instead of a container.
 * What is checked is bin/dev's side: a container only for the service that does not answer, of the
 * image the tests' fallback uses, on the configured port; and without an engine, the command that
 * installs and starts the service.
 */
class BinDevIT {

  private static final String FAKE_DOCKER = """
    #!/usr/bin/env bash
    state=%s
    echo "$*" >> "$state/calls"
    case $1 in
      info) [[ -f $state/engine ]] ;;
      inspect) name=${*: -1}; [[ -f $state/$name ]] || exit 1; [[ $2 == -f ]] && echo true; exit 0 ;;
      run)
        shift; name=; port=
        while (( $# > 1 )); do
          case $1 in --name) name=$2; shift 2 ;; -p) port=$(awk -F: '{print $(NF-1)}' <<<"$2"); shift 2 ;; -e) shift 2 ;; *) shift ;; esac
        done
        [[ $1 == redis:* ]] || exit 1
        redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no >/dev/null || exit 1
        echo "$port" > "$state/$name"; echo fake-container ;;
      exec)
        shift; [[ $1 == -i ]] && shift
        name=$1; shift
        [[ $1 == redis-cli ]] || exit 1
        shift; exec redis-cli -p "$(cat "$state/$name")" "$@" ;;
      *) exit 1 ;;
    esac
    """;

  private final DevSettings settings = new DevSettings();
  private final List<DevScript> started = new ArrayList<>();
  private Integer redisPort;

  @AfterEach
  void stop() throws Exception {
    for (DevScript dev : started) {
      dev.close();
    }
    if (redisPort != null) {
      // The Redis the stand-in started, if it did: the one on this test's own port.
      new ProcessBuilder("redis-cli", "-p", String.valueOf(redisPort), "shutdown", "nosave").redirectErrorStream(true).start()
        .waitFor(30, TimeUnit.SECONDS);
    }
    settings.dropWhatTheServicesMade();
  }

  @Test
  void withADockerEngineAServiceThatDoesNotAnswerRunsInAContainerOfTheTestsImageOnItsPort() throws Exception {
    Path state = Files.createTempDirectory("fake-docker");
    Files.createFile(state.resolve("engine"));
    redisPort = DevSettings.freePort();
    Map<String, String> environment = environment(state, redisPort);

    DevScript dev = new DevScript(environment);
    started.add(dev);
    dev.awaitLine(DevScript.READY, Duration.ofSeconds(240));
    List<String> calls = Files.readAllLines(state.resolve("calls"));
    assertThat(calls).as("docker calls").contains("run -d --name event-walker-dev-redis -p 127.0.0.1:" + redisPort + ":6379 redis:7-alpine");
    assertThat(calls).as("a container only for what does not answer").filteredOn(call -> call.startsWith("run ")).hasSize(1);

    DevScript reset = new DevScript(environment, "--reset");
    started.add(reset);
    assertThat(reset.exitStatus(Duration.ofSeconds(120))).as("--reset while the services run").isEqualTo(1);
    assertThat(reset.output()).contains("stop the services first");
    dev.stopsWithItsServices();
  }

  @Test
  void withoutADockerEngineAServiceThatDoesNotAnswerIsNamedWithTheCommandThatInstallsAndStartsIt() throws Exception {
    Path state = Files.createTempDirectory("fake-docker");
    redisPort = DevSettings.freePort();
    DevScript dev = new DevScript(environment(state, redisPort));
    started.add(dev);
    assertThat(dev.exitStatus(Duration.ofSeconds(120))).isEqualTo(1);
    assertThat(dev.output()).contains("Redis does not answer at 127.0.0.1:" + redisPort)
      .contains("apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port " + redisPort)
      .doesNotContain("PostgreSQL does not answer").doesNotContain("RabbitMQ does not answer");
    assertThat(Files.readAllLines(state.resolve("calls"))).noneMatch(call -> call.startsWith("run "));
    redisPort = null;
  }

  /**
   * --reset asks PostgreSQL who is connected, not only its own URLs: a service of these names
   * running elsewhere (here a connection named as bet-maker names its own) stops it, and nothing is
   * dropped. Once it is gone, the reset removes the services' keys and leaves a key that merely
   * shares the prefix (another deployment's, {@code <prefix>staging:…}).
   */
  @Test
  void aResetRefusesWhileAServiceIsConnectedAndLeavesAnotherDeploymentsKeys() throws Exception {
    Map<String, String> environment = settings.environment(Files.createTempDirectory("event-walker-dev"));
    String prefix = settings.redisPrefix();
    String lpSchema = environment.get("LP_PG_SCHEMA");
    DevSettings.psql(settings.database(), "CREATE SCHEMA " + lpSchema + "; CREATE TABLE " + lpSchema + ".marker (id int)");
    List<String> services = List.of(prefix + "subscribers:e1", prefix + "subscribers-all", prefix + "rate:alice",
      "event-walker:" + settings.subscriber() + ":rate:alice");
    List<String> siblings = List.of(prefix + "staging:x", prefix + "staging:subscribers:e1");
    for (String key : concat(services, siblings)) {
      DevSettings.run("redis-cli", "set", key, "1");
    }

    ProcessBuilder connection = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", settings.database(),
      "-q", "-c", "SELECT pg_sleep(300)").redirectErrorStream(true);
    connection.environment().put("PGAPPNAME", "event-walker-bet-maker");
    Process live = connection.start();
    try {
      awaitConnections(1);
      DevScript refused = new DevScript(environment, "--reset");
      started.add(refused);
      assertThat(refused.exitStatus(Duration.ofSeconds(180))).as("--reset while a service is connected").isEqualTo(1);
      assertThat(refused.output()).contains("reset refused, nothing dropped")
        .contains("PostgreSQL database " + settings.database() + ": event-walker-bet-maker is connected")
        .contains("stop the services using these names").doesNotContain("reset: dropping");
      assertThat(DevSettings.psql(settings.database(), "SELECT to_regclass('" + lpSchema + ".marker') IS NOT NULL")).isEqualTo("t");
      for (String key : concat(services, siblings)) {
        assertThat(DevSettings.run("redis-cli", "exists", key)).as("%s after a refused reset", key).isEqualTo("1");
      }
    } finally {
      live.destroy();
      live.waitFor(30, TimeUnit.SECONDS);
      // psql gone, its server process would sleep on: ended as a stopped service's would be.
      DevSettings.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
        + settings.database() + "' AND application_name = 'event-walker-bet-maker'");
    }
    awaitConnections(0);

    DevScript reset = new DevScript(environment, "--reset");
    started.add(reset);
    reset.awaitLine("dev: reset: removed", Duration.ofSeconds(180));
    assertThat(reset.output()).contains("reset: dropping the schemas " + lpSchema);
    assertThat(DevSettings.psql(settings.database(), "SELECT to_regclass('" + lpSchema + ".marker') IS NULL")).isEqualTo("t");
    for (String key : List.of(prefix + "subscribers:e1", prefix + "rate:alice", "event-walker:" + settings.subscriber() + ":rate:alice")) {
      assertThat(DevSettings.run("redis-cli", "exists", key)).as("%s after the reset", key).isEqualTo("0");
    }
    for (String key : siblings) {
      assertThat(DevSettings.run("redis-cli", "exists", key)).as("another deployment's %s after the reset", key).isEqualTo("1");
    }
  }

  /** Waits until {@code count} connections named as bet-maker names its own are on the test's database. */
  private void awaitConnections(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + settings.database()
      + "' AND application_name = 'event-walker-bet-maker'";
    while (!DevSettings.psql("postgres", sql).equals(String.valueOf(count))) {
      assertThat(System.nanoTime()).as("%d connection(s) on %s within 30 s", count, settings.database()).isLessThan(deadline);
      Thread.sleep(100); // poll interval, bounded by the deadline
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** bin/dev's images are the tests' fallback's (Backing.java), each spelled the same. */
  @Test
  void theContainersAreOfTheImagesTheTestsUse() throws Exception {
    Map<String, String> tests = images(Files.readString(
      DevScript.ROOT.resolve("verticles/testing/src/main/java/io/eventwalker/testing/Backing.java")), "([A-Z]+)_IMAGE = \"([^\"]+)\"");
    Map<String, String> dev = images(Files.readString(DevScript.ROOT.resolve("bin/dev")), "(?m)^([A-Z]+)_IMAGE=(\\S+)$");
    assertThat(tests).containsOnlyKeys("POSTGRES", "REDIS", "RABBITMQ");
    assertThat(dev).isEqualTo(tests);
  }

  private static Map<String, String> images(String text, String regex) {
    Map<String, String> images = new TreeMap<>();
    Matcher matcher = Pattern.compile(regex).matcher(text);
    while (matcher.find()) {
      images.put(matcher.group(1), matcher.group(2));
    }
    return images;
  }

  /** The test's settings, Redis on a port where nothing answers, and the stand-in docker first on the PATH. */
  private Map<String, String> environment(Path state, int port) throws Exception {
    Path bin = Files.createDirectories(state.resolve("bin"));
    Path docker = bin.resolve("docker");
    Files.writeString(docker, FAKE_DOCKER.formatted(state));
    Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwx------"));
    Files.createFile(state.resolve("calls"));
    Map<String, String> environment = settings.environment(Files.createTempDirectory("event-walker-dev"));
    environment.put("REDIS_URL", "redis://127.0.0.1:" + port);
    environment.put("PATH", bin + ":" + DevScript.JAVA_BIN + ":" + System.getenv("PATH"));
    return environment;
  }
}
