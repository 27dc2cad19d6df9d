package io.eventwalker.platform.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The PostgreSQL pool of a service, built from its configuration; every wait on it is bounded. */
public final class Databases {

  private Databases() {
  }

  /**
   * The service's pool: one per service and schema, shared by every verticle of the service that
   * asks for it (so {@code PG_POOL_SIZE} bounds the service's connections), closed when the last
   * of them stops.
   */
  public static Pool pool(Vertx vertx, DatabaseConfig config, String service) {
    PgConnectOptions connect = connectOptions(config, service);
    PoolOptions pool = new PoolOptions()
      .setName(service + "/" + config.schema())
      .setShared(true)
      .setMaxSize(config.poolSize())
      .setMaxWaitQueueSize(config.poolMaxWaiting())
      .setConnectionTimeout(config.poolWaitMs())
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
      .setIdleTimeout(60)
      .setIdleTimeoutUnit(TimeUnit.SECONDS);
    NetClientOptions network = new NetClientOptions()
      .setConnectTimeout(config.connectTimeoutMs())
      .setTcpKeepAlive(true);
    return PgBuilder.pool().with(pool).with(network).connectingTo(connect).using(vertx).build();
  }

  /** How the service connects: its schema first on the search path, its name, its statement time limit. */
  public static PgConnectOptions connectOptions(DatabaseConfig config, String service) {
    PgConnectOptions options = new PgConnectOptions()
      .setHost(config.host())
      .setPort(config.port())
      .setDatabase(config.database())
      .setUser(config.user())
      .setPassword(config.password())
      .setCachePreparedStatements(true)
      .setPipeliningLimit(256)
      .setProperties(Map.of(
        "search_path", config.schema(),
        "application_name", "event-walker-" + service,
        "statement_timeout", String.valueOf(config.statementTimeoutMs()),
        // PostgreSQL's notices ("schema … already exists, skipping" when instances migrate one after another) are not news
        "client_min_messages", "warning"));
    // Each client's meters carry it (label namespace), so two clients in one process do not register the same gauge.
    options.setMetricsName("event-walker-" + service);
    return options;
  }

  /** Whether a statement was cancelled by its time limit ({@code statement_timeout}). */
  public static boolean isStatementTimeout(Throwable failure) {
    return failure instanceof PgException pg && "57014".equals(pg.getSqlState());
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
