//! The one place where errors become what the UI sees. A core error keeps
//! its code from the core's one table (`kenpo_core::error::ErrorCode`); the
//! shell's own failures (notifications, the demo insurer) have theirs. The
//! UI switches on `code` and never reads `message` for meaning.

use kenpo_core::error::{Coded, ErrorCode as CoreCode, OfflineReason};
use serde::Serialize;

/// Failures of the shell itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ShellErrorCode {
    /// The desktop has no notification service.
    NotificationUnavailable,
    /// The notification service refused or failed.
    NotificationFailed,
    /// The demo insurer could not be started or read.
    DemoFailed,
    /// An export (CSV, PNG) could not be written where the member chose.
    ExportFailed,
    /// Starting at login could not be switched (the desktop's autostart
    /// folder or registry refused).
    AutostartFailed,
}

/// Every code a command can fail with: the generated TypeScript makes it a
/// union of string literals, so a new code is a type error in the UI until
/// it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(untagged)]
#[serde(rename = "CommandErrorCode")]
pub enum ErrorCode {
    Core(CoreCode),
    Shell(ShellErrorCode),
}

/// What a failed command returns to the UI: a stable `code` to act on and a
/// `message` for the log. The UI never matches on the message.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    /// The insurer's own code, when the insurer refused (`code: insurer`).
    pub api_code: Option<kenpo_core::ApiErrorCode>,
    /// The form field the error belongs to.
    pub field: Option<String>,
    /// Why the insurer could not be reached (`code: offline`).
    pub offline: Option<OfflineReason>,
    /// Seconds before the next passphrase may be tried.
    pub wait_secs: Option<u32>,
    /// Seconds the insurer asks to wait before trying again (`rate_limited`).
    pub retry_after: Option<u32>,
}

impl CommandError {
    pub fn shell(code: ShellErrorCode, message: impl ToString) -> Self {
        Self {
            code: ErrorCode::Shell(code),
            message: message.to_string(),
            api_code: None,
            field: None,
            offline: None,
            wait_secs: None,
            retry_after: None,
        }
    }
}

impl CommandError {
    /// An error of the core's table raised by the shell itself.
    pub fn core(code: CoreCode, message: impl ToString) -> Self {
        Self {
            code: ErrorCode::Core(code),
            message: message.to_string(),
            api_code: None,
            field: None,
            offline: None,
            wait_secs: None,
            retry_after: None,
        }
    }

    /// The form field the error belongs to.
    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
}

impl From<kenpo_core::desk::DeskError> for CommandError {
    fn from(err: kenpo_core::desk::DeskError) -> Self {
        Self {
            code: ErrorCode::Core(err.code()),
            message: err.to_string(),
            api_code: err.api_code(),
            field: err.field(),
            offline: err.offline_reason(),
            wait_secs: err.wait_secs(),
            retry_after: err
                .retry_after()
                .map(|secs| u32::try_from(secs).unwrap_or(u32::MAX)),
        }
    }
}

impl From<kenpo_core::client::ClientError> for CommandError {
    fn from(err: kenpo_core::client::ClientError) -> Self {
        kenpo_core::desk::DeskError::Client(err).into()
    }
}

impl From<kenpo_core::prefs::PrefsError> for CommandError {
    fn from(err: kenpo_core::prefs::PrefsError) -> Self {
        Self {
            code: ErrorCode::Core(err.code()),
            message: err.to_string(),
            api_code: None,
            field: None,
            offline: None,
            wait_secs: None,
            retry_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use kenpo_core::client::ClientError;
    use kenpo_domain::api::{ErrorCode as Api, ErrorDetail};

    use super::*;

    #[test]
    fn core_errors_keep_their_code_on_the_wire() {
        let err = kenpo_core::prefs::PrefsError::Io(std::io::Error::other("disk"));
        let wire = serde_json::to_value(CommandError::from(err)).unwrap();
        assert_eq!(
            wire["code"], "prefs_io",
            "the UI sees the core's stable code"
        );
        let wire =
            serde_json::to_value(CommandError::shell(ShellErrorCode::DemoFailed, "x")).unwrap();
        assert_eq!(wire["code"], "demo_failed");
    }

    #[test]
    fn an_offline_error_says_why_by_code_and_an_insurer_error_has_no_code_prefix() {
        let wire = serde_json::to_value(CommandError::from(ClientError::Offline(
            OfflineReason::NoConnection,
        )))
        .unwrap();
        assert_eq!(wire["code"], "offline");
        assert_eq!(wire["offline"], "no_connection");
        let refused = ClientError::Api {
            status: 401,
            detail: ErrorDetail {
                code: Api::InvalidCredentials,
                message: "wrong login ID or password".into(),
                field: None,
            },
            retry_after: None,
        };
        let wire = serde_json::to_value(CommandError::from(refused)).unwrap();
        assert_eq!(wire["code"], "insurer");
        assert_eq!(wire["api_code"], "invalid_credentials");
        assert_eq!(wire["message"], "wrong login ID or password");
    }
}
