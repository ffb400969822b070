use serde::Serialize;

/// Every code a command can fail with. The UI switches on these; the
/// generated TypeScript makes them a union, so a new code is a type error
/// in the UI until it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The preferences file could not be read or written.
    PrefsIo,
    /// The desktop has no notification service.
    NotificationUnavailable,
    /// The notification service refused or failed.
    NotificationFailed,
}

/// What a failed command returns to the UI: a stable `code` to act on and a
/// `message` to show. The UI never matches on the message.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
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
