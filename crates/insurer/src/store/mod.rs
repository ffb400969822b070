//! The server's storage: one [`Store`] trait, two implementations
//! ([`SqliteStore`], [`PostgresStore`]) built from the same SQL.
//!
//! Everything a server process knows lives here (sessions, attempt
//! counters, throttles, tokens, the sandbox clock), so several processes can
//! serve one PostgreSQL database. Instants are stored as Unix seconds.

mod activity;
mod activity_sql;
mod bulk;
mod catalog;
mod purge;
mod sql;

use async_trait::async_trait;
use chrono::NaiveDate;
pub use kenpo_domain::member::RosterRelationship;
use kenpo_domain::member::{Relationship, Sex};

pub use activity::{
    ActivityStore, CheckupImport, CheckupMember, CheckupResult, ExchangeOrder, ExpirySummary,
    FeedCursor, FeedPage, IdempotencyKey, NewExchange, NewReport, RecordItem, StoredInquiry,
};
pub use catalog::{CatalogImport, CatalogStore, StoredImage};
pub use purge::{IDEMPOTENCY_KEEP_SECS, PurgeStore, PurgeSummary};
pub use sql::{PostgresStore, SqliteStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database URL is not one this server knows (use sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error("this login ID is already taken")]
    LoginIdTaken,
    #[error("this member already has an account")]
    AlreadyRegistered,
    #[error("no such thing for this member")]
    NotFound,
    #[error("this Idempotency-Key came with another request")]
    IdempotencyConflict,
    #[error("{0}")]
    Ledger(kenpo_domain::ledger::LedgerError),
    #[error("out of stock")]
    OutOfStock,
    #[error("the order has shipped or was cancelled")]
    NotCancellable,
    #[error("a report of this kind is in for this fiscal year")]
    AlreadyReported,
    #[error("an order cannot move to that status from where it is")]
    StatusChange,
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::UnsupportedUrl => "database_url_unsupported",
            StoreError::LoginIdTaken => "login_id_taken",
            StoreError::AlreadyRegistered => "already_registered",
            StoreError::NotFound => "not_found",
            StoreError::IdempotencyConflict => "idempotency_conflict",
            StoreError::Ledger(err) => kenpo_domain::error::Coded::code(err),
            StoreError::OutOfStock => "out_of_stock",
            StoreError::NotCancellable => "not_cancellable",
            StoreError::AlreadyReported => "already_reported",
            StoreError::StatusChange => "status_change",
            StoreError::Corrupt(_) => "database_corrupt",
            StoreError::Sqlx(_) => "database",
            StoreError::Migrate(_) => "database_migration",
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A session's absolute lifetime: however often it is refreshed, the
/// member logs in again after 90 days. (Idle sessions end sooner, when
/// their refresh token expires unused.)
pub const SESSION_LIFETIME_SECS: i64 = 90 * 24 * 3600;

/// Opens the database named by `url` and brings its schema up to date.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    let store: std::sync::Arc<dyn Store> = if url.starts_with("sqlite:") {
        std::sync::Arc::new(SqliteStore::connect(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        std::sync::Arc::new(PostgresStore::connect(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl);
    };
    store.migrate().await?;
    Ok(store)
}

/// One person of the roster, as imported (identifiers already validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub insurer_number: String,
    pub card_symbol: String,
    pub card_number: String,
    pub branch_number: String,
    pub relationship: RosterRelationship,
    pub employee_number: Option<String>,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterPerson {
    pub id: i64,
    pub entry: RosterEntry,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub inserted: u64,
    pub updated: u64,
    /// People marked as having left (a full roster import only).
    pub removed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub roster_id: i64,
    pub login_id: String,
    pub password_hash: String,
    pub password_change_required: bool,
    pub kind: Relationship,
    pub nickname: Option<String>,
    pub notification_email: Option<String>,
    pub created_at: i64,
}

impl Account {
    /// The stored nickname, as the domain type (it was checked on the way in).
    pub fn nickname(&self) -> Option<kenpo_domain::id::Nickname> {
        self.nickname.as_deref().and_then(|n| n.parse().ok())
    }

    pub fn notification_email(&self) -> Option<kenpo_domain::id::Email> {
        self.notification_email
            .as_deref()
            .and_then(|e| e.parse().ok())
    }
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub roster_id: i64,
    pub login_id: String,
    pub password_hash: String,
    pub password_change_required: bool,
    pub kind: Relationship,
    pub nickname: Option<String>,
    pub notification_email: Option<String>,
}

/// What a single-use token is for; a token never works for another step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Step 1's mailed link: opens the identity check.
    Registration,
    /// Step 3's mailed link: with the auth key, opens account setup.
    Confirmation,
    /// Handed out after the auth key: creates the account.
    Setup,
    /// A mailed password-reset link.
    PasswordReset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::Confirmation => "confirmation",
            Self::Setup => "setup",
            Self::PasswordReset => "password_reset",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// SHA-256 of the token, hex: the token itself is never stored.
    pub hash: String,
    pub purpose: Purpose,
    pub email: Option<String>,
    pub roster_id: Option<i64>,
    pub account_id: Option<i64>,
    /// A second secret bound to the token (the auth key's hash).
    pub secret_hash: Option<String>,
    pub expires_at: i64,
}

/// A token counted against its attempt limit, or why it cannot be tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenAttempt {
    /// This attempt is number `attempt` (1-based) of the allowed ones.
    Counted { token: Token, attempt: u32 },
    /// Unknown, used, expired or out of attempts.
    Unusable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: i64,
    pub account_id: i64,
    pub created_at: i64,
    pub last_used_at: i64,
}

/// Hashes and lifetimes of a new access/refresh token pair.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_hash: String,
    pub access_expires_at: i64,
    pub refresh_hash: String,
    pub refresh_expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    Rotated {
        session_id: i64,
        account_id: i64,
    },
    /// An already used refresh token came back: the session is ended.
    Reused,
    Invalid,
}

#[async_trait]
pub trait Store:
    ActivityStore + CatalogStore + PurgeStore + Send + Sync + std::fmt::Debug + 'static
{
    async fn migrate(&self) -> StoreResult<()>;
    async fn ping(&self) -> StoreResult<()>;
    async fn close(&self);

    // ---- roster
    /// Inserts or updates every entry in one transaction: all or nothing.
    /// With `full`, everybody not in `entries` has left: inactive, with
    /// their sessions ended (their accounts and history are kept).
    async fn roster_import(
        &self,
        entries: &[RosterEntry],
        full: bool,
        now: i64,
    ) -> StoreResult<ImportSummary>;
    async fn roster_get(&self, id: i64) -> StoreResult<Option<RosterPerson>>;
    async fn roster_by_card(&self, symbol: &str, number: &str) -> StoreResult<Vec<RosterPerson>>;
    async fn roster_by_employee(&self, employee_number: &str) -> StoreResult<Option<RosterPerson>>;

    // ---- accounts
    async fn account_create(&self, account: &NewAccount, now: i64) -> StoreResult<i64>;
    async fn account_get(&self, id: i64) -> StoreResult<Option<Account>>;
    async fn account_by_login(&self, login_id: &str) -> StoreResult<Option<Account>>;
    async fn account_by_roster(&self, roster_id: i64) -> StoreResult<Option<Account>>;
    /// Sets the password and ends every session of the account but `keep`,
    /// in one transaction: no session outlives the password it began with.
    async fn account_set_password(
        &self,
        id: i64,
        hash: &str,
        change_required: bool,
        keep: Option<i64>,
        now: i64,
    ) -> StoreResult<()>;
    async fn account_update_profile(
        &self,
        id: i64,
        nickname: Option<&str>,
        notification_email: Option<&str>,
    ) -> StoreResult<()>;

    // ---- single-use tokens
    async fn token_insert(&self, token: &Token, now: i64) -> StoreResult<()>;
    /// Counts one attempt of a usable token (not used, not expired, fewer
    /// than `max_attempts` so far), atomically: concurrent attempts can never
    /// exceed the limit together.
    async fn token_attempt(
        &self,
        hash: &str,
        max_attempts: u32,
        now: i64,
    ) -> StoreResult<TokenAttempt>;
    /// Marks a usable token used; false when it was not usable (so exactly
    /// one of two racing callers wins).
    async fn token_use(&self, hash: &str, now: i64) -> StoreResult<bool>;
    /// Voids every unused token of `purpose` for this e-mail or roster person.
    async fn tokens_void_for(&self, purpose: Purpose, roster_id: i64, now: i64) -> StoreResult<()>;

    // ---- captchas
    async fn captcha_insert(&self, id: &str, answer: &str, expires_at: i64) -> StoreResult<()>;
    /// Removes and returns the answer of an unexpired captcha: one try each.
    async fn captcha_take(&self, id: &str, now: i64) -> StoreResult<Option<String>>;
    async fn captcha_peek(&self, id: &str) -> StoreResult<Option<String>>;

    // ---- sessions
    async fn session_create(&self, account_id: i64, pair: &TokenPair, now: i64)
    -> StoreResult<i64>;
    /// The live session an access token belongs to: (session id, account).
    async fn session_by_access(
        &self,
        access_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(i64, Account)>>;
    async fn session_refresh(
        &self,
        refresh_hash: &str,
        pair: &TokenPair,
        now: i64,
    ) -> StoreResult<RefreshOutcome>;
    async fn session_end(&self, session_id: i64, now: i64) -> StoreResult<bool>;
    async fn sessions_end_all(
        &self,
        account_id: i64,
        except: Option<i64>,
        now: i64,
    ) -> StoreResult<()>;
    async fn sessions_of(&self, account_id: i64, now: i64) -> StoreResult<Vec<SessionInfo>>;

    // ---- throttles
    /// Counts a hit on `key` in a fixed window of `window` seconds and
    /// returns the hits in the current window, this one included.
    async fn throttle_hit(&self, key: &str, window: i64, now: i64) -> StoreResult<u32>;
    async fn throttle_hits(&self, key: &str, window: i64, now: i64) -> StoreResult<u32>;
    /// Counts a hit on `key` only while the window holds fewer than `limit`,
    /// in one statement: `false` (nothing counted) once the limit is
    /// reached. However many callers race, at most `limit` get `true`.
    async fn throttle_take(
        &self,
        key: &str,
        window: i64,
        limit: u32,
        now: i64,
    ) -> StoreResult<bool>;
    async fn throttle_clear(&self, key: &str) -> StoreResult<()>;

    // ---- settings
    async fn setting_get(&self, key: &str) -> StoreResult<Option<String>>;
    async fn setting_set(&self, key: &str, value: &str) -> StoreResult<()>;
}
