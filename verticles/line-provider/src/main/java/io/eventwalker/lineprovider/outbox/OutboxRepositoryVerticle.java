package io.eventwalker.lineprovider.outbox;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.MarkPublished;
import io.eventwalker.lineprovider.bus.EventMessages.OutboxRow;
import io.eventwalker.lineprovider.bus.EventMessages.OutboxRows;
import io.eventwalker.lineprovider.bus.EventMessages.PendingOutbox;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.metrics.LineProviderMeters;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.http.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox in PostgreSQL, as the relay sees it: the rows waiting to be published, marking them
 * published, and dropping published rows after {@code LP_OUTBOX_RETENTION_S}. Its backlog is
 * sampled for {@code /metrics}. (The rows themselves are written with the change they carry, by
 * {@code EventWrites}.)
 */
public final class OutboxRepositoryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRepositoryVerticle.class);

  /** How often the outbox's backlog is sampled for {@code /metrics}. */
  private static final long BACKLOG_SAMPLE_MS = 5_000;

  private final LineProviderConfig config;
  private Pool pool;
  /** The last sample, shared by the process's line-provider (its gauges read these). */
  private final AtomicLong backlogRows = new AtomicLong();
  private final AtomicLong backlogOldestMs = new AtomicLong();

  public OutboxRepositoryVerticle(LineProviderConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    long retentionSeconds = config.outbox().retentionS();
    pool = Databases.pool(vertx, config.database(), "line-provider");
    var bus = vertx.eventBus();
    bus.<PendingOutbox>localConsumer(Addresses.OUTBOX_PENDING, this::pendingOutbox);
    bus.<MarkPublished>localConsumer(Addresses.OUTBOX_PUBLISHED, this::markPublished);
    vertx.setPeriodic(60_000, id -> purgePublished(retentionSeconds));
    LineProviderMeters.of(vertx).outbox(backlogRows, backlogOldestMs);
    vertx.setPeriodic(1, BACKLOG_SAMPLE_MS, id -> sampleBacklog());
    return Future.succeededFuture();
  }

  private void sampleBacklog() {
    pool.query(OutboxQueries.OUTBOX_BACKLOG).execute().onSuccess(rows -> {
      Row row = rows.iterator().next();
      backlogRows.set(row.getLong("rows"));
      backlogOldestMs.set((long) (row.getDouble("oldest_s") * 1000));
    });
  }

  private void pendingOutbox(Message<PendingOutbox> msg) {
    pool.preparedQuery(OutboxQueries.PENDING_OUTBOX).execute(Tuple.of(msg.body().limit()))
      .onSuccess(rows -> {
        List<OutboxRow> pending = new ArrayList<>(rows.size());
        rows.forEach(row -> pending.add(new OutboxRow(row.getLong("id"), row.getString("event_id"),
          row.getLong("version"), row.getString("payload"), row.getOffsetDateTime("created_at").toInstant(), row.getString("traceparent"))));
        msg.reply(new OutboxRows(pending));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void markPublished(Message<MarkPublished> msg) {
    pool.preparedQuery(OutboxQueries.MARK_PUBLISHED).execute(Tuple.of((Object) msg.body().ids().toArray(Long[]::new)))
      .onSuccess(rows -> msg.reply(rows.rowCount()))
      .onFailure(failure -> fail(msg, failure));
  }

  private void purgePublished(long retentionSeconds) {
    pool.preparedQuery(OutboxQueries.PURGE_PUBLISHED).execute(Tuple.of(retentionSeconds))
      .onSuccess(rows -> {
        if (rows.rowCount() > 0) {
          LOG.info("purged {} published outbox rows", rows.rowCount());
        }
      })
      .onFailure(failure -> LOG.warn("outbox purge failed: {}", failure.getMessage()));
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }
}
