//! The core's one error table: every error the UI can see from the core has
//! one stable code here, and each error type of the core says its code in
//! one place ([`Coded`]). The shell passes the code through unchanged; the
//! UI picks its text by code only, never by message.

use serde::Serialize;

/// Every code an error of the core can carry. Codes are never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
// `CoreErrorCode` in TypeScript, beside the insurer's `ApiErrorCode`.
#[serde(rename = "CoreErrorCode")]
pub enum ErrorCode {
    /// The preferences file could not be read or written.
    PrefsIo,
    /// No OS keychain answers: nothing secret is saved (fail closed).
    KeychainUnavailable,
    KeychainFailed,
    /// The key in the keychain does not open this PC's copy of the data.
    LocalWrongKey,
    /// The keychain lost the key of this PC's copy: it cannot be opened.
    LocalKeyLost,
    /// This build cannot encrypt: nothing is written.
    LocalNoEncryption,
    LocalCorrupt,
    LocalDatabase,
    /// The insurer cannot be reached; the error's `offline` says why.
    Offline,
    /// The insurer refused: `api_code` says why, `field` where.
    Insurer,
    /// The insurer answered something unreadable.
    Protocol,
    /// Not an insurer's address (e.g. `htp:/x`).
    ServerAddress,
    /// A remote insurer over plain `http://`: refused, only `https://` is.
    InsecureServer,
    /// The session is over: log in again.
    LoggedOut,
    /// No member is logged in on this PC.
    NoProfile,
    UnknownProfile,
    /// The app is locked: enter the PIN.
    Locked,
    PinFormat,
    PinMismatch,
    /// Five wrong PINs: the session has ended; log in with the password.
    PinAttemptsExceeded,
    /// A value out of range; `field` says which.
    Validation,
    /// The list of profiles cannot be read or written.
    ProfilesIo,
    /// This copy's key is in the OS keychain, which does not answer now.
    LocalKeyInKeychain,
    /// Where no keychain answers: enter the passphrase of this PC's copy.
    PassphraseRequired,
    /// Where no keychain answers: choose a passphrase for this PC's copy.
    PassphraseNotSet,
    /// The keychain answers: no passphrase is used.
    PassphraseNotNeeded,
    /// The passphrase does not open this PC's copy; `wait_secs` says how
    /// long before the next try.
    PassphraseMismatch,
    /// Too many wrong passphrases: `wait_secs` before the next try.
    PassphraseWait,
    /// Passphrase rules (those of passwords): 12 characters or more …
    PassphraseTooShort,
    /// … 128 at most …
    PassphraseTooLong,
    /// … no control characters …
    PassphraseCharacters,
    /// … not a common password …
    PassphraseCommon,
    /// … and not containing the login ID.
    PassphraseContainsLoginId,
    /// The passphrase-wrapped key of this copy is damaged.
    WrappedKeyDamaged,
    ReminderBadTime,
    ReminderTooManyTimes,
    ReminderBadWeekday,
    ReminderEmptyQuiet,
    ReminderSnooze,
    /// The item is no longer in the catalog.
    UnknownItem,
    /// Not as many in stock as ordered.
    OutOfStock,
    /// The balance usable today is less than the order.
    InsufficientPoints,
    /// No order is waiting for this confirmation (it was placed or
    /// dropped, or another was prepared since).
    ExchangeNotPrepared,
    /// An order was sent without an answer: send it again or drop it
    /// before preparing another.
    ExchangeUnsettled,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrefsIo => "prefs_io",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::KeychainFailed => "keychain_failed",
            Self::LocalWrongKey => "local_wrong_key",
            Self::LocalKeyLost => "local_key_lost",
            Self::LocalNoEncryption => "local_no_encryption",
            Self::LocalCorrupt => "local_corrupt",
            Self::LocalDatabase => "local_database",
            Self::Offline => "offline",
            Self::Insurer => "insurer",
            Self::Protocol => "protocol",
            Self::ServerAddress => "server_address",
            Self::InsecureServer => "insecure_server",
            Self::LoggedOut => "logged_out",
            Self::NoProfile => "no_profile",
            Self::UnknownProfile => "unknown_profile",
            Self::Locked => "locked",
            Self::PinFormat => "pin_format",
            Self::PinMismatch => "pin_mismatch",
            Self::PinAttemptsExceeded => "pin_attempts_exceeded",
            Self::Validation => "validation",
            Self::ProfilesIo => "profiles_io",
            Self::LocalKeyInKeychain => "local_key_in_keychain",
            Self::PassphraseRequired => "passphrase_required",
            Self::PassphraseNotSet => "passphrase_not_set",
            Self::PassphraseNotNeeded => "passphrase_not_needed",
            Self::PassphraseMismatch => "passphrase_mismatch",
            Self::PassphraseWait => "passphrase_wait",
            Self::PassphraseTooShort => "passphrase_too_short",
            Self::PassphraseTooLong => "passphrase_too_long",
            Self::PassphraseCharacters => "passphrase_characters",
            Self::PassphraseCommon => "passphrase_common",
            Self::PassphraseContainsLoginId => "passphrase_contains_login_id",
            Self::WrappedKeyDamaged => "wrapped_key_damaged",
            Self::ReminderBadTime => "reminder_bad_time",
            Self::ReminderTooManyTimes => "reminder_too_many_times",
            Self::ReminderBadWeekday => "reminder_bad_weekday",
            Self::ReminderEmptyQuiet => "reminder_empty_quiet",
            Self::ReminderSnooze => "reminder_snooze",
            Self::UnknownItem => "unknown_item",
            Self::OutOfStock => "out_of_stock",
            Self::InsufficientPoints => "insufficient_points",
            Self::ExchangeNotPrepared => "exchange_not_prepared",
            Self::ExchangeUnsettled => "exchange_unsettled",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the core with its stable code.
pub trait Coded {
    fn code(&self) -> ErrorCode;
}

/// Why the insurer could not be reached, as a code the UI has text for
/// (the network layer's own words are English and for the log only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OfflineReason {
    /// No connection could be made (no network, or nothing listens there).
    NoConnection,
    /// The server took too long.
    Timeout,
    /// The answer broke off halfway.
    BrokeOff,
    /// Something between here and the insurer answered in its place (a
    /// proxy's error page), or the insurer is starting.
    ServerUnavailable,
    /// The request failed for another reason of the network.
    NetworkFailed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_their_wire_names() {
        for code in [
            ErrorCode::LocalKeyLost,
            ErrorCode::PinAttemptsExceeded,
            ErrorCode::Offline,
            ErrorCode::PassphraseContainsLoginId,
            ErrorCode::WrappedKeyDamaged,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                code.as_str(),
                "as_str and serde agree, so logs and the UI say the same code"
            );
        }
    }
}
