-- The audit of bets' status changes, kept by the database itself: whatever statement changes a
-- bet's status, every bet it changed gets a row here (a statement trigger over the changed rows,
-- so settling 100,000 bets costs one set-based insert, not 100,000 trigger calls). A bet starts
-- PENDING, so its rows here are its transitions in order; "settled at most once" means at most
-- one row per bet, which the reliability suite checks.
CREATE TABLE bet_status_log (
  bet_id     UUID          NOT NULL,
  event_id   VARCHAR(64)   NOT NULL,
  status     VARCHAR(8)    NOT NULL,
  payout     NUMERIC(16,2),
  changed_at TIMESTAMPTZ   NOT NULL DEFAULT clock_timestamp(),
  txid       BIGINT        NOT NULL DEFAULT txid_current()
);

CREATE FUNCTION log_bet_status() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- Bets are only ever updated to settle them (status PENDING → WON/LOST, in one statement).
  INSERT INTO bet_status_log (bet_id, event_id, status, payout)
  SELECT bet_id, event_id, status, payout FROM changed_bets;
  RETURN NULL;
END
$$;

CREATE TRIGGER bets_status_log
  AFTER UPDATE ON bets
  REFERENCING NEW TABLE AS changed_bets
  FOR EACH STATEMENT EXECUTE FUNCTION log_bet_status();
