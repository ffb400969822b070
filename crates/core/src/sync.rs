//! The member's session and the sync engine.
//!
//! [`Session`] keeps the access and refresh tokens in the OS keychain,
//! refreshes them when the server says the access token has expired, and
//! ends the session on the server at logout.
//!
//! [`sync_once`] pushes the outbox in batches, each under its own
//! Idempotency-Key (a batch whose answer was lost is sent again unchanged,
//! so the server replays its first answer: nothing is granted twice), then
//! pulls the change feed page by page, moving the cursor only in the same
//! local transaction that applied the page.

use std::time::Duration;

use kenpo_domain::api::{ErrorCode, RecordsRequest, Secret, SessionResponse};
use tokio::sync::Mutex;

use crate::client::{ClientError, InsurerClient};
use crate::keychain::{Keychain, KeychainError};
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

impl SyncError {
    /// A stable code for the UI.
    pub fn code(&self) -> String {
        match self {
            Self::Local(err) => err.code().to_owned(),
            Self::Client(ClientError::Offline(_)) => "offline".to_owned(),
            Self::Client(err) => err
                .api_code()
                .map_or("protocol".to_owned(), |c| c.as_str().to_owned()),
            Self::Keychain(err) => err.code().to_owned(),
            Self::LoggedOut => "logged_out".to_owned(),
        }
    }

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

#[derive(Clone)]
struct Tokens {
    access: Secret,
    refresh: Secret,
}

/// A logged-in member's session with their insurer.
pub struct Session {
    client: InsurerClient,
    keychain: Keychain,
    profile: String,
    tokens: Mutex<Option<Tokens>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.client.base())
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Logs in and keeps the tokens in the keychain under `profile`.
    pub async fn login(
        client: InsurerClient,
        keychain: Keychain,
        profile: &str,
        login_id: &str,
        password: &Secret,
    ) -> SyncResult<(Self, SessionResponse)> {
        let answer = client.login(login_id, password).await?;
        let session = Self::adopt(client, keychain, profile, &answer).await?;
        Ok((session, answer))
    }

    /// The session of a login already made (`answer`), its tokens kept in
    /// the keychain under `profile`.
    pub async fn adopt(
        client: InsurerClient,
        keychain: Keychain,
        profile: &str,
        answer: &SessionResponse,
    ) -> SyncResult<Self> {
        let session = Self {
            client,
            keychain,
            profile: profile.to_owned(),
            tokens: Mutex::new(None),
        };
        session.keep(answer).await?;
        Ok(session)
    }

    /// The session kept in the keychain for `profile`, if there is one.
    pub async fn resume(
        client: InsurerClient,
        keychain: Keychain,
        profile: &str,
    ) -> SyncResult<Option<Self>> {
        let access = keychain.get(&format!("{profile}/access")).await?;
        let refresh = keychain.get(&format!("{profile}/refresh")).await?;
        let (Some(access), Some(refresh)) = (access, refresh) else {
            return Ok(None);
        };
        Ok(Some(Self {
            client,
            keychain,
            profile: profile.to_owned(),
            tokens: Mutex::new(Some(Tokens {
                access: Secret::new(access),
                refresh: Secret::new(refresh),
            })),
        }))
    }

    pub fn client(&self) -> &InsurerClient {
        &self.client
    }

    async fn keep(&self, answer: &SessionResponse) -> SyncResult<()> {
        // The refresh token first: it is the one that must not be lost.
        self.keychain
            .set(
                &format!("{}/refresh", self.profile),
                answer.refresh_token.expose(),
            )
            .await?;
        self.keychain
            .set(
                &format!("{}/access", self.profile),
                answer.access_token.expose(),
            )
            .await?;
        *self.tokens.lock().await = Some(Tokens {
            access: answer.access_token.clone(),
            refresh: answer.refresh_token.clone(),
        });
        Ok(())
    }

    async fn forget(&self) -> SyncResult<()> {
        *self.tokens.lock().await = None;
        for name in ["access", "refresh"] {
            self.keychain
                .delete(&format!("{}/{name}", self.profile))
                .await?;
        }
        Ok(())
    }

    async fn access(&self) -> SyncResult<Secret> {
        self.tokens
            .lock()
            .await
            .as_ref()
            .map(|t| t.access.clone())
            .ok_or(SyncError::LoggedOut)
    }

    /// A new token pair, unless another call already got one since `stale`
    /// was refused. Refreshes one at a time: a refresh token used twice
    /// ends the session on the server.
    async fn refresh_after(&self, stale: &Secret) -> SyncResult<Secret> {
        let mut guard = self.tokens.lock().await;
        let Some(tokens) = guard.clone() else {
            return Err(SyncError::LoggedOut);
        };
        if tokens.access != *stale {
            return Ok(tokens.access);
        }
        match self.client.refresh(&tokens.refresh).await {
            Ok(answer) => {
                drop(guard);
                self.keep(&answer).await?;
                Ok(answer.access_token)
            }
            Err(err) if err.api_code() == Some(ErrorCode::Unauthorized) => {
                *guard = None;
                drop(guard);
                self.forget().await?;
                Err(SyncError::LoggedOut)
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Runs `call` with the access token, refreshing it once when the
    /// server says it has expired.
    pub async fn authorized<T, F, Fut>(&self, call: F) -> SyncResult<T>
    where
        F: Fn(Secret) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let access = self.access().await?;
        match call(access.clone()).await {
            Err(err) if err.api_code() == Some(ErrorCode::Unauthorized) => {
                let fresh = self.refresh_after(&access).await?;
                Ok(call(fresh).await?)
            }
            other => Ok(other?),
        }
    }

    /// Ends the session on the server (when it can be reached) and removes
    /// the tokens from this PC either way.
    pub async fn logout(&self) -> SyncResult<()> {
        if let Ok(access) = self.access().await
            && let Err(err) = self.client.logout(&access).await
        {
            tracing::warn!(code = ?err.api_code(), "logout: the server did not end the session");
        }
        self.forget().await
    }
}

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
}

/// Pushes every waiting edit, then pulls every change.
pub async fn sync_once(
    store: &LocalStore,
    session: &Session,
    options: SyncOptions,
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
            .await?;
        store.batch_done(&batch.key, &answer.results).await?;
        report.pushed += request.records.len();
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
        store.apply_changes(&page.changes, &page.cursor).await?;
        report.pulled += page.changes.len();
        if !page.has_more {
            break;
        }
    }
    store
        .set_last_sync(chrono::Utc::now().with_timezone(&kenpo_domain::time::JST))
        .await?;
    Ok(report)
}

/// [`sync_once`], tried again after transient failures (offline, a busy
/// server) with exponential backoff from `first` up to `max`, `attempts`
/// times in all. Other failures are returned at once.
pub async fn sync_with_retry(
    store: &LocalStore,
    session: &Session,
    options: SyncOptions,
    attempts: u32,
    first: Duration,
    max: Duration,
) -> SyncResult<SyncReport> {
    let mut wait = first;
    let mut tried = 0;
    loop {
        tried += 1;
        match sync_once(store, session, options).await {
            Err(err) if err.is_transient() && tried < attempts => {
                tracing::info!(code = %err.code(), wait_ms = wait.as_millis(), "sync will retry");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(max);
            }
            other => return other,
        }
    }
}
