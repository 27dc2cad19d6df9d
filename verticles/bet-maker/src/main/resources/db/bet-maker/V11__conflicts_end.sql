-- A conflict with line-provider (SPEC §3.3) always ends, and what ended it is kept.
--
-- - events.conflict_state: the state line-provider reported when the conflict was found (its
--   version is conflict_version; null when it did not know the event), shown by GET /ready and
--   GET /conflicts beside bet-maker's own.
-- - conflict_resolutions: each operator's resolution (POST /conflicts/{event_id}/resolve): the
--   state bet-maker held and the one of line-provider's it adopted instead, and how many bets of
--   the event had already been settled under bet-maker's state (to review).
ALTER TABLE events ADD COLUMN conflict_state JSONB;

CREATE TABLE conflict_resolutions (
  id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id            VARCHAR(64) NOT NULL,
  bet_maker_state     JSONB NOT NULL,
  line_provider_state JSONB NOT NULL,
  bets_settled_before BIGINT NOT NULL,
  resolved_by         TEXT NOT NULL,
  resolved_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX conflict_resolutions_by_event ON conflict_resolutions (event_id, id);
