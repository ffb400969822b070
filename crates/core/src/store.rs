//! The member's local store: one SQLCipher database per profile, in the OS
//! app-data folder, encrypted with a random key that lives in the OS
//! keychain ([`crate::keychain`]).
//!
//! Writes are local first: [`LocalStore::save`] commits the record and its
//! outbox entry in one transaction (WAL, `synchronous=FULL`), and the UI
//! never waits for the network. Sync ([`crate::sync`]) reads the outbox in
//! batches and applies the server's change feed, moving its cursor in the
//! same transaction as the changes it applied.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate};
use kenpo_domain::api::{Change, LedgerEntryInfo, Record, RecordResult, RecordStatus};
use kenpo_domain::entry::{EntryValue, Goal, GoalId, GoalLabel};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

/// A profile database's key: 32 random bytes. Never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn generate() -> Self {
        Self(rand::random())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// The key does not open this file (or the file is not a Kenpo Desk store).
    #[error("the local data cannot be opened with this PC's key")]
    WrongKey,
    /// This build's SQLite does not encrypt: nothing is written.
    #[error("this build cannot encrypt the local data; nothing was written")]
    NoEncryption,
    #[error("the local data is damaged: {0}")]
    Corrupt(String),
    #[error("the local database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the local database could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl LocalError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongKey => "local_wrong_key",
            Self::NoEncryption => "local_no_encryption",
            Self::Corrupt(_) => "local_corrupt",
            Self::Database(_) | Self::Migrate(_) => "local_database",
        }
    }
}

pub type LocalResult<T> = Result<T, LocalError>;

fn corrupt(what: &str) -> LocalError {
    LocalError::Corrupt(what.to_owned())
}

/// SQLite's "file is not a database", which is what a wrong key looks like.
fn is_not_a_database(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("26") || db.message().contains("not a database")
        }
        _ => false,
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_day(text: &str) -> LocalResult<NaiveDate> {
    NaiveDate::from_str(text).map_err(|_| corrupt("date"))
}

type RecordRow = (String, String, i64, i64, String);
type LedgerRow = (i64, String, String, i64, Option<String>, Option<String>);

fn record_of((date, kind, goal_id, value, updated_at): RecordRow) -> LocalResult<Record> {
    let updated_at =
        DateTime::parse_from_rfc3339(&updated_at).map_err(|_| corrupt("record time"))?;
    Ok(Record::from_entry(
        parse_day(&date)?,
        EntryValue::from_stored(&kind, goal_id, value).ok_or_else(|| corrupt("record value"))?,
        updated_at,
    ))
}

/// A record as the member sees it locally, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRecord {
    pub record: Record,
    /// Saved on this PC and not yet accepted by the server.
    pub pending: bool,
    /// The server refused it (e.g. a day out of range): the error code.
    pub rejected_code: Option<String>,
}

/// Edits sent together under one Idempotency-Key.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingBatch {
    pub key: String,
    pub records: Vec<Record>,
}

const CURSOR: &str = "feed_cursor";
const LAST_SYNC: &str = "last_sync";

#[derive(Debug, Clone)]
pub struct LocalStore {
    pool: SqlitePool,
}

impl LocalStore {
    /// Opens (or creates) the profile database at `path` with `key`. Refuses
    /// a build without SQLCipher and a key that does not fit.
    pub async fn open(path: &Path, key: &DbKey) -> LocalResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| corrupt(&e.to_string()))?;
        }
        // sqlx writes `key` first, verbatim: a raw key is "x'…'" in quotes.
        let options = SqliteConnectOptions::new()
            .filename(path)
            .pragma("key", format!("\"x'{}'\"", key.to_hex()))
            .pragma("cipher_log_level", "NONE")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|err| {
                if is_not_a_database(&err) {
                    LocalError::WrongKey
                } else {
                    err.into()
                }
            })?;
        let cipher: Option<String> = sqlx::query_scalar("PRAGMA cipher_version")
            .fetch_optional(&pool)
            .await?;
        if cipher.is_none_or(|v| v.is_empty()) {
            pool.close().await;
            return Err(LocalError::NoEncryption);
        }
        match sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
            .fetch_one(&pool)
            .await
        {
            Ok(_) => {}
            Err(err) if is_not_a_database(&err) => return Err(LocalError::WrongKey),
            Err(err) => return Err(err.into()),
        }
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Saves the member's edit of one record, with its outbox entry, in one
    /// transaction. A newer edit of a record not yet sent replaces the older.
    pub async fn save(
        &self,
        date: NaiveDate,
        value: EntryValue,
        updated_at: DateTime<FixedOffset>,
    ) -> LocalResult<()> {
        let (goal_id, number) = value.to_stored();
        let kind = value.kind().as_str();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO records (date, kind, goal_id, value, updated_at, updated_ms, rejected_code) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL) \
             ON CONFLICT (date, kind, goal_id) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at, updated_ms = excluded.updated_ms, rejected_code = NULL",
        )
        .bind(day(date))
        .bind(kind)
        .bind(goal_id)
        .bind(number)
        .bind(updated_at.to_rfc3339())
        .bind(updated_at.timestamp_millis())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO outbox (date, kind, goal_id, value, updated_at, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (date, kind, goal_id) WHERE batch_key IS NULL DO UPDATE SET \
             value = excluded.value, updated_at = excluded.updated_at, updated_ms = excluded.updated_ms",
        )
        .bind(day(date))
        .bind(kind)
        .bind(goal_id)
        .bind(number)
        .bind(updated_at.to_rfc3339())
        .bind(updated_at.timestamp_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The member's records from `from` to `to`, with their sync state.
    pub async fn records_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> LocalResult<Vec<LocalRecord>> {
        let rows = sqlx::query(
            "SELECT r.date, r.kind, r.goal_id, r.value, r.updated_at, r.rejected_code, \
             EXISTS (SELECT 1 FROM outbox o WHERE o.date = r.date AND o.kind = r.kind \
                     AND o.goal_id = r.goal_id) AS pending \
             FROM records r WHERE r.date >= $1 AND r.date <= $2 ORDER BY r.date, r.kind, r.goal_id",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LocalRecord {
                    record: record_of((
                        row.try_get("date")?,
                        row.try_get("kind")?,
                        row.try_get("goal_id")?,
                        row.try_get("value")?,
                        row.try_get("updated_at")?,
                    ))?,
                    pending: row.try_get::<i64, _>("pending")? != 0,
                    rejected_code: row.try_get("rejected_code")?,
                })
            })
            .collect()
    }

    /// Edits not yet accepted by the server.
    pub async fn pending(&self) -> LocalResult<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }

    /// The batch to send next: the one already sent (or about to be) if a
    /// previous run did not see its answer, so that it goes again under the
    /// same key and with the same body; else up to `max` waiting edits
    /// under a new key. `None` when there is nothing to send.
    pub async fn next_batch(&self, max: usize) -> LocalResult<Option<OutgoingBatch>> {
        let mut tx = self.pool.begin().await?;
        let open: Option<String> =
            sqlx::query_scalar("SELECT batch_key FROM outbox WHERE batch_key IS NOT NULL LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
        let key = match open {
            Some(key) => key,
            None => {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM outbox WHERE batch_key IS NULL ORDER BY id LIMIT $1",
                )
                .bind(i64::try_from(max).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?;
                if ids.is_empty() {
                    return Ok(None);
                }
                let key = format!("kd-{}", hex::encode(rand::random::<[u8; 16]>()));
                for id in ids {
                    sqlx::query("UPDATE outbox SET batch_key = $1 WHERE id = $2")
                        .bind(&key)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                key
            }
        };
        let rows: Vec<RecordRow> = sqlx::query_as(
            "SELECT date, kind, goal_id, value, updated_at FROM outbox WHERE batch_key = $1 ORDER BY id",
        )
        .bind(&key)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let records = rows
            .into_iter()
            .map(record_of)
            .collect::<LocalResult<_>>()?;
        Ok(Some(OutgoingBatch { key, records }))
    }

    /// The server answered batch `key`: its edits leave the outbox; refused
    /// ones are marked with their error code.
    pub async fn batch_done(&self, key: &str, results: &[RecordResult]) -> LocalResult<()> {
        let mut tx = self.pool.begin().await?;
        for result in results {
            if result.status != RecordStatus::Rejected {
                continue;
            }
            let code = result
                .error
                .as_ref()
                .map_or("rejected", |e| e.code.as_str());
            sqlx::query(
                "UPDATE records SET rejected_code = $1 WHERE date = $2 AND kind = $3 AND goal_id = $4 \
                 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.batch_key IS NULL AND o.date = $2 \
                                 AND o.kind = $3 AND o.goal_id = $4)",
            )
            .bind(code)
            .bind(day(result.date))
            .bind(result.kind.as_str())
            .bind(result.goal_id.map_or(0, |g| g.0))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM outbox WHERE batch_key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Where the change feed was last read up to.
    pub async fn cursor(&self) -> LocalResult<Option<String>> {
        self.state(CURSOR).await
    }

    pub async fn last_sync(&self) -> LocalResult<Option<DateTime<FixedOffset>>> {
        Ok(self
            .state(LAST_SYNC)
            .await?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok()))
    }

    pub async fn set_last_sync(&self, at: DateTime<FixedOffset>) -> LocalResult<()> {
        sqlx::query(
            "INSERT INTO sync_state (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(LAST_SYNC)
        .bind(at.to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn state(&self, key: &str) -> LocalResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Applies a page of the change feed and moves the cursor to `cursor`,
    /// in one transaction: a crash before the commit leaves both as they
    /// were, and the page is simply read again.
    pub async fn apply_changes(&self, changes: &[Change], cursor: &str) -> LocalResult<()> {
        let mut tx = self.pool.begin().await?;
        for change in changes {
            match change {
                Change::Record(record) => {
                    let value = record.entry().map_err(|_| corrupt("record from server"))?;
                    let (goal_id, number) = value.to_stored();
                    // The newer edit wins, here as on the server; a local
                    // edit still waiting to go keeps its place.
                    sqlx::query(
                        "INSERT INTO records (date, kind, goal_id, value, updated_at, updated_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (date, kind, goal_id) DO UPDATE SET value = excluded.value, \
                         updated_at = excluded.updated_at, updated_ms = excluded.updated_ms, \
                         rejected_code = NULL \
                         WHERE records.updated_ms < excluded.updated_ms",
                    )
                    .bind(day(record.date))
                    .bind(record.kind.as_str())
                    .bind(goal_id)
                    .bind(number)
                    .bind(record.updated_at.to_rfc3339())
                    .bind(record.updated_at.timestamp_millis())
                    .execute(&mut *tx)
                    .await?;
                }
                Change::Goal(goal) => upsert_goal(&mut tx, goal).await?,
                Change::Ledger(entry) => {
                    sqlx::query(
                        "INSERT INTO ledger (id, date, code, points, expires_on, note) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(entry.id)
                    .bind(day(entry.date))
                    .bind(entry.code.as_str())
                    .bind(entry.points)
                    .bind(entry.expires_on.map(day))
                    .bind(&entry.note)
                    .execute(&mut *tx)
                    .await?;
                }
                Change::Checkup(checkup) => {
                    mirror(&mut tx, "checkup", &day(checkup.date), change).await?;
                }
                Change::Exchange(exchange) => {
                    mirror(
                        &mut tx,
                        "exchange",
                        &exchange.exchange_id.to_string(),
                        change,
                    )
                    .await?;
                }
                Change::Notice(notice) => {
                    mirror(&mut tx, "notice", &notice.id.to_string(), change).await?;
                }
            }
        }
        sqlx::query(
            "INSERT INTO sync_state (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(CURSOR)
        .bind(cursor)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The balance as the mirrored ledger says.
    pub async fn balance(&self) -> LocalResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(SUM(points), 0) FROM ledger")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The mirrored ledger, newest first.
    pub async fn ledger(&self, limit: u32) -> LocalResult<Vec<LedgerEntryInfo>> {
        let rows: Vec<LedgerRow> = sqlx::query_as(
            "SELECT id, date, code, points, expires_on, note FROM ledger ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, date, code, points, expires_on, note)| {
                Ok(LedgerEntryInfo {
                    id,
                    date: parse_day(&date)?,
                    code: kenpo_domain::points::RuleCode::parse(&code)
                        .map_err(|_| corrupt("rule code"))?,
                    points,
                    expires_on: expires_on.as_deref().map(parse_day).transpose()?,
                    note,
                })
            })
            .collect()
    }

    /// Replaces the mirrored goals with the server's list.
    pub async fn set_goals(&self, goals: &[Goal]) -> LocalResult<()> {
        let mut tx = self.pool.begin().await?;
        for goal in goals {
            upsert_goal(&mut tx, goal).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The member's goals, active first.
    pub async fn goals(&self) -> LocalResult<Vec<Goal>> {
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT id, label, active FROM goals ORDER BY active DESC, id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, label, active)| {
                Ok(Goal {
                    id: GoalId(id),
                    label: GoalLabel::parse(&label).map_err(|_| corrupt("goal label"))?,
                    active: active != 0,
                })
            })
            .collect()
    }

    /// Mirrored items of one kind (`checkup`, `exchange`, `notice`).
    pub async fn mirrored(&self, kind: &str) -> LocalResult<Vec<Change>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT payload FROM mirror WHERE kind = $1 ORDER BY key")
                .bind(kind)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|p| serde_json::from_str(p).map_err(|_| corrupt("mirrored item")))
            .collect()
    }
}

async fn upsert_goal(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    goal: &Goal,
) -> LocalResult<()> {
    sqlx::query(
        "INSERT INTO goals (id, label, active) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, active = excluded.active",
    )
    .bind(goal.id.0)
    .bind(goal.label.as_str())
    .bind(i64::from(goal.active))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn mirror(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    kind: &str,
    key: &str,
    change: &Change,
) -> LocalResult<()> {
    let payload = serde_json::to_string(change).map_err(|_| corrupt("change"))?;
    sqlx::query(
        "INSERT INTO mirror (kind, key, payload) VALUES ($1, $2, $3) \
         ON CONFLICT (kind, key) DO UPDATE SET payload = excluded.payload",
    )
    .bind(kind)
    .bind(key)
    .bind(payload)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use kenpo_domain::entry::Steps;

    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    fn steps(n: u32) -> EntryValue {
        EntryValue::Steps(Steps::new(n).unwrap())
    }

    #[tokio::test]
    async fn the_file_is_encrypted_and_only_its_key_opens_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile.db");
        let key = DbKey::generate();
        let store = LocalStore::open(&path, &key).await.unwrap();
        store
            .save(
                d("2026-11-22"),
                steps(8123),
                at("2026-11-22T10:00:00+09:00"),
            )
            .await
            .unwrap();
        store.close().await;
        for file in ["profile.db", "profile.db-wal"] {
            let Ok(bytes) = std::fs::read(dir.path().join(file)) else {
                continue;
            };
            assert!(
                !bytes.starts_with(b"SQLite format 3"),
                "{file} is not plain SQLite"
            );
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("2026-11-22"), "{file} holds no plain text");
        }
        let wrong = LocalStore::open(&path, &DbKey::generate()).await;
        assert!(matches!(wrong, Err(LocalError::WrongKey)), "{wrong:?}");
        let again = LocalStore::open(&path, &key).await.unwrap();
        let records = again
            .records_between(d("2026-11-01"), d("2026-11-30"))
            .await
            .unwrap();
        assert_eq!(records.len(), 1);
        assert!(records[0].pending);
    }

    #[tokio::test]
    async fn a_sent_batch_is_sent_again_unchanged_and_new_edits_wait() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("p.db"), &DbKey::generate())
            .await
            .unwrap();
        store
            .save(d("2026-11-21"), steps(1), at("2026-11-22T10:00:00+09:00"))
            .await
            .unwrap();
        store
            .save(d("2026-11-22"), steps(2), at("2026-11-22T10:00:01+09:00"))
            .await
            .unwrap();
        let first = store.next_batch(10).await.unwrap().unwrap();
        assert_eq!(first.records.len(), 2);
        // An edit after the batch left: it waits, the batch stays as it was.
        store
            .save(d("2026-11-22"), steps(3), at("2026-11-22T10:00:02+09:00"))
            .await
            .unwrap();
        let again = store.next_batch(10).await.unwrap().unwrap();
        assert_eq!(again, first, "same key, same body");
        store.batch_done(&first.key, &[]).await.unwrap();
        let next = store.next_batch(10).await.unwrap().unwrap();
        assert_ne!(next.key, first.key);
        assert_eq!(next.records.len(), 1);
        assert_eq!(
            next.records[0].value,
            kenpo_domain::api::RecordValue::Number(3.0)
        );
        store.batch_done(&next.key, &[]).await.unwrap();
        assert_eq!(store.next_batch(10).await.unwrap(), None);
        assert_eq!(store.pending().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn the_newer_edit_wins_when_the_feed_brings_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("p.db"), &DbKey::generate())
            .await
            .unwrap();
        store
            .save(d("2026-11-22"), steps(100), at("2026-11-22T12:00:00+09:00"))
            .await
            .unwrap();
        let older = Record::from_entry(d("2026-11-22"), steps(50), at("2026-11-22T11:00:00+09:00"));
        let newer = Record::from_entry(d("2026-11-21"), steps(70), at("2026-11-22T11:00:00+09:00"));
        store
            .apply_changes(&[Change::Record(older), Change::Record(newer)], "v1.2.0")
            .await
            .unwrap();
        let records = store
            .records_between(d("2026-11-20"), d("2026-11-22"))
            .await
            .unwrap();
        let values: Vec<_> = records.iter().map(|r| r.record.value).collect();
        use kenpo_domain::api::RecordValue::Number;
        assert_eq!(values, [Number(70.0), Number(100.0)]);
        assert_eq!(store.cursor().await.unwrap().as_deref(), Some("v1.2.0"));
    }
}
