//! The hourly purge of rows past their use: captchas, mailed tokens, session
//! tokens, throttle windows and idempotency answers. Plain deletes by age,
//! so any number of server processes may run it at once.

use async_trait::async_trait;

use super::StoreResult;
use super::sql::{PostgresStore, SqliteStore};

/// How long an Idempotency-Key's first answer is kept for its retries.
pub const IDEMPOTENCY_KEEP_SECS: i64 = 7 * 24 * 3600;
/// How long a throttle window is kept after it began (the longest is a day).
pub const THROTTLE_KEEP_SECS: i64 = 2 * 24 * 3600;

/// What one purge deleted, table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeSummary {
    pub captchas: u64,
    pub tokens: u64,
    pub session_tokens: u64,
    pub throttles: u64,
    pub idempotency_keys: u64,
}

impl PurgeSummary {
    pub fn total(&self) -> u64 {
        self.captchas + self.tokens + self.session_tokens + self.throttles + self.idempotency_keys
    }
}

#[async_trait]
pub trait PurgeStore {
    /// Deletes what has expired by `now`.
    async fn purge(&self, now: i64) -> StoreResult<PurgeSummary>;
}

macro_rules! purge_store {
    ($store:ident) => {
        #[async_trait]
        impl PurgeStore for $store {
            async fn purge(&self, now: i64) -> StoreResult<PurgeSummary> {
                let run = |sql: &'static str, before: i64| async move {
                    Ok::<u64, super::StoreError>(
                        sqlx::query(sql)
                            .bind(before)
                            .execute(self.pool())
                            .await?
                            .rows_affected(),
                    )
                };
                Ok(PurgeSummary {
                    captchas: run("DELETE FROM captchas WHERE expires_at < $1", now).await?,
                    tokens: run("DELETE FROM tokens WHERE expires_at < $1", now).await?,
                    // A used refresh token is kept until it expires: its reuse
                    // until then means it was stolen.
                    session_tokens: run("DELETE FROM session_tokens WHERE expires_at < $1", now)
                        .await?,
                    throttles: run(
                        "DELETE FROM throttles WHERE window_start < $1",
                        now - THROTTLE_KEEP_SECS,
                    )
                    .await?,
                    idempotency_keys: run(
                        "DELETE FROM idempotency_keys WHERE created_at < $1",
                        now - IDEMPOTENCY_KEEP_SECS,
                    )
                    .await?,
                })
            }
        }
    };
}

purge_store!(SqliteStore);
purge_store!(PostgresStore);
