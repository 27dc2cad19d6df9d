-- Settling a bet rewrites its row, and every index and CHECK constraint of bets is paid for again
-- on each settled bet (its status changes, so no update is HOT). Measured on 100,000 bets:
-- - the pattern of player_id (a regular expression, V7) took an UPDATE from 0.40 s to 0.75 s. The
--   pattern is the token subject's, enforced where a bet is made (Bearer); the table keeps a bound;
-- - a third listing index (player, status) cost 0.1 s more: a player's listing filtered by status
--   walks the player's own index instead.
ALTER TABLE bets DROP CONSTRAINT bets_player_id_check,
  ADD CONSTRAINT bets_player_id_length CHECK (char_length(player_id) BETWEEN 1 AND 64);
DROP INDEX bets_by_player_status;
