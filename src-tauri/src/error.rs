use serde::Serialize;

/// Every code a command can fail with. The UI switches on these; the
/// generated TypeScript makes them a union, so a new code is a type error
/// in the UI until it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
// The insurer's codes are `ApiErrorCode` in TypeScript, these `CommandErrorCode`.
#[serde(rename = "CommandErrorCode")]
pub enum ErrorCode {
    /// The preferences file could not be read or written.
    PrefsIo,
    /// The desktop has no notification service.
    NotificationUnavailable,
    /// The notification service refused or failed.
    NotificationFailed,
    /// The OS keychain does not answer: nothing is saved (fail closed).
    KeychainUnavailable,
    KeychainFailed,
    /// The local data cannot be opened with this PC's key.
    LocalWrongKey,
    /// This build cannot encrypt: nothing is written.
    LocalNoEncryption,
    LocalCorrupt,
    LocalDatabase,
    /// The insurer cannot be reached (the message says why).
    Offline,
    /// The insurer refused: `api_code` says why, `field` where.
    Insurer,
    /// The insurer answered something unreadable.
    Protocol,
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
    /// The demo insurer could not be started or read.
    DemoFailed,
}

/// What a failed command returns to the UI: a stable `code` to act on and a
/// `message` to show. The UI never matches on the message.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    /// The insurer's own code, when the insurer refused (`code: insurer`).
    pub api_code: Option<kenpo_core::ApiErrorCode>,
    /// The form field the error belongs to.
    pub field: Option<String>,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
            api_code: None,
            field: None,
        }
    }
}

impl From<kenpo_core::desk::DeskError> for CommandError {
    fn from(err: kenpo_core::desk::DeskError) -> Self {
        use kenpo_core::client::ClientError;
        use kenpo_core::desk::DeskError as D;
        use kenpo_core::keychain::KeychainError as K;
        use kenpo_core::store::LocalError as L;
        use kenpo_core::sync::SyncError as S;
        let local = |e: &L| match e {
            L::WrongKey => ErrorCode::LocalWrongKey,
            L::NoEncryption => ErrorCode::LocalNoEncryption,
            L::Corrupt(_) => ErrorCode::LocalCorrupt,
            L::Database(_) | L::Migrate(_) => ErrorCode::LocalDatabase,
        };
        let keychain = |e: &K| match e {
            K::Unavailable(_) => ErrorCode::KeychainUnavailable,
            K::Failed(_) => ErrorCode::KeychainFailed,
        };
        let client = |e: &ClientError| match e {
            ClientError::Offline(_) => ErrorCode::Offline,
            ClientError::Api { .. } => ErrorCode::Insurer,
            ClientError::Protocol(_) => ErrorCode::Protocol,
        };
        let code = match &err {
            D::Keychain(e) | D::Sync(S::Keychain(e)) => keychain(e),
            D::Local(e) | D::Sync(S::Local(e)) => local(e),
            D::Client(e) | D::Sync(S::Client(e)) => client(e),
            D::Sync(S::LoggedOut) => ErrorCode::LoggedOut,
            D::Entry(_) => ErrorCode::Validation,
            D::NoProfile => ErrorCode::NoProfile,
            D::UnknownProfile => ErrorCode::UnknownProfile,
            D::Locked => ErrorCode::Locked,
            D::PinFormat => ErrorCode::PinFormat,
            D::PinMismatch => ErrorCode::PinMismatch,
            D::PinAttemptsExceeded => ErrorCode::PinAttemptsExceeded,
            D::ProfilesIo(_) => ErrorCode::ProfilesIo,
        };
        let api_code = match &err {
            D::Client(e) | D::Sync(S::Client(e)) => e.api_code(),
            _ => None,
        };
        Self {
            code,
            message: err.to_string(),
            api_code,
            field: err.field(),
        }
    }
}

impl From<kenpo_core::prefs::PrefsError> for CommandError {
    fn from(err: kenpo_core::prefs::PrefsError) -> Self {
        use kenpo_core::prefs::PrefsError;
        let code = match err {
            PrefsError::Io(_) => ErrorCode::PrefsIo,
        };
        Self::new(code, &err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_on_the_wire() {
        let err = kenpo_core::prefs::PrefsError::Io(std::io::Error::other("disk"));
        let core_code = err.code();
        let wire = serde_json::to_value(CommandError::from(err)).unwrap();
        assert_eq!(
            wire["code"], core_code,
            "the UI sees the core's stable code"
        );
        assert!(wire["message"].is_string());
    }
}
