-- A statement slower than the test's statement time limit (MigrationsTest).
SELECT pg_sleep(2);
