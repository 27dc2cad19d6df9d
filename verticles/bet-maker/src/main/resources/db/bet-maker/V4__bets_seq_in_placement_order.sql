-- GET /bets lists bets by seq, newest first. A sequence cache hands each connection its own block
-- of numbers, so with a pool of connections seq stopped following placement order (a bet placed
-- after another could get a smaller number). Without a cache every bet draws the next number
-- from the one sequence, so a bet placed after another's answer always has the larger seq.
ALTER TABLE bets ALTER COLUMN seq SET CACHE 1;
