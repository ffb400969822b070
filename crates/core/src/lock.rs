//! The app lock: which profile is in use, and whether it waits for its PIN.
//!
//! [`Gate`] is the one state machine (no profile → open ⇄ locked → no
//! profile) behind one lock. Every step that shows or changes the member's
//! data asks it for the open profile, so nothing passes a locked app: no
//! data, no login, no switch, no logout, no PIN change.
//!
//! PINs are hashed with argon2id; wrong ones are counted on disk by
//! [`crate::profiles::ProfileBook`] before each check.

use std::sync::{Arc, Mutex};

/// Wrong PINs in a row before the app asks for the password instead.
pub const PIN_ATTEMPTS: u32 = 5;

enum State<T> {
    Empty,
    Open(Arc<T>),
    Locked(Arc<T>),
}

/// Why the gate did not hand out the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    NoProfile,
    Locked,
}

/// The profile in use and its lock.
pub struct Gate<T> {
    state: Mutex<State<T>>,
}

impl<T> Default for Gate<T> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State::Empty),
        }
    }
}

impl<T> Gate<T> {
    fn state(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The profile, when it is open.
    pub fn open(&self) -> Result<Arc<T>, Closed> {
        match &*self.state() {
            State::Open(active) => Ok(active.clone()),
            State::Locked(_) => Err(Closed::Locked),
            State::Empty => Err(Closed::NoProfile),
        }
    }

    /// The profile, locked or not (for the lock screen and background work).
    pub fn any(&self) -> Option<Arc<T>> {
        match &*self.state() {
            State::Open(active) | State::Locked(active) => Some(active.clone()),
            State::Empty => None,
        }
    }

    pub fn is_locked(&self) -> bool {
        matches!(&*self.state(), State::Locked(_))
    }

    /// Refuses while locked.
    pub fn ensure_unlocked(&self) -> Result<(), Closed> {
        if self.is_locked() {
            Err(Closed::Locked)
        } else {
            Ok(())
        }
    }

    /// Puts `active` in use (locked when it must wait for its PIN), unless
    /// the app is locked: then nothing changes and `active` comes back.
    /// On success, the profile it replaces.
    pub fn replace(&self, active: Arc<T>, locked: bool) -> Result<Option<Arc<T>>, Arc<T>> {
        let mut state = self.state();
        if matches!(&*state, State::Locked(_)) {
            return Err(active);
        }
        let new = if locked {
            State::Locked(active)
        } else {
            State::Open(active)
        };
        Ok(match std::mem::replace(&mut *state, new) {
            State::Open(old) | State::Locked(old) => Some(old),
            State::Empty => None,
        })
    }

    /// Locks the open profile; `false` when there is none.
    pub fn lock(&self) -> bool {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Empty) {
            State::Open(active) | State::Locked(active) => {
                *state = State::Locked(active);
                true
            }
            State::Empty => false,
        }
    }

    /// Opens the lock of `active` (if it is still the one in use).
    pub fn unlock(&self, active: &Arc<T>) -> bool {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Empty) {
            State::Locked(now) if Arc::ptr_eq(&now, active) => {
                *state = State::Open(now);
                true
            }
            other => {
                *state = other;
                false
            }
        }
    }

    /// Takes the open profile out of use (logout); refused while locked.
    pub fn take_open(&self) -> Result<Option<Arc<T>>, Closed> {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Empty) {
            State::Open(active) => Ok(Some(active)),
            State::Empty => Ok(None),
            locked @ State::Locked(_) => {
                *state = locked;
                Err(Closed::Locked)
            }
        }
    }

    /// Takes `active` out of use whatever its lock (the PIN guesses ran out).
    pub fn take(&self, active: &Arc<T>) -> bool {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Empty) {
            State::Open(now) | State::Locked(now) if Arc::ptr_eq(&now, active) => true,
            other => {
                *state = other;
                false
            }
        }
    }
}

/// Whether `pin` has the form of a PIN: 4 to 12 digits.
pub fn pin_format_ok(pin: &str) -> bool {
    (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// An argon2id hash of `pin` (a PHC string).
pub fn hash_pin(pin: &str) -> Result<String, String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_pin(pin: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_hashed_and_checked() {
        let hash = hash_pin("2468").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_pin("2468", &hash));
        assert!(!verify_pin("2469", &hash));
        assert!(pin_format_ok("2468") && !pin_format_ok("246") && !pin_format_ok("24a8"));
    }

    #[test]
    fn nothing_replaces_or_takes_a_locked_profile() {
        let gate = Gate::default();
        let first = Arc::new(1);
        assert!(gate.replace(first.clone(), false).unwrap().is_none());
        assert!(gate.lock());
        assert_eq!(gate.open(), Err(Closed::Locked));
        assert!(
            gate.replace(Arc::new(2), false).is_err(),
            "no switch behind the lock"
        );
        assert_eq!(gate.take_open().unwrap_err(), Closed::Locked, "no logout");
        assert!(
            !gate.unlock(&Arc::new(1)),
            "only the locked profile's own unlock"
        );
        assert!(gate.unlock(&first));
        assert_eq!(*gate.open().unwrap(), 1);
        assert!(gate.take(&first));
        assert_eq!(gate.open(), Err(Closed::NoProfile));
    }
}
