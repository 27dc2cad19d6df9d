package io.eventwalker.platform.messaging;

import io.eventwalker.platform.config.Settings;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.DependencyConfig;

/**
 * Where RabbitMQ is and who a service is there ({@code RABBITMQ_*}, and the service's own user and
 * password keys: each service connects as its own user, so the broker can tell who published).
 * {@code passwordKey} names the key the password came from, for messages that must say which
 * setting to fix; {@code dependencies}: how failures to connect are retried and logged.
 */
public record RabbitConfig(String host, int port, String vhost, String user, String password, String passwordKey,
                           int connectTimeoutMs, int heartbeatS, int reconnectMs, int callTimeoutMs, DependencyConfig dependencies) {

  public static RabbitConfig read(Settings settings, String userKey, String passwordKey, DependencyConfig dependencies) {
    return new RabbitConfig(
      settings.string("RABBITMQ_HOST"),
      settings.integer("RABBITMQ_PORT", 1, 65535),
      settings.string("RABBITMQ_VHOST"),
      settings.string(userKey),
      settings.string(passwordKey),
      passwordKey,
      settings.integer("RABBITMQ_CONNECT_TIMEOUT_MS", 100, 60_000),
      settings.integer("RABBITMQ_HEARTBEAT_S", 1, 600),
      settings.integer("RABBITMQ_RECONNECT_MS", 50, 60_000),
      settings.integer("RABBITMQ_CALL_TIMEOUT_MS", 100, 600_000),
      dependencies);
  }

  /** The broker as this configuration reaches it, for logs and readiness answers. */
  public Dependency dependency() {
    return Dependency.rabbitmq(host, port, vhost, user, passwordKey);
  }

  @Override
  public String toString() {
    return "RabbitConfig[" + user + "@" + host + ":" + port + vhost + "]";
  }
}
