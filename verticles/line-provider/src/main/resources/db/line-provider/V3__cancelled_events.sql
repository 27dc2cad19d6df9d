-- Void (SPEC §1): an event may be cancelled, NEW → CANCELLED, final like a result.
ALTER TABLE events DROP CONSTRAINT events_status_check,
  ADD CONSTRAINT events_status_check CHECK (status IN ('NEW', 'FINISHED_WIN', 'FINISHED_LOSE', 'CANCELLED'));
