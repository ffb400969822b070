-- The member's settings on this PC (reminders and what they showed), as
-- JSON per key: kept encrypted with the rest of the member's data.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
