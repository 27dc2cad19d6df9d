package io.eventwalker.launcher;

import io.eventwalker.betmaker.BetMakerConfig;
import io.eventwalker.betmaker.BetMakerVerticle;
import io.eventwalker.lineprovider.DeadLetterReplay;
import io.eventwalker.lineprovider.LineProviderConfig;
import io.eventwalker.lineprovider.LineProviderVerticle;
import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.auth.AuthConfig;
import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.config.Settings;
import io.eventwalker.platform.metrics.VertxRuntime;
import io.eventwalker.platform.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import sun.misc.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code java -jar event-walker.jar [line-provider|bet-maker|all] [--conf-dir DIR]}.
 *
 * <p>Each service reads {@code conf/<service>.json} — from {@code --conf-dir} (or the
 * {@code EW_CONF_DIR} environment variable) when given, otherwise the copy inside the jar — and
 * every key can be overridden by an environment variable of the same name. A config file that is
 * missing, unreadable or not JSON stops start-up with a message saying so.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final Map<String, Supplier<Deployable>> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("line-provider", LineProviderVerticle::new);
    SERVICES.put("bet-maker", BetMakerVerticle::new);
  }

  private static final long DEFAULT_GRACE_MS = 10_000;
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private static final AtomicBoolean CLOSED = new AtomicBoolean();

  private Main() {
  }

  public static void main(String[] args) {
    String logFormat = System.getenv("LOG_FORMAT");
    if (logFormat != null && !logFormat.isBlank() && !logFormat.equals("json") && !logFormat.equals("text")) {
      System.err.println("LOG_FORMAT must be json or text, got " + logFormat);
      System.exit(2);
    }
    long graceMs;
    try {
      graceMs = shutdownGraceMs(System.getenv("SHUTDOWN_GRACE_MS"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String service = "all";
    String confDir = System.getenv("EW_CONF_DIR");
    List<String> words = new ArrayList<>();
    boolean operator = false;
    long ttlSeconds = 24 * 3600;
    String url = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conf-dir") && i + 1 < args.length) {
        confDir = args[++i];
      } else if (args[i].equals("--url") && i + 1 < args.length) {
        url = args[++i];
      } else if (args[i].equals("--operator")) {
        operator = true;
      } else if (args[i].equals("--ttl-s") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,7}")) {
        ttlSeconds = Long.parseLong(args[++i]);
      } else if (args[i].equals("-h") || args[i].equals("--help")) {
        usage(0);
      } else if (!args[i].startsWith("-")) {
        words.add(args[i]);
      } else {
        usage(2);
      }
    }
    if (!words.isEmpty() && words.get(0).equals("dead-letters")) {
      System.exit(deadLetters(words.size() > 1 ? words.get(1) : "list", confDir));
    }
    if (!words.isEmpty() && words.get(0).equals("conflicts")) {
      System.exit(conflicts(words.subList(1, words.size()), url, confDir));
    }
    if (words.size() == 1 && words.get(0).equals("names")) {
      System.exit(names(confDir));
    }
    if (words.size() == 2 && words.get(0).equals("token")) {
      System.exit(token(words.get(1), operator, ttlSeconds, confDir));
    }
    if (operator) {
      usage(2);
    }
    if (words.size() > 1) {
      usage(2);
    }
    if (!words.isEmpty()) {
      service = words.get(0);
    }
    List<String> services = service.equals("all") ? new ArrayList<>(SERVICES.keySet()) : List.of(service);
    for (String name : services) {
      if (!SERVICES.containsKey(name)) {
        System.err.println("unknown service: " + name);
        usage(2);
      }
    }
    Optional<ClusterConfig> cluster = cluster(services);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    OpenTelemetry tracing;
    try {
      tracing = Tracing.fromEnvironment(System.getenv(), services.size() == 1 ? services.get(0) : "event-walker");
    } catch (RuntimeException e) {
      LOG.error("tracing cannot start with these OTEL_* settings: {}", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx;
    if (cluster.isPresent()) {
      try {
        vertx = VertxRuntime.createClustered(eventLoops(), services.get(0), cluster.get(), tracing).await(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        LOG.error("{} could not join its cluster: {}", services.get(0), e.getMessage());
        System.exit(1);
        return;
      }
      LOG.info("{} joined its cluster", services.get(0));
    } else {
      vertx = VertxRuntime.create(eventLoops(), tracing);
    }
    String dir = confDir;
    List<Future<String>> deployments = new ArrayList<>();
    for (String name : services) {
      deployments.add(loadConfig(vertx, name, dir)
        .compose(config -> vertx.deployVerticle(SERVICES.get(name), new DeploymentOptions().setConfig(config)))
        .onSuccess(id -> LOG.info("{} started", name))
        .onFailure(failure -> LOG.error("{} failed to start: {}", name, failure.getMessage())));
    }
    // No deadline of its own: a dependency that does not answer is waited for (logged, and shown on /ready).
    Future.all(deployments)
      .onFailure(failure -> {
        LOG.error("start-up failed; exiting");
        vertx.close().onComplete(closed -> System.exit(1));
      });
    Vertx running = vertx;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(running), "shutdown"));
    Signal.handle(new Signal("TERM"), signal -> stop(running, graceMs));
    Signal.handle(new Signal("INT"), signal -> stop(running, graceMs));
  }

  /**
   * SIGTERM (or SIGINT): drains the process ({@link Lifecycle}: {@code /ready} answers 503 at once,
   * new requests 503, requests and messages in hand are finished within {@code graceMs}), closes
   * Vert.x and exits 0. A second signal meanwhile changes nothing.
   */
  private static void stop(Vertx vertx, long graceMs) {
    if (STOPPING.getAndSet(true)) {
      return;
    }
    Thread stopper = new Thread(() -> {
      LOG.info("stopping: finishing the work in hand within {} ms", graceMs);
      try {
        Lifecycle.of(vertx).drain(vertx, graceMs).toCompletionStage().toCompletableFuture().get(graceMs + 1_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("stopping: the work in hand was not finished within SHUTDOWN_GRACE_MS ({} ms): {}", graceMs, e.getMessage());
      }
      close(vertx);
      LOG.info("stopped");
      System.exit(0);
    }, "stop");
    stopper.start();
  }

  private static void close(Vertx vertx) {
    if (CLOSED.getAndSet(true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown did not finish cleanly: {}", e.getMessage());
    }
  }

  /** {@code SHUTDOWN_GRACE_MS}: how long a stop waits for the work in hand, 0 to 10 minutes, 10 s by default. */
  static long shutdownGraceMs(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_GRACE_MS;
    }
    if (!value.matches("[0-9]{1,6}") || Long.parseLong(value) > 600_000) {
      throw new IllegalArgumentException("SHUTDOWN_GRACE_MS must be a number of milliseconds from 0 to 600000, got " + value);
    }
    return Long.parseLong(value);
  }

  /**
   * {@code CLUSTER_HOST}, {@code CLUSTER_PORT}, {@code CLUSTER_MEMBERS} ({@link ClusterConfig}):
   * a clustered instance runs one service, as the instances of one service form one cluster.
   */
  static Optional<ClusterConfig> cluster(List<String> services) {
    Optional<ClusterConfig> cluster;
    try {
      cluster = ClusterConfig.from(System.getenv());
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return Optional.empty();
    }
    if (cluster.isPresent() && services.size() != 1) {
      System.err.println("a clustered instance runs one service: name line-provider or bet-maker (CLUSTER_* is set)");
      System.exit(2);
    }
    return cluster;
  }

  /** {@code EVENT_LOOPS} from the environment: Vert.x event-loop threads (default: twice the cores). */
  static int eventLoops() {
    String value = System.getenv("EVENT_LOOPS");
    if (value == null || value.isBlank()) {
      return 0;
    }
    if (!value.matches("[1-9][0-9]{0,2}")) {
      throw new IllegalStateException("EVENT_LOOPS must be a whole number from 1 to 999, got " + value);
    }
    return Integer.parseInt(value);
  }

  /** The service's configuration file, then environment variables named like its keys. */
  static Future<JsonObject> loadConfig(Vertx vertx, String service, String confDir) {
    JsonObject file;
    try {
      file = readConfigFile(service, confDir);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(file))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("keys", new JsonArray(new ArrayList<>(file.fieldNames())))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().onComplete(done -> retriever.close());
  }

  static JsonObject readConfigFile(String service, String confDir) {
    String name = service + ".json";
    String text;
    String origin;
    try {
      if (confDir != null) {
        Path path = Path.of(confDir).toAbsolutePath().resolve(name);
        origin = path.toString();
        if (!Files.isReadable(path)) {
          throw new IllegalStateException("configuration file " + origin + " does not exist or is not readable");
        }
        text = Files.readString(path, StandardCharsets.UTF_8);
      } else {
        origin = "classpath:conf/" + name;
        try (InputStream in = Main.class.getClassLoader().getResourceAsStream("conf/" + name)) {
          if (in == null) {
            throw new IllegalStateException("configuration " + origin + " is missing from the jar");
          }
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("configuration file for " + service + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalStateException("configuration " + origin + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** {@code dead-letters list|replay}: see {@link DeadLetterReplay}. */
  private static int deadLetters(String action, String confDir) {
    if (!action.equals("list") && !action.equals("replay")) {
      usage(2);
    }
    Vertx vertx = Vertx.vertx();
    try {
      LineProviderConfig lineProvider = LineProviderConfig.read(loadConfig(vertx, "line-provider", confDir).await());
      BetMakerConfig betMaker = BetMakerConfig.read(loadConfig(vertx, "bet-maker", confDir).await());
      new DeadLetterReplay(lineProvider, betMaker.line().subscriber(), System.out).run(vertx, action.equals("replay"));
      return 0;
    } catch (Exception e) {
      System.err.println("dead-letters: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }

  /** {@code conflicts [list | resolve EVENT_ID] [--url URL]}: see {@link ConflictsCommand}. */
  private static int conflicts(List<String> words, String url, String confDir) {
    boolean list = words.isEmpty() || (words.size() == 1 && words.get(0).equals("list"));
    boolean resolve = words.size() == 2 && words.get(0).equals("resolve") && io.eventwalker.wire.EventIds.isValid(words.get(1));
    if (!list && !resolve) {
      usage(2);
    }
    Vertx vertx = Vertx.vertx();
    try {
      BetMakerConfig betMaker = BetMakerConfig.read(loadConfig(vertx, "bet-maker", confDir).await());
      return new ConflictsCommand(betMaker, System.out, System.err).run(vertx, list ? "list" : "resolve", list ? null : words.get(1), url);
    } catch (Exception e) {
      System.err.println("conflicts: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }

  /**
   * {@code names}: the names the services use on PostgreSQL, Redis and RabbitMQ under this
   * configuration (file and environment), as JSON, so that scripts driving the system (the fault
   * matrix, the benchmark) never spell them a second time.
   */
  private static int names(String confDir) {
    Vertx vertx = Vertx.vertx();
    try {
      LineProviderConfig line = LineProviderConfig.read(loadConfig(vertx, "line-provider", confDir).await());
      BetMakerConfig bets = BetMakerConfig.read(loadConfig(vertx, "bet-maker", confDir).await());
      System.out.println(Names.of(line, bets).encodePrettily());
      return 0;
    } catch (Exception e) {
      System.err.println("names: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }

  /**
   * {@code token <player> [--operator] [--ttl-s N]}: signs a token for local use with the
   * configured {@code AUTH_JWT_SECRET} (and {@code AUTH_JWT_ISSUER}/{@code AUTH_JWT_AUDIENCE} when
   * set): a player's for bet-maker, or with {@code --operator} one whose roles include
   * {@code operator}, for line-provider's writes. It prints the token alone, for a shell variable.
   */
  private static int token(String subject, boolean operator, long ttlSeconds, String confDir) {
    Vertx vertx = Vertx.vertx();
    try {
      String service = operator ? "line-provider" : "bet-maker";
      AuthConfig auth = AuthConfig.read(new Settings(service, loadConfig(vertx, service, confDir).await()));
      System.out.println(Tokens.sign(vertx, auth, subject, operator, ttlSeconds));
      return 0;
    } catch (Exception e) {
      System.err.println("token: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }

  private static void usage(int status) {
    System.err.println("usage: java -jar event-walker.jar [line-provider|bet-maker|all] [--conf-dir DIR]");
    System.err.println("       java -jar event-walker.jar dead-letters [list|replay] [--conf-dir DIR]");
    System.err.println("       java -jar event-walker.jar conflicts [list | resolve EVENT_ID] [--url URL] [--conf-dir DIR]");
    System.err.println("       java -jar event-walker.jar names [--conf-dir DIR]");
    System.err.println("       java -jar event-walker.jar token PLAYER [--operator] [--ttl-s SECONDS] [--conf-dir DIR]");
    System.exit(status);
  }
}
