-- One member's data on this PC, encrypted with SQLCipher.
-- Dates are YYYY-MM-DD (JST days); instants RFC 3339 text plus milliseconds.

-- The member's records as they see them: their own edits, and what sync brought.
-- value: steps; weight in hectograms; a goal 1 (achieved) or 0. goal_id 0: not a goal.
CREATE TABLE records (
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('steps', 'weight', 'goal')),
    goal_id INTEGER NOT NULL,
    value INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    -- The server refused this edit: the code, for the UI to explain.
    rejected_code TEXT,
    PRIMARY KEY (date, kind, goal_id)
);

-- Edits not yet on the server. A row with a batch key has been sent (or is
-- about to be) under that Idempotency-Key and never changes again: a newer
-- edit of the same record waits in a new row.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    goal_id INTEGER NOT NULL,
    value INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    batch_key TEXT
);
CREATE UNIQUE INDEX outbox_pending ON outbox (date, kind, goal_id) WHERE batch_key IS NULL;
CREATE INDEX outbox_batch ON outbox (batch_key);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    active INTEGER NOT NULL
);

-- The server's ledger, mirrored from the change feed.
CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    code TEXT NOT NULL,
    points INTEGER NOT NULL,
    expires_on TEXT,
    note TEXT
);

-- Other things the feed brings, kept as the server's JSON.
CREATE TABLE mirror (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- Sync state: the feed cursor, the last successful sync.
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
