//! The member's session with their insurer.
//!
//! [`Session`] keeps the access and refresh tokens in the keychain,
//! refreshes them when the server says the access token has expired, and
//! ends the session on the server at logout.
//!
//! A refresh token is good for one use: the server ends the whole session
//! when it sees one again. So a refresh holds the token lock until the new
//! pair is kept, and every caller that found the same stale access token
//! waits for it and then uses the new one: one refresh, however many calls.

use kenpo_domain::api::{ErrorCode, Secret, SessionResponse};
use tokio::sync::Mutex;

use crate::client::{ClientError, InsurerClient};
use crate::keychain::{Keychain, account};
use crate::sync::{SyncError, SyncResult};

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
        let mut tokens = session.tokens.lock().await;
        session.keep(&mut tokens, answer).await?;
        drop(tokens);
        Ok(session)
    }

    /// The session kept in the keychain for `profile`, if there is one.
    pub async fn resume(
        client: InsurerClient,
        keychain: Keychain,
        profile: &str,
    ) -> SyncResult<Option<Self>> {
        let access = keychain.get(&account(profile, "access")).await?;
        let refresh = keychain.get(&account(profile, "refresh")).await?;
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

    /// Keeps a new pair, in memory (under the caller's lock) and in the
    /// keychain. The refresh token goes to the keychain first: it is the
    /// one that must not be lost.
    async fn keep(&self, slot: &mut Option<Tokens>, answer: &SessionResponse) -> SyncResult<()> {
        *slot = Some(Tokens {
            access: answer.access_token.clone(),
            refresh: answer.refresh_token.clone(),
        });
        self.keychain
            .set(
                &account(&self.profile, "refresh"),
                answer.refresh_token.expose(),
            )
            .await?;
        self.keychain
            .set(
                &account(&self.profile, "access"),
                answer.access_token.expose(),
            )
            .await?;
        Ok(())
    }

    async fn forget(&self, slot: &mut Option<Tokens>) -> SyncResult<()> {
        *slot = None;
        for name in ["access", "refresh"] {
            self.keychain.delete(&account(&self.profile, name)).await?;
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
    /// was refused. The lock is held until the new pair is kept.
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
                self.keep(&mut guard, &answer).await?;
                Ok(answer.access_token)
            }
            Err(err) if err.api_code() == Some(ErrorCode::Unauthorized) => {
                self.forget(&mut guard).await?;
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
        let mut guard = self.tokens.lock().await;
        if let Some(tokens) = guard.as_ref()
            && let Err(err) = self.client.logout(&tokens.access).await
        {
            tracing::warn!(code = ?err.api_code(), "logout: the server did not end the session");
        }
        self.forget(&mut guard).await
    }
}
