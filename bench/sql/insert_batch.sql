-- pgbench: a batch of 100 records (steps and weight of 50 days) per
-- transaction, as one statement, into the server's own `records` table,
-- for one of the bench's members (their account ids :first..:last).
-- The dates are far from the server's, so every row is new.
\set account random(:first, :last)
\set day random(0, 1000000000)
INSERT INTO records (account_id, date, kind, goal_id, value, updated_ms, updated_at)
SELECT :account, 'p' || (:day::bigint * 50 + g / 2), CASE WHEN g % 2 = 0 THEN 'steps' ELSE 'weight' END,
       0, 6000 + g, 1795309200000, '2026-11-22T10:00:00+09:00'
FROM generate_series(0, 99) AS g ON CONFLICT DO NOTHING;
