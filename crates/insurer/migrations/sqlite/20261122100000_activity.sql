-- Daily records and goals, the points ledger (grants, lots, entries),
-- checkups, reports, the catalog and exchanges, notices, FAQ, inquiries,
-- idempotency keys and the per-member change feed.
-- Instants are Unix seconds (UTC); dates are YYYY-MM-DD text (JST days).

-- A person removed from the roster (資格喪失) keeps their history.
ALTER TABLE roster ADD COLUMN left_at BIGINT;

-- The member's change-feed position. Every write for a member first bumps
-- it, which takes the member's row lock until commit: a member's writes are
-- serialised, and feed entries commit in the order of their numbers.
ALTER TABLE accounts ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    label TEXT NOT NULL,
    active INTEGER NOT NULL,
    position INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX goals_account ON goals (account_id);

-- One row per member, day, kind and goal (goal_id 0: not a goal record).
-- value: steps; weight in hectograms; a goal 1 (achieved) or 0.
CREATE TABLE records (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('steps', 'weight', 'goal')),
    goal_id BIGINT NOT NULL,
    value BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, date, kind, goal_id)
);

-- At most one grant per member, rule and period: the database says so.
CREATE TABLE grants (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    code TEXT NOT NULL,
    period TEXT NOT NULL,
    activity_date TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points > 0),
    granted_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, code, period)
);

CREATE TABLE lots (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    granted_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    granted BIGINT NOT NULL CHECK (granted > 0),
    remaining BIGINT NOT NULL CHECK (remaining >= 0 AND remaining <= granted)
);
CREATE INDEX lots_account ON lots (account_id, expires_on);

CREATE TABLE catalog (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points > 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    active INTEGER NOT NULL,
    position INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    item_id TEXT NOT NULL REFERENCES catalog (id),
    item_name TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    points_spent BIGINT NOT NULL CHECK (points_spent > 0),
    status TEXT NOT NULL CHECK (status IN ('ordered', 'shipped', 'delivered', 'cancelled')),
    address TEXT NOT NULL,
    ordered_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX exchanges_account ON exchanges (account_id);

-- Which lots an exchange drew from, so a cancel returns each point to its lot.
CREATE TABLE exchange_lots (
    exchange_id BIGINT NOT NULL REFERENCES exchanges (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    points BIGINT NOT NULL CHECK (points > 0),
    PRIMARY KEY (exchange_id, lot_id)
);

-- Grants positive; spending and expiry negative. The balance is the sum.
CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    date TEXT NOT NULL,
    code TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points <> 0),
    expires_on TEXT,
    note TEXT,
    lot_id BIGINT REFERENCES lots (id),
    exchange_id BIGINT REFERENCES exchanges (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_account ON ledger (account_id, id);

CREATE TABLE checkups (
    id INTEGER PRIMARY KEY,
    roster_id BIGINT NOT NULL REFERENCES roster (id),
    date TEXT NOT NULL,
    height_mm INTEGER NOT NULL,
    weight_hg INTEGER NOT NULL,
    bmi_tenths INTEGER NOT NULL,
    smoker INTEGER NOT NULL,
    health_age INTEGER,
    imported_at BIGINT NOT NULL,
    UNIQUE (roster_id, date)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('flu_vaccine', 'secondary_exam')),
    date TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_account ON reports (account_id);

-- The first answer to an Idempotency-Key, replayed for the same body.
CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);

-- The member's change feed: each entry is the changed object as JSON.
CREATE TABLE changes (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    seq BIGINT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, seq)
);

-- Notices go to everybody: the feed reads them by id after the member's own.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

CREATE TABLE faq (
    id INTEGER PRIMARY KEY,
    category TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE inquiries (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
