package io.eventwalker.platform.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;

import java.util.concurrent.TimeUnit;

/**
 * Explicit transactions for writes a caller waits on (SPEC §2: a 5xx stores nothing, now or
 * later): begun with a time limit PostgreSQL itself enforces, and committed with the three
 * outcomes told apart: confirmed, refused by PostgreSQL (nothing stored), or unknown (the
 * connection was lost, or PostgreSQL did not answer in time, after the COMMIT was sent).
 */
public final class Transactions {

  /** The COMMIT was sent and not confirmed: the write may or may not be stored. */
  public static final class CommitUnknown extends RuntimeException {
    CommitUnknown(Throwable cause) {
      super("the COMMIT was not confirmed (" + cause + ")", cause, false, false);
    }
  }

  private Transactions() {
  }

  /**
   * {@code BEGIN} and {@code SET LOCAL statement_timeout} to {@code leftMs}, sent at once (they
   * pipeline with whatever the caller sends next): every statement of the transaction, a wait on a
   * lock included, is cancelled by PostgreSQL when the time is up.
   */
  public static Future<Void> begin(SqlConnection conn, long leftMs) {
    return Future.all(conn.query("BEGIN").execute(), conn.query("SET LOCAL statement_timeout = " + leftMs).execute()).mapEmpty();
  }

  /**
   * Commits and releases the connection once PostgreSQL answered (or the connection is gone):
   * nothing else may queue behind a commit whose outcome is open. Fails with the
   * {@link PgException} of a refused COMMIT (nothing stored), or with {@link CommitUnknown} when
   * it was not confirmed within {@code timeoutMs}.
   */
  public static Future<Void> commit(SqlConnection conn, long timeoutMs) {
    Future<Void> sent = conn.query("COMMIT").execute().mapEmpty();
    sent.onComplete(answered -> conn.close());
    return sent.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(failure -> Future.failedFuture(
      failure instanceof PgException ? failure : new CommitUnknown(failure)));
  }

  /** Rolls back, releases the connection and fails with {@code cause}: nothing of it is stored (no COMMIT was sent). */
  public static <T> Future<T> rollBack(SqlConnection conn, Throwable cause) {
    return conn.query("ROLLBACK").execute().transform(rolledBack -> {
      conn.close();
      return Future.failedFuture(cause);
    });
  }
}
