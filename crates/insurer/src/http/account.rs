//! Sessions and the member's own account.

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use kenpo_domain::api::{
    Account as AccountView, AccountPatch, Empty, ErrorBody, ErrorCode, ErrorDetail, MemberId,
    PasswordChangeRequest, PasswordResetCompletion, PasswordResetRequest, RefreshRequest,
    RegistrationMethod, Secret, SessionList, SessionMember, SessionRequest, SessionResponse,
    SessionSummary,
};
use kenpo_domain::id::{Email, LoginId, Nickname};
use kenpo_domain::member::Relationship;

use super::openapi::{
    Internal, MembershipEnded, PasswordChangeRequired, RateLimited, TokenExpired, Unauthorized,
};
use super::registration::mails;
use super::{ApiError, ApiJson, AppState, Authenticated, Member};
use crate::clock::to_jst;
use crate::secrets;
use crate::security::{self, Event};
use crate::store::{Account, NewAccount, Purpose, RefreshOutcome, Token, TokenAttempt, TokenPair};

const ACCESS_SECONDS: i64 = 15 * 60;
const REFRESH_SECONDS: i64 = 30 * 24 * 3600;
const RESET_SECONDS: i64 = 30 * 60;
/// Failed logins allowed per login ID, and per client address, in 15 minutes.
const LOGIN_WINDOW: i64 = 15 * 60;
/// Tries per account in a 15-minute window, and in a day: the delays grow
/// from minutes to a day for whoever keeps guessing.
const FAILURES_PER_ACCOUNT: u32 = 5;
const LOGIN_DAY: i64 = 24 * 3600;
const FAILURES_PER_ACCOUNT_DAY: u32 = 20;
/// Failed logins from one address in a window before it is asked for a
/// captcha (an office behind one NAT shares an address).
const CAPTCHA_AFTER_ADDRESS_FAILURES: u32 = 30;
/// Longest login ID or password taken.
const MAX_LOGIN_FIELD_BYTES: usize = 1024;

fn captcha_required() -> ApiError {
    ApiError::new(
        ErrorCode::CaptchaRequired,
        "many failed logins came from this address: please solve the captcha",
    )
    .field("captcha_answer")
}

type Peer = ConnectInfo<std::net::SocketAddr>;

/// Logs in: a new session and its token pair.
///
/// The first login of an issued ID (`U` + employee number, the birth date
/// `YYYYMMDD` as password) creates the account, with
/// `password_change_required`: until the password is changed, the calls
/// that need a login answer 403 `password_change_required`, but for
/// `PUT /api/v1/account/password` and `DELETE /api/v1/sessions`.
#[utoipa::path(
    post,
    path = "/sessions",
    tag = "sessions",
    operation_id = "session_create",
    request_body = SessionRequest,
    responses(
        (status = 200, description = "Logged in", body = SessionResponse),
        (status = 401, description = "`invalid_credentials`: the same answer, in body and \
            timing, for an unknown login ID and a wrong password", body = ErrorBody),
        (status = 422, description = "`validation`: a malformed body", body = ErrorBody),
        (status = 403, response = MembershipEnded),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<SessionRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let now = state.clock.now().await?;
    if req.login_id.len() > MAX_LOGIN_FIELD_BYTES
        || req.password.expose().len() > MAX_LOGIN_FIELD_BYTES
    {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "the login ID and the password are at most 1 KiB each",
        ));
    }
    // An unparsable ID is looked up as given: it fails like an unknown one.
    // Its throttle is keyed by a digest, so that a key stays short.
    let parsed = LoginId::parse(&req.login_id).ok().map(|id| id.to_string());
    let account_key = match &parsed {
        Some(id) => format!("login:id:{id}"),
        None => format!("login:raw:{}", secrets::token_hash(&req.login_id)),
    };
    let login_id = parsed.unwrap_or_else(|| req.login_id.clone());
    let client = state.client_ip(peer, &headers);
    let address_key = format!("login:ip:{client}");
    // Others' failures from this address never lock a member out: past a
    // number of them, the address is asked for a captcha.
    if state
        .store
        .throttle_hits(&address_key, LOGIN_WINDOW, now)
        .await?
        >= CAPTCHA_AFTER_ADDRESS_FAILURES
    {
        match (&req.captcha_id, &req.captcha_answer) {
            (Some(id), Some(answer)) => {
                super::registration::check_captcha(&state, id, answer, now).await?;
            }
            _ => {
                security::log(Event::CaptchaRequired, None, Some(client));
                return Err(captcha_required());
            }
        }
    }
    // Each try is counted before its password is checked, in one statement:
    // under any number of parallel tries, at most the limit are checked.
    for (key, window, limit) in [
        (account_key.clone(), LOGIN_WINDOW, FAILURES_PER_ACCOUNT),
        (
            format!("{account_key}:day"),
            LOGIN_DAY,
            FAILURES_PER_ACCOUNT_DAY,
        ),
    ] {
        if !state.store.throttle_take(&key, window, limit, now).await? {
            security::log(Event::LoginThrottled, None, Some(client));
            return Err(ApiError::rate_limited_in_window(now, window));
        }
    }
    let password = req.password.expose();
    let account = match state.store.account_by_login(&login_id).await? {
        Some(account) => state
            .hasher
            .verify(password, Some(&account.password_hash))
            .await
            .then_some(account),
        None => first_issued_login(&state, &login_id, password, now).await?,
    };
    let Some(account) = account else {
        security::log(Event::LoginFailed, None, Some(client));
        state
            .store
            .throttle_hit(&address_key, LOGIN_WINDOW, now)
            .await?;
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "the login ID or password is wrong",
        ));
    };
    state.store.throttle_clear(&account_key).await?;
    state
        .store
        .throttle_clear(&format!("{account_key}:day"))
        .await?;
    let active = state
        .store
        .roster_get(account.roster_id)
        .await?
        .is_some_and(|person| person.active);
    if !active {
        return Err(membership_ended());
    }
    if !account.password_change_required {
        // Catches up on anything a registration could not grant.
        crate::earning::welcome(&state, &account, now).await?;
    }
    let (pair, access, refresh) = new_pair(now);
    state.store.session_create(account.id, &pair, now).await?;
    security::log(Event::LoginSucceeded, Some(account.id), Some(client));
    Ok(Json(session_response(&account, access, refresh)))
}

/// An insured person with an employee number logs in the first time as
/// `U` + employee number with the birth date (YYYYMMDD): the account is
/// issued then, with a password change due. Unknown IDs do the same hashing
/// work, so their answer takes the same time.
async fn first_issued_login(
    state: &AppState,
    login_id: &str,
    password: &str,
    now: i64,
) -> Result<Option<Account>, ApiError> {
    let person = match LoginId::parse(login_id) {
        Ok(LoginId::Issued(number)) => state.store.roster_by_employee(number.as_str()).await?,
        _ => None,
    };
    let person = person.filter(|p| {
        p.active
            && p.entry.relationship.participant().is_some_and(|who| {
                who == Relationship::Insured
                    && state
                        .config
                        .registration
                        .allows(RegistrationMethod::IssuedId, who)
            })
    });
    // The work of a wrong password, for every unknown ID.
    let _ = state.hasher.verify(password, None).await;
    let Some(person) = person else {
        return Ok(None);
    };
    let initial = person.entry.birth_date.format("%Y%m%d").to_string();
    if !secrets::same(&initial, password) {
        return Ok(None);
    }
    let password_hash = state
        .hasher
        .hash(password)
        .await
        .map_err(|_| ApiError::internal())?;
    let created = state
        .store
        .account_create(
            &NewAccount {
                roster_id: person.id,
                login_id: login_id.to_owned(),
                password_hash,
                password_change_required: true,
                kind: Relationship::Insured,
                nickname: None,
                notification_email: None,
            },
            now,
        )
        .await;
    match created {
        Ok(id) => {
            tracing::info!(member_id = id, "issued account created at first login");
            Ok(state.store.account_get(id).await?)
        }
        // Registered meanwhile (another way in, or a racing first login).
        Err(
            crate::store::StoreError::AlreadyRegistered | crate::store::StoreError::LoginIdTaken,
        ) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

pub(super) fn membership_ended() -> ApiError {
    ApiError::new(
        ErrorCode::MembershipEnded,
        "you are no longer a member of this insurer; please contact the insurer",
    )
}

fn new_pair(now: i64) -> (TokenPair, String, String) {
    let access = secrets::new_token();
    let refresh = secrets::new_token();
    let pair = TokenPair {
        access_hash: secrets::token_hash(&access),
        access_expires_at: now + ACCESS_SECONDS,
        refresh_hash: secrets::token_hash(&refresh),
        refresh_expires_at: now + REFRESH_SECONDS,
    };
    (pair, access, refresh)
}

fn session_response(account: &Account, access: String, refresh: String) -> SessionResponse {
    SessionResponse {
        access_token: Secret::new(access),
        refresh_token: Secret::new(refresh),
        expires_in: ACCESS_SECONDS.unsigned_abs(),
        password_change_required: account.password_change_required,
        member: SessionMember {
            member_id: MemberId(account.id),
            nickname: account.nickname(),
            kind: account.kind,
        },
    }
}

/// A new token pair for the refresh token.
///
/// The old refresh token stops working; using it again ends the whole
/// session.
#[utoipa::path(
    post,
    path = "/sessions/refresh",
    tag = "sessions",
    operation_id = "session_refresh",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "The new pair", body = SessionResponse),
        (status = 401, response = Unauthorized),
        (status = 422, description = "`validation`: a malformed body", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let now = state.clock.now().await?;
    let (pair, access, refresh) = new_pair(now);
    let hash = secrets::token_hash(req.refresh_token.expose().trim());
    match state.store.session_refresh(&hash, &pair, now).await? {
        RefreshOutcome::Rotated { account_id, .. } => {
            let account = state
                .store
                .account_get(account_id)
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            Ok(Json(session_response(&account, access, refresh)))
        }
        RefreshOutcome::Reused => {
            tracing::warn!("a used refresh token came back: session ended");
            security::log(Event::RefreshReused, None, None);
            Err(ApiError::unauthorized())
        }
        RefreshOutcome::Invalid => Err(ApiError::unauthorized()),
    }
}

/// Logs out.
///
/// Ends the session of this access token. Allowed while the initial password
/// must be changed.
#[utoipa::path(
    delete,
    path = "/sessions",
    tag = "sessions",
    operation_id = "session_delete",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 401, response = Unauthorized),
        (status = 500, response = Internal),
    ),
)]
pub async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now().await?;
    state.store.session_end(auth.session_id, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The member's sessions (devices), the current one marked.
#[utoipa::path(
    get,
    path = "/account/sessions",
    tag = "account",
    operation_id = "account_sessions_list",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The open sessions", body = SessionList),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_sessions(
    State(state): State<AppState>,
    Member(auth): Member,
) -> Result<Json<SessionList>, ApiError> {
    let now = state.clock.now().await?;
    let sessions = state.store.sessions_of(auth.account.id, now).await?;
    Ok(Json(SessionList {
        sessions: sessions
            .into_iter()
            .map(|s| SessionSummary {
                id: s.id,
                created_at: to_jst(s.created_at),
                last_used_at: to_jst(s.last_used_at),
                user_agent: None,
                current: s.id == auth.session_id,
            })
            .collect(),
    }))
}

/// Ends one of the member's sessions, e.g. a lost device's.
#[utoipa::path(
    delete,
    path = "/account/sessions/{id}",
    tag = "account",
    operation_id = "account_session_delete",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The session's `id` in `GET /api/v1/account/sessions`")),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 400, description = "The id is not an integer (a plain-text answer)"),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 404, description = "`not_found`: no open session of this member has this id",
            body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn end_session(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now().await?;
    let mine = state
        .store
        .sessions_of(auth.account.id, now)
        .await?
        .iter()
        .any(|s| s.id == id);
    if !mine {
        return Err(ApiError::new(ErrorCode::NotFound, "no such session"));
    }
    state.store.session_end(id, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The member's account.
#[utoipa::path(
    get,
    path = "/account",
    tag = "account",
    operation_id = "account_get",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn get_account(Member(auth): Member) -> Result<Json<AccountView>, ApiError> {
    account_view(&auth.account).map(Json)
}

fn account_view(account: &Account) -> Result<AccountView, ApiError> {
    Ok(AccountView {
        member_id: MemberId(account.id),
        login_id: LoginId::parse(&account.login_id).map_err(|_| ApiError::internal())?,
        nickname: account.nickname(),
        notification_email: account.notification_email(),
        kind: account.kind,
    })
}

/// Changes the notification address or the nickname.
///
/// Only the fields present change. A new notification address needs the
/// current password (`current_password`).
#[utoipa::path(
    patch,
    path = "/account",
    tag = "account",
    operation_id = "account_patch",
    security(("bearer" = [])),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The account as changed", body = AccountView),
        (status = 401, description = "`unauthorized`: no valid access token; or \
            `invalid_credentials` (`current_password`): a new address without the current \
            password, or with a wrong one", body = ErrorBody),
        (status = 429, response = RateLimited),
        (status = 403, response = PasswordChangeRequired),
        (status = 422, description = "`invalid_email` (`notification_email`), or `validation` \
            (`nickname`, or a malformed body)", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn patch_account(
    State(state): State<AppState>,
    Member(auth): Member,
    ApiJson(patch): ApiJson<AccountPatch>,
) -> Result<Json<AccountView>, ApiError> {
    let id_error = |e, field| ApiError::from_detail(ErrorDetail::from_id_error(&e)).field(field);
    let email = patch
        .notification_email
        .as_deref()
        .map(Email::parse)
        .transpose()
        .map_err(|e| id_error(e, "notification_email"))?;
    let nickname = patch
        .nickname
        .as_deref()
        .map(Nickname::parse)
        .transpose()
        .map_err(|e| id_error(e, "nickname"))?;
    if email.is_some() {
        let given = patch.current_password.as_ref().map(Secret::expose);
        let Some(password) = given else {
            return Err(ApiError::new(
                ErrorCode::InvalidCredentials,
                "a new address needs the current password",
            )
            .field("current_password"));
        };
        check_current_password(&state, &auth.account, password).await?;
    }
    state
        .store
        .account_update_profile(
            auth.account.id,
            nickname.as_ref().map(ToString::to_string).as_deref(),
            email.as_ref().map(ToString::to_string).as_deref(),
        )
        .await?;
    if let (Some(new), Some(old)) = (&email, auth.account.notification_email())
        && *new != old
    {
        state.send_mail(mails::address_changed(&state.config.name, &old));
    }
    if email.is_some() {
        security::log(Event::EmailChanged, Some(auth.account.id), None);
    }
    let account = state
        .store
        .account_get(auth.account.id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    account_view(&account).map(Json)
}

/// Changes the password.
///
/// Needs the current one, and ends the member's other sessions. Allowed (and
/// due) while the initial password must be changed.
#[utoipa::path(
    put,
    path = "/account/password",
    tag = "account",
    operation_id = "account_password_change",
    security(("bearer" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 204, description = "The password has changed"),
        (status = 401, description = "`unauthorized`: no valid access token; or \
            `invalid_credentials`: the current password is wrong", body = ErrorBody),
        (status = 422, description = "`password_policy`: the new password breaks a rule (the \
            message names it) or equals the current one; `validation`: a malformed body",
            body = ErrorBody),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn change_password(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<PasswordChangeRequest>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now().await?;
    let account = &auth.account;
    check_current_password(&state, account, req.current_password.expose()).await?;
    let new_password = checked_password(&state, account, req.new_password.expose())?;
    if state
        .hasher
        .verify(new_password, Some(&account.password_hash))
        .await
    {
        return Err(ApiError::new(
            ErrorCode::PasswordPolicy,
            "the new password must differ from the current one",
        )
        .field("new_password"));
    }
    let hash = state
        .hasher
        .hash(new_password)
        .await
        .map_err(|_| ApiError::internal())?;
    state
        .store
        .account_set_password(account.id, &hash, false, Some(auth.session_id), now)
        .await?;
    security::log(Event::PasswordChanged, Some(account.id), None);
    if account.password_change_required {
        // An issued account is registered once its own password is set.
        crate::earning::welcome(&state, account, now).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Checks the current password of a signed-in member (to change the
/// password or the address), counted before it is checked like a login: a
/// stolen token cannot be used to guess it.
async fn check_current_password(
    state: &AppState,
    account: &Account,
    password: &str,
) -> Result<(), ApiError> {
    let now = state.clock.now().await?;
    if password.len() > MAX_LOGIN_FIELD_BYTES {
        return Err(ApiError::new(ErrorCode::Validation, "at most 1 KiB").field("current_password"));
    }
    let key = format!("reauth:{}", account.id);
    if !state
        .store
        .throttle_take(&key, LOGIN_WINDOW, FAILURES_PER_ACCOUNT, now)
        .await?
    {
        return Err(ApiError::rate_limited_in_window(now, LOGIN_WINDOW));
    }
    if !state
        .hasher
        .verify(password, Some(&account.password_hash))
        .await
    {
        security::log(Event::ReauthFailed, Some(account.id), None);
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "the current password is wrong",
        )
        .field("current_password"));
    }
    state.store.throttle_clear(&key).await?;
    Ok(())
}

fn checked_password<'a>(
    state: &AppState,
    account: &Account,
    password: &'a str,
) -> Result<&'a str, ApiError> {
    let login_id = LoginId::parse(&account.login_id).map_err(|_| ApiError::internal())?;
    state
        .config
        .password_policy
        .check(password, &login_id)
        .map_err(|refusal| {
            ApiError::from_detail(ErrorDetail::from_password_refusal(&refusal, "new_password"))
        })?;
    Ok(password)
}

/// Starts a password reset.
///
/// Mails a link with a reset token, valid 30 minutes, to the account's
/// notification address. Always 202: whether the login ID exists is not told.
#[utoipa::path(
    post,
    path = "/password-resets",
    tag = "account",
    operation_id = "password_reset_start",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted, whatever the login ID", body = Empty),
        (status = 422, description = "`validation`: a malformed body", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn reset_start(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PasswordResetRequest>,
) -> Result<(StatusCode, Json<Empty>), ApiError> {
    let now = state.clock.now().await?;
    let accepted = (StatusCode::ACCEPTED, Json(Empty {}));
    let Ok(login_id) = LoginId::parse(&req.login_id) else {
        return Ok(accepted);
    };
    if state
        .store
        .throttle_hit(&format!("reset:{login_id}"), 3600, now)
        .await?
        > 5
    {
        return Ok(accepted);
    }
    let Some(account) = state.store.account_by_login(&login_id.to_string()).await? else {
        return Ok(accepted);
    };
    let Some(to) = account.notification_email() else {
        return Ok(accepted);
    };
    let token = secrets::new_token();
    state
        .store
        .token_insert(
            &Token {
                hash: secrets::token_hash(&token),
                purpose: Purpose::PasswordReset,
                email: Some(to.to_string()),
                roster_id: Some(account.roster_id),
                account_id: Some(account.id),
                secret_hash: None,
                expires_at: now + RESET_SECONDS,
            },
            now,
        )
        .await?;
    state.send_mail(mails::password_reset(&state.config.name, &to, &token));
    security::log(Event::PasswordResetRequested, Some(account.id), None);
    Ok(accepted)
}

/// Completes a password reset.
///
/// Sets the new password with the mailed reset token, and ends every session
/// of the account.
#[utoipa::path(
    post,
    path = "/password-resets/complete",
    tag = "account",
    operation_id = "password_reset_complete",
    request_body = PasswordResetCompletion,
    responses(
        (status = 204, description = "The password has changed"),
        (status = 410, response = TokenExpired),
        (status = 422, description = "`password_policy` (the message names the rule), or \
            `validation` (a malformed body)", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn reset_complete(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PasswordResetCompletion>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now().await?;
    let hash = secrets::token_hash(req.token.expose().trim());
    let token = match state.store.token_attempt(&hash, 20, now).await? {
        TokenAttempt::Counted { token, .. } if token.purpose == Purpose::PasswordReset => token,
        _ => return Err(ApiError::token_expired()),
    };
    let account_id = token.account_id.ok_or_else(ApiError::internal)?;
    let account = state
        .store
        .account_get(account_id)
        .await?
        .ok_or_else(ApiError::token_expired)?;
    let new_password = checked_password(&state, &account, req.new_password.expose())?;
    if !state.store.token_use(&hash, now).await? {
        return Err(ApiError::token_expired());
    }
    let hash = state
        .hasher
        .hash(new_password)
        .await
        .map_err(|_| ApiError::internal())?;
    state
        .store
        .account_set_password(account.id, &hash, false, None, now)
        .await?;
    security::log(Event::PasswordResetCompleted, Some(account.id), None);
    Ok(StatusCode::NO_CONTENT)
}
