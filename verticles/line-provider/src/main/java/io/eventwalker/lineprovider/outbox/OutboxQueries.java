package io.eventwalker.lineprovider.outbox;

/** The SQL of the outbox as the relay reads and marks it ({@link OutboxRepositoryVerticle}). Tables are in the service's own schema. */
final class OutboxQueries {

  /** The outbox's backlog: rows not yet published, and the age in seconds of the oldest (0 when none). */
  static final String OUTBOX_BACKLOG = "SELECT count(*) AS rows, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest_s"
    + " FROM outbox WHERE published_at IS NULL";

  static final String PENDING_OUTBOX = "SELECT id, event_id, version, payload::text AS payload, created_at, traceparent FROM outbox"
    + " WHERE published_at IS NULL ORDER BY id LIMIT $1";

  static final String MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL";

  static final String PURGE_PUBLISHED = "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)";

  private OutboxQueries() {
  }
}
