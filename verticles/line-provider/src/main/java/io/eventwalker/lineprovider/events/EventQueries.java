package io.eventwalker.lineprovider.events;

/**
 * The SQL of the events ({@link EventRepositoryVerticle}, {@link EventWrites}), the outbox rows a change writes with
 * it included. Tables are in the service's own schema (search_path).
 */
public final class EventQueries {

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

  public static final String GET_EVENT = "SELECT " + COLUMNS + " FROM events WHERE event_id = $1";

  static final String GET_EVENTS = "SELECT " + COLUMNS + " FROM events WHERE event_id = ANY($1::text[])";

  /** $1 status or null, $2 open-only flag, $3 id to continue after or null, $4 limit. */
  static final String LIST_EVENTS = "SELECT " + COLUMNS + " FROM events"
    + " WHERE ($1::text IS NULL OR status = $1)"
    + " AND (NOT $2::boolean OR (status = 'NEW' AND deadline > now()))"
    + " AND ($3::text IS NULL OR event_id > $3)"
    + " ORDER BY event_id LIMIT $4";

  private EventQueries() {
  }
}
