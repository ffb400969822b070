//! The server's clock. In sandbox mode it can be moved forward (to try the
//! 3 h and 30 min links and fiscal-year expiry); the offset lives in the
//! database so that every server process agrees on the time.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};

use crate::store::{Store, StoreResult};

const OFFSET_KEY: &str = "sandbox_clock_offset_seconds";

/// How far a sandbox clock may be moved in all: 20 years. Beyond, dates
/// leave what the rules and the databases are tried with.
pub const MAX_OFFSET_SECS: i64 = 20 * 366 * 86_400;

#[derive(Debug, Clone)]
pub struct ServerClock {
    sandbox: bool,
    /// A sandbox clock that stands still at this instant (plus its offset):
    /// tests use it to stand exactly one second before or after an expiry.
    frozen_at: Option<i64>,
    store: Arc<dyn Store>,
}

impl ServerClock {
    pub fn new(store: Arc<dyn Store>, sandbox: bool, frozen_at: Option<i64>) -> Self {
        Self {
            sandbox,
            frozen_at: frozen_at.filter(|_| sandbox),
            store,
        }
    }

    /// Now, in Unix seconds.
    pub async fn now(&self) -> StoreResult<i64> {
        let base = self.frozen_at.unwrap_or_else(|| Utc::now().timestamp());
        Ok(base + self.offset().await?)
    }

    /// Now, as an instant in Japan's offset (for mail headers and API answers).
    pub async fn now_jst(&self) -> StoreResult<DateTime<FixedOffset>> {
        Ok(to_jst(self.now().await?))
    }

    async fn offset(&self) -> StoreResult<i64> {
        if !self.sandbox {
            return Ok(0);
        }
        // An offset out of bounds (kept by an older version) counts as none,
        // rather than making every answer fail.
        Ok(self
            .store
            .setting_get(OFFSET_KEY)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|offset| (0..=MAX_OFFSET_SECS).contains(offset))
            .unwrap_or(0))
    }

    /// Moves a sandbox clock forward; returns the new now, or `None` when
    /// that would move it more than [`MAX_OFFSET_SECS`] in all.
    pub async fn advance(&self, seconds: i64) -> StoreResult<Option<i64>> {
        let Some(offset) = self
            .offset()
            .await?
            .checked_add(seconds)
            .filter(|offset| (0..=MAX_OFFSET_SECS).contains(offset))
        else {
            return Ok(None);
        };
        self.store
            .setting_set(OFFSET_KEY, &offset.to_string())
            .await?;
        self.now().await.map(Some)
    }
}

pub fn to_jst(unix: i64) -> DateTime<FixedOffset> {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&kenpo_domain::time::JST)
}

impl ServerClock {
    /// Now in Unix seconds, and today's date in Japan.
    pub async fn today(&self) -> StoreResult<(i64, chrono::NaiveDate)> {
        let now = self.now().await?;
        Ok((now, kenpo_domain::time::jst_date(to_jst(now))))
    }
}
