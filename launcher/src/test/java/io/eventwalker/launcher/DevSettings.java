package io.eventwalker.launcher;

import io.eventwalker.wire.Topology;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The settings a test gives {@code bin/dev}, as a user gives them (the configuration's variables):
 * free ports other than 8000/8001, and schemas, queues and Redis keys of the test's own, dropped
 * afterwards.
 */
final class DevSettings {

  private final String id = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private boolean given;

  /** The variables, with {@code .dev} in {@code devDir}. */
  Map<String, String> environment(Path devDir) throws IOException {
    given = true;
    Map<String, String> settings = new HashMap<>();
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
    run("psql", "-h", env("PG_HOST", "127.0.0.1"), "-U", env("PG_USER", "postgres"), "-d", env("PG_DATABASE", "postgres"),
      "-q", "-c", "DROP SCHEMA IF EXISTS lp_" + id + " CASCADE; DROP SCHEMA IF EXISTS bm_" + id + " CASCADE;");
    run("sh", "-c", "redis-cli --scan --pattern '" + id + ":*' | xargs -r redis-cli del");
    run("sh", "-c", "redis-cli --scan --pattern 'event-walker:bm-" + id + ":*' | xargs -r redis-cli del");
    run("rabbitmqctl", "-q", "delete_queue", id + ".line-provider.requests");
    run("rabbitmqctl", "-q", "delete_queue", Topology.updatesQueue("bm-" + id));
    run("rabbitmqctl", "-q", "delete_queue", Topology.deadLetterQueue("bm-" + id));
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

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    process.waitFor(60, TimeUnit.SECONDS);
  }
}
