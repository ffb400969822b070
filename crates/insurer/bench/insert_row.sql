-- One record per transaction (a member's steps for one day).
\set day random(0, 2000000000)
INSERT INTO bench_records VALUES (:client_id, 'd' || :day, 'steps', 0, 8000, 1795309200000, '2026-11-22T10:00:00+09:00') ON CONFLICT DO NOTHING;
