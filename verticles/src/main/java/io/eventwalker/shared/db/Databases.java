package io.eventwalker.shared.db;

import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.http.Problem;
import io.eventwalker.shared.http.ProblemException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The PostgreSQL pool of a service, built from its settings; every wait on it is bounded. */
public final class Databases {

  private Databases() {
  }

  public static Pool pool(Vertx vertx, Settings settings, String schemaKey, String poolName) {
    String schema = settings.sqlIdentifier(schemaKey);
    PgConnectOptions connect = new PgConnectOptions()
      .setHost(settings.string("PG_HOST"))
      .setPort(settings.integer("PG_PORT", 1, 65535))
      .setDatabase(settings.string("PG_DATABASE"))
      .setUser(settings.string("PG_USER"))
      .setPassword(settings.string("PG_PASSWORD", ""))
      .setCachePreparedStatements(true)
      .setPipeliningLimit(256)
      .setProperties(Map.of(
        "search_path", schema,
        "application_name", "event-walker-" + settings.service(),
        "statement_timeout", String.valueOf(settings.integer("PG_STATEMENT_TIMEOUT_MS", 100, 600_000, 10_000))));
    PoolOptions pool = new PoolOptions()
      .setName(poolName)
      .setMaxSize(settings.integer("PG_POOL_SIZE", 1, 200, 8))
      .setMaxWaitQueueSize(settings.integer("PG_POOL_MAX_WAITING", 1, 1_000_000, 10_000))
      .setConnectionTimeout(settings.integer("PG_POOL_WAIT_MS", 100, 60_000, 3_000))
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
      .setIdleTimeout(60)
      .setIdleTimeoutUnit(TimeUnit.SECONDS);
    NetClientOptions network = new NetClientOptions()
      .setConnectTimeout(settings.integer("PG_CONNECT_TIMEOUT_MS", 100, 60_000, 2_000))
      .setTcpKeepAlive(true);
    return PgBuilder.pool().with(pool).with(network).connectingTo(connect).using(vertx).build();
  }

  /** Whether a failure is PostgreSQL refusing data (a constraint), rather than being unavailable. */
  public static boolean isConstraintViolation(Throwable failure) {
    return failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("23");
  }

  /**
   * Whether a failure says the database is unreachable or overloaded (connection, resources,
   * timeouts, lock conflicts), as opposed to a statement PostgreSQL could never run (a bug).
   */
  public static boolean isUnavailable(Throwable failure) {
    if (!(failure instanceof PgException pg) || pg.getSqlState() == null) {
      return true;
    }
    String sqlState = pg.getSqlState();
    return sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57")
      || sqlState.startsWith("40") || sqlState.startsWith("55");
  }

  /**
   * Fails an event-bus request with the problem a client should see for a database failure:
   * a {@link ProblemException}'s own problem, 400 for a refused constraint, otherwise 503.
   */
  public static void fail(Message<?> msg, Throwable failure, Logger log) {
    Problem problem;
    if (failure instanceof ProblemException refused) {
      problem = refused.problem();
    } else if (isConstraintViolation(failure)) {
      log.error("PostgreSQL refused data that passed validation", failure);
      problem = Problem.of(400, "the data was refused by a database constraint");
    } else {
      if (isUnavailable(failure)) {
        log.warn("PostgreSQL unavailable: {}", failure.getMessage());
      } else {
        log.error("PostgreSQL could not run a statement", failure);
      }
      problem = Problem.of(503, "the database is unavailable; try again");
    }
    msg.fail(problem.status(), problem.toJson().encode());
  }

  public static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
