-- Bets belong to players (SPEC §5): player_id is the subject of the token that placed the bet.
-- Bets placed before players existed belong to the placeholder player 'before-players'
-- (docs/architecture.md): a token whose subject is that name reads them.
ALTER TABLE bets ADD COLUMN player_id VARCHAR(64) NOT NULL DEFAULT 'before-players'
  CHECK (player_id ~ '^[A-Za-z0-9._@:-]{1,64}$');
ALTER TABLE bets ALTER COLUMN player_id DROP DEFAULT;

-- A player's listings, newest first (GET /bets with or without its filters).
DROP INDEX bets_by_event;
DROP INDEX bets_by_status;
CREATE INDEX bets_by_player ON bets (player_id, seq);
CREATE INDEX bets_by_player_event ON bets (player_id, event_id, seq);
CREATE INDEX bets_by_player_status ON bets (player_id, status, seq);

-- An Idempotency-Key is the player's own: two players using the same key get two independent bets.
ALTER TABLE idempotency_keys ADD COLUMN player_id VARCHAR(64) NOT NULL DEFAULT 'before-players';
ALTER TABLE idempotency_keys ALTER COLUMN player_id DROP DEFAULT;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (player_id, key);
