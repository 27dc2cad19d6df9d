-- A bets table laid out the conventional way (bet-maker's columns but player_id, its constraints, fillfactor 100,
-- a partial index of PENDING bets), for the baselines B1, B2, B4. Kept as it was when the baselines
-- were first measured, so that runs compare; bet-maker's own table differs (V10, bench/notes.md).
DROP SCHEMA IF EXISTS bench_baseline CASCADE;
CREATE SCHEMA bench_baseline;
CREATE TABLE bench_baseline.bets (
  bet_id     UUID          PRIMARY KEY,
  seq        BIGINT        GENERATED ALWAYS AS IDENTITY (CACHE 100) UNIQUE,
  event_id   VARCHAR(64)   NOT NULL,
  sum_bet    NUMERIC(12,2) NOT NULL CHECK (sum_bet > 0 AND sum_bet <> 'NaN'),
  ratio      NUMERIC(12,2) NOT NULL CHECK (ratio > 0 AND ratio <= 10000 AND ratio <> 'NaN'),
  status     VARCHAR(8)    NOT NULL CHECK (status IN ('PENDING', 'WON', 'LOST')),
  payout     NUMERIC(16,2) CHECK (payout >= 0 AND payout <> 'NaN'),
  created_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
  settled_at TIMESTAMPTZ
);
CREATE INDEX ON bench_baseline.bets (event_id) WHERE status = 'PENDING';
CREATE INDEX ON bench_baseline.bets (event_id, seq);
CREATE INDEX ON bench_baseline.bets (status, seq);
