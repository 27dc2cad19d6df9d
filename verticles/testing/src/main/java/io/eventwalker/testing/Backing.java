package io.eventwalker.testing;

import io.vertx.pgclient.PgConnectOptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real PostgreSQL, Redis and RabbitMQ the integration tests run against, resolved once per test
 * JVM. Each is looked for at its configured address: the environment ({@code PG_HOST}, {@code PG_PORT},
 * {@code REDIS_HOST}, {@code RABBITMQ_HOST}, ...) with this machine's defaults. One that does not
 * answer there is started with Testcontainers when a Docker engine answers, and the tests are pointed
 * at the container; with no Docker engine the tests fail, saying how to start it. They are never
 * skipped.
 */
public final class Backing {

  /** How the tests reach one backing service. */
  enum Plan {
    /** It answers at its configured address: the tests use that address. */
    CONFIGURED,
    /** It does not, and a Docker engine does: the tests start it in a container and use that. */
    CONTAINER,
    /** Neither answers: the run fails, saying how to start the service. */
    UNAVAILABLE
  }

  /** PostgreSQL as the tests reach it. */
  public record Postgres(String host, int port, String database, String user, String password) {

    public PgConnectOptions connectOptions() {
      return new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password);
    }
  }

  /** Redis as the tests reach it. */
  public record RedisServer(String host, int port) {

    /** The connection string the services read from {@code REDIS_URL}. */
    public String url() {
      return "redis://" + host + ":" + port;
    }
  }

  /** RabbitMQ as the tests reach it, with the tests' own user ({@code RABBITMQ_USER}, guest by default). */
  public record RabbitMq(String host, int port, String user, String password) {
  }

  /** A service at its configured address, and the command that starts it on this machine. */
  record Configured(String name, String host, int port, String start) {

    /** Why a TCP connection to the configured address fails, or empty when it is accepted. */
    Optional<String> refusal() {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 2_000);
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of(String.valueOf(e.getMessage()));
      }
    }

    /** One line of the failure: where it was looked for, why it did not answer, how to start it. */
    String howToStart(String refusal) {
      return name + " at " + host + ":" + port + " (" + refusal + "); start it with: " + start;
    }
  }

  private static final Configured PG = new Configured("PostgreSQL",
    env("PG_HOST", "127.0.0.1"), Integer.parseInt(env("PG_PORT", "5432")),
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
  private static final Configured REDIS = new Configured("Redis",
    env("REDIS_HOST", "127.0.0.1"), Integer.parseInt(env("REDIS_PORT", "6379")),
    "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no");
  private static final Configured RABBITMQ = new Configured("RabbitMQ",
    env("RABBITMQ_HOST", "127.0.0.1"), Integer.parseInt(env("RABBITMQ_PORT", "5672")),
    "rabbitmq-server -detached");

  // The same major versions as docker-compose.yml.
  private static final String POSTGRES_IMAGE = "postgres:15-alpine";
  private static final String REDIS_IMAGE = "redis:7-alpine";
  private static final String RABBITMQ_IMAGE = "rabbitmq:3.13-management-alpine";

  private record Resolved(Postgres postgres, RedisServer redis, RabbitMq rabbitmq, Optional<RabbitMQContainer> rabbitContainer) {
  }

  private static Resolved resolved;
  private static AssertionError containerFailure;

  private Backing() {
  }

  /** Fails with instructions unless all three services answer, where configured or in a container. */
  public static void requireRunning() {
    resolve();
  }

  public static Postgres postgres() {
    return resolve().postgres();
  }

  public static RedisServer redis() {
    return resolve().redis();
  }

  public static RabbitMq rabbitmq() {
    return resolve().rabbitmq();
  }

  /** The services' variables that point them at these three (a service run in or out of the test's JVM reads them alike). */
  public static Map<String, String> environment() {
    Postgres postgres = postgres();
    RabbitMq rabbitmq = rabbitmq();
    return Map.of("PG_HOST", postgres.host(), "PG_PORT", String.valueOf(postgres.port()), "PG_DATABASE", postgres.database(),
      "PG_USER", postgres.user(), "PG_PASSWORD", postgres.password(), "REDIS_URL", redis().url(),
      "RABBITMQ_HOST", rabbitmq.host(), "RABBITMQ_PORT", String.valueOf(rabbitmq.port()));
  }

  /**
   * Where a service comes from: its configured address when it answers there, else a container when
   * Docker is available, else nowhere (the run fails).
   */
  static Plan decide(boolean answers, boolean dockerAvailable) {
    if (answers) {
      return Plan.CONFIGURED;
    }
    return dockerAvailable ? Plan.CONTAINER : Plan.UNAVAILABLE;
  }

  /**
   * Probes the three configured addresses and, only when one does not answer, asks whether Docker is
   * available; starts what needs a container. A service that answers nowhere is not remembered (the
   * next test probes again); containers that did not start are (no later test waits for them again).
   */
  private static synchronized Resolved resolve() {
    if (resolved != null) {
      return resolved;
    }
    if (containerFailure != null) {
      throw new AssertionError(containerFailure.getMessage(), containerFailure);
    }
    Optional<String> pgRefusal = PG.refusal();
    Optional<String> redisRefusal = REDIS.refusal();
    Optional<String> rabbitRefusal = RABBITMQ.refusal();
    boolean docker = Stream.of(pgRefusal, redisRefusal, rabbitRefusal).anyMatch(Optional::isPresent) && dockerAvailable();
    Plan pgPlan = decide(pgRefusal.isEmpty(), docker);
    Plan redisPlan = decide(redisRefusal.isEmpty(), docker);
    Plan rabbitPlan = decide(rabbitRefusal.isEmpty(), docker);

    List<String> down = new ArrayList<>();
    if (pgPlan == Plan.UNAVAILABLE) {
      down.add(PG.howToStart(pgRefusal.orElseThrow()));
    }
    if (redisPlan == Plan.UNAVAILABLE) {
      down.add(REDIS.howToStart(redisRefusal.orElseThrow()));
    }
    if (rabbitPlan == Plan.UNAVAILABLE) {
      down.add(RABBITMQ.howToStart(rabbitRefusal.orElseThrow()));
    }
    if (!down.isEmpty()) {
      throw new AssertionError(unavailable(down));
    }
    try {
      resolved = connect(pgPlan, redisPlan, rabbitPlan);
      return resolved;
    } catch (AssertionError e) {
      if (Stream.of(pgPlan, redisPlan, rabbitPlan).anyMatch(Plan.CONTAINER::equals)) {
        containerFailure = e;
      }
      throw e;
    }
  }

  private static Resolved connect(Plan pgPlan, Plan redisPlan, Plan rabbitPlan) {
    Postgres postgres = pgPlan == Plan.CONFIGURED
      ? new Postgres(PG.host(), PG.port(), env("PG_DATABASE", "postgres"), env("PG_USER", "postgres"), env("PG_PASSWORD", ""))
      : startPostgres();
    RedisServer redis = redisPlan == Plan.CONFIGURED ? new RedisServer(REDIS.host(), REDIS.port()) : startRedis();
    if (rabbitPlan == Plan.CONFIGURED) {
      ensureRabbitUsers();
      return new Resolved(postgres, redis,
        new RabbitMq(RABBITMQ.host(), RABBITMQ.port(), env("RABBITMQ_USER", "guest"), env("RABBITMQ_PASSWORD", "guest")),
        Optional.empty());
    }
    RabbitMQContainer container = startRabbitMq();
    RabbitCommands.usersIn(container, Map.of());
    return new Resolved(postgres, redis,
      new RabbitMq(container.getHost(), container.getAmqpPort(), container.getAdminUsername(), container.getAdminPassword()),
      Optional.of(container));
  }

  /** The failure when some service answers neither where configured nor in a container. */
  static String unavailable(List<String> down) {
    return "integration tests need real services, and these do not answer:\n  "
      + String.join("\n  ", down)
      + "\n(.ci/run starts them; addresses come from PG_HOST/PG_PORT, REDIS_HOST/REDIS_PORT, RABBITMQ_HOST/RABBITMQ_PORT;"
      + " no Docker engine answers either, so Testcontainers cannot start them)";
  }

  private static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  // Containers stay up until the test JVM exits; Testcontainers removes them then.

  private static Postgres startPostgres() {
    PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(POSTGRES_IMAGE));
    start(container, PG);
    return new Postgres(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
      container.getUsername(), container.getPassword());
  }

  private static RedisServer startRedis() {
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE)).withExposedPorts(6379);
    start(container, REDIS);
    return new RedisServer(container.getHost(), container.getMappedPort(6379));
  }

  private static RabbitMQContainer startRabbitMq() {
    RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse(RABBITMQ_IMAGE));
    start(container, RABBITMQ);
    return container;
  }

  private static void start(GenericContainer<?> container, Configured service) {
    try {
      container.start();
    } catch (RuntimeException e) {
      throw new AssertionError(service.name() + " does not answer at " + service.host() + ":" + service.port()
        + " and its container " + container.getDockerImageName() + " did not start; start it with: " + service.start(), e);
    }
  }

  /**
   * The services connect to RabbitMQ as their own users (conf/: line-provider, bet-maker); this
   * creates them with their documented permissions, as the README's set-up does
   * ({@code bin/rabbitmq-users}, which needs rabbitmqctl on this machine).
   */
  static void ensureRabbitUsers() {
    RabbitCommands.users(Map.of());
  }

  /**
   * Runs {@code bin/rabbitmq-users} with {@code variables} ({@code RABBITMQ_VHOST},
   * {@code BM_RABBITMQ_USER}, …) on the broker the tests use, as an operator would to fix what a
   * service reports.
   */
  public static void rabbitmqUsers(Map<String, String> variables) {
    Optional<RabbitMQContainer> container = resolve().rabbitContainer();
    if (container.isPresent()) {
      RabbitCommands.usersIn(container.get(), variables);
    } else {
      RabbitCommands.users(variables);
    }
  }

  /**
   * Runs {@code rabbitmqctl} against the broker the tests use (this machine's, or the container's)
   * and returns what it printed; fails unless it exits with 0 within a minute.
   */
  public static String rabbitmqctl(String... args) {
    return RabbitCommands.rabbitmqctl(resolve().rabbitContainer(), args);
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
