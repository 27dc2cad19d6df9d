package io.eventwalker.platform.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalInt;

/**
 * Versioned schema migrations run at start-up, by Flyway, off the event loop.
 *
 * <p>Scripts are found on the classpath under {@code db/<service>/} (in the fat jar too), named
 * {@code V<n>__<what>.sql}; a misnamed file there fails the start rather than being skipped. Each
 * pending script runs once, in version order, in its own transaction, with the service's schema as
 * {@code search_path} and every statement under {@code PG_STATEMENT_TIMEOUT_MS}, as on the pool.
 * Flyway records each in {@code <schema>.flyway_schema_history} with its checksum, and validates
 * the applied scripts against the ones on the classpath before migrating: a script changed after it
 * was applied is refused and the service does not start. The schema is created if missing. Two
 * instances starting together take turns on a PostgreSQL advisory lock that Flyway takes itself:
 * every script is applied exactly once, and the later instance finds nothing left to do.
 *
 * <p>A schema migrated by the runner before Flyway has a {@code schema_version} table (version,
 * script, applied_at) and no Flyway history: Flyway adopts it with a baseline at its highest
 * version, then applies only the newer scripts. {@code schema_version} is kept as it was, frozen:
 * nothing reads it any more, but a previous release started against the schema (a rollback, or an
 * old instance during a rolling upgrade) reads it, finds its own scripts applied and leaves the
 * schema alone; dropped, it would run its first script again on a schema that already has the
 * tables. A later migration can drop it once no such release can run.
 *
 * <p>Flyway connects with JDBC, built from the service's {@link DatabaseConfig} (host, port,
 * database, user, password, schema; the configuration has no SSL setting, the driver's default
 * applies). The password is passed apart from the URL, and Flyway masks the URL in its log.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Flyway's history table, in the service's schema. */
  static final String HISTORY_TABLE = "flyway_schema_history";
  /** The history table of the runner before Flyway. */
  static final String LEGACY_TABLE = "schema_version";

  private Migrations() {
  }

  /** Migrates the service's schema with the scripts under {@code db/<service>/} on the classpath. */
  public static Future<Void> migrate(Vertx vertx, DatabaseConfig config, String service) {
    return migrate(vertx, config, service, "classpath:db/" + service).mapEmpty();
  }

  /** Migrates with the scripts at a Flyway location; completes with how many scripts were applied. */
  static Future<Integer> migrate(Vertx vertx, DatabaseConfig config, String service, String location) {
    return vertx.executeBlocking(() -> run(config, service, location), false);
  }

  private static int run(DatabaseConfig config, String service, String location) throws SQLException {
    String schema = config.schema();
    FluentConfiguration flyway = Flyway.configure(Migrations.class.getClassLoader())
      .loggers("slf4j")
      .dataSource(jdbcUrl(config, service), config.user(), config.password())
      .schemas(schema)
      .defaultSchema(schema)
      .createSchemas(true)
      .table(HISTORY_TABLE)
      .locations(location)
      .failOnMissingLocations(true)
      .validateMigrationNaming(true)
      .validateOnMigrate(true);
    OptionalInt legacy = legacyVersion(flyway, schema);
    if (legacy.isPresent()) {
      LOG.info("{} schema {}: adopting {} at version {} (Flyway baseline), newer scripts follow",
        service, schema, LEGACY_TABLE, legacy.getAsInt());
      flyway.baselineOnMigrate(true)
        .baselineVersion(String.valueOf(legacy.getAsInt()))
        .baselineDescription("adopted from " + LEGACY_TABLE);
    }
    try {
      return flyway.load().migrate().migrationsExecuted;
    } catch (FlywayException e) {
      throw new IllegalStateException(service + " schema " + schema + ": migrations refused: " + e.getMessage(), e);
    }
  }

  /**
   * The highest version in the schema's {@code schema_version} when the schema was migrated by the
   * runner before Flyway and Flyway has not adopted it yet; empty otherwise (a new schema, or one
   * Flyway already keeps, or an empty {@code schema_version}, which Flyway then refuses as a
   * schema it cannot place).
   */
  private static OptionalInt legacyVersion(FluentConfiguration flyway, String schema) throws SQLException {
    try (Connection conn = flyway.getDataSource().getConnection(); Statement statement = conn.createStatement()) {
      try (ResultSet tables = statement.executeQuery("SELECT to_regclass('" + schema + "." + HISTORY_TABLE + "') IS NULL"
        + " AND to_regclass('" + schema + "." + LEGACY_TABLE + "') IS NOT NULL")) {
        tables.next();
        if (!tables.getBoolean(1)) {
          return OptionalInt.empty();
        }
      }
      try (ResultSet version = statement.executeQuery("SELECT max(version) FROM " + schema + "." + LEGACY_TABLE)) {
        version.next();
        int max = version.getInt(1);
        return version.wasNull() ? OptionalInt.empty() : OptionalInt.of(max);
      }
    }
  }

  /**
   * The JDBC URL: no credentials in it; the schema as the search path, the service's name and
   * statement time limit, as on the pool.
   */
  static String jdbcUrl(DatabaseConfig config, String service) {
    String host = config.host().contains(":") && !config.host().startsWith("[") ? "[" + config.host() + "]" : config.host();
    int connectTimeoutS = Math.max(1, (config.connectTimeoutMs() + 999) / 1000);
    return "jdbc:postgresql://" + host + ":" + config.port() + "/" + encode(config.database())
      + "?currentSchema=" + config.schema()
      + "&ApplicationName=" + encode("event-walker-" + service + "-migrations")
      + "&connectTimeout=" + connectTimeoutS
      + "&options=" + encode("-c statement_timeout=" + config.statementTimeoutMs());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
