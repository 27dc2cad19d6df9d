-- An Idempotency-Key is claimed by one attempt at a time: claim_token names the attempt, and
-- claimed_until is when the claim lapses (longer than the attempt can take to reach its COMMIT).
-- Completing or releasing a key checks the token, so an attempt whose claim was taken over can
-- neither record its answer nor free the key; a takeover skips a key whose row is locked by a
-- transaction still completing it.
ALTER TABLE idempotency_keys
  ADD COLUMN claim_token   UUID,
  ADD COLUMN claimed_until TIMESTAMPTZ;
UPDATE idempotency_keys SET claimed_until = created_at + interval '30 seconds' WHERE completed_at IS NULL;
