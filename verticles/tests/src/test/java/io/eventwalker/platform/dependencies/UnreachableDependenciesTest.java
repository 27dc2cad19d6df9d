package io.eventwalker.platform.dependencies;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.eventwalker.lineprovider.LineProviderVerticle;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One policy for a dependency that does not answer, PostgreSQL, Redis or RabbitMQ alike
 * (docs/operations.md): the service starts (or stays up), {@code /health} answers 200 and
 * {@code /ready} 503 naming the dependency, where it is and as whom, and why; the log says the
 * same, an ERROR with what to do when waiting will not cure it, at most once per
 * {@code DEPENDENCY_LOG_INTERVAL_MS} with the count of failed attempts; and the service recovers by
 * itself once the cause is gone. Each test runs on a port nothing listens on, or in its own vhost,
 * user or database, made to exist halfway through.
 */
class UnreachableDependenciesTest {

  private static final long INTERVAL_MS = 1_000;
  private static final Pattern FAILED_SINCE = Pattern.compile("(\\d+) failed attempts? since the last line");

  private final LogCapture logs = new LogCapture();
  private final List<Runnable> cleanups = new ArrayList<>();
  private TestSystem system;

  @AfterEach
  void close() {
    try {
      cleanups.forEach(Runnable::run);
    } finally {
      try {
        if (system != null) {
          system.close();
        }
      } finally {
        logs.close();
      }
    }
  }

  /** Failures logged at most once a second, retried every 50 to 100 ms: many attempts to each line. */
  private static void often(JsonObject config) {
    config.put("DEPENDENCY_LOG_INTERVAL_MS", INTERVAL_MS).put("DEPENDENCY_RETRY_MAX_MS", 100).put("RABBITMQ_RECONNECT_MS", 50);
  }

  @Test
  void aWrongRabbitMqPortIsNamedOnReadyAndLoggedOncePerIntervalWithTheCount() throws IOException {
    int port = freePort();
    system = TestSystem.start(false, true, line -> { }, bets -> {
      often(bets);
      bets.put("RABBITMQ_PORT", port);
    });
    Http betMaker = new Http(betMakerPort());
    String broker = "RabbitMQ at 127.0.0.1:" + port + " (vhost /, user bet-maker)";

    assertThat(betMaker.get("/health").status()).isEqualTo(200);
    Http.Response ready = betMaker.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.object().getJsonObject("checks").getString("rabbitmq"))
      .startsWith("DOWN: " + broker).contains("connection refused").contains("RABBITMQ_HOST and RABBITMQ_PORT");

    List<ILoggingEvent> lines = throttled(broker, 3);
    assertThat(lines).allSatisfy(line -> assertThat(line.getLevel()).as(line.getFormattedMessage()).isEqualTo(Level.WARN));
    assertThat(lines.get(0).getFormattedMessage()).contains("cannot reach " + broker + ": connection refused");
    assertThat(failedSince(lines.get(2))).as("attempts counted into one line").isGreaterThan(1);
    assertThat(logs.events()).as("the RabbitMQ client's own WARN for each refused attempt")
      .noneMatch(event -> event.getLoggerName().startsWith("com.rabbitmq") && event.getLevel().isGreaterOrEqual(Level.WARN));
  }

  @Test
  void anUnknownVhostIsAnErrorSayingWhatToDoAndBothServicesRecoverOnceItExists() {
    String vhost = "ew-" + UUID.randomUUID().toString().substring(0, 8);
    system = TestSystem.start(true, true, line -> {
      often(line);
      line.put("RABBITMQ_VHOST", vhost);
    }, bets -> {
      often(bets);
      bets.put("RABBITMQ_VHOST", vhost);
    });
    cleanups.add(() -> Backing.rabbitmqctl("delete_vhost", vhost));
    String broker = "RabbitMQ at " + Backing.rabbitmq().host() + ":" + Backing.rabbitmq().port() + " (vhost " + vhost + ", user bet-maker)";
    List<ILoggingEvent> lines = throttled(broker, 2);
    assertThat(lines).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.ERROR));
    assertThat(lines.get(0).getFormattedMessage())
      .contains("the vhost " + vhost + " does not exist (NOT_ALLOWED)")
      .contains("rabbitmqctl add_vhost " + vhost).contains("RABBITMQ_VHOST=" + vhost + " bin/rabbitmq-users")
      .doesNotContain("(null)");
    Http betMaker = new Http(betMakerPort());
    assertThat(betMaker.get("/ready").object().getJsonObject("checks").getString("rabbitmq"))
      .contains(broker).contains("does not exist");

    // What the line says to do:
    Backing.rabbitmqctl("add_vhost", vhost);
    Backing.rabbitmqUsers(Map.of("RABBITMQ_VHOST", vhost));

    Http lineProvider = new Http(port("line-provider"));
    Await.until("both services ready", Duration.ofSeconds(60),
      () -> betMaker.get("/ready").status() == 200 && lineProvider.get("/ready").status() == 200);
    assertThat(logs.any(event -> event.getLevel() == Level.INFO && event.getFormattedMessage().contains("reached " + broker + " again")))
      .isTrue();
    // Requests travel over the broker in the new vhost: an event created at line-provider is open at bet-maker.
    long deadline = System.currentTimeMillis() / 1000 + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"vhost-1\",\"ratio\":1.5,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
    assertThat(system.betMaker().get("/events").body()).contains("\"event_id\":\"vhost-1\"");
  }

  @Test
  void aRefusedLoginIsAnErrorNamingTheUserNeverThePasswordAndRecoversOnceTheUserExists() {
    String user = "ew-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "pw-" + UUID.randomUUID();
    system = TestSystem.start(false, true, line -> { }, bets -> {
      often(bets);
      bets.put("BM_RABBITMQ_USER", user).put("BM_RABBITMQ_PASSWORD", password);
    });
    cleanups.add(() -> Backing.rabbitmqctl("delete_user", user));
    String broker = "RabbitMQ at " + Backing.rabbitmq().host() + ":" + Backing.rabbitmq().port() + " (vhost /, user " + user + ")";
    List<ILoggingEvent> lines = throttled(broker, 2);
    assertThat(lines).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.ERROR));
    assertThat(lines.get(0).getFormattedMessage())
      .contains("refused the login of user " + user + " (ACCESS_REFUSED)")
      .contains("run bin/rabbitmq-users").contains("BM_RABBITMQ_PASSWORD");
    Http betMaker = new Http(betMakerPort());
    String ready = betMaker.get("/ready").body();
    assertThat(ready).contains(broker).contains("ACCESS_REFUSED");

    Backing.rabbitmqUsers(Map.of("BM_RABBITMQ_USER", user, "BM_RABBITMQ_PASSWORD", password));
    Await.until("bet-maker ready", Duration.ofSeconds(60), () -> betMaker.get("/ready").status() == 200);
    assertThat(ready).doesNotContain(password);
    assertThat(logs.events()).noneMatch(event -> event.getFormattedMessage().contains(password));
  }

  @Test
  void aWrongPostgresPortKeepsTheServiceAliveNotReadyAndSayingWhy() throws IOException {
    int port = freePort();
    system = TestSystem.start(false, false, line -> {
      often(line);
      line.put("PG_PORT", port);
    }, bets -> { });
    Future<String> deployed = deployLineProvider();
    String postgres = "PostgreSQL at 127.0.0.1:" + port + " (database " + Backing.postgres().database() + ", user "
      + Backing.postgres().user() + ")";
    Http waiting = new Http(port("line-provider"));

    assertThat(waiting.get("/health").status()).isEqualTo(200);
    Http.Response ready = waiting.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.contentType()).startsWith("application/problem+json");
    assertThat(ready.object().getJsonObject("checks").getString("postgres"))
      .startsWith("DOWN: " + postgres).contains("connection refused").contains("PG_HOST and PG_PORT");
    Http.Response api = waiting.get("/events");
    assertThat(api.status()).isEqualTo(503);
    assertThat(api.object().getString("detail")).contains("waits for " + postgres);
    assertThat(api.header("Retry-After")).isNotNull();

    List<ILoggingEvent> lines = throttled(postgres, 3);
    assertThat(lines).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.WARN));
    assertThat(failedSince(lines.get(2))).isGreaterThan(1);
    assertThat(deployed.isComplete()).as("start-up waits; it neither fails nor exits").isFalse();
  }

  @Test
  void aMissingDatabaseIsAnErrorSayingWhatToDoAndTheServiceStartsOnceItIsCreated() {
    String database = "ew_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    system = TestSystem.start(false, false, line -> {
      often(line);
      line.put("PG_DATABASE", database);
    }, bets -> { });
    Future<String> deployed = deployLineProvider();
    cleanups.add(() -> {
      if (deployed.succeeded()) {
        system.vertx.undeploy(deployed.result()).otherwiseEmpty().await();
      }
      system.sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    });
    String postgres = "PostgreSQL at " + Backing.postgres().host() + ":" + Backing.postgres().port() + " (database " + database;
    List<ILoggingEvent> lines = throttled(postgres, 2);
    assertThat(lines).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.ERROR));
    assertThat(lines.get(0).getFormattedMessage()).contains("the database " + database + " does not exist")
      .contains("CREATE DATABASE \"" + database + "\"");

    system.sql("CREATE DATABASE " + database);
    Await.until("line-provider started", Duration.ofSeconds(60), deployed::isComplete);
    assertThat(deployed.succeeded()).as(String.valueOf(deployed.cause())).isTrue();
    Http lineProvider = new Http(port("line-provider"));
    Await.until("line-provider ready", Duration.ofSeconds(30), () -> lineProvider.get("/ready").status() == 200);
    assertThat(logs.any(event -> event.getLoggerName().endsWith("Banner")
      && event.getFormattedMessage().startsWith("line-provider serves at http://127.0.0.1:" + port("line-provider")))).isTrue();
  }

  @Test
  void redisOnAWrongPortIsNamedOnReadyAndLoggedOncePerInterval() throws IOException {
    int port = freePort();
    system = TestSystem.start(false, true, line -> { }, bets -> {
      often(bets);
      bets.put("REDIS_URL", "redis://127.0.0.1:" + port);
    });
    Http betMaker = new Http(betMakerPort());
    String redis = "Redis at 127.0.0.1:" + port;
    assertThat(betMaker.get("/health").status()).isEqualTo(200);
    Http.Response ready = betMaker.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.object().getJsonObject("checks").getString("redis")).startsWith("DOWN: " + redis).contains("connection refused");
    List<ILoggingEvent> lines = throttled(redis, 3);
    assertThat(lines).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.WARN));
    assertThat(failedSince(lines.get(2))).isGreaterThan(1);
  }

  /**
   * Waits for {@code count} lines of the outage log about {@code dependency}, and checks that no
   * two came within the interval of each other.
   */
  private List<ILoggingEvent> throttled(String dependency, int count) {
    List<ILoggingEvent> lines = Await.value(count + " log lines about " + dependency, Duration.ofSeconds(30),
      () -> logs.events().stream().filter(event -> event.getLoggerName().equals(OutageLog.class.getName())
        && event.getFormattedMessage().contains(dependency)).toList(), found -> found.size() >= count);
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i).getTimeStamp() - lines.get(i - 1).getTimeStamp())
        .as("time between two lines about %s", dependency).isGreaterThanOrEqualTo(INTERVAL_MS - 5);
    }
    return lines;
  }

  private static int failedSince(ILoggingEvent line) {
    Matcher count = FAILED_SINCE.matcher(line.getFormattedMessage());
    assertThat(count.find()).as(line.getFormattedMessage()).isTrue();
    return Integer.parseInt(count.group(1));
  }

  /** line-provider deployed without waiting for its start (it may wait for PostgreSQL). */
  private Future<String> deployLineProvider() {
    return system.vertx.deployVerticle(LineProviderVerticle::new, new DeploymentOptions().setConfig(system.lineProviderConfig));
  }

  private int betMakerPort() {
    return port("bet-maker");
  }

  /** The port a service's HTTP answers on now (its waiting room's, while it waits for PostgreSQL). */
  private int port(String service) {
    return Await.value(service + " listening", Duration.ofSeconds(30), () -> Routers.boundPort(system.vertx, service),
      port -> port != null);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
