\set e random(0, 99)
INSERT INTO bench_baseline.bets (bet_id, event_id, sum_bet, ratio, status)
VALUES (gen_random_uuid(), 'bench-e' || :e, 10.00, 1.50, 'PENDING');
