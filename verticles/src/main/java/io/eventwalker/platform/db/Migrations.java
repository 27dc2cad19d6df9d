package io.eventwalker.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Versioned schema migrations run at start-up. Scripts live on the classpath under
 * {@code db/<service>/}, are named {@code V<n>__<what>.sql}, and each runs once, in order, in its
 * own transaction, recorded in {@code <schema>.schema_version}. An advisory lock keeps two
 * instances starting together from migrating at the same time.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static Future<Void> migrate(Pool pool, String schema, String resourceDir, List<String> scripts) {
    return pool.withTransaction(conn -> conn
      .preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of("event-walker-migrations:" + schema))
      .compose(locked -> conn.query("CREATE SCHEMA IF NOT EXISTS " + schema).execute())
      .compose(created -> conn.query("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version ("
        + "version INT PRIMARY KEY, script TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute())
      .compose(table -> conn.query("SELECT COALESCE(max(version), 0) AS v FROM " + schema + ".schema_version").execute())
      .compose(rows -> applyFrom(conn, schema, resourceDir, scripts, rows.iterator().next().getInteger("v"), 0)));
  }

  private static Future<Void> applyFrom(SqlConnection conn, String schema, String dir, List<String> scripts,
                                        int current, int position) {
    if (position == scripts.size()) {
      return Future.succeededFuture();
    }
    String script = scripts.get(position);
    int version = versionOf(script);
    if (version <= current) {
      return applyFrom(conn, schema, dir, scripts, current, position + 1);
    }
    String sql = read(dir + "/" + script);
    LOG.info("schema {}: applying {}", schema, script);
    return conn.query("SET LOCAL search_path TO " + schema).execute()
      .compose(set -> conn.query(sql).execute())
      .compose(done -> conn.preparedQuery("INSERT INTO " + schema + ".schema_version (version, script) VALUES ($1, $2)")
        .execute(Tuple.of(version, script)))
      .compose(recorded -> applyFrom(conn, schema, dir, scripts, version, position + 1));
  }

  static int versionOf(String script) {
    if (!script.matches("V[0-9]+__[A-Za-z0-9_]+\\.sql")) {
      throw new IllegalArgumentException("migration script name must be V<n>__<what>.sql: " + script);
    }
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration script not on the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration script " + resource, e);
    }
  }
}
