use serde::Serialize;

/// What a failed command returns to the UI: a stable `code` to act on and a
/// `message` to show. The UI never matches on the message.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl CommandError {
    pub fn new(code: impl Into<String>, message: impl ToString) -> Self {
        Self {
            code: code.into(),
            message: message.to_string(),
        }
    }
}

impl From<kenpo_core::prefs::PrefsError> for CommandError {
    fn from(err: kenpo_core::prefs::PrefsError) -> Self {
        Self::new(err.code(), &err)
    }
}
