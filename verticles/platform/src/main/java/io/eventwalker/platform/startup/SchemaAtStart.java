package io.eventwalker.platform.startup;

import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.db.DatabaseConfig;
import io.eventwalker.platform.db.Migrations;
import io.eventwalker.platform.dependencies.Backoff;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.DependencyConfig;
import io.eventwalker.platform.dependencies.Diagnosis;
import io.eventwalker.platform.dependencies.OutageLog;
import io.eventwalker.platform.http.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A service's first step: its schema migrated ({@link Migrations}), however long PostgreSQL takes
 * to answer. While it does not (not listening, starting, a database, role or privilege missing),
 * the failures go to the {@link OutageLog} (one line per interval, ERROR for what someone must
 * fix), a {@link WaitingRoom} answers on the service's HTTP address, and the migration is tried
 * again after 1 s, then twice as long each time up to {@code DEPENDENCY_RETRY_MAX_MS}; the moment
 * it succeeds the waiting room closes and start-up goes on. A failure that is not about reaching
 * PostgreSQL (a migration refused: a script changed after it was applied) stops start-up.
 */
public final class SchemaAtStart {

  private static final long FIRST_RETRY_MS = 1_000;

  private final Vertx vertx;
  private final String service;
  private final DatabaseConfig database;
  private final HttpConfig http;
  private final DependencyConfig dependencies;
  private final Dependency postgres;
  private final Backoff backoff;
  private final Promise<Void> migrated = Promise.promise();
  private Future<WaitingRoom> room;
  private volatile String waitingFor;
  private boolean failed;

  private SchemaAtStart(Vertx vertx, String service, DatabaseConfig database, HttpConfig http, DependencyConfig dependencies) {
    this.vertx = vertx;
    this.service = service;
    this.database = database;
    this.http = http;
    this.dependencies = dependencies;
    this.postgres = database.dependency();
    this.backoff = new Backoff(FIRST_RETRY_MS, dependencies.retryMaxMs());
  }

  /** Completes once the schema of {@code service} is migrated, or fails when it cannot be for another reason. */
  public static Future<Void> migrate(Vertx vertx, String service, DatabaseConfig database, HttpConfig http,
                                     DependencyConfig dependencies) {
    SchemaAtStart start = new SchemaAtStart(vertx, service, database, http, dependencies);
    start.attempt();
    return start.migrated.future();
  }

  private void attempt() {
    Migrations.migrate(vertx, database, service).onComplete(done -> {
      if (done.succeeded()) {
        if (failed) {
          OutageLog.of(vertx).recovered(postgres, service);
        }
        closeRoom().onComplete(closed -> migrated.complete());
        return;
      }
      if (Lifecycle.of(vertx).draining()) {
        return; // the process is stopping: no more attempts, and its stop closes the waiting room with the rest
      }
      if (Diagnosis.known(postgres, done.cause()) == null) {
        closeRoom().onComplete(closed -> migrated.fail(done.cause()));
        return;
      }
      failed = true;
      Diagnosis why = OutageLog.of(vertx).failed(postgres, service, done.cause(), dependencies.logIntervalMs());
      waitingFor = postgres + ": " + why.summary();
      if (room == null) {
        room = WaitingRoom.open(vertx, service, http, () -> waitingFor)
          .onFailure(cannotListen -> migrated.tryFail(cannotListen));
      }
      room.onSuccess(listening -> vertx.setTimer(backoff.next(), id -> attempt()));
    });
  }

  private Future<Void> closeRoom() {
    return room == null ? Future.succeededFuture() : room.compose(WaitingRoom::close).otherwiseEmpty();
  }
}
