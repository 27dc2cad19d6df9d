-- A bet is only ever inserted by the statement that joins it to its event's row, held FOR SHARE
-- and open for bets; events are never deleted. The foreign key therefore added nothing but a
-- row-lock per inserted bet (RI trigger, KEY SHARE), a measurable cost at group-commit rates.
ALTER TABLE bets DROP CONSTRAINT IF EXISTS bets_event_id_fkey;
