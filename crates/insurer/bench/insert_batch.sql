-- A batch of 100 records (steps and weight of 50 days) per transaction, as one statement.
\set day random(0, 20000000)
INSERT INTO bench_records
SELECT :client_id, 'd' || (:day * 50 + g / 2), CASE WHEN g % 2 = 0 THEN 'steps' ELSE 'weight' END,
       0, 6000 + g, 1795309200000, '2026-11-22T10:00:00+09:00'
FROM generate_series(0, 99) AS g ON CONFLICT DO NOTHING;
