package io.eventwalker.platform.db;

import io.eventwalker.platform.config.Settings;
import io.eventwalker.platform.dependencies.Dependency;

/** Where a service's PostgreSQL is and how its pool behaves ({@code PG_*}, and its schema key). */
public record DatabaseConfig(String host, int port, String database, String user, String password, String schema,
                             int poolSize, int poolMaxWaiting, int poolWaitMs, int connectTimeoutMs, int statementTimeoutMs) {

  public static DatabaseConfig read(Settings settings, String schemaKey) {
    return new DatabaseConfig(
      settings.string("PG_HOST"),
      settings.integer("PG_PORT", 1, 65535),
      settings.string("PG_DATABASE"),
      settings.string("PG_USER"),
      settings.string("PG_PASSWORD"),
      settings.sqlIdentifier(schemaKey),
      settings.integer("PG_POOL_SIZE", 1, 200),
      settings.integer("PG_POOL_MAX_WAITING", 1, 1_000_000),
      settings.integer("PG_POOL_WAIT_MS", 100, 60_000),
      settings.integer("PG_CONNECT_TIMEOUT_MS", 100, 60_000),
      settings.integer("PG_STATEMENT_TIMEOUT_MS", 100, 600_000));
  }

  /** PostgreSQL as this configuration reaches it, for logs and readiness answers. */
  public Dependency dependency() {
    return Dependency.postgres(host, port, database, user);
  }

  @Override
  public String toString() {
    return "DatabaseConfig[" + user + "@" + host + ":" + port + "/" + database + ", schema " + schema + "]";
  }
}
