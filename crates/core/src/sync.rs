//! The sync engine's one pass: [`sync_once`] pushes the outbox in batches,
//! each under its own Idempotency-Key (a batch whose answer was lost is
//! sent again unchanged, so the server replays its first answer: nothing
//! is granted twice), then pulls the change feed page by page, moving the
//! cursor only in the same local transaction that applied the page.
//!
//! Nothing one item does can stop sync for good: a batch the server
//! refuses as a whole is set aside with its reason and the next one goes;
//! feed items this client cannot use are skipped and counted.

use std::time::Duration;

use kenpo_domain::api::{ErrorCode, RecordsRequest};
use kenpo_domain::time::{Clock, JST};

use crate::client::ClientError;
use crate::error::{Coded, ErrorCode as CoreCode};
use crate::keychain::KeychainError;
use crate::session::Session;
use crate::store::{LocalError, LocalStore};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The session is over (logged out, or the refresh token was refused):
    /// the member must log in again.
    #[error("please log in again")]
    LoggedOut,
}

impl Coded for SyncError {
    fn code(&self) -> CoreCode {
        match self {
            Self::Local(err) => err.code(),
            Self::Client(err) => err.code(),
            Self::Keychain(err) => err.code(),
            Self::LoggedOut => CoreCode::LoggedOut,
        }
    }
}

impl SyncError {
    /// Worth trying again later by itself (the network, a busy server).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Client(ClientError::Offline(_)) => true,
            Self::Client(err) => matches!(
                err.api_code(),
                Some(ErrorCode::RateLimited | ErrorCode::ServiceUnavailable | ErrorCode::Internal)
            ),
            _ => false,
        }
    }
}

pub type SyncResult<T> = Result<T, SyncError>;

/// How much sync moves at once.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Records per push (the server takes up to 1,000).
    pub batch: usize,
    /// Changes per page of the feed (the server gives up to 1,000).
    pub page: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            batch: 500,
            page: 500,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    pub pulled: usize,
    /// Records of batches the server refused as a whole, set aside.
    pub set_aside: usize,
    /// Feed changes of a type this client does not know.
    pub unknown: usize,
    /// Feed items this client could not accept.
    pub invalid: usize,
}

/// Whether the server refused the batch itself (its body), not the session
/// or the moment: sending the same batch again would be refused again.
fn refuses_the_batch(err: &ClientError) -> Option<&'static str> {
    let ClientError::Api { status, detail, .. } = err else {
        return None;
    };
    let batch_level = matches!(status, 400 | 409 | 413 | 422)
        && !matches!(
            detail.code,
            ErrorCode::PasswordChangeRequired | ErrorCode::MembershipEnded | ErrorCode::RateLimited
        );
    batch_level.then(|| detail.code.as_str())
}

/// Pushes every waiting edit, then pulls every change.
pub async fn sync_once(
    store: &LocalStore,
    session: &Session,
    options: SyncOptions,
    clock: &dyn Clock,
) -> SyncResult<SyncReport> {
    let mut report = SyncReport::default();
    let client = session.client().clone();
    while let Some(batch) = store.next_batch(options.batch).await? {
        let request = RecordsRequest {
            records: batch.records,
        };
        let answer = session
            .authorized(|access| {
                let client = client.clone();
                let request = &request;
                let key = &batch.key;
                async move { client.post_records(&access, key, request).await }
            })
            .await;
        match answer {
            Ok(answer) => {
                store.batch_done(&batch.key, &answer.results).await?;
                report.pushed += request.records.len();
            }
            Err(SyncError::Client(err)) if refuses_the_batch(&err).is_some() => {
                let reason = refuses_the_batch(&err).unwrap_or("rejected");
                let count = store.batch_refused(&batch.key, reason).await?;
                tracing::warn!(%reason, count, "sync: the insurer refused a batch; set aside");
                report.set_aside += count;
            }
            Err(err) => return Err(err),
        }
    }
    loop {
        let cursor = store.cursor().await?;
        let page = session
            .authorized(|access| {
                let client = client.clone();
                let cursor = cursor.clone();
                async move {
                    client
                        .changes(&access, cursor.as_deref(), options.page)
                        .await
                }
            })
            .await?;
        let applied = store.apply_changes(&page.changes, &page.cursor).await?;
        report.pulled += applied.applied;
        report.unknown += applied.unknown;
        report.invalid += applied.invalid;
        if !page.has_more {
            break;
        }
    }
    store
        .set_last_sync(clock.now().with_timezone(&JST).fixed_offset())
        .await?;
    Ok(report)
}

/// How a sync is tried again after transient failures (offline, a busy
/// server): exponential backoff from `first` up to `max`, `attempts` times
/// in all. Other failures are returned at once.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first: Duration,
    pub max: Duration,
}

impl Default for Retry {
    /// A dropped connection or a busy server gets two more tries (0.5 s,
    /// then 1 s) before the member is told.
    fn default() -> Self {
        Self {
            attempts: 3,
            first: Duration::from_millis(500),
            max: Duration::from_secs(2),
        }
    }
}

/// [`sync_once`], tried again after transient failures as `retry` says.
pub async fn sync_with_retry(
    store: &LocalStore,
    session: &Session,
    options: SyncOptions,
    retry: Retry,
    clock: &dyn Clock,
) -> SyncResult<SyncReport> {
    let mut wait = retry.first;
    let mut tried = 0;
    loop {
        tried += 1;
        match sync_once(store, session, options, clock).await {
            Err(err) if err.is_transient() && tried < retry.attempts => {
                tracing::info!(code = %err.code(), wait_ms = wait.as_millis(), "sync will retry");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(retry.max);
            }
            other => return other,
        }
    }
}
