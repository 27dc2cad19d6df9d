-- When line-provider reports a lower version of an event than bet-maker holds (a forged update was
-- applied, or line-provider was restored from an older backup), neither side can be trusted:
-- bet-maker records line-provider's version here and takes no bet on the event until an operator
-- resolves it (docs/reliability.md). A newer state from line-provider clears it.
ALTER TABLE events
  ADD COLUMN conflict_version BIGINT,
  ADD COLUMN conflict_at      TIMESTAMPTZ;
