package io.eventwalker.platform.dependencies;

import java.net.URI;

/**
 * A backing service as a service reaches it: what it is, where (host and port) and as whom (the
 * database or vhost, the user, and the configuration key that holds the password, never the
 * password itself). {@link #toString()} is how every log line and readiness answer names it.
 */
public record Dependency(Kind kind, String host, int port, String scope, String user, String passwordKey) {

  public enum Kind {
    POSTGRESQL("PostgreSQL"), REDIS("Redis"), RABBITMQ("RabbitMQ");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    @Override
    public String toString() {
      return title;
    }
  }

  public static Dependency postgres(String host, int port, String database, String user) {
    return new Dependency(Kind.POSTGRESQL, host, port, database, user, "PG_PASSWORD");
  }

  /** {@code passwordKey}: the configuration key the user's password comes from. */
  public static Dependency rabbitmq(String host, int port, String vhost, String user, String passwordKey) {
    return new Dependency(Kind.RABBITMQ, host, port, vhost, user, passwordKey);
  }

  /** Redis at the host and port of a {@code REDIS_URL} (a password in the URL is left out). */
  public static Dependency redis(String url) {
    String host = "?";
    int port = 6379;
    try {
      URI uri = URI.create(url);
      host = uri.getHost() != null ? uri.getHost() : host;
      port = uri.getPort() > 0 ? uri.getPort() : port;
    } catch (IllegalArgumentException malformed) {
      // named as "?": the client reports the malformed URL itself
    }
    return new Dependency(Kind.REDIS, host, port, "", "", "REDIS_URL");
  }

  /** {@code host:port}, an IPv6 literal in brackets. */
  public String address() {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case POSTGRESQL -> kind + " at " + address() + " (database " + scope + ", user " + user + ")";
      case RABBITMQ -> kind + " at " + address() + " (vhost " + scope + ", user " + user + ")";
      case REDIS -> kind + " at " + address();
    };
  }
}
