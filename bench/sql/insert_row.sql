-- pgbench: one member's check-in (steps and weight of a day) per
-- transaction, into the server's own `records` table.
\set account random(:first, :last)
\set day random(0, 2000000000)
INSERT INTO records (account_id, date, kind, goal_id, value, updated_ms, updated_at)
VALUES (:account, 'p' || :day, 'steps', 0, 8000, 1795309200000, '2026-11-22T10:00:00+09:00'),
       (:account, 'p' || :day, 'weight', 0, 650, 1795309200000, '2026-11-22T10:00:00+09:00')
ON CONFLICT DO NOTHING;
