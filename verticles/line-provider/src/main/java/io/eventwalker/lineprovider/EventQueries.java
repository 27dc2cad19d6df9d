package io.eventwalker.lineprovider;

/** Every SQL statement of line-provider, in one place. Tables are in the service's own schema (search_path). */
final class EventQueries {

  static final String COLUMNS = "event_id, ratio, deadline, status, version";

  static final String INSERT_EVENTS = """
    INSERT INTO events (event_id, ratio, deadline, status, version)
    SELECT u.event_id, u.ratio::numeric, u.deadline, u.status, 1
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS u(event_id, ratio, deadline, status)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id""";

  static final String LOCK_EVENTS = "SELECT " + COLUMNS + " FROM events WHERE event_id = ANY($1::text[]) ORDER BY event_id FOR UPDATE";

  static final String UPDATE_EVENTS = """
    UPDATE events AS e
    SET ratio = u.ratio::numeric, deadline = u.deadline, status = u.status, version = u.version, updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[]) AS u(event_id, ratio, deadline, status, version)
    WHERE e.event_id = u.event_id""";

  static final String INSERT_OUTBOX = """
    INSERT INTO outbox (event_id, version, payload, created_at, traceparent)
    SELECT u.*, clock_timestamp(), $4::text FROM unnest($1::text[], $2::bigint[], $3::text[]::jsonb[]) AS u""";

  static final String GET_EVENT = "SELECT " + COLUMNS + " FROM events WHERE event_id = $1";

  static final String GET_EVENTS = "SELECT " + COLUMNS + " FROM events WHERE event_id = ANY($1::text[])";

  /** $1 status or null, $2 open-only flag, $3 id to continue after or null, $4 limit. */
  static final String LIST_EVENTS = "SELECT " + COLUMNS + " FROM events"
    + " WHERE ($1::text IS NULL OR status = $1)"
    + " AND (NOT $2::boolean OR (status = 'NEW' AND deadline > now()))"
    + " AND ($3::text IS NULL OR event_id > $3)"
    + " ORDER BY event_id LIMIT $4";

  /** The outbox's backlog: rows not yet published, and the age in seconds of the oldest (0 when none). */
  static final String OUTBOX_BACKLOG = "SELECT count(*) AS rows, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest_s"
    + " FROM outbox WHERE published_at IS NULL";

  static final String PENDING_OUTBOX = "SELECT id, event_id, version, payload::text AS payload, created_at, traceparent FROM outbox"
    + " WHERE published_at IS NULL ORDER BY id LIMIT $1";

  static final String MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL";

  static final String PURGE_PUBLISHED = "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)";

  /**
   * Records (or renews) subscriptions: $1 the subscriber, $2 event ids ('*' for every event), each
   * only for an event that exists (a request naming made-up ids records nothing: they would fill
   * this table and Redis). Returns the ids recorded.
   */
  static final String RECORD_SUBSCRIPTIONS = """
    INSERT INTO subscriptions (event_id, subscriber)
    SELECT DISTINCT u.event_id, $1 FROM unnest($2::text[]) AS u(event_id)
    WHERE u.event_id = '*' OR EXISTS (SELECT 1 FROM events e WHERE e.event_id = u.event_id) ORDER BY 1
    ON CONFLICT (event_id, subscriber) DO UPDATE SET renewed_at = now()
    RETURNING event_id""";

  /**
   * A page of durable subscriptions by event: $1 the event id to continue after (or null), $2 the
   * page size. One condition the primary key's index serves whatever $1 ('' sorts before any id):
   * "$1 IS NULL OR event_id > $1" read the whole table for every page.
   */
  static final String DURABLE_SUBSCRIPTIONS = """
    SELECT event_id, array_agg(subscriber ORDER BY subscriber) AS subscribers, max(renewed_at) AS renewed_at
    FROM subscriptions WHERE event_id > COALESCE($1::text, '')
    GROUP BY event_id ORDER BY event_id LIMIT $2""";

  static final String PURGE_SUBSCRIPTIONS = "DELETE FROM subscriptions WHERE renewed_at < now() - make_interval(secs => $1)";

  /** $1 the subscriber names LP_SUBSCRIBERS lists. */
  static final String FORGET_UNLISTED_SUBSCRIBERS = "DELETE FROM subscriptions WHERE subscriber <> ALL($1::text[])";

  private EventQueries() {
  }
}
