-- B5: one double-entry transfer per transaction between two random accounts of bench/sql/ledger_tables.sql
-- (pgbench -D accounts=N): both accounts locked in id order (so two transfers never wait on each
-- other in a circle), two entries with the balances after them, two balances updated.
\set a random(1, :accounts)
\set b 1 + (:a + random(0, :accounts - 2)) % :accounts
\set cents random(1, 99999)
BEGIN;
SELECT id, balance FROM bench_ledger.accounts WHERE id IN (:a, :b) ORDER BY id FOR UPDATE;
INSERT INTO bench_ledger.entries (transfer_id, account_id, amount, balance_after)
SELECT t.id, a.id, CASE a.id WHEN :a THEN -:cents * 0.01 ELSE :cents * 0.01 END,
       a.balance + CASE a.id WHEN :a THEN -:cents * 0.01 ELSE :cents * 0.01 END
FROM (SELECT nextval('bench_ledger.transfers') AS id) t, bench_ledger.accounts a WHERE a.id IN (:a, :b);
UPDATE bench_ledger.accounts SET balance = balance - :cents * 0.01, version = version + 1 WHERE id = :a;
UPDATE bench_ledger.accounts SET balance = balance + :cents * 0.01, version = version + 1 WHERE id = :b;
END;
