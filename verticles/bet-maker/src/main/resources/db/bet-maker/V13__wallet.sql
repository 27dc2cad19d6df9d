-- The wallet (SPEC §7): a double-entry ledger. Every movement of money is one transfer; its entries
-- sum to zero over the accounts it touches; entries are never changed or removed.
--
-- - accounts: one per player (balance: money to bet with, never below zero; pending_stakes: the
--   stakes of the player's PENDING bets), and the house's: cash (money in and out of the system),
--   stakes_held (the stakes of PENDING bets), winnings_paid (what payouts cost the house beyond the
--   stakes), stakes_won (stakes the house kept). A house account keeps no balance of its own: it
--   is the sum of its entries (a row every bet updated would make every placement wait for the
--   one before it to commit).
-- - transfers: one per deposit, withdrawal, placement group (its stakes), settlement chunk (its
--   payouts, refunds and losses), and the opening below.
-- - entries: a player's entries are one per bet (stake, payout, refund) or per deposit and
--   withdrawal, with the balance after it; the house's are one per account and transfer.
CREATE TABLE accounts (
  account_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  player_id      VARCHAR(64) UNIQUE CHECK (char_length(player_id) BETWEEN 1 AND 64),
  house          VARCHAR(16) UNIQUE CHECK (house IN ('cash', 'stakes_held', 'winnings_paid', 'stakes_won')),
  balance        NUMERIC(20,2) CHECK (balance >= 0 AND balance <> 'NaN'),
  pending_stakes NUMERIC(20,2) CHECK (pending_stakes >= 0 AND pending_stakes <> 'NaN'),
  version        BIGINT NOT NULL DEFAULT 0,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((player_id IS NULL) <> (house IS NULL)),
  CHECK ((player_id IS NULL) = (balance IS NULL)),
  CHECK ((player_id IS NULL) = (pending_stakes IS NULL))
);

CREATE TABLE transfers (
  transfer_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        VARCHAR(16) NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'stakes', 'settlement', 'opening')),
  operator    VARCHAR(64),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((kind IN ('deposit', 'withdrawal')) = (operator IS NOT NULL))
);

CREATE TABLE entries (
  entry_id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_id   BIGINT NOT NULL REFERENCES transfers (transfer_id),
  account_id    BIGINT NOT NULL REFERENCES accounts (account_id),
  kind          VARCHAR(16) NOT NULL
                CHECK (kind IN ('deposit', 'withdrawal', 'stake', 'payout', 'refund', 'settlement', 'loss', 'opening')),
  amount        NUMERIC(20,2) NOT NULL CHECK (amount <> 0 AND amount <> 'NaN'),
  balance_after NUMERIC(20,2),
  bet_id        UUID,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- A player's entries, newest first (GET /wallet/entries), and each account's for ledger verify.
CREATE INDEX entries_by_account ON entries (account_id, entry_id);
-- Exactly once per bet, kept by the database: at most one stake, and at most one credit (payout or refund).
CREATE UNIQUE INDEX entries_once_per_bet ON entries (bet_id, (kind = 'stake')) WHERE bet_id IS NOT NULL;

-- Each statement that writes entries writes whole transfers: every transfer it touched sums to zero.
CREATE FUNCTION entries_balance() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  unbalanced BIGINT;
BEGIN
  SELECT transfer_id INTO unbalanced FROM added GROUP BY transfer_id HAVING sum(amount) <> 0 LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'transfer % does not sum to zero', unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER entries_sum_to_zero
  AFTER INSERT ON entries
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION entries_balance();

-- Append-only: entries and transfers are never changed or removed, by any statement.
CREATE FUNCTION ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON transfers
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

INSERT INTO accounts (house) VALUES ('cash'), ('stakes_held'), ('winnings_paid'), ('stakes_won');

-- Bets placed before the wallet existed had their stakes taken outside it (their players paid in
-- cash): every player of a bet gets an account (balance 0, their PENDING stakes as pending), and
-- one opening transfer moves the PENDING stakes from cash to stakes_held. Those bets then settle
-- like any other: a win or a void is credited to the player's wallet, a loss stays with the house.
INSERT INTO accounts (player_id, balance, pending_stakes)
SELECT player_id, 0, coalesce(sum(sum_bet) FILTER (WHERE status = 'PENDING'), 0) FROM bets GROUP BY player_id;

WITH opening AS (
  INSERT INTO transfers (kind) SELECT 'opening' WHERE EXISTS (SELECT 1 FROM bets WHERE status = 'PENDING')
  RETURNING transfer_id
), held AS (
  SELECT sum(sum_bet) AS total FROM bets WHERE status = 'PENDING'
)
INSERT INTO entries (transfer_id, account_id, kind, amount)
SELECT opening.transfer_id, a.account_id, 'opening', CASE a.house WHEN 'cash' THEN -held.total ELSE held.total END
FROM opening, held, accounts a WHERE a.house IN ('cash', 'stakes_held');

-- Deposits' and withdrawals' Idempotency-Keys, per operator (SPEC §7): the answer is recorded in
-- the transaction that moves the money, so a retry finds either both or neither.
CREATE TABLE wallet_keys (
  operator     VARCHAR(64)  NOT NULL,
  key          VARCHAR(255) NOT NULL,
  request_hash CHAR(64)     NOT NULL,
  status_code  INT          NOT NULL,
  response     TEXT         NOT NULL,
  created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
  PRIMARY KEY (operator, key)
);
CREATE INDEX wallet_keys_by_age ON wallet_keys (created_at);
