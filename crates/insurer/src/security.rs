//! The security event log: one structured line per event on the target
//! `kenpo_insurer::security`, for the insurer's monitoring. It names the
//! account by its number and the client by its address; never a password,
//! token, key, e-mail address, login ID (it may be an e-mail address) or
//! health value.

use std::net::IpAddr;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    LoginFailed,
    /// Refused before the password was checked: too many tries.
    LoginThrottled,
    /// The address was asked for a captcha.
    CaptchaRequired,
    LoginSucceeded,
    PasswordChanged,
    /// A current-password check failed (to change the password or address).
    ReauthFailed,
    PasswordResetRequested,
    PasswordResetCompleted,
    EmailChanged,
    /// A refresh token was used twice: the session was ended.
    RefreshReused,
    /// A staff command of the admin CLI.
    AdminAction,
    /// The identity step named a member who has an account already.
    RegistrationOfRegistered,
}

impl Event {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::LoginFailed => "login_failed",
            Self::LoginThrottled => "login_throttled",
            Self::CaptchaRequired => "captcha_required",
            Self::LoginSucceeded => "login_succeeded",
            Self::PasswordChanged => "password_changed",
            Self::ReauthFailed => "reauth_failed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordResetCompleted => "password_reset_completed",
            Self::EmailChanged => "email_changed",
            Self::RefreshReused => "refresh_reused",
            Self::AdminAction => "admin_action",
            Self::RegistrationOfRegistered => "registration_of_registered",
        }
    }
}

/// Logs `event` for `account` (its number) from `client`.
pub fn log(event: Event, account: Option<i64>, client: Option<IpAddr>) {
    tracing::info!(
        target: "kenpo_insurer::security",
        event = event.as_str(),
        account = account.map_or_else(|| "-".to_owned(), |a| a.to_string()),
        client = client.map_or_else(|| "-".to_owned(), |c| c.to_string()),
        "security event"
    );
}

/// Logs a staff command (`what`: the command, e.g. `roster import`).
pub fn admin(what: &str) {
    tracing::info!(
        target: "kenpo_insurer::security",
        event = Event::AdminAction.as_str(),
        command = what,
        "security event"
    );
}
