//! The OS keychain (the Secret Service on Linux) through keyring-core: a
//! profile's database key and its session tokens live there, never in a
//! file. Where no keychain answers, every call fails with
//! [`KeychainError::Unavailable`] and the app says so: nothing falls back to
//! a plain file (fail closed).

use std::sync::OnceLock;

use crate::store::DbKey;

#[derive(Debug, Clone, thiserror::Error)]
pub enum KeychainError {
    /// No keychain on this PC answers (no Secret Service, or it is locked).
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    #[error("the OS keychain failed: {0}")]
    Failed(String),
}

impl KeychainError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => "keychain_unavailable",
            Self::Failed(_) => "keychain_failed",
        }
    }
}

pub type KeychainResult<T> = Result<T, KeychainError>;

/// The keychain store is set up once per process; its outcome is kept.
static STORE: OnceLock<Result<(), String>> = OnceLock::new();

fn ensure_store() -> KeychainResult<()> {
    STORE
        .get_or_init(|| {
            #[cfg(target_os = "linux")]
            {
                let store = zbus_secret_service_keyring_store::Store::new()
                    .map_err(|err| err.to_string())?;
                keyring_core::set_default_store(store);
                Ok(())
            }
            #[cfg(not(target_os = "linux"))]
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

/// The app's entries in the OS keychain, under one service name.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// The OS keychain, or why there is none.
    pub fn os(service: &str) -> KeychainResult<Self> {
        ensure_store()?;
        Ok(Self {
            service: service.to_owned(),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(keyring_core::Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> KeychainResult<T> {
        let service = self.service.clone();
        let account = account.to_owned();
        // The Secret Service client blocks: keep it off the async workers.
        tokio::task::spawn_blocking(move || {
            let entry = keyring_core::Entry::new(&service, &account).map_err(classify)?;
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

    pub async fn delete(&self, account: &str) -> KeychainResult<()> {
        self.run(account, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(err) => Err(err),
        })
        .await
    }

    /// The profile's database key, made on first use. `created` is true
    /// when there was none (a new profile, or a keychain that lost it).
    pub async fn db_key(&self, profile: &str) -> KeychainResult<(DbKey, bool)> {
        let account = format!("{profile}/db-key");
        if let Some(hex) = self.get(&account).await? {
            let key = DbKey::from_hex(&hex)
                .ok_or_else(|| KeychainError::Failed("the stored key is damaged".into()))?;
            return Ok((key, false));
        }
        let key = DbKey::generate();
        self.set(&account, &key.to_hex()).await?;
        // Read back: a keychain that "saves" nothing must not let data be
        // written under a key that will be gone tomorrow.
        match self.get(&account).await? {
            Some(hex) if DbKey::from_hex(&hex).as_ref() == Some(&key) => Ok((key, true)),
            _ => Err(KeychainError::Unavailable(
                "the keychain did not keep the key".into(),
            )),
        }
    }

    /// Removes everything of a profile (on its removal).
    pub async fn forget_profile(&self, profile: &str) -> KeychainResult<()> {
        for name in ["db-key", "access", "refresh"] {
            self.delete(&format!("{profile}/{name}")).await?;
        }
        Ok(())
    }
}
