-- Subscriptions are served from Redis, which may restart empty (it keeps nothing on disk). Every
-- subscribe is also recorded here first, so that line-provider can put back into an emptied Redis
-- every subscription it had before, without waiting for the subscribers to subscribe again.
-- event_id '*' means every event (subscribe_all). Rows not renewed within LP_SUBSCRIPTION_TTL_S
-- are purged, as their Redis keys expire.
CREATE TABLE subscriptions (
  event_id   VARCHAR(64) NOT NULL CHECK (event_id = '*' OR event_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  subscriber VARCHAR(63) NOT NULL CHECK (subscriber ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  renewed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, subscriber)
);

CREATE INDEX subscriptions_by_age ON subscriptions (renewed_at);
