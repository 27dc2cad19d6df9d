package io.eventwalker.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The real PostgreSQL, Redis and RabbitMQ the integration tests run against: their addresses come
 * from the environment ({@code PG_HOST}, {@code PG_PORT}, {@code REDIS_URL}, {@code RABBITMQ_HOST},
 * ...) with this machine's defaults. When one does not answer the tests fail, saying how to start
 * it; they are never skipped.
 */
public final class Backing {

  public static final String PG_HOST = env("PG_HOST", "127.0.0.1");
  public static final int PG_PORT = Integer.parseInt(env("PG_PORT", "5432"));
  public static final String PG_DATABASE = env("PG_DATABASE", "postgres");
  public static final String PG_USER = env("PG_USER", "postgres");
  public static final String PG_PASSWORD = env("PG_PASSWORD", "");
  public static final String REDIS_HOST = env("REDIS_HOST", "127.0.0.1");
  public static final int REDIS_PORT = Integer.parseInt(env("REDIS_PORT", "6379"));
  public static final String RABBITMQ_HOST = env("RABBITMQ_HOST", "127.0.0.1");
  public static final int RABBITMQ_PORT = Integer.parseInt(env("RABBITMQ_PORT", "5672"));
  public static final String RABBITMQ_USER = env("RABBITMQ_USER", "guest");
  public static final String RABBITMQ_PASSWORD = env("RABBITMQ_PASSWORD", "guest");

  private static volatile boolean checked;

  private Backing() {
  }

  /** Fails with instructions unless all three services accept connections. */
  public static void requireRunning() {
    if (checked) {
      return;
    }
    List<String> down = new ArrayList<>();
    probe(down, "PostgreSQL", PG_HOST, PG_PORT,
      "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    probe(down, "Redis", REDIS_HOST, REDIS_PORT,
      "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no");
    probe(down, "RabbitMQ", RABBITMQ_HOST, RABBITMQ_PORT, "rabbitmq-server -detached");
    if (!down.isEmpty()) {
      throw new AssertionError("integration tests need real services, and these do not answer:\n  "
        + String.join("\n  ", down)
        + "\n(.ci/run starts them; addresses come from PG_HOST/PG_PORT, REDIS_HOST/REDIS_PORT, RABBITMQ_HOST/RABBITMQ_PORT)");
    }
    ensureRabbitUsers();
    checked = true;
  }

  /**
   * The services connect to RabbitMQ as their own users (conf/: line-provider, bet-maker); this
   * creates them with their documented permissions, as the README's set-up does
   * ({@code bin/rabbitmq-users}, which needs rabbitmqctl on this machine).
   */
  static void ensureRabbitUsers() {
    java.nio.file.Path script = java.nio.file.Path.of("..", "bin", "rabbitmq-users").toAbsolutePath().normalize();
    try {
      Process process = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new AssertionError(script + " failed (it needs rabbitmqctl, run as root): " + output);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void probe(List<String> down, String name, String host, int port, String start) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
    } catch (IOException e) {
      down.add(name + " at " + host + ":" + port + " (" + e.getMessage() + "); start it with: " + start);
    }
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
