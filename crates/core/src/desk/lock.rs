//! The app lock of the profile in use: its PIN, locking, and unlocking
//! with every attempt counted on disk before it is checked.

use std::sync::Arc;

use super::{Active, Desk, DeskError, DeskResult, retire};
use crate::error::Coded;
use crate::lock::{PIN_ATTEMPTS, hash_pin, pin_format_ok, verify_pin};
use crate::profiles::ProfilesIo;

impl Desk {
    /// Sets (or, with `None`, removes) the app-lock PIN of the active profile.
    pub async fn set_pin(&self, pin: Option<&str>) -> DeskResult<()> {
        let active = self.gate.open()?;
        let hash = match pin {
            Some(pin) if !pin_format_ok(pin) => return Err(DeskError::PinFormat),
            Some(pin) => {
                let pin = pin.to_owned();
                let hashed = tokio::task::spawn_blocking(move || hash_pin(&pin))
                    .await
                    .map_err(|e| ProfilesIo(e.to_string()))?;
                Some(hashed.map_err(ProfilesIo)?)
            }
            None => None,
        };
        self.book.update(|list| {
            if let Some(profile) = list.get_mut(&active.id) {
                profile.pin_hash = hash;
                profile.pin_failures = 0;
            }
        })?;
        Ok(())
    }

    /// Locks the app (a shared PC): nothing of the member shows until the
    /// PIN is entered. Only a profile with a PIN can be locked.
    pub fn lock(&self) -> bool {
        self.has_pin() && self.gate.lock()
    }

    pub fn is_locked(&self) -> bool {
        self.gate.is_locked()
    }

    /// Whether the active profile has an app-lock PIN.
    pub fn has_pin(&self) -> bool {
        self.active_profile().is_some_and(|p| p.pin_hash.is_some())
    }

    /// Opens the lock with the PIN. Each attempt is counted on disk before
    /// it is checked; the fifth wrong one ends the session, and from then
    /// on only the password opens the profile, across restarts too.
    pub async fn unlock(&self, pin: &str) -> DeskResult<()> {
        let active = self.gate.any().ok_or(DeskError::NoProfile)?;
        if !self.gate.is_locked() {
            return Ok(());
        }
        let hash = self
            .book
            .get(&active.id)?
            .and_then(|p| p.pin_hash)
            .ok_or(DeskError::NoProfile)?;
        let attempt = self.book.count_pin_attempt(&active.id)?;
        if attempt > PIN_ATTEMPTS {
            self.end(&active).await;
            return Err(DeskError::PinAttemptsExceeded);
        }
        let pin = pin.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_pin(&pin, &hash))
            .await
            .unwrap_or(false);
        if ok {
            self.book.reset_pin_failures(&active.id)?;
            self.gate.unlock(&active);
            return Ok(());
        }
        if attempt >= PIN_ATTEMPTS {
            // Guessing stops here: the session ends, the password is needed.
            self.end(&active).await;
            return Err(DeskError::PinAttemptsExceeded);
        }
        Err(DeskError::PinMismatch)
    }

    /// Ends `active`'s session and takes it out of use, whatever its lock.
    async fn end(&self, active: &Arc<Active>) {
        if self.gate.take(active) {
            retire(active).await;
        }
        if let Some(session) = &active.session
            && let Err(err) = session.logout().await
        {
            tracing::warn!(code = %err.code(), "the ended session's tokens were not all removed");
        }
    }
}
