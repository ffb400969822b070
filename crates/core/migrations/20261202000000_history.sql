-- History reads the ledger by day (points earned per day, per fiscal year).
CREATE INDEX ledger_date ON ledger (date);
