package io.eventwalker.platform.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One leader among a service's instances for a job that must run in one place at a time (the
 * outbox relay, catch-up), elected by PostgreSQL: the leader holds a session-level advisory lock
 * on a connection of its own. The lock goes with that connection, so a leader that dies (or loses
 * PostgreSQL) releases it, and a standby, retrying every {@code retryMs}, takes over. PostgreSQL
 * notices a killed process at once (its socket closes) and a vanished host within about 11 s
 * (TCP keepalives asked for on the leader's session). The leader checks its connection on every
 * retry tick and steps down when it stops answering.
 */
public final class Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final String name;
  private final long retryMs;
  private final Runnable elected;
  private PgConnection connection;
  private boolean leader;
  private boolean busy;
  private boolean stopped;
  private long timer = -1;

  private Leadership(Vertx vertx, PgConnectOptions options, String name, long retryMs, Runnable elected) {
    this.vertx = vertx;
    this.options = options;
    this.name = name;
    this.retryMs = retryMs;
    this.elected = elected;
  }

  /**
   * Starts standing for {@code name} (unique per database: include the schema); {@code elected}
   * runs on the caller's context each time this instance becomes the leader.
   */
  public static Leadership stand(Vertx vertx, DatabaseConfig config, String service, String name, long retryMs, Runnable elected) {
    PgConnectOptions base = Databases.connectOptions(config, service + "-leader");
    Map<String, String> properties = new HashMap<>(base.getProperties());
    properties.put("tcp_keepalives_idle", "5");
    properties.put("tcp_keepalives_interval", "2");
    properties.put("tcp_keepalives_count", "3");
    properties.put("statement_timeout", "2000");
    Leadership leadership = new Leadership(vertx, new PgConnectOptions(base).setProperties(properties)
      .setCachePreparedStatements(false), name, retryMs, elected);
    leadership.timer = vertx.setPeriodic(1, retryMs, id -> leadership.tick());
    return leadership;
  }

  /** Whether this instance holds the lock now. */
  public boolean isLeader() {
    return leader;
  }

  /** Steps down: closes the connection, which releases the lock. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    leader = false;
    PgConnection held = connection;
    connection = null;
    return held == null ? Future.succeededFuture() : held.close().otherwise((Void) null);
  }

  private void tick() {
    if (busy || stopped) {
      return;
    }
    busy = true;
    Future<PgConnection> connected = connection != null ? Future.succeededFuture(connection)
      : PgConnection.connect(vertx, options).onSuccess(this::hold);
    connected
      .compose(conn -> leader
        ? conn.query("SELECT 1").execute().map(true)
        : conn.preparedQuery("SELECT pg_try_advisory_lock(hashtext($1)) AS won").execute(Tuple.of(name))
          .map(rows -> rows.iterator().next().getBoolean("won")))
      .timeout(Math.max(1_000, retryMs * 2), TimeUnit.MILLISECONDS)
      .onComplete(done -> {
        busy = false;
        if (done.failed()) {
          lose("PostgreSQL did not answer: " + done.cause().getMessage());
        } else if (done.result() && !leader && !stopped) {
          leader = true;
          LOG.info("leading {}", name);
          elected.run();
        }
      });
  }

  private void hold(PgConnection conn) {
    if (stopped) {
      conn.close();
      return;
    }
    connection = conn;
    conn.closeHandler(closed -> {
      if (connection == conn) {
        connection = null;
        lose("its connection closed");
      }
    });
  }

  private void lose(String why) {
    if (leader) {
      LOG.warn("no longer leading {}: {}", name, why);
    }
    leader = false;
    PgConnection held = connection;
    connection = null;
    if (held != null) {
      held.close();
    }
  }
}
