package io.eventwalker.lineprovider.subscriptions;

/** The SQL of the durable subscriptions ({@link SubscriptionRepositoryVerticle}). Tables are in the service's own schema. */
final class SubscriptionQueries {

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

  private SubscriptionQueries() {
  }
}
