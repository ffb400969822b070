-- Roster, accounts, registration tokens, sessions, throttles, captchas.
-- Instants are Unix seconds (UTC); dates are YYYY-MM-DD text (JST days).

CREATE TABLE roster (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    insurer_number TEXT NOT NULL,
    card_symbol TEXT NOT NULL,
    card_number TEXT NOT NULL,
    branch_number TEXT NOT NULL,
    relationship TEXT NOT NULL CHECK (relationship IN ('insured', 'spouse', 'other')),
    employee_number TEXT,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    active INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    UNIQUE (insurer_number, card_symbol, card_number, branch_number)
);
CREATE UNIQUE INDEX roster_employee_number ON roster (employee_number)
    WHERE employee_number IS NOT NULL;
CREATE INDEX roster_card ON roster (card_symbol, card_number);

CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    roster_id BIGINT NOT NULL UNIQUE REFERENCES roster (id),
    login_id TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    password_change_required INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('insured', 'dependent_spouse')),
    nickname TEXT,
    notification_email TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    email TEXT,
    roster_id BIGINT REFERENCES roster (id),
    account_id BIGINT REFERENCES accounts (id),
    secret_hash TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE captchas (
    id TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE session_tokens (
    hash TEXT PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX session_tokens_session ON session_tokens (session_id);

CREATE TABLE throttles (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
