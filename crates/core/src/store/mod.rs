//! The member's local store: one SQLCipher database per profile, in the OS
//! app-data folder, encrypted with a random key that lives in the OS
//! keychain ([`crate::keychain`]).
//!
//! Writes are local first: [`LocalStore::save`] commits the record and its
//! outbox entry in one transaction (WAL, `synchronous=FULL`), and the UI
//! never waits for the network. Sync ([`crate::sync`]) reads the outbox in
//! batches (`outbox`) and applies the server's change feed (`feed`),
//! moving its cursor in the same transaction as the changes it applied.

mod feed;
mod history;
mod outbox;
mod pictures;
mod settings;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate};
use kenpo_domain::api::Record;
use kenpo_domain::entry::EntryValue;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};

use crate::error::{Coded, ErrorCode};

pub use feed::Applied;
pub use history::DayRow;
pub use outbox::{LocalRecord, OutgoingBatch};

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
        Self::from_bytes(&bytes)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        Some(Self(bytes.try_into().ok()?))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
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
    /// The file is there but the keychain no longer holds its key.
    #[error("the key of the local data is no longer in the keychain")]
    KeyLost,
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

impl Coded for LocalError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::WrongKey => ErrorCode::LocalWrongKey,
            Self::KeyLost => ErrorCode::LocalKeyLost,
            Self::NoEncryption => ErrorCode::LocalNoEncryption,
            Self::Corrupt(_) => ErrorCode::LocalCorrupt,
            Self::Database(_) | Self::Migrate(_) => ErrorCode::LocalDatabase,
        }
    }
}

pub type LocalResult<T> = Result<T, LocalError>;

pub(crate) fn corrupt(what: &str) -> LocalError {
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

pub(crate) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_day(text: &str) -> LocalResult<NaiveDate> {
    NaiveDate::from_str(text).map_err(|_| corrupt("date"))
}

/// A record as a row of `records` or `outbox` holds it.
#[derive(sqlx::FromRow)]
pub(crate) struct RecordRow {
    date: String,
    kind: String,
    goal_id: i64,
    value: i64,
    updated_at: String,
}

impl RecordRow {
    pub(crate) fn record(self) -> LocalResult<Record> {
        let updated_at =
            DateTime::parse_from_rfc3339(&self.updated_at).map_err(|_| corrupt("record time"))?;
        Ok(Record::from_entry(
            parse_day(&self.date)?,
            EntryValue::from_stored(&self.kind, self.goal_id, self.value)
                .ok_or_else(|| corrupt("record value"))?,
            updated_at,
        ))
    }
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
        // It runs as a statement, and sqlx logs statements (at debug): this
        // connection's statements are never logged, so the key never is.
        let options = SqliteConnectOptions::new()
            .filename(path)
            .pragma("key", format!("\"x'{}'\"", key.to_hex()))
            .pragma("cipher_log_level", "NONE")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10))
            .log_statements(log::LevelFilter::Off)
            .log_slow_statements(log::LevelFilter::Off, std::time::Duration::from_secs(3600));
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

    /// A transaction that takes the write lock at once. A deferred one that
    /// reads, then writes, fails with SQLITE_BUSY (busy_timeout does not
    /// wait for it in WAL) when a save commits between its read and its
    /// write: sync and saves run side by side.
    async fn write(&self) -> LocalResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
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
        set_state(&self.pool, LAST_SYNC, &at.to_rfc3339()).await
    }

    async fn state(&self, key: &str) -> LocalResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

async fn set_state<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    key: &str,
    value: &str,
) -> LocalResult<()> {
    sqlx::query(
        "INSERT INTO sync_state (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use kenpo_domain::entry::Steps;

    use super::*;

    pub(crate) fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    pub(crate) fn d(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    pub(crate) fn steps(n: u32) -> EntryValue {
        EntryValue::Steps(Steps::new(n).unwrap())
    }

    pub(crate) async fn scratch() -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("p.db"), &DbKey::generate())
            .await
            .unwrap();
        (dir, store)
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
}
