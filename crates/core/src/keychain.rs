//! The OS keychain through keyring-core: a profile's database key and its
//! session tokens live there, never in a file. One store per system:
//! the Secret Service on Linux (tested here), the Windows Credential
//! Manager and the macOS login keychain (built from their crates'
//! documentation; these machines cannot build for them).
//!
//! Where no keychain answers ([`KeychainError::Unavailable`]), the desk
//! keeps tokens in [`Keychain::in_memory`] for the life of the process and
//! the database key wrapped with the member's passphrase
//! ([`crate::keywrap`]): nothing secret goes to a file in plain form.
//! Tests use the same in-memory store (keyring-core's mock), so that they
//! never touch the member's real keychain.

use std::sync::{Arc, OnceLock};

use keyring_core::CredentialStore;

use crate::error::{Coded, ErrorCode};
use crate::store::DbKey;

#[derive(Debug, Clone, thiserror::Error)]
pub enum KeychainError {
    /// No keychain on this PC answers (no Secret Service, or it is locked).
    /// The detail is the platform's own text: for the log, not the screen.
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    #[error("the OS keychain failed: {0}")]
    Failed(String),
}

impl Coded for KeychainError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable(_) => ErrorCode::KeychainUnavailable,
            Self::Failed(_) => ErrorCode::KeychainFailed,
        }
    }
}

pub type KeychainResult<T> = Result<T, KeychainError>;

/// The OS store is set up once per process; its outcome is kept.
static OS_STORE: OnceLock<Result<Arc<CredentialStore>, String>> = OnceLock::new();

fn os_store() -> KeychainResult<Arc<CredentialStore>> {
    OS_STORE
        .get_or_init(|| {
            #[cfg(target_os = "linux")]
            {
                let store = zbus_secret_service_keyring_store::Store::new()
                    .map_err(|err| err.to_string())?;
                Ok(store as Arc<CredentialStore>)
            }
            #[cfg(target_os = "windows")]
            {
                // Generic credentials named `<account>.<service>`, kept
                // with the Windows user's profile like the app's data.
                let store =
                    windows_native_keyring_store::Store::new().map_err(|err| err.to_string())?;
                Ok(store as Arc<CredentialStore>)
            }
            #[cfg(target_os = "macos")]
            {
                // The login keychain ("legacy" keychain): what an app that
                // is not sandboxed with a provisioning profile can use.
                let store = apple_native_keyring_store::keychain::Store::new()
                    .map_err(|err| err.to_string())?;
                Ok(store as Arc<CredentialStore>)
            }
            #[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
            {
                Err("this build has no keychain store for this system".to_owned())
            }
        })
        .clone()
        .map_err(KeychainError::Unavailable)
}

fn classify(err: keyring_core::Error) -> KeychainError {
    use keyring_core::Error as E;
    match err {
        E::NoStorageAccess(e) => KeychainError::Unavailable(e.to_string()),
        E::NoDefaultStore => KeychainError::Unavailable("no keychain store".into()),
        E::PlatformFailure(e) => KeychainError::Unavailable(e.to_string()),
        other => KeychainError::Failed(other.to_string()),
    }
}

/// The app's entries in a keychain, under one service name.
#[derive(Clone)]
pub struct Keychain {
    service: String,
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keychain")
            .field("service", &self.service)
            .field("store", &self.store.vendor())
            .finish()
    }
}

/// The keychain accounts of one profile.
pub fn account(profile: &str, name: &str) -> String {
    format!("{profile}/{name}")
}

/// Every entry a profile may have.
pub(crate) const PROFILE_ENTRIES: [&str; 3] = ["db-key", "access", "refresh"];

impl Keychain {
    /// The OS keychain, or why there is none.
    pub fn os(service: &str) -> KeychainResult<Self> {
        Ok(Self {
            service: service.to_owned(),
            store: os_store()?,
        })
    }

    /// A keychain that lives in this process only (keyring-core's mock store).
    pub fn in_memory(service: &str) -> Self {
        let store = keyring_core::mock::Store::new().expect("the mock store cannot fail");
        Self {
            service: service.to_owned(),
            store,
        }
    }

    /// Whether the keychain answers at all: a Secret Service that is not
    /// there, or a bus that does not connect, shows here and not only at
    /// the first save.
    pub async fn probe(&self) -> KeychainResult<()> {
        self.get("kenpo-desk/probe").await.map(drop)
    }

    async fn run<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(keyring_core::Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> KeychainResult<T> {
        let service = self.service.clone();
        let account = account.to_owned();
        let store = self.store.clone();
        // The Secret Service client blocks: keep it off the async workers.
        tokio::task::spawn_blocking(move || {
            let entry = store.build(&service, &account, None).map_err(classify)?;
            op(entry).map_err(classify)
        })
        .await
        .map_err(|err| KeychainError::Failed(err.to_string()))?
    }

    pub async fn get(&self, account: &str) -> KeychainResult<Option<String>> {
        self.run(account, |entry| match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(err) => Err(err),
        })
        .await
    }

    pub async fn set(&self, account: &str, secret: &str) -> KeychainResult<()> {
        let secret = secret.to_owned();
        self.run(account, move |entry| entry.set_password(&secret))
            .await
    }

    /// Sets and reads back: a keychain that "saves" nothing must not be
    /// trusted with something that cannot be made again.
    pub async fn set_checked(&self, account: &str, secret: &str) -> KeychainResult<()> {
        self.set(account, secret).await?;
        match self.get(account).await? {
            Some(kept) if kept == secret => Ok(()),
            _ => Err(KeychainError::Unavailable(
                "the keychain did not keep the entry".into(),
            )),
        }
    }

    pub async fn delete(&self, account: &str) -> KeychainResult<()> {
        self.run(account, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(err) => Err(err),
        })
        .await
    }

    /// The profile's database key, if the keychain holds one.
    pub async fn existing_db_key(&self, profile: &str) -> KeychainResult<Option<DbKey>> {
        match self.get(&account(profile, "db-key")).await? {
            Some(hex) => DbKey::from_hex(&hex)
                .map(Some)
                .ok_or_else(|| KeychainError::Failed("the stored key is damaged".into())),
            None => Ok(None),
        }
    }

    /// The profile's database key, made on first use. `created` is true
    /// when there was none. Callers that find a database file already on
    /// disk must not ask for a new key (it could not open that file): they
    /// use [`Keychain::existing_db_key`].
    pub async fn db_key(&self, profile: &str) -> KeychainResult<(DbKey, bool)> {
        if let Some(key) = self.existing_db_key(profile).await? {
            return Ok((key, false));
        }
        let key = DbKey::generate();
        self.set_checked(&account(profile, "db-key"), &key.to_hex())
            .await?;
        Ok((key, true))
    }

    /// Moves every entry of profile `from` to `to`: each is written and read
    /// back under its new name before the old one is removed, so a crash
    /// halfway leaves a copy under one name or both.
    pub async fn move_profile(&self, from: &str, to: &str) -> KeychainResult<()> {
        for name in PROFILE_ENTRIES {
            if let Some(secret) = self.get(&account(from, name)).await? {
                self.set_checked(&account(to, name), &secret).await?;
            }
        }
        for name in PROFILE_ENTRIES {
            self.delete(&account(from, name)).await?;
        }
        Ok(())
    }

    /// Removes everything of a profile (on its removal).
    pub async fn forget_profile(&self, profile: &str) -> KeychainResult<()> {
        for name in PROFILE_ENTRIES {
            self.delete(&account(profile, name)).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_moved_profile_keeps_its_entries_under_the_new_name_only() {
        let keychain = Keychain::in_memory("test");
        let (key, created) = keychain.db_key("old").await.unwrap();
        assert!(created);
        keychain.set("old/refresh", "r-token").await.unwrap();
        keychain.move_profile("old", "new").await.unwrap();
        assert_eq!(keychain.existing_db_key("new").await.unwrap(), Some(key));
        assert_eq!(
            keychain.get("new/refresh").await.unwrap().as_deref(),
            Some("r-token")
        );
        assert_eq!(keychain.get("new/access").await.unwrap(), None);
        for name in PROFILE_ENTRIES {
            assert_eq!(keychain.get(&account("old", name)).await.unwrap(), None);
        }
    }
}
