-- bet-maker's own schema (the search_path is set to it by the migration runner).

-- bet-maker's view of the events it has taken bets on, as line-provider last reported them.
CREATE TABLE events (
  event_id   VARCHAR(64)   PRIMARY KEY CHECK (event_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  ratio      NUMERIC(12,2) NOT NULL CHECK (ratio > 0 AND ratio <= 10000 AND ratio <> 'NaN'),
  deadline   TIMESTAMPTZ   NOT NULL,
  status     VARCHAR(16)   NOT NULL CHECK (status IN ('NEW', 'FINISHED_WIN', 'FINISHED_LOSE')),
  version    BIGINT        NOT NULL CHECK (version >= 1),
  updated_at TIMESTAMPTZ   NOT NULL DEFAULT now()
);

CREATE TABLE bets (
  bet_id     UUID          PRIMARY KEY,
  seq        BIGINT        GENERATED ALWAYS AS IDENTITY (CACHE 100) UNIQUE,
  event_id   VARCHAR(64)   NOT NULL REFERENCES events (event_id),
  sum_bet    NUMERIC(12,2) NOT NULL CHECK (sum_bet > 0 AND sum_bet <> 'NaN'),
  ratio      NUMERIC(12,2) NOT NULL CHECK (ratio > 0 AND ratio <= 10000 AND ratio <> 'NaN'),
  status     VARCHAR(8)    NOT NULL CHECK (status IN ('PENDING', 'WON', 'LOST')),
  payout     NUMERIC(16,2) CHECK (payout >= 0 AND payout <> 'NaN'),
  created_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
  settled_at TIMESTAMPTZ,
  CHECK ((status = 'PENDING') = (payout IS NULL)),
  CHECK ((status = 'PENDING') = (settled_at IS NULL))
);

CREATE INDEX bets_pending_by_event ON bets (event_id) WHERE status = 'PENDING';
CREATE INDEX bets_by_event ON bets (event_id, seq);
CREATE INDEX bets_by_status ON bets (status, seq);

-- Idempotency-Key of POST /bet: claimed before the work, completed with the answer in the same
-- transaction as the bets, kept BM_IDEMPOTENCY_RETENTION_S (at least 24 h).
CREATE TABLE idempotency_keys (
  key          VARCHAR(255) PRIMARY KEY,
  request_hash CHAR(64)     NOT NULL,
  status_code  INT,
  response     TEXT,
  created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
  completed_at TIMESTAMPTZ,
  CHECK ((completed_at IS NULL) = (response IS NULL))
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
