-- line-provider's own schema (the search_path is set to it by the migration runner).

CREATE TABLE events (
  event_id   VARCHAR(64)   PRIMARY KEY CHECK (event_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  ratio      NUMERIC(12,2) NOT NULL CHECK (ratio > 0 AND ratio <= 10000 AND ratio <> 'NaN'),
  deadline   TIMESTAMPTZ   NOT NULL,
  status     VARCHAR(16)   NOT NULL CHECK (status IN ('NEW', 'FINISHED_WIN', 'FINISHED_LOSE')),
  version    BIGINT        NOT NULL CHECK (version >= 1),
  created_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ   NOT NULL DEFAULT now()
);

CREATE INDEX events_by_status ON events (status, event_id);

-- Transactional outbox: one row per committed change, written in the change's transaction and
-- relayed to RabbitMQ; published_at is set only after the broker confirmed every copy.
CREATE TABLE outbox (
  id           BIGSERIAL   PRIMARY KEY,
  event_id     VARCHAR(64) NOT NULL,
  version      BIGINT      NOT NULL CHECK (version >= 1),
  payload      JSONB       NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at TIMESTAMPTZ
);

CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
