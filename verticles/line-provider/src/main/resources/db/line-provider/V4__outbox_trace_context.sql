-- The W3C trace context of the request that made each change (null when not traced), so that its
-- trace goes on from the relay's publish however long the row waits (docs/operations.md, Tracing).
ALTER TABLE outbox ADD COLUMN traceparent TEXT CHECK (length(traceparent) <= 128);
