-- The records table of the server's schema, alone: what pgbench inserts into.
DROP TABLE IF EXISTS bench_records;
CREATE TABLE bench_records (
    account_id BIGINT NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('steps', 'weight', 'goal')),
    goal_id BIGINT NOT NULL,
    value BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, date, kind, goal_id)
);
