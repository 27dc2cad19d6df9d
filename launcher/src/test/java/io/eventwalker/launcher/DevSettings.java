package io.eventwalker.launcher;

import io.eventwalker.wire.Topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The settings a test gives {@code bin/dev}, as a user gives them (the configuration's variables):
 * free ports other than 8000/8001, a PostgreSQL database, schemas, queues and Redis keys of the
 * test's own, dropped afterwards (a database of its own: {@code --reset} refuses while any Event
 * Walker service is connected to its database, and other services may use the shared one).
 */
final class DevSettings {

  private final String id = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private boolean given;

  /** The variables, with {@code .dev} in {@code devDir}. */
  Map<String, String> environment(Path devDir) throws Exception {
    given = true;
    psql("postgres", "CREATE DATABASE " + database());
    Map<String, String> settings = new HashMap<>();
    settings.put("PG_DATABASE", database());
    settings.put("LP_HTTP_PORT", String.valueOf(freePort()));
    settings.put("BM_HTTP_PORT", String.valueOf(freePort()));
    settings.put("LP_PG_SCHEMA", "lp_" + id);
    settings.put("BM_PG_SCHEMA", "bm_" + id);
    settings.put("BM_SUBSCRIBER", "bm-" + id);
    settings.put("LP_SUBSCRIBERS", "bet-maker:bm-" + id);
    settings.put("LP_REDIS_PREFIX", id + ":lp:");
    settings.put("LINE_PROVIDER_QUEUE", id + ".line-provider.requests");
    settings.put("EW_DEV_DIR", devDir.toString());
    return settings;
  }

  /** The schemas, Redis keys and queues the services made under these settings, if they were given. */
  void dropWhatTheServicesMade() throws Exception {
    if (!given) {
      return;
    }
    psql("postgres", "DROP DATABASE IF EXISTS " + database() + " WITH (FORCE)");
    run("sh", "-c", "redis-cli --scan --pattern '" + id + ":*' | xargs -r redis-cli del");
    run("sh", "-c", "redis-cli --scan --pattern 'event-walker:bm-" + id + ":*' | xargs -r redis-cli del");
    run("rabbitmqctl", "-q", "delete_queue", id + ".line-provider.requests");
    run("rabbitmqctl", "-q", "delete_queue", Topology.updatesQueue("bm-" + id));
    run("rabbitmqctl", "-q", "delete_queue", Topology.deadLetterQueue("bm-" + id));
  }

  /** The test's database. */
  String database() {
    return "ew_" + id;
  }

  /** The test's Redis key prefix of line-provider ({@code LP_REDIS_PREFIX}), and bet-maker's subscriber. */
  String redisPrefix() {
    return id + ":lp:";
  }

  String subscriber() {
    return "bm-" + id;
  }

  /** {@code sql} run by psql on {@code database} as the tests' user; psql's output. */
  static String psql(String database, String sql) throws Exception {
    return run("psql", "-h", env("PG_HOST", "127.0.0.1"), "-U", env("PG_USER", "postgres"), "-d", database, "-At", "-q", "-c", sql);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }

  static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(60, TimeUnit.SECONDS);
    return output.strip();
  }
}
