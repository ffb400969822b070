//! The facade's error: every failure a screen can see, with its code from
//! the core's one table.

use kenpo_domain::api::{AddressError, ErrorCode as ApiErrorCode};
use kenpo_domain::entry::EntryError;
use kenpo_domain::password::PasswordRefusal;
use kenpo_domain::reminder::ReminderError;

use crate::client::ClientError;
use crate::error::{Coded, ErrorCode};
use crate::keychain::KeychainError;
use crate::keywrap::WrapError;
use crate::lock::Closed;
use crate::profiles::{MigrateError, ProfilesIo};
use crate::reminders::RemindersError;
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
    #[error("this copy's key is in the OS keychain, which does not answer: {0}")]
    KeyInKeychain(KeychainError),
    #[error("enter the passphrase of this PC's copy")]
    PassphraseRequired,
    #[error("choose a passphrase for this PC's copy")]
    PassphraseNotSet,
    #[error("the keychain answers: no passphrase is used")]
    PassphraseNotNeeded,
    #[error("the passphrase does not open this PC's copy")]
    PassphraseMismatch { wait_secs: u32 },
    #[error("too many wrong passphrases: wait {wait_secs} s")]
    PassphraseWait { wait_secs: u32 },
    #[error("the passphrase is refused: {0}")]
    PassphraseRefused(PasswordRefusal),
    #[error("the passphrase-wrapped key is damaged: {0}")]
    WrappedKeyDamaged(String),
    #[error(transparent)]
    Reminders(#[from] RemindersError),
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error("order 1 to {} pieces", kenpo_domain::exchange::MAX_QUANTITY)]
    Quantity,
    #[error("the item is no longer in the catalog")]
    UnknownItem,
    #[error("not as many in stock")]
    OutOfStock,
    #[error("the points usable today are fewer than the order")]
    InsufficientPoints,
    #[error("no order waits for this confirmation")]
    ExchangeNotPrepared,
    #[error("an order was sent without an answer")]
    ExchangeUnsettled,
    #[error("the clinic goes with a secondary exam, in at most 100 characters")]
    Clinic,
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
            Self::KeyInKeychain(_) => ErrorCode::LocalKeyInKeychain,
            Self::PassphraseRequired => ErrorCode::PassphraseRequired,
            Self::PassphraseNotSet => ErrorCode::PassphraseNotSet,
            Self::PassphraseNotNeeded => ErrorCode::PassphraseNotNeeded,
            Self::PassphraseMismatch { .. } => ErrorCode::PassphraseMismatch,
            Self::PassphraseWait { .. } => ErrorCode::PassphraseWait,
            Self::PassphraseRefused(refusal) => match refusal {
                PasswordRefusal::TooShort { .. } => ErrorCode::PassphraseTooShort,
                PasswordRefusal::TooLong { .. } => ErrorCode::PassphraseTooLong,
                PasswordRefusal::ForbiddenCharacter { .. }
                | PasswordRefusal::MissingLetter
                | PasswordRefusal::MissingDigit => ErrorCode::PassphraseCharacters,
                PasswordRefusal::Common => ErrorCode::PassphraseCommon,
                PasswordRefusal::ContainsLoginId => ErrorCode::PassphraseContainsLoginId,
            },
            Self::WrappedKeyDamaged(_) => ErrorCode::WrappedKeyDamaged,
            Self::Address(_) | Self::Quantity | Self::Clinic => ErrorCode::Validation,
            Self::UnknownItem => ErrorCode::UnknownItem,
            Self::OutOfStock => ErrorCode::OutOfStock,
            Self::InsufficientPoints => ErrorCode::InsufficientPoints,
            Self::ExchangeNotPrepared => ErrorCode::ExchangeNotPrepared,
            Self::ExchangeUnsettled => ErrorCode::ExchangeUnsettled,
            Self::Reminders(err) => match err {
                RemindersError::Local(err) => err.code(),
                RemindersError::Snooze => ErrorCode::ReminderSnooze,
                RemindersError::Schedule(err) => match err {
                    ReminderError::BadTime => ErrorCode::ReminderBadTime,
                    ReminderError::TooManyTimes => ErrorCode::ReminderTooManyTimes,
                    ReminderError::BadWeekday => ErrorCode::ReminderBadWeekday,
                    ReminderError::EmptyQuiet => ErrorCode::ReminderEmptyQuiet,
                },
            },
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
    pub(super) fn client(&self) -> Option<&ClientError> {
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
            Self::Reminders(RemindersError::Schedule(err)) => Some(
                match err {
                    ReminderError::BadTime | ReminderError::TooManyTimes => "times",
                    ReminderError::BadWeekday => "weekdays",
                    ReminderError::EmptyQuiet => "quiet",
                }
                .to_owned(),
            ),
            Self::PassphraseMismatch { .. } | Self::PassphraseRefused(_) => {
                Some("passphrase".to_owned())
            }
            Self::Address(err) => Some(err.field().to_owned()),
            Self::Quantity => Some("quantity".to_owned()),
            Self::Clinic => Some("clinic".to_owned()),
            _ => None,
        }
    }

    /// Seconds the insurer asks to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self.client() {
            Some(ClientError::Api { retry_after, .. }) => *retry_after,
            _ => None,
        }
    }

    /// Seconds before the next passphrase may be tried, after a wrong one.
    pub fn wait_secs(&self) -> Option<u32> {
        match self {
            Self::PassphraseMismatch { wait_secs } | Self::PassphraseWait { wait_secs } => {
                Some(*wait_secs)
            }
            _ => None,
        }
    }
}

impl From<WrapError> for DeskError {
    fn from(err: WrapError) -> Self {
        match err {
            WrapError::Mismatch => Self::PassphraseMismatch { wait_secs: 0 },
            WrapError::Damaged(why) => Self::WrappedKeyDamaged(why),
            WrapError::Io(why) => Self::ProfilesIo(ProfilesIo(why)),
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
