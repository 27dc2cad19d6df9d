-- Void (SPEC §1): a cancelled event settles its pending bets VOID, paying the stake back.
ALTER TABLE events DROP CONSTRAINT events_status_check,
  ADD CONSTRAINT events_status_check CHECK (status IN ('NEW', 'FINISHED_WIN', 'FINISHED_LOSE', 'CANCELLED'));
ALTER TABLE bets DROP CONSTRAINT bets_status_check,
  ADD CONSTRAINT bets_status_check CHECK (status IN ('PENDING', 'WON', 'LOST', 'VOID'));
