//! The passphrase that protects a PC's copy of a member's data where no OS
//! keychain answers: which passphrases are allowed, and how long a member
//! waits after wrong ones.
//!
//! A passphrase follows the default password rules ([`PASSPHRASE_POLICY`]:
//! 12 to 128 characters, not a common password, not containing the login
//! ID), whatever the insurer's own policy for passwords.
//!
//! Wrong passphrases are slowed, not capped: a cap would lock the member
//! out of their own data, and the key derivation already makes each guess
//! costly. [`FREE_ATTEMPTS`] typos cost nothing; after that each wrong one
//! doubles the wait, from 30 seconds to at most 15 minutes.

use std::time::Duration;

use crate::id::LoginId;
use crate::password::{PasswordPolicy, PasswordRefusal};

/// The rules a passphrase follows: the default password policy.
pub const PASSPHRASE_POLICY: PasswordPolicy = PasswordPolicy {
    min_length: 12,
    max_length: 128,
    characters: crate::password::CharacterRule::AnyPrintable,
    reject_common: true,
    reject_login_id: true,
};

/// Wrong passphrases in a row that cost no wait.
pub const FREE_ATTEMPTS: u32 = 3;

/// The wait after the first wrong passphrase beyond the free ones.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);

/// The longest wait.
pub const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

/// The first rule `passphrase` breaks, if any.
pub fn check_passphrase(passphrase: &str, login_id: &LoginId) -> Result<(), PasswordRefusal> {
    PASSPHRASE_POLICY.check(passphrase, login_id)
}

/// How long after the last wrong passphrase the next one may be tried,
/// when `failures` wrong ones came in a row.
///
/// ```
/// use std::time::Duration;
/// use kenpo_domain::passphrase::wait_after;
/// assert_eq!(wait_after(3), Duration::ZERO);
/// assert_eq!(wait_after(4), Duration::from_secs(30));
/// assert_eq!(wait_after(5), Duration::from_secs(60));
/// assert_eq!(wait_after(40), Duration::from_secs(900));
/// ```
pub fn wait_after(failures: u32) -> Duration {
    let Some(beyond) = failures.checked_sub(FREE_ATTEMPTS + 1) else {
        return Duration::ZERO;
    };
    // 30 s · 2^beyond, capped; 2^5 · 30 s already passes the cap.
    let doubled = FIRST_WAIT.saturating_mul(1 << beyond.min(5));
    doubled.min(LONGEST_WAIT)
}

/// The seconds still to wait before the next try, `elapsed` after the last
/// wrong one of `failures` in a row (0: it may be tried now). Rounded up,
/// so that a member told "wait 1 second" is never refused again.
pub fn seconds_to_wait(failures: u32, elapsed: Duration) -> u64 {
    let rest = wait_after(failures).saturating_sub(elapsed);
    rest.as_secs() + u64::from(rest.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_passphrase_rules_are_the_default_password_policy() {
        assert_eq!(PASSPHRASE_POLICY, PasswordPolicy::default());
        let login: LoginId = "U100001".parse().unwrap();
        assert_eq!(
            check_passphrase("short one", &login),
            Err(PasswordRefusal::TooShort { min: 12 })
        );
        assert_eq!(
            check_passphrase("my U100001 phrase", &login),
            Err(PasswordRefusal::ContainsLoginId)
        );
        assert_eq!(
            check_passphrase("password1234", &login),
            Err(PasswordRefusal::Common)
        );
        assert_eq!(
            check_passphrase("はるのあさの散歩みち", &login),
            Err(PasswordRefusal::TooShort { min: 12 })
        );
        assert!(check_passphrase("春の朝、駅から会社まで歩く", &login).is_ok());
    }

    #[test]
    fn typos_are_free_and_then_the_wait_doubles_up_to_a_quarter_hour() {
        let waits: Vec<u64> = (0..=10).map(|n| wait_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(wait_after(u32::MAX), LONGEST_WAIT);
    }

    #[test]
    fn the_rest_of_a_wait_is_rounded_up() {
        assert_eq!(seconds_to_wait(4, Duration::from_millis(29_001)), 1);
        assert_eq!(seconds_to_wait(4, Duration::from_secs(30)), 0);
        assert_eq!(seconds_to_wait(2, Duration::ZERO), 0);
    }

    proptest! {
        #[test]
        fn the_wait_never_shrinks_as_failures_grow(n in 0u32..10_000) {
            prop_assert!(wait_after(n) <= wait_after(n + 1));
            prop_assert!(wait_after(n) <= LONGEST_WAIT);
        }
    }
}
