package io.eventwalker.platform.dependencies;

import io.vertx.pgclient.PgException;

import java.sql.SQLException;

/**
 * Why PostgreSQL could not be reached or used, from the SQLSTATE it answered with (the Vert.x
 * client's {@link PgException} or JDBC's {@link SQLException}, as Flyway connects), or from the
 * network. A missing database, role or privilege, or a refused password, is a configuration to
 * fix; PostgreSQL starting, stopping or full is an outage.
 */
final class PostgresCauses {

  private PostgresCauses() {
  }

  /** The diagnosis, or null when the failure is not about reaching PostgreSQL (a statement's own error). */
  static Diagnosis diagnose(Dependency pg, Throwable failure) {
    Diagnosis network = NetworkCauses.diagnose(pg, failure, "PG_HOST and PG_PORT are right", "PG_CONNECT_TIMEOUT_MS");
    if (network != null) {
      return network;
    }
    String state = sqlState(failure);
    if (state == null) {
      return null;
    }
    String said = Diagnosis.message(failure);
    return switch (state) {
      case "3D000" -> Diagnosis.misconfigured("database_missing", "the database " + pg.scope() + " does not exist",
        "create it (psql -c 'CREATE DATABASE \"" + pg.scope() + "\"') or set PG_DATABASE to one that exists");
      case "28000", "28P01" -> Diagnosis.misconfigured("auth_failed", "PostgreSQL refused user " + pg.user() + " (" + said + ")",
        "check PG_USER and PG_PASSWORD, and that pg_hba.conf lets this user in from here");
      case "42501" -> Diagnosis.misconfigured("no_privilege", "user " + pg.user() + " lacks a privilege (" + said + ")",
        "grant it (e.g. GRANT CREATE ON DATABASE \"" + pg.scope() + "\" TO \"" + pg.user() + "\") or set PG_USER to a user that has it");
      case "57P03" -> Diagnosis.outage("starting", "PostgreSQL is starting up or shutting down", "it answers once it has started");
      case "53300" -> Diagnosis.outage("too_many_connections", "PostgreSQL has no connection slot left (" + said + ")",
        "raise its max_connections, or lower PG_POOL_SIZE or the number of instances");
      default -> state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
        ? Diagnosis.outage("unavailable_" + state, said, "")
        : null;
    };
  }

  private static String sqlState(Throwable failure) {
    PgException pg = Diagnosis.find(failure, PgException.class);
    if (pg != null) {
      return pg.getSqlState();
    }
    SQLException sql = Diagnosis.find(failure, SQLException.class);
    return sql != null ? sql.getSQLState() : null;
  }
}
