//! Which key opens a profile's copy on this PC, and the passphrase where
//! no keychain answers.
//!
//! With a keychain, the key lives there. Without one, the desk keeps it
//! wrapped with the member's passphrase in `profiles/<id>.key` and, once
//! entered, in this run's memory. A wrapped key found while a keychain
//! answers (the keychain arrived later) moves into it when the passphrase
//! is next entered: kept and read back there, then the file is removed.

use kenpo_domain::api::Secret;
use kenpo_domain::id::LoginId;
use kenpo_domain::passphrase::{PASSPHRASE_POLICY, check_passphrase, seconds_to_wait};

use super::{Desk, DeskError, DeskResult};
use crate::keychain::account;
use crate::keywrap::{self, KDF, WrapError};
use crate::lock::PIN_ATTEMPTS;
use crate::profiles::Profile;
use crate::store::{DbKey, LocalError, LocalStore};

impl Desk {
    /// The key of `id`'s copy, when no passphrase is needed for it.
    async fn key_without_passphrase(&self, id: &str) -> DeskResult<DbKey> {
        if let Some(key) = self.keychain.existing_db_key(id).await? {
            return Ok(key);
        }
        let has_db = self.book.db_path(id).exists();
        let has_wrapped = keywrap::read(&self.book.key_path(id))?.is_some();
        match &self.keychain_missing {
            // The keychain answers.
            None if has_db && has_wrapped => Err(DeskError::PassphraseRequired),
            None if has_db => Err(LocalError::KeyLost.into()),
            // No copy yet (a wrapped key without one protects nothing).
            None => {
                let (key, _) = self.keychain.db_key(id).await?;
                keywrap::remove(&self.book.key_path(id))?;
                Ok(key)
            }
            // No keychain answers.
            Some(_) if has_wrapped => Err(DeskError::PassphraseRequired),
            Some(why) if has_db => Err(DeskError::KeyInKeychain(why.clone())),
            Some(_) => Err(DeskError::PassphraseNotSet),
        }
    }

    /// Opens a profile's database with the key the keychain holds. A file
    /// whose key the keychain lost is `local_key_lost`: a new key could
    /// never open it. Where a passphrase is needed: `passphrase_required`
    /// or `passphrase_not_set`.
    pub(super) async fn open_store(&self, id: &str) -> DeskResult<LocalStore> {
        let key = self.key_without_passphrase(id).await?;
        let store = LocalStore::open(&self.book.db_path(id), &key).await?;
        if self.keychain_missing.is_none() {
            // The keychain's key opens the copy: a wrapped one left by a
            // move that stopped halfway is not needed any more.
            keywrap::remove(&self.book.key_path(id))?;
        }
        Ok(store)
    }

    /// Chooses the passphrase of `id`'s first copy on this PC, where no
    /// keychain answers, and opens the profile. True when its session
    /// (from a login just made) is there.
    pub async fn passphrase_choose(&self, id: &str, passphrase: &Secret) -> DeskResult<bool> {
        self.gate.ensure_unlocked()?;
        let _turn = self.passphrase_turn.lock().await;
        let profile = self.book.get(id)?.ok_or(DeskError::UnknownProfile)?;
        if self.keychain_missing.is_none() {
            return Err(DeskError::PassphraseNotNeeded);
        }
        // Only a first copy: an existing one keeps the key it has.
        match self.key_without_passphrase(id).await {
            Err(DeskError::PassphraseNotSet) => {}
            Ok(_) => return Err(DeskError::PassphraseNotNeeded),
            Err(other) => return Err(other),
        }
        check_rules(passphrase.expose(), &profile)?;
        let key = DbKey::generate();
        let (wrapped_key, owner, phrase) =
            (key.clone(), id.to_owned(), passphrase.expose().to_owned());
        let text =
            tokio::task::spawn_blocking(move || keywrap::wrap(&wrapped_key, &owner, &phrase, KDF))
                .await
                .map_err(|e| WrapError::Io(e.to_string()))?;
        keywrap::write(&self.book.key_path(id), &text)?;
        tracing::info!("a passphrase was chosen for this PC's copy");
        let store = self.open_with(id, &key).await?;
        self.resume(&profile, store, false).await
    }

    /// Opens `id`'s copy with its passphrase. Each attempt is counted on
    /// disk before it is checked; after a few wrong ones, the next waits
    /// (`passphrase_wait`). Where a keychain answers now, the key moves
    /// into it and the wrapped file goes. True when the session is there.
    pub async fn passphrase_enter(&self, id: &str, passphrase: &Secret) -> DeskResult<bool> {
        self.gate.ensure_unlocked()?;
        let _turn = self.passphrase_turn.lock().await;
        let profile = self.book.get(id)?.ok_or(DeskError::UnknownProfile)?;
        if profile.pin_hash.is_some() && profile.pin_failures >= PIN_ATTEMPTS {
            return Err(DeskError::PinAttemptsExceeded);
        }
        let path = self.book.key_path(id);
        let text = keywrap::read(&path)?.ok_or(DeskError::PassphraseNotSet)?;
        let now = self.clock.now().timestamp();
        let failures = self
            .book
            .count_passphrase_attempt(id, now)?
            .map_err(|wait_secs| DeskError::PassphraseWait { wait_secs })?;
        let (owner, phrase) = (id.to_owned(), passphrase.expose().to_owned());
        let opened = tokio::task::spawn_blocking(move || keywrap::unwrap(&text, &owner, &phrase))
            .await
            .map_err(|e| WrapError::Io(e.to_string()))?;
        let key = match opened {
            Ok(key) => key,
            Err(WrapError::Mismatch) => {
                let wait = seconds_to_wait(failures, std::time::Duration::ZERO);
                return Err(DeskError::PassphraseMismatch {
                    wait_secs: u32::try_from(wait).unwrap_or(u32::MAX),
                });
            }
            Err(other) => return Err(other.into()),
        };
        self.book.reset_passphrase_failures(id)?;
        let store = self.open_with(id, &key).await?;
        if self.keychain_missing.is_none() {
            // Read back by `open_with`: the keychain keeps it now.
            keywrap::remove(&path)?;
            tracing::info!("the key of this PC's copy moved into the keychain");
        }
        self.resume(&profile, store, false).await
    }

    /// Opens the copy with `key` and keeps the key for this run (in the
    /// keychain, or in memory where none answers), read back.
    async fn open_with(&self, id: &str, key: &DbKey) -> DeskResult<LocalStore> {
        let store = LocalStore::open(&self.book.db_path(id), key).await?;
        if let Err(err) = self
            .keychain
            .set_checked(&account(id, "db-key"), &key.to_hex())
            .await
        {
            store.close().await;
            return Err(err.into());
        }
        Ok(store)
    }
}

/// The passphrase rules, with the profile's login ID.
fn check_rules(passphrase: &str, profile: &Profile) -> DeskResult<()> {
    let refused = match profile.login_id.parse::<LoginId>() {
        Ok(login) => check_passphrase(passphrase, &login),
        // A login ID this version cannot read: every other rule still holds.
        Err(_) => kenpo_domain::password::PasswordPolicy {
            reject_login_id: false,
            ..PASSPHRASE_POLICY
        }
        .check(passphrase, &"U0000".parse().expect("a valid login ID")),
    };
    refused.map_err(DeskError::PassphraseRefused)
}
