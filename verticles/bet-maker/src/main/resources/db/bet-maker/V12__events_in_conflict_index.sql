-- The events in conflict (GET /ready, GET /conflicts, the meter) are read often, and are few:
-- a partial index holds only them, so reading them never walks the whole events table.
CREATE INDEX events_in_conflict ON events (conflict_at, event_id) WHERE conflict_version IS NOT NULL;
