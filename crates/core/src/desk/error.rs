//! The facade's error: every failure a screen can see, with its code from
//! the core's one table.

use kenpo_domain::api::ErrorCode as ApiErrorCode;
use kenpo_domain::entry::EntryError;

use crate::client::ClientError;
use crate::error::{Coded, ErrorCode};
use crate::keychain::KeychainError;
use crate::lock::Closed;
use crate::profiles::{MigrateError, ProfilesIo};
use crate::store::LocalError;
use crate::sync::SyncError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error(transparent)]
    ProfilesIo(#[from] ProfilesIo),
    #[error("no member is logged in on this PC")]
    NoProfile,
    #[error("no such profile on this PC")]
    UnknownProfile,
    #[error("the app is locked")]
    Locked,
    #[error("the PIN is 4 to 12 digits")]
    PinFormat,
    #[error("the PIN is wrong")]
    PinMismatch,
    #[error("too many wrong PINs: log in with the password")]
    PinAttemptsExceeded,
}

impl Coded for DeskError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Keychain(err) => err.code(),
            Self::Local(err) => err.code(),
            Self::Client(err) => err.code(),
            Self::Sync(err) => err.code(),
            Self::Entry(_) => ErrorCode::Validation,
            Self::ProfilesIo(_) => ErrorCode::ProfilesIo,
            Self::NoProfile => ErrorCode::NoProfile,
            Self::UnknownProfile => ErrorCode::UnknownProfile,
            Self::Locked => ErrorCode::Locked,
            Self::PinFormat => ErrorCode::PinFormat,
            Self::PinMismatch => ErrorCode::PinMismatch,
            Self::PinAttemptsExceeded => ErrorCode::PinAttemptsExceeded,
        }
    }
}

impl From<Closed> for DeskError {
    fn from(closed: Closed) -> Self {
        match closed {
            Closed::Locked => Self::Locked,
            Closed::NoProfile => Self::NoProfile,
        }
    }
}

impl DeskError {
    fn client(&self) -> Option<&ClientError> {
        match self {
            Self::Client(err) | Self::Sync(SyncError::Client(err)) => Some(err),
            _ => None,
        }
    }

    /// The insurer's own code, when the insurer refused.
    pub fn api_code(&self) -> Option<ApiErrorCode> {
        self.client().and_then(ClientError::api_code)
    }

    /// Why the insurer could not be reached, when it could not.
    pub fn offline_reason(&self) -> Option<crate::error::OfflineReason> {
        match self.client() {
            Some(ClientError::Offline(reason)) => Some(*reason),
            _ => None,
        }
    }

    /// The field a validation error belongs to, for the form.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Client(ClientError::Api { detail, .. })
            | Self::Sync(SyncError::Client(ClientError::Api { detail, .. })) => {
                detail.field.clone()
            }
            Self::Entry(EntryError::FutureDate) => Some("date".to_owned()),
            Self::Entry(_) => Some("value".to_owned()),
            Self::PinFormat | Self::PinMismatch => Some("pin".to_owned()),
            _ => None,
        }
    }
}

impl From<MigrateError> for DeskError {
    fn from(err: MigrateError) -> Self {
        match err {
            MigrateError::Io(err) => err.into(),
            MigrateError::Keychain(err) => err.into(),
        }
    }
}

pub type DeskResult<T> = Result<T, DeskError>;
