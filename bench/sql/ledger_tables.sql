-- A double-entry ledger laid out the conventional way, for the baseline B5: accounts with a balance
-- that never goes below zero, and append-only entries, each with its transfer and the balance after
-- it. ACCOUNTS accounts (psql -v accounts=N), each opened with 1,000,000.00: B5's transfers move
-- 0.01 to 999.99 between random pairs, so no balance comes near zero in a run.
DROP SCHEMA IF EXISTS bench_ledger CASCADE;
CREATE SCHEMA bench_ledger;
CREATE SEQUENCE bench_ledger.transfers;
CREATE TABLE bench_ledger.accounts (
  id      BIGINT        PRIMARY KEY,
  balance NUMERIC(20,2) NOT NULL CHECK (balance >= 0 AND balance <> 'NaN'),
  version BIGINT        NOT NULL DEFAULT 0
);
CREATE TABLE bench_ledger.entries (
  entry_id      BIGINT        GENERATED ALWAYS AS IDENTITY (CACHE 100) PRIMARY KEY,
  transfer_id   BIGINT        NOT NULL,
  account_id    BIGINT        NOT NULL REFERENCES bench_ledger.accounts (id),
  amount        NUMERIC(20,2) NOT NULL CHECK (amount <> 0 AND amount <> 'NaN'),
  balance_after NUMERIC(20,2) NOT NULL,
  created_at    TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX ON bench_ledger.entries (account_id, entry_id);
INSERT INTO bench_ledger.accounts (id, balance) SELECT g, 1000000.00 FROM generate_series(1, :accounts) g;
VACUUM ANALYZE bench_ledger.accounts;
