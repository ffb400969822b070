//! The wire types of the insurer API (INSURER_API.md), shared by the server
//! and the desktop client so that they cannot drift.
//!
//! Conventions: snake_case fields; dates `YYYY-MM-DD` (Japanese calendar
//! days); instants RFC 3339 with offset; points are integers.
//!
//! Request bodies carry what the member typed as plain strings wherever the
//! server must answer a specific error code for a bad value
//! (`invalid_email`, `invalid_insurer_number`, `password_policy`) or one
//! uniform answer (`identity_mismatch`): the server parses them with the
//! types of [`crate::id`] and [`crate::password`]. Response bodies carry the
//! parsed types. Passwords and tokens are [`Secret`]s, which never show in
//! `Debug` output or logs.
//!
//! Points and identifiers are `i64` in Rust and plain numbers in the
//! generated TypeScript (`specta(type = i32)`): they stay far below 2^53, so
//! JavaScript holds them exactly, and the bindings need no BigInt.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::entry::{
    EntryError, EntryValue, EntryWindow, Goal, GoalId, GoalInput, GoalResult, RecordKind, Steps,
    Weight,
};
use crate::error::Coded;
use crate::health::{Bmi, Height};
use crate::id::{AuthKey, IdError, IdKind, InsurerNumber, LoginId, Nickname};
use crate::ledger::{Expiring, LedgerError, Lot};
use crate::member::{Relationship, Sex};
use crate::password::{PasswordPolicy, PasswordRefusal};
use crate::points::{CheckupCondition, Frequency, Grant, PointRule, ReportKind, RuleCode};

/// Every error code of the API. Clients act on the code, never on the message.
/// A code this version does not know reads as [`ErrorCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[serde(rename = "ApiErrorCode")]
pub enum ErrorCode {
    /// A mailed link's token (or a setup token) is expired, unknown or used.
    TokenExpired,
    /// The identity check failed; one answer for every cause.
    IdentityMismatch,
    CaptchaMismatch,
    AuthKeyMismatch,
    /// The new password breaks a rule of the policy; the message names it.
    PasswordPolicy,
    InvalidEmail,
    LoginIdTaken,
    InvalidInsurerNumber,
    /// Unknown login ID or wrong password; one answer for both.
    InvalidCredentials,
    /// The initial password must be changed before anything else.
    PasswordChangeRequired,
    /// The person has left the insurer's roster: no login, no earning.
    MembershipEnded,
    /// The same Idempotency-Key came with another body.
    IdempotencyConflict,
    InsufficientPoints,
    OutOfStock,
    InvalidAddress,
    /// The exchange has shipped (or was cancelled) and cannot be cancelled.
    NotCancellable,
    /// A report of this kind is in already for the same fiscal year.
    AlreadyReported,
    /// Many failed logins came from this address: solve a captcha
    /// (`GET /captcha`) and send its `captcha_id` and `captcha_answer`.
    CaptchaRequired,
    /// Too many attempts; the response carries `Retry-After`.
    RateLimited,
    NotFound,
    /// A value is out of range or malformed; `field` says which.
    Validation,
    /// The request's body is over its route's limit.
    PayloadTooLarge,
    /// No valid access token.
    Unauthorized,
    /// A valid token that may not do this.
    Forbidden,
    Internal,
    /// The server cannot answer now (e.g. its database is down).
    ServiceUnavailable,
    /// A code newer than this version of the client.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code, for tests and documentation.
    pub const ALL: [Self; 27] = [
        Self::TokenExpired,
        Self::IdentityMismatch,
        Self::CaptchaMismatch,
        Self::AuthKeyMismatch,
        Self::PasswordPolicy,
        Self::InvalidEmail,
        Self::LoginIdTaken,
        Self::InvalidInsurerNumber,
        Self::InvalidCredentials,
        Self::PasswordChangeRequired,
        Self::MembershipEnded,
        Self::IdempotencyConflict,
        Self::InsufficientPoints,
        Self::OutOfStock,
        Self::InvalidAddress,
        Self::NotCancellable,
        Self::AlreadyReported,
        Self::CaptchaRequired,
        Self::RateLimited,
        Self::NotFound,
        Self::Validation,
        Self::PayloadTooLarge,
        Self::Unauthorized,
        Self::Forbidden,
        Self::Internal,
        Self::ServiceUnavailable,
        Self::Unknown,
    ];

    /// The wire spelling; stable.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TokenExpired => "token_expired",
            Self::IdentityMismatch => "identity_mismatch",
            Self::CaptchaMismatch => "captcha_mismatch",
            Self::AuthKeyMismatch => "auth_key_mismatch",
            Self::PasswordPolicy => "password_policy",
            Self::InvalidEmail => "invalid_email",
            Self::LoginIdTaken => "login_id_taken",
            Self::InvalidInsurerNumber => "invalid_insurer_number",
            Self::InvalidCredentials => "invalid_credentials",
            Self::PasswordChangeRequired => "password_change_required",
            Self::MembershipEnded => "membership_ended",
            Self::IdempotencyConflict => "idempotency_conflict",
            Self::InsufficientPoints => "insufficient_points",
            Self::OutOfStock => "out_of_stock",
            Self::InvalidAddress => "invalid_address",
            Self::NotCancellable => "not_cancellable",
            Self::AlreadyReported => "already_reported",
            Self::CaptchaRequired => "captcha_required",
            Self::RateLimited => "rate_limited",
            Self::NotFound => "not_found",
            Self::Validation => "validation",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Internal => "internal",
            Self::ServiceUnavailable => "service_unavailable",
            Self::Unknown => "unknown",
        }
    }

    /// The HTTP status the server answers with.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::InvalidCredentials | Self::Unauthorized => 401,
            Self::PasswordChangeRequired
            | Self::MembershipEnded
            | Self::Forbidden
            | Self::CaptchaRequired => 403,
            Self::NotFound => 404,
            Self::LoginIdTaken
            | Self::InsufficientPoints
            | Self::OutOfStock
            | Self::NotCancellable
            | Self::AlreadyReported => 409,
            Self::TokenExpired => 410,
            Self::PayloadTooLarge => 413,
            Self::IdentityMismatch
            | Self::CaptchaMismatch
            | Self::AuthKeyMismatch
            | Self::PasswordPolicy
            | Self::InvalidEmail
            | Self::InvalidInsurerNumber
            | Self::IdempotencyConflict
            | Self::InvalidAddress
            | Self::Validation => 422,
            Self::RateLimited => 429,
            Self::Internal | Self::Unknown => 500,
            Self::ServiceUnavailable => 503,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = std::convert::Infallible;

    /// Never fails: an unknown code is [`ErrorCode::Unknown`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::ALL
            .into_iter()
            .find(|code| code.as_str() == s)
            .unwrap_or(Self::Unknown))
    }
}

// By hand: `unknown` is the client's catch-all for codes newer than itself,
// never a code the server sends, so it stays out of the list.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "What went wrong, for clients to act on (never on the message). Codes may be \
                 added: a client must accept one it does not know.",
            ))
            .enum_values(Some(
                Self::ALL
                    .into_iter()
                    .filter(|code| *code != Self::Unknown)
                    .map(Self::as_str),
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ErrorCode {}

/// The body of every error response: `{"error": {"code", "message", "field"?}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a code to act on, a message for people, maybe a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// The request field the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub field: Option<String>,
}

impl ErrorDetail {
    /// An error without a field.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// The same error, about `field`.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The response body.
    pub fn into_body(self) -> ErrorBody {
        ErrorBody { error: self }
    }

    /// A refused identifier: `invalid_insurer_number` or `invalid_email`
    /// where the API has them, otherwise `validation`, with the field.
    /// (The identity check must not use this: it answers `identity_mismatch`.)
    pub fn from_id_error(error: &IdError) -> Self {
        let code = match error.kind() {
            IdKind::InsurerNumber => ErrorCode::InvalidInsurerNumber,
            IdKind::Email | IdKind::LoginId => ErrorCode::InvalidEmail,
            _ => ErrorCode::Validation,
        };
        Self::new(code, error.to_string()).with_field(error.kind().field())
    }

    /// A refused password: `password_policy`, the message naming the rule.
    pub fn from_password_refusal(refusal: &PasswordRefusal, field: &str) -> Self {
        Self::new(
            ErrorCode::PasswordPolicy,
            format!("{} ({})", refusal, refusal.code()),
        )
        .with_field(field)
    }

    /// A refused daily record or goal.
    pub fn from_entry_error(error: &EntryError) -> Self {
        let field = match error {
            EntryError::FutureDate => "date",
            EntryError::MissingGoalId | EntryError::UnexpectedGoalId => "goal_id",
            EntryError::GoalLabelEmpty
            | EntryError::GoalLabelTooLong { .. }
            | EntryError::GoalLabelForbiddenCharacter
            | EntryError::DuplicateGoal => "label",
            EntryError::TooManyGoals { .. } => "goals",
            EntryError::EntryWindowOutOfRange { .. } => "entry_window_days",
            _ => "value",
        };
        Self::new(ErrorCode::Validation, error.to_string()).with_field(field)
    }

    /// A refused ledger operation.
    pub fn from_ledger_error(error: &LedgerError) -> Self {
        let code = match error {
            LedgerError::InsufficientPoints { .. } => ErrorCode::InsufficientPoints,
            LedgerError::InvalidAmount => ErrorCode::Validation,
            LedgerError::UnknownSpend => ErrorCode::NotFound,
            LedgerError::AlreadyCancelled => ErrorCode::NotCancellable,
        };
        Self::new(code, error.to_string())
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A password or token: serialized as the plain string it is, but never
/// shown by `Debug`, so it cannot end up in a log by accident.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = String,
        format = Password,
        description = "A password or token, as the plain string."
    )
)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for hashing or sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// The token in a mailed link, from whatever the member pasted: the deep
/// link (`kenpodesk://register/identity?token=…`), the web link, or the bare
/// code. Tokens are URL-safe: letters, digits, `-` and `_`, 16 to 256 long.
pub fn token_from_link(pasted: &str) -> Option<&str> {
    let text = pasted.trim();
    let token = match text.split_once('?') {
        Some((_, query)) => query
            .split(['&', '#'])
            .find_map(|pair| pair.strip_prefix("token="))?,
        None if !text.contains("://") => text,
        None => return None,
    };
    let url_safe = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ((16..=256).contains(&token.len()) && url_safe).then_some(token)
}

/// An empty JSON object, `{}` (e.g. the 202 answer to a registration start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Empty {}

/// A member's identifier on the insurer's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
#[serde(transparent)]
pub struct MemberId(#[cfg_attr(feature = "specta", specta(type = i32))] pub i64);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

// ---------------------------------------------------------------- insurer

/// The ways to get an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMethod {
    /// E-mail and identity check (健康マイポータル).
    EmailIdentity,
    /// An account issued from the roster: `U` + employee number (KENPOS).
    IssuedId,
    /// A dependent spouse's registration with the insurance card.
    DependentCard,
}

/// `GET /api/v1/insurer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InsurerInfo {
    pub name: String,
    pub insurer_number: InsurerNumber,
    pub sandbox: bool,
    pub registration_methods: Vec<RegistrationMethod>,
    pub password_policy: PasswordPolicy,
    pub entry_window_days: EntryWindow,
    pub point_rules: Vec<PointRuleInfo>,
}

/// A points rule as members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointRuleInfo {
    pub code: RuleCode,
    pub label_ja: String,
    pub label_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub condition_ja: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub condition_en: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
    pub frequency: Frequency,
    pub eligible: Vec<Relationship>,
    /// What a checkup result must show to earn the rule, one per way a
    /// checkup earns it; empty for a rule no checkup earns.
    #[serde(default)]
    pub checkup_conditions: Vec<CheckupCondition>,
}

impl From<&PointRule> for PointRuleInfo {
    fn from(rule: &PointRule) -> Self {
        Self {
            code: rule.code.clone(),
            label_ja: rule.label_ja.clone(),
            label_en: rule.label_en.clone(),
            condition_ja: rule.condition_ja.clone(),
            condition_en: rule.condition_en.clone(),
            points: rule.points,
            frequency: rule.frequency,
            eligible: rule.eligible.clone(),
            checkup_conditions: rule
                .ways
                .iter()
                .filter_map(|way| match &way.trigger {
                    crate::points::Trigger::Checkup { condition, .. } => Some(*condition),
                    _ => None,
                })
                .collect(),
        }
    }
}

// ----------------------------------------------------------- registration

/// `POST /api/v1/registrations` → 202 [`Empty`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationRequest {
    pub email: String,
}

/// `GET /api/v1/captcha`: a new challenge (calling again is the "refresh").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Captcha {
    pub captcha_id: String,
    /// A PNG image, base64.
    #[cfg_attr(
        feature = "openapi",
        schema(content_encoding = "base64", content_media_type = "image/png")
    )]
    pub image_png: String,
}

/// `POST /api/v1/registrations/identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityRequest {
    pub token: Secret,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub card_number: String,
    pub card_symbol: String,
    pub captcha_id: String,
    pub captcha_answer: String,
}

/// 200 answer to the identity check: the auth key, shown on screen only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityResponse {
    pub auth_key: AuthKey,
}

/// `POST /api/v1/registrations/auth-key`, with the confirmation token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthKeyRequest {
    pub token: Secret,
    pub auth_key: String,
}

/// 200 answer to the auth key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthKeyResponse {
    pub setup_token: Secret,
}

/// `POST /api/v1/registrations/account` → 201 [`MemberCreated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSetupRequest {
    pub setup_token: Secret,
    pub login_id: String,
    pub password: Secret,
    pub notification_email: String,
    pub nickname: String,
}

/// `POST /api/v1/registrations/dependent` → 201 [`MemberCreated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DependentRegistrationRequest {
    pub card_symbol: String,
    pub card_number: String,
    pub insurer_number: String,
    pub birth_date: NaiveDate,
    pub captcha_id: String,
    pub captcha_answer: String,
    pub login_id: String,
    pub password: Secret,
    pub notification_email: String,
    pub nickname: String,
}

/// 201 answer to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberCreated {
    pub member_id: MemberId,
}

// --------------------------------------------------- sessions and account

/// `POST /api/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRequest {
    pub login_id: String,
    pub password: Secret,
    /// Only when the server asked (`captcha_required`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub captcha_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub captcha_answer: Option<String>,
}

/// A new session, or a refreshed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub access_token: Secret,
    pub refresh_token: Secret,
    /// Seconds until the access token expires.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub expires_in: u64,
    pub password_change_required: bool,
    pub member: SessionMember,
}

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionMember {
    pub member_id: MemberId,
    /// `null` for an issued account until the member chooses one.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub nickname: Option<Nickname>,
    pub kind: Relationship,
}

/// `POST /api/v1/sessions/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: Secret,
}

/// `GET /api/v1/account/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub sessions: Vec<SessionSummary>,
}

/// One of the member's sessions (devices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSummary {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub id: i64,
    pub created_at: DateTime<FixedOffset>,
    pub last_used_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub user_agent: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// `GET /api/v1/account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub member_id: MemberId,
    pub login_id: LoginId,
    /// `null` for an issued account until the member chooses one.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub nickname: Option<Nickname>,
    /// `null` for an issued account until the member gives one.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub notification_email: Option<crate::id::Email>,
    pub kind: Relationship,
}

/// `PATCH /api/v1/account`: only the fields present change. A new
/// notification address needs the current password.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Required with `notification_email`: whoever holds a stolen token
    /// cannot move the address where password resets go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable = false))]
    pub current_password: Option<Secret>,
}

/// `PUT /api/v1/account/password` → 204.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChangeRequest {
    pub current_password: Secret,
    pub new_password: Secret,
}

/// `POST /api/v1/password-resets` → 202 always.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    pub login_id: String,
}

/// `POST /api/v1/password-resets/complete` → 204.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetCompletion {
    pub token: Secret,
    pub new_password: Secret,
}

// ---------------------------------------------------------- daily records

/// 200 answer to `POST /api/v1/check-ins`: 0 points on a second call that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInResponse {
    pub date: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points_granted: i64,
}

/// A record's value as sent: a number for steps (whole) and weight (kg), a
/// boolean (achieved or not) for a goal. Checked by [`Record::entry`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "A record's value: the steps (a whole number), the weight in kg (at \
        most one decimal), or whether a goal was achieved (a boolean)."
    )
)]
#[serde(untagged)]
pub enum RecordValue {
    Flag(bool),
    Number(#[cfg_attr(feature = "specta", specta(type = i32))] f64),
}

/// One daily record, as sent (`POST /api/v1/records`) and as listed
/// (`GET /api/v1/records`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    pub date: NaiveDate,
    pub kind: RecordKind,
    /// Only for a goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub goal_id: Option<GoalId>,
    pub value: RecordValue,
    /// When the member last changed it; the newer one wins.
    pub updated_at: DateTime<FixedOffset>,
}

impl Record {
    /// The record for a checked value.
    pub fn from_entry(
        date: NaiveDate,
        value: EntryValue,
        updated_at: DateTime<FixedOffset>,
    ) -> Self {
        let (goal_id, raw) = match value {
            EntryValue::Steps(steps) => (None, RecordValue::Number(f64::from(steps.get()))),
            EntryValue::Weight(weight) => (None, RecordValue::Number(weight.kg())),
            EntryValue::Goal(result) => (Some(result.goal_id), RecordValue::Flag(result.achieved)),
        };
        Self {
            date,
            kind: value.kind(),
            goal_id,
            value: raw,
            updated_at,
        }
    }

    /// Checks the value against its kind. The date is checked separately,
    /// against today and the entry window ([`EntryWindow::check`]).
    pub fn entry(&self) -> Result<EntryValue, EntryError> {
        match (self.kind, self.goal_id, self.value) {
            (RecordKind::Goal, None, _) => Err(EntryError::MissingGoalId),
            (RecordKind::Steps | RecordKind::Weight, Some(_), _) => {
                Err(EntryError::UnexpectedGoalId)
            }
            (RecordKind::Steps, None, RecordValue::Number(n)) => {
                Steps::from_f64(n).map(EntryValue::Steps)
            }
            (RecordKind::Weight, None, RecordValue::Number(n)) => {
                Weight::from_kg(n).map(EntryValue::Weight)
            }
            (RecordKind::Goal, Some(goal_id), RecordValue::Flag(achieved)) => {
                Ok(EntryValue::Goal(GoalResult { goal_id, achieved }))
            }
            _ => Err(EntryError::WrongValueType),
        }
    }
}

/// `POST /api/v1/records` (with an Idempotency-Key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordsRequest {
    pub records: Vec<Record>,
}

/// What became of one record of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Saved (new, or newer than the stored one).
    Accepted,
    /// Older than the stored one: not saved.
    Stale,
    /// Invalid: not saved; `error` says why. The rest of the batch goes on.
    Rejected,
}

/// The outcome for one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordResult {
    pub date: NaiveDate,
    pub kind: RecordKind,
    /// Only for a goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub goal_id: Option<GoalId>,
    pub status: RecordStatus,
    /// Only when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub error: Option<ErrorDetail>,
}

/// Points granted by a call, per rule and day of the activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsGranted {
    pub date: NaiveDate,
    pub code: RuleCode,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
}

impl From<&Grant> for PointsGranted {
    fn from(grant: &Grant) -> Self {
        Self {
            date: grant.activity_date,
            code: grant.code.clone(),
            points: grant.points,
        }
    }
}

/// 200 answer to `POST /api/v1/records`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordsResponse {
    pub results: Vec<RecordResult>,
    pub points_granted: Vec<PointsGranted>,
}

/// Query of `GET /api/v1/records?from=&to=` (both days included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct RecordsQuery {
    /// The first day.
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

/// 200 answer to `GET /api/v1/records`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordList {
    pub records: Vec<Record>,
}

/// `GET /api/v1/goals`, and the answer to `PUT /api/v1/goals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalList {
    pub goals: Vec<Goal>,
}

/// `PUT /api/v1/goals`: the member's whole new list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalsUpdate {
    pub goals: Vec<GoalInput>,
}

/// Query of `GET /api/v1/changes?since=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ChangesQuery {
    /// The `cursor` of the previous answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub since: Option<String>,
    /// Most changes in one answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub limit: Option<u32>,
}

/// One change on the server, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    Record(Record),
    Goal(Goal),
    Ledger(LedgerEntryInfo),
    Checkup(Checkup),
    Exchange(ExchangeInfo),
    Notice(Notice),
}

/// 200 answer to `GET /api/v1/changes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesResponse {
    pub changes: Vec<Change>,
    /// Where to continue from next time.
    pub cursor: String,
    pub has_more: bool,
}

// ------------------------------------------------ points, checkups, reports

/// A lot as the member sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotInfo {
    pub granted_on: NaiveDate,
    pub expires_on: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub remaining: i64,
}

impl From<&Lot> for LotInfo {
    fn from(lot: &Lot) -> Self {
        Self {
            granted_on: lot.granted_on,
            expires_on: lot.expires_on,
            remaining: lot.remaining,
        }
    }
}

/// `GET /api/v1/points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsSummary {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance: i64,
    pub lots: Vec<LotInfo>,
    pub expiring: Vec<Expiring>,
}

/// One line of `GET /api/v1/points/ledger`: grants positive, spending and
/// expiry negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntryInfo {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub id: i64,
    pub date: NaiveDate,
    pub code: RuleCode,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub expires_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub note: Option<String>,
}

/// Query of `GET /api/v1/points/ledger?cursor=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct LedgerQuery {
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub cursor: Option<String>,
    /// Most entries in one page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub limit: Option<u32>,
}

/// 200 answer to `GET /api/v1/points/ledger`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerPage {
    pub entries: Vec<LedgerEntryInfo>,
    /// `null` on the last page.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub next_cursor: Option<String>,
}

/// One checkup result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkup {
    pub date: NaiveDate,
    pub height_cm: Height,
    pub weight_kg: Weight,
    pub bmi: Bmi,
    pub smoker: bool,
    /// The insurer's health age, when it supplies one.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub health_age: Option<u32>,
    /// The member's age on the checkup day.
    pub real_age: u32,
    /// The points this checkup earned, rule by rule (dated the checkup
    /// day). A rule missing here was not met, or was earned by another
    /// checkup of the same fiscal year.
    #[serde(default)]
    pub points_granted: Vec<PointsGranted>,
}

/// `GET /api/v1/checkups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckupList {
    pub checkups: Vec<Checkup>,
}

/// `POST /api/v1/reports` → 201 [`ReportCreated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRequest {
    pub kind: ReportKind,
    pub date: NaiveDate,
    /// Where a secondary exam was taken (at most 100 characters); not for a
    /// flu vaccination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub clinic: Option<String>,
}

impl ReportRequest {
    /// Longest clinic name.
    pub const MAX_CLINIC_CHARS: usize = 100;

    /// The clinic trimmed (`None` when blank); an error names what is wrong.
    pub fn checked_clinic(&self) -> Result<Option<String>, &'static str> {
        let Some(clinic) = self
            .clinic
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            return Ok(None);
        };
        if self.kind != ReportKind::SecondaryExam {
            return Err("a clinic goes with a secondary exam only");
        }
        if clinic.chars().count() > Self::MAX_CLINIC_CHARS
            || clinic
                .chars()
                .any(|c| c.is_control() || crate::id::is_hidden_character(c))
        {
            return Err("the clinic is at most 100 characters, without control characters");
        }
        Ok(Some(clinic.to_owned()))
    }
}

/// 201 answer to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportCreated {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub report_id: i64,
    pub points_granted: Vec<PointsGranted>,
}

// --------------------------------------------------- catalog and exchange

/// One item of the goods catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogItem {
    /// The insurer's item code, e.g. `coffee-gift`.
    pub id: String,
    pub name: String,
    pub description: String,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
    pub stock: u32,
    /// The item's picture: a path on the same server
    /// (`/api/v1/catalog/{id}/image?v=…`, a new `v` whenever it changes);
    /// `null` when the item has none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub image_url: Option<String>,
}

/// `GET /api/v1/catalog`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub items: Vec<CatalogItem>,
}

/// Where the goods go. Check with [`ShippingAddress::checked`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "Where the goods go: text fields of at most 100 characters; the postal \
        code 7 digits (`NNN-NNNN`); the phone 10 or 11 digits starting with 0; the prefecture \
        one of the 47 (都/府/県 may be left out)."
    )
)]
pub struct ShippingAddress {
    pub name: String,
    pub postal_code: String,
    pub prefecture: String,
    pub city: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub line2: Option<String>,
    pub phone: String,
}

/// Why a shipping address was refused; `field` names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is too long (at most {max} characters)")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains a character that is not allowed")]
    ForbiddenCharacter { field: &'static str },
    #[error("the postal code has 7 digits, e.g. 100-0001")]
    PostalCode,
    #[error("the prefecture is not one of the 47 prefectures")]
    Prefecture,
    #[error("the phone number has 10 or 11 digits, starting with 0")]
    Phone,
}

impl AddressError {
    /// The field that was refused.
    pub const fn field(&self) -> &'static str {
        match self {
            Self::Missing { field }
            | Self::TooLong { field, .. }
            | Self::ForbiddenCharacter { field } => field,
            Self::PostalCode => "postal_code",
            Self::Prefecture => "prefecture",
            Self::Phone => "phone",
        }
    }
}

impl Coded for AddressError {
    fn code(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "missing",
            Self::TooLong { .. } => "too_long",
            Self::ForbiddenCharacter { .. } => "forbidden_character",
            Self::PostalCode => "postal_code",
            Self::Prefecture => "prefecture",
            Self::Phone => "phone",
        }
    }
}

impl From<&AddressError> for ErrorDetail {
    fn from(error: &AddressError) -> Self {
        ErrorDetail::new(ErrorCode::InvalidAddress, error.to_string()).with_field(error.field())
    }
}

/// The 47 prefectures, as written in an address.
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

impl ShippingAddress {
    /// Longest free-text field.
    pub const MAX_FIELD_CHARS: usize = 100;

    /// The address checked and normalised: text trimmed; the postal code as
    /// `NNN-NNNN` and the phone as digits only (full-width digits, spaces
    /// and hyphens as typed are accepted); the prefecture one of
    /// [`PREFECTURES`] (the suffix 都/府/県 may be left out, as in 東京).
    pub fn checked(&self) -> Result<Self, AddressError> {
        let text = |field: &'static str, value: &str| -> Result<String, AddressError> {
            let value = value.trim();
            if value.is_empty() {
                return Err(AddressError::Missing { field });
            }
            if value.chars().count() > Self::MAX_FIELD_CHARS {
                return Err(AddressError::TooLong {
                    field,
                    max: Self::MAX_FIELD_CHARS,
                });
            }
            if value.chars().any(crate::id::is_hidden_character) {
                return Err(AddressError::ForbiddenCharacter { field });
            }
            Ok(value.to_owned())
        };
        let postal = postal_code_digits(&self.postal_code).ok_or(AddressError::PostalCode)?;
        let phone = digits_only(&self.phone)
            .filter(|d| (10..=11).contains(&d.len()) && d.starts_with('0'))
            .ok_or(AddressError::Phone)?;
        let prefecture = self.prefecture.trim();
        let prefecture = PREFECTURES
            .iter()
            .find(|p| **p == prefecture || p.strip_suffix(['都', '府', '県']) == Some(prefecture))
            .ok_or(AddressError::Prefecture)?;
        Ok(Self {
            name: text("name", &self.name)?,
            postal_code: format!("{}-{}", &postal[..3], &postal[3..]),
            prefecture: (*prefecture).to_owned(),
            city: text("city", &self.city)?,
            line1: text("line1", &self.line1)?,
            line2: match self.line2.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(line2) => Some(text("line2", line2)?),
            },
            phone,
        })
    }
}

/// The 7 digits of a postal code as typed (full-width digits, spaces and
/// hyphens accepted, as in [`ShippingAddress::checked`]).
pub fn postal_code_digits(input: &str) -> Option<String> {
    digits_only(input).filter(|d| d.len() == 7)
}

/// The digits of a number typed with full-width digits, spaces and hyphens;
/// `None` when anything else is in it.
fn digits_only(input: &str) -> Option<String> {
    let mut digits = String::new();
    for c in input.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from_u32(c as u32 - 0xFEE0)?),
            ' ' | '\u{3000}' | '-' | '－' | '‐' | '−' | 'ー' | '―' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// `POST /api/v1/exchanges` (with an Idempotency-Key) → 201 [`ExchangeCreated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeRequest {
    pub item_id: String,
    pub quantity: u32,
    pub shipping_address: ShippingAddress,
}

/// 201 answer to an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeCreated {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub exchange_id: i64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points_spent: i64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance: i64,
}

/// Where an order is: ordered → shipped → delivered, or cancelled before
/// shipping (with the points returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExchangeStatus {
    Ordered,
    Shipped,
    Delivered,
    Cancelled,
}

impl ExchangeStatus {
    /// Whether an order in this state may move to `next`.
    pub const fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Ordered, Self::Shipped | Self::Cancelled) | (Self::Shipped, Self::Delivered)
        )
    }

    /// Whether the member may still cancel (only before shipping).
    pub const fn can_cancel(self) -> bool {
        self.can_become(Self::Cancelled)
    }
}

/// One of the member's orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeInfo {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub exchange_id: i64,
    pub item_id: String,
    pub item_name: String,
    pub quantity: u32,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points_spent: i64,
    pub status: ExchangeStatus,
    pub ordered_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// `GET /api/v1/exchanges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeList {
    pub exchanges: Vec<ExchangeInfo>,
}

// --------------------------------------------- notices, FAQ and inquiries

/// A notice from the insurer (新着お知らせ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub id: i64,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<FixedOffset>,
}

/// `GET /api/v1/notices`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeList {
    pub notices: Vec<Notice>,
}

/// A question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqEntry {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub category: Option<String>,
    pub question: String,
    pub answer: String,
}

/// `GET /api/v1/faq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqList {
    pub entries: Vec<FaqEntry>,
}

/// What an inquiry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InquiryCategory {
    ForgotPassword,
    Registration,
    Points,
    Exchange,
    Other,
}

/// `POST /api/v1/inquiries` (no login needed) → 201 [`InquiryCreated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryRequest {
    pub category: InquiryCategory,
    pub body: String,
    pub contact_email: String,
}

/// 201 answer to an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryCreated {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub inquiry_id: i64,
}

// ------------------------------------------------------------------ sandbox

/// Query of `GET /api/v1/sandbox/mail?to=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct SandboxMailQuery {
    /// The recipient's address, as the mail was sent.
    pub to: String,
}

/// A mail in the sandbox outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SandboxMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub sent_at: DateTime<FixedOffset>,
}

/// `GET /api/v1/sandbox/mail`, newest last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SandboxMailbox {
    pub messages: Vec<SandboxMail>,
}

/// `GET /api/v1/sandbox/captcha/{captcha_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SandboxCaptchaAnswer {
    pub answer: String,
}

/// `POST /api/v1/sandbox/clock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockAdvance {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub advance_seconds: i64,
}

/// The answer to a clock move: the server's new "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockNow {
    pub now: DateTime<FixedOffset>,
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use super::*;
    use crate::time::d;

    /// A type on the wire; with `openapi`, its schema too.
    #[cfg(not(feature = "openapi"))]
    trait Wire: Serialize + DeserializeOwned + fmt::Debug {}
    #[cfg(not(feature = "openapi"))]
    impl<T: Serialize + DeserializeOwned + fmt::Debug> Wire for T {}
    #[cfg(feature = "openapi")]
    trait Wire: Serialize + DeserializeOwned + fmt::Debug + utoipa::ToSchema {}
    #[cfg(feature = "openapi")]
    impl<T: Serialize + DeserializeOwned + fmt::Debug + utoipa::ToSchema> Wire for T {}

    /// Reads `json` as `T`, writes it back, and checks nothing was lost;
    /// with `openapi`, also that what it wrote fits `T`'s schema.
    fn round_trip<T: Wire>(json: Value) -> T {
        let parsed: T =
            serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json}: {e}"));
        let written = serde_json::to_value(&parsed).unwrap();
        assert_eq!(
            written,
            json,
            "{} must write back what it read",
            std::any::type_name::<T>()
        );
        #[cfg(feature = "openapi")]
        crate::wire_schema::assert_fits::<T>(&written);
        parsed
    }

    #[test]
    fn error_codes_are_stable_snake_case_with_statuses() {
        let expected = [
            ("token_expired", 410),
            ("identity_mismatch", 422),
            ("captcha_mismatch", 422),
            ("auth_key_mismatch", 422),
            ("password_policy", 422),
            ("invalid_email", 422),
            ("login_id_taken", 409),
            ("invalid_insurer_number", 422),
            ("invalid_credentials", 401),
            ("password_change_required", 403),
            ("membership_ended", 403),
            ("idempotency_conflict", 422),
            ("insufficient_points", 409),
            ("out_of_stock", 409),
            ("invalid_address", 422),
            ("not_cancellable", 409),
            ("already_reported", 409),
            ("captcha_required", 403),
            ("rate_limited", 429),
            ("not_found", 404),
            ("validation", 422),
            ("payload_too_large", 413),
            ("unauthorized", 401),
            ("forbidden", 403),
            ("internal", 500),
            ("service_unavailable", 503),
            ("unknown", 500),
        ];
        assert_eq!(ErrorCode::ALL.len(), expected.len());
        for (code, (text, status)) in ErrorCode::ALL.into_iter().zip(expected) {
            assert_eq!(code.as_str(), text);
            assert_eq!(code.http_status(), status, "{text}");
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                json!(text),
                "serde agrees with as_str"
            );
            assert_eq!(text.parse::<ErrorCode>(), Ok(code));
            crate::error::assert_snake_case(text);
        }
        let newer: ErrorCode = serde_json::from_value(json!("quota_exceeded")).unwrap();
        assert_eq!(
            newer,
            ErrorCode::Unknown,
            "a newer server's code does not break the client"
        );
    }

    #[test]
    fn error_body() {
        let body: ErrorBody = round_trip(json!({
            "error": {"code": "password_policy", "message": "the password is too common", "field": "password"}
        }));
        assert_eq!(body.error.code, ErrorCode::PasswordPolicy);
        round_trip::<ErrorBody>(
            json!({"error": {"code": "not_found", "message": "no such exchange"}}),
        );
        let detail = ErrorDetail::from_password_refusal(&PasswordRefusal::Common, "password");
        assert_eq!(detail.code, ErrorCode::PasswordPolicy);
        assert!(
            detail.message.contains("common_password"),
            "the message names the rule"
        );
        let detail = ErrorDetail::from_id_error(&InsurerNumber::parse("06273495").unwrap_err());
        assert_eq!(
            (detail.code, detail.field.as_deref()),
            (ErrorCode::InvalidInsurerNumber, Some("insurer_number"))
        );
        let detail = ErrorDetail::from_ledger_error(&LedgerError::InsufficientPoints {
            requested: 2,
            available: 1,
        });
        assert_eq!(detail.code, ErrorCode::InsufficientPoints);
    }

    #[test]
    fn insurer_info() {
        let info: InsurerInfo = round_trip(json!({
            "name": "ケンポ健康保険組合",
            "insurer_number": "06273494",
            "sandbox": true,
            "registration_methods": ["email_identity", "issued_id", "dependent_card"],
            "password_policy": {
                "min_length": 12, "max_length": 128, "characters": "any_printable",
                "reject_common": true, "reject_login_id": true
            },
            "entry_window_days": 30,
            "point_rules": [{
                "code": "steps", "label_ja": "歩数入力", "label_en": "Steps entry",
                "points": 10, "frequency": "daily", "eligible": ["insured", "dependent_spouse"], "checkup_conditions": []
            }]
        }));
        assert_eq!(info.password_policy, PasswordPolicy::default());
        let from_rules: Vec<PointRuleInfo> = crate::points::RuleSet::default()
            .rules()
            .iter()
            .map(PointRuleInfo::from)
            .collect();
        assert_eq!(from_rules.len(), 12);
        assert_eq!(from_rules[4].code, "steps");
        let bad = json!({"name": "x", "insurer_number": "06273495", "sandbox": false,
            "registration_methods": [], "password_policy": {}, "entry_window_days": 30, "point_rules": []});
        assert!(
            serde_json::from_value::<InsurerInfo>(bad).is_err(),
            "a bad insurer number cannot be read"
        );
    }

    #[test]
    fn registration_bodies() {
        round_trip::<RegistrationRequest>(json!({"email": "taro@example.com"}));
        round_trip::<Empty>(json!({}));
        round_trip::<Captcha>(json!({"captcha_id": "c1", "image_png": "iVBORw0KGgo="}));
        let identity: IdentityRequest = round_trip(json!({
            "token": "tok_abcdefghijklmnop", "birth_date": "1980-01-01", "sex": "male",
            "card_number": "5678", "card_symbol": "9100", "captcha_id": "c1", "captcha_answer": "espa"
        }));
        assert_eq!(identity.birth_date, d(1980, 1, 1));
        assert!(
            !format!("{identity:?}").contains("tok_abcdefghijklmnop"),
            "tokens stay out of logs"
        );
        let key: IdentityResponse = round_trip(json!({"auth_key": "01034092"}));
        assert_eq!(key.auth_key.as_str(), "01034092");
        round_trip::<AuthKeyRequest>(json!({"token": "t", "auth_key": "01034092"}));
        round_trip::<AuthKeyResponse>(json!({"setup_token": "s"}));
        let setup: AccountSetupRequest = round_trip(json!({
            "setup_token": "s", "login_id": "taro@example.com", "password": "correct horse battery",
            "notification_email": "taro@example.com", "nickname": "たろう"
        }));
        assert!(
            !format!("{setup:?}").contains("correct horse"),
            "passwords stay out of logs"
        );
        round_trip::<DependentRegistrationRequest>(json!({
            "card_symbol": "10", "card_number": "1234", "insurer_number": "06273494",
            "birth_date": "1985-02-28", "captcha_id": "c1", "captcha_answer": "x",
            "login_id": "hanako@example.com", "password": "correct horse battery",
            "notification_email": "hanako@example.com", "nickname": "はなこ"
        }));
        round_trip::<MemberCreated>(json!({"member_id": 42}));
    }

    #[test]
    fn session_bodies() {
        round_trip::<SessionRequest>(json!({"login_id": "U12345", "password": "19800101"}));
        let session: SessionResponse = round_trip(json!({
            "access_token": "a", "refresh_token": "r", "expires_in": 900,
            "password_change_required": true,
            "member": {"member_id": 7, "nickname": null, "kind": "insured"}
        }));
        assert!(session.password_change_required);
        round_trip::<SessionResponse>(json!({
            "access_token": "a", "refresh_token": "r", "expires_in": 900,
            "password_change_required": false,
            "member": {"member_id": 8, "nickname": "はなこ", "kind": "dependent_spouse"}
        }));
        round_trip::<RefreshRequest>(json!({"refresh_token": "r"}));
        round_trip::<SessionList>(json!({"sessions": [{
            "id": 1, "created_at": "2026-11-21T09:00:00+09:00", "last_used_at": "2026-11-21T10:00:00+09:00",
            "user_agent": "KenpoDesk/0.1", "current": true
        }]}));
        let account: Account = round_trip(json!({
            "member_id": 7, "login_id": "U12345", "nickname": "たろう",
            "notification_email": "taro@example.com", "kind": "insured"
        }));
        assert!(matches!(account.login_id, LoginId::Issued(_)));
        round_trip::<AccountPatch>(json!({"nickname": "たろう"}));
        round_trip::<AccountPatch>(json!({}));
        round_trip::<PasswordChangeRequest>(
            json!({"current_password": "19800101", "new_password": "n"}),
        );
        round_trip::<PasswordResetRequest>(json!({"login_id": "U12345"}));
        round_trip::<PasswordResetCompletion>(json!({"token": "t", "new_password": "n"}));
    }

    #[test]
    fn record_bodies() {
        let request: RecordsRequest = round_trip(json!({"records": [
            {"date": "2026-11-21", "kind": "steps", "value": 8000.0, "updated_at": "2026-11-21T21:00:00+09:00"},
            {"date": "2026-11-21", "kind": "weight", "value": 65.4, "updated_at": "2026-11-21T21:00:00+09:00"},
            {"date": "2026-11-21", "kind": "goal", "goal_id": 3, "value": true, "updated_at": "2026-11-21T21:00:00+09:00"}
        ]}));
        let entries: Vec<EntryValue> = request.records.iter().map(|r| r.entry().unwrap()).collect();
        assert_eq!(entries[0], EntryValue::Steps(Steps::new(8_000).unwrap()));
        assert_eq!(
            entries[1],
            EntryValue::Weight(Weight::from_hectograms(654).unwrap())
        );
        assert_eq!(
            entries[2],
            EntryValue::Goal(GoalResult {
                goal_id: GoalId(3),
                achieved: true
            })
        );
        let integer: Record = serde_json::from_value(json!(
            {"date": "2026-11-21", "kind": "steps", "value": 8000, "updated_at": "2026-11-21T21:00:00+09:00"}
        ))
        .unwrap();
        assert_eq!(
            integer.entry(),
            Ok(EntryValue::Steps(Steps::new(8_000).unwrap())),
            "integers are numbers"
        );
        for entry in &entries {
            let record = Record::from_entry(d(2026, 11, 21), *entry, request.records[0].updated_at);
            assert_eq!(record.entry(), Ok(*entry), "from_entry and entry agree");
        }

        let bad = |kind: &str, goal_id: Option<i64>, value: Value| {
            let mut record = json!({"date": "2026-11-21", "kind": kind, "value": value,
                "updated_at": "2026-11-21T21:00:00+09:00"});
            if let Some(id) = goal_id {
                record["goal_id"] = json!(id);
            }
            serde_json::from_value::<Record>(record)
                .unwrap()
                .entry()
                .unwrap_err()
        };
        assert_eq!(
            bad("steps", None, json!(100_001)),
            EntryError::StepsOutOfRange
        );
        assert_eq!(
            bad("weight", None, json!(65.45)),
            EntryError::WeightPrecision
        );
        assert_eq!(bad("goal", None, json!(true)), EntryError::MissingGoalId);
        assert_eq!(
            bad("steps", Some(1), json!(10)),
            EntryError::UnexpectedGoalId
        );
        assert_eq!(bad("goal", Some(1), json!(1)), EntryError::WrongValueType);
        assert_eq!(bad("weight", None, json!(true)), EntryError::WrongValueType);

        round_trip::<RecordsResponse>(json!({
            "results": [
                {"date": "2026-11-21", "kind": "steps", "status": "accepted"},
                {"date": "2026-11-20", "kind": "goal", "goal_id": 3, "status": "stale"},
                {"date": "2026-11-22", "kind": "weight", "status": "rejected",
                 "error": {"code": "validation", "message": "days in the future cannot be entered", "field": "date"}}
            ],
            "points_granted": [{"date": "2026-11-21", "code": "steps", "points": 10}]
        }));
        round_trip::<CheckInResponse>(json!({"date": "2026-11-21", "points_granted": 5}));
        round_trip::<RecordsQuery>(json!({"from": "2026-11-01", "to": "2026-11-30"}));
        round_trip::<GoalList>(
            json!({"goals": [{"id": 3, "label": "8,000歩あるく", "active": true}]}),
        );
        round_trip::<GoalsUpdate>(
            json!({"goals": [{"id": 3, "label": "8,000歩あるく"}, {"label": "夜9時以降は間食しない"}]}),
        );
    }

    #[test]
    fn changes_are_tagged_by_type() {
        let changes: ChangesResponse = round_trip(json!({
            "changes": [
                {"type": "record", "date": "2026-11-21", "kind": "weight", "value": 65.4,
                 "updated_at": "2026-11-21T21:00:00+09:00"},
                {"type": "goal", "id": 3, "label": "8,000歩あるく", "active": false},
                {"type": "ledger", "id": 10, "date": "2026-11-21", "code": "steps", "points": 10,
                 "expires_on": "2028-03-31", "note": null},
                {"type": "checkup", "date": "2026-10-01", "height_cm": 170.2, "weight_kg": 65.4, "bmi": 22.6,
                 "smoker": false, "health_age": 40, "real_age": 46, "points_granted": [{"date": "2026-06-01", "code": "checkup_bmi", "points": 500}]},
                {"type": "exchange", "exchange_id": 5, "item_id": "pedometer", "item_name": "歩数計 ホワイト",
                 "quantity": 1, "points_spent": 2600, "status": "shipped",
                 "ordered_at": "2026-11-01T12:00:00+09:00", "updated_at": "2026-11-03T09:00:00+09:00"},
                {"type": "notice", "id": 2, "title": "年末年始のお知らせ", "body": "…",
                 "published_at": "2026-12-01T09:00:00+09:00"}
            ],
            "cursor": "c_42",
            "has_more": false
        }));
        assert_eq!(changes.changes.len(), 6);
        assert!(matches!(
            changes.changes[3],
            Change::Checkup(Checkup {
                health_age: Some(40),
                ..
            })
        ));
    }

    #[test]
    fn points_and_checkup_bodies() {
        round_trip::<PointsSummary>(json!({
            "balance": 1510,
            "lots": [{"granted_on": "2026-11-21", "expires_on": "2028-03-31", "remaining": 1510}],
            "expiring": [{"expires_on": "2028-03-31", "points": 1510}]
        }));
        round_trip::<LedgerPage>(json!({
            "entries": [
                {"id": 3, "date": "2026-11-25", "code": "exchange", "points": -1895, "expires_on": null, "note": "コーヒーギフト"},
                {"id": 1, "date": "2026-11-21", "code": "registration", "points": 1000, "expires_on": "2028-03-31", "note": null}
            ],
            "next_cursor": null
        }));
        round_trip::<LedgerQuery>(json!({"cursor": "c", "limit": 50}));
        round_trip::<CheckupList>(json!({"checkups": [
            {"date": "2026-10-01", "height_cm": 160.0, "weight_kg": 55.0, "bmi": 21.5,
             "smoker": true, "health_age": null, "real_age": 40, "points_granted": []}
        ]}));
        let report: ReportRequest =
            round_trip(json!({"kind": "flu_vaccine", "date": "2026-11-10"}));
        assert_eq!(report.kind, ReportKind::FluVaccine);
        round_trip::<ReportRequest>(json!({"kind": "secondary_exam", "date": "2026-11-10"}));
        round_trip::<ReportCreated>(
            json!({"report_id": 1, "points_granted": [{"date": "2026-11-10", "code": "flu_vaccine", "points": 300}]}),
        );
    }

    #[test]
    fn catalog_and_exchange_bodies() {
        round_trip::<Catalog>(json!({"items": [
            {"id": "coffee-gift", "name": "キーコーヒー コーヒーギフト", "description": "", "points": 1895, "stock": 10, "image_url": "/api/v1/catalog/coffee-gift/image?v=0123456789abcdef"},
            {"id": "pedometer", "name": "歩数計 ホワイト", "description": "", "points": 2600, "stock": 5, "image_url": null},
            {"id": "rice-5kg", "name": "新潟県産こしひかり 5kg", "description": "", "points": 4373, "stock": 0, "image_url": null}
        ]}));
        let request: ExchangeRequest = round_trip(json!({
            "item_id": "pedometer", "quantity": 1,
            "shipping_address": {"name": "健保 太郎", "postal_code": "100-0001", "prefecture": "東京都",
                "city": "千代田区", "line1": "千代田1-1", "phone": "0312345678"}
        }));
        assert_eq!(
            request.shipping_address.checked().unwrap(),
            request.shipping_address,
            "already canonical"
        );
        round_trip::<ExchangeCreated>(
            json!({"exchange_id": 5, "points_spent": 2600, "balance": 1400}),
        );
        round_trip::<ExchangeList>(json!({"exchanges": []}));
    }

    #[test]
    fn shipping_addresses() {
        let typed = ShippingAddress {
            name: " 健保 太郎 ".into(),
            postal_code: "１００ー０００１".into(),
            prefecture: "東京".into(),
            city: "千代田区".into(),
            line1: "千代田1-1".into(),
            line2: Some("  ".into()),
            phone: "090-1234-5678".into(),
        };
        let checked = typed.checked().unwrap();
        assert_eq!(
            (
                checked.name.as_str(),
                checked.postal_code.as_str(),
                checked.prefecture.as_str(),
                checked.phone.as_str()
            ),
            ("健保 太郎", "100-0001", "東京都", "09012345678")
        );
        assert_eq!(checked.line2, None, "a blank second line is no line");
        let refused = [
            (
                ShippingAddress {
                    postal_code: "100-001".into(),
                    ..typed.clone()
                },
                AddressError::PostalCode,
            ),
            (
                ShippingAddress {
                    prefecture: "東京県".into(),
                    ..typed.clone()
                },
                AddressError::Prefecture,
            ),
            (
                ShippingAddress {
                    prefecture: "北海".into(),
                    ..typed.clone()
                },
                AddressError::Prefecture,
            ),
            (
                ShippingAddress {
                    phone: "12345".into(),
                    ..typed.clone()
                },
                AddressError::Phone,
            ),
            (
                ShippingAddress {
                    city: " ".into(),
                    ..typed.clone()
                },
                AddressError::Missing { field: "city" },
            ),
            (
                ShippingAddress {
                    line1: "x".repeat(101),
                    ..typed.clone()
                },
                AddressError::TooLong {
                    field: "line1",
                    max: 100,
                },
            ),
        ];
        for (address, error) in refused {
            assert_eq!(address.checked(), Err(error.clone()), "{error}");
            let detail = ErrorDetail::from(&error);
            assert_eq!(detail.code, ErrorCode::InvalidAddress);
            assert_eq!(detail.field.as_deref(), Some(error.field()));
            crate::error::assert_snake_case(error.code());
        }
        assert_eq!(
            ShippingAddress {
                prefecture: "北海道".into(),
                ..typed
            }
            .checked()
            .unwrap()
            .prefecture,
            "北海道"
        );
    }

    #[test]
    fn exchange_status_moves_forward_only() {
        use ExchangeStatus::*;
        assert!(
            Ordered.can_cancel()
                && !Shipped.can_cancel()
                && !Delivered.can_cancel()
                && !Cancelled.can_cancel()
        );
        assert!(Ordered.can_become(Shipped) && Shipped.can_become(Delivered));
        assert!(
            !Delivered.can_become(Ordered)
                && !Cancelled.can_become(Shipped)
                && !Ordered.can_become(Delivered)
        );
    }

    #[test]
    fn notices_faq_inquiries_and_sandbox() {
        round_trip::<NoticeList>(json!({"notices": [
            {"id": 1, "title": "ポイント交換のお知らせ", "body": "…", "published_at": "2026-11-01T09:00:00+09:00"}
        ]}));
        round_trip::<FaqList>(json!({"entries": [
            {"id": 1, "category": "login", "question": "パスワードを忘れた", "answer": "お問い合わせフォームから"}
        ]}));
        round_trip::<InquiryRequest>(
            json!({"category": "forgot_password", "body": "…", "contact_email": "taro@example.com"}),
        );
        round_trip::<InquiryCreated>(json!({"inquiry_id": 9}));
        round_trip::<SandboxMailQuery>(json!({"to": "taro@example.com"}));
        round_trip::<SandboxMailbox>(json!({"messages": [
            {"to": "taro@example.com", "subject": "登録のご案内", "body": "kenpodesk://register/identity?token=abc",
             "sent_at": "2026-11-21T09:00:00+09:00"}
        ]}));
        round_trip::<SandboxCaptchaAnswer>(json!({"answer": "espa"}));
        round_trip::<ClockAdvance>(json!({"advance_seconds": 10800}));
        let now: ClockNow = round_trip(json!({"now": "2026-11-21T12:00:00+09:00"}));
        assert_eq!(crate::time::jst_date(now.now), d(2026, 11, 21));
    }

    #[test]
    fn tokens_from_pasted_links() {
        let token = "AbCdEf0123456789_-xyz";
        let cases = [
            (
                format!("kenpodesk://register/identity?token={token}"),
                Some(token),
            ),
            (
                format!("https://kenpo.example.jp/register/identity?lang=ja&token={token}#top"),
                Some(token),
            ),
            (format!("  {token}\n"), Some(token)),
            (
                "https://kenpo.example.jp/register/identity".to_owned(),
                None,
            ),
            ("kenpodesk://register/identity?token=short".to_owned(), None),
            ("not a token at all".to_owned(), None),
        ];
        for (pasted, expected) in cases {
            assert_eq!(token_from_link(&pasted), expected, "{pasted:?}");
        }
    }
}
