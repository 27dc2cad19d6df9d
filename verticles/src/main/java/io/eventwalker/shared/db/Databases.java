package io.eventwalker.shared.db;

import io.eventwalker.shared.config.Settings;
import io.vertx.core.Vertx;
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
   * Whether a failure is an outage that will pass by itself: PostgreSQL unreachable, restarting,
   * out of resources or in a transient conflict, a lost connection, or no pooled connection free in
   * time. Anything else (bad data, a statement PostgreSQL cannot run, a statement cancelled by its
   * time limit, an error in this code) will not go away by retrying alone.
   */
  public static boolean isOutage(Throwable failure) {
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState();
      return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("40")
        || state.startsWith("55") || state.startsWith("58") || (state.startsWith("57") && !state.equals("57014"));
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.io.IOException || cause instanceof io.vertx.core.VertxException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return !(failure instanceof RuntimeException);
  }

}
