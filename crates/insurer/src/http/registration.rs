//! The ways in: e-mail + identity (健康マイポータル) and the dependent
//! spouse's card. (Issued IDs need no registration: see `account::login`.)

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use base64::Engine;
use kenpo_domain::api::{
    AccountSetupRequest, AuthKeyRequest, AuthKeyResponse, Captcha, DependentRegistrationRequest,
    Empty, ErrorBody, ErrorCode, ErrorDetail, IdentityRequest, IdentityResponse, MemberCreated,
    MemberId, RegistrationMethod, RegistrationRequest, Secret,
};
use kenpo_domain::id::{AuthKey, CardNumber, CardSymbol, Email, InsurerNumber, LoginId, Nickname};
use kenpo_domain::member::Relationship;

use super::openapi::{Internal, RateLimited, TokenExpired};
use super::{ApiError, ApiJson, AppState};
use crate::store::{NewAccount, Purpose, RosterPerson, StoreError, Token, TokenAttempt};
use crate::{captcha, secrets};

/// Step 1's link is valid 3 hours, step 3's 30 minutes (the leaflet's limits).
const REGISTRATION_LINK_SECONDS: i64 = 3 * 3600;
const CONFIRMATION_LINK_SECONDS: i64 = 30 * 60;
const SETUP_SECONDS: i64 = 30 * 60;
const CAPTCHA_SECONDS: i64 = 10 * 60;
/// Wrong answers a token takes before it is void.
const MAX_MISMATCHES: u32 = 5;
/// Tries of the account form with one setup token (typos in a password).
const MAX_SETUP_TRIES: u32 = 20;
/// Captchas one address may ask for in a window (a form's refreshes, an
/// office's members registering), before 429.
const CAPTCHAS_PER_WINDOW: u32 = 60;
const CAPTCHA_WINDOW: i64 = 10 * 60;

/// Identity checks against one card per hour, whatever the token.
const CARD_CHECKS_PER_HOUR: u32 = 10;

/// A new captcha; calling again is the "refresh".
///
/// The answer goes with `captcha_id` to the identity check or the dependent
/// spouse's registration, and is good for one try within 10 minutes.
#[utoipa::path(
    get,
    path = "/captcha",
    tag = "registration",
    operation_id = "captcha_get",
    responses(
        (status = 200, description = "A new challenge", body = Captcha),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn captcha(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Captcha>, ApiError> {
    let now = state.clock.now().await?;
    // Each picture costs a core for a moment and a row: counted per address
    // before it is drawn, and drawn off the async workers.
    let key = format!("captcha:ip:{}", state.client_ip(peer, &headers));
    if !state
        .store
        .throttle_take(&key, CAPTCHA_WINDOW, CAPTCHAS_PER_WINDOW, now)
        .await?
    {
        return Err(ApiError::rate_limited_in_window(now, CAPTCHA_WINDOW));
    }
    let challenge = tokio::task::spawn_blocking(captcha::new_challenge)
        .await
        .map_err(|_| ApiError::internal())?;
    let id = secrets::new_token();
    state
        .store
        .captcha_insert(&id, &challenge.answer, now + CAPTCHA_SECONDS)
        .await?;
    Ok(Json(Captcha {
        captcha_id: id,
        image_png: base64::engine::general_purpose::STANDARD.encode(&challenge.png),
    }))
}

/// Starts a registration by e-mail.
///
/// Mails a link with a registration token, valid 3 hours. The answer is the
/// same whether or not the address is known.
#[utoipa::path(
    post,
    path = "/registrations",
    tag = "registration",
    operation_id = "registration_start",
    request_body = RegistrationRequest,
    responses(
        (status = 202, description = "Accepted; a mail is on its way if the address can \
            register", body = Empty),
        (status = 422, description = "`invalid_email`: not an e-mail address; `validation`: a \
            malformed body", body = ErrorBody),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn start(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegistrationRequest>,
) -> Result<(StatusCode, Json<Empty>), ApiError> {
    let email = Email::parse(&req.email)
        .map_err(|e| ApiError::from_detail(ErrorDetail::from_id_error(&e)))?;
    let now = state.clock.now().await?;
    // A mail bomb through our server is the risk here: limit per address.
    if state
        .store
        .throttle_hit(&format!("registration:{email}"), 3600, now)
        .await?
        > 5
    {
        return Err(ApiError::rate_limited_in_window(now, 3600));
    }
    let token = secrets::new_token();
    state
        .store
        .token_insert(
            &Token {
                hash: secrets::token_hash(&token),
                purpose: Purpose::Registration,
                email: Some(email.to_string()),
                roster_id: None,
                account_id: None,
                secret_hash: None,
                expires_at: now + REGISTRATION_LINK_SECONDS,
            },
            now,
        )
        .await?;
    state.send_mail(mails::registration(&state.config.name, &email, &token));
    Ok((StatusCode::ACCEPTED, Json(Empty {})))
}

/// The identity check, with the registration token.
///
/// Answers the auth key (shown on screen only, never mailed) and mails a
/// confirmation link, valid 30 minutes.
///
/// Every failure of the identity itself (no such card, wrong birth date or
/// sex, already registered, a relationship that may not use this way) is the
/// same `identity_mismatch`, in body and timing. Five mismatches void the
/// token.
#[utoipa::path(
    post,
    path = "/registrations/identity",
    tag = "registration",
    operation_id = "registration_identity",
    request_body = IdentityRequest,
    responses(
        (status = 200, description = "The identity matches: the auth key", body = IdentityResponse),
        (status = 410, response = TokenExpired),
        (status = 422, description = "`identity_mismatch` (one answer for every cause), \
            `captcha_mismatch`, or `validation` (a malformed body)", body = ErrorBody),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn identity(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<IdentityRequest>,
) -> Result<Json<IdentityResponse>, ApiError> {
    let now = state.clock.now().await?;
    check_captcha(&state, &req.captcha_id, &req.captcha_answer, now).await?;
    let hash = secrets::token_hash(req.token.expose().trim());
    let token = match state
        .store
        .token_attempt(&hash, MAX_MISMATCHES, now)
        .await?
    {
        TokenAttempt::Counted { token, .. } if token.purpose == Purpose::Registration => token,
        _ => return Err(ApiError::token_expired()),
    };
    let person = find_identity(
        &state,
        &req.card_symbol,
        &req.card_number,
        now,
        |p| p.entry.birth_date == req.birth_date && p.entry.sex == req.sex,
        RegistrationMethod::EmailIdentity,
    )
    .await?;
    let email = token.email.as_deref().and_then(|e| Email::parse(e).ok());
    // The same look-up whether or not a person matched, so that no answer
    // is faster than another.
    let registered = state
        .store
        .account_by_roster(person.as_ref().map_or(0, |p| p.id))
        .await?;
    let Some(person) = person else {
        return Err(identity_mismatch());
    };
    if let Some(account) = registered {
        // Told to the member's own address, never the requester's: a mail
        // there would confirm that the card, birth date and sex match.
        if let Some(own) = account.notification_email() {
            state.send_mail(mails::already_registered(&state.config.name, &own));
        }
        crate::security::log(
            crate::security::Event::RegistrationOfRegistered,
            Some(account.id),
            None,
        );
        return Err(identity_mismatch());
    }
    if !state.store.token_use(&hash, now).await? {
        return Err(ApiError::token_expired());
    }
    let Some(email) = email else {
        return Err(ApiError::internal());
    };
    let confirmation = secrets::new_token();
    let confirmation_hash = secrets::token_hash(&confirmation);
    let key = secrets::new_auth_key();
    state
        .store
        .token_insert(
            &Token {
                hash: confirmation_hash.clone(),
                purpose: Purpose::Confirmation,
                email: Some(email.to_string()),
                roster_id: Some(person.id),
                account_id: None,
                secret_hash: Some(secrets::auth_key_hash(&confirmation_hash, &key)),
                expires_at: now + CONFIRMATION_LINK_SECONDS,
            },
            now,
        )
        .await?;
    state.send_mail(mails::confirmation(
        &state.config.name,
        &email,
        &confirmation,
    ));
    let auth_key = AuthKey::parse(&key).map_err(|_| ApiError::internal())?;
    Ok(Json(IdentityResponse { auth_key }))
}

/// The auth key, with the confirmation token of the second mail.
///
/// Answers the setup token for the account form. Five mismatches void the
/// registration.
#[utoipa::path(
    post,
    path = "/registrations/auth-key",
    tag = "registration",
    operation_id = "registration_auth_key",
    request_body = AuthKeyRequest,
    responses(
        (status = 200, description = "The key matches: the setup token", body = AuthKeyResponse),
        (status = 410, response = TokenExpired),
        (status = 422, description = "`auth_key_mismatch` (the message says how many tries \
            are left), or `validation` (a malformed body)", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn auth_key(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AuthKeyRequest>,
) -> Result<Json<AuthKeyResponse>, ApiError> {
    let now = state.clock.now().await?;
    let hash = secrets::token_hash(req.token.expose().trim());
    // The attempt is counted before the key is compared, so 50 guesses at
    // once still get at most five comparisons.
    let (token, attempt) = match state
        .store
        .token_attempt(&hash, MAX_MISMATCHES, now)
        .await?
    {
        TokenAttempt::Counted { token, attempt } if token.purpose == Purpose::Confirmation => {
            (token, attempt)
        }
        _ => return Err(ApiError::token_expired()),
    };
    let given = AuthKey::parse(&req.auth_key)
        .map(|k| k.to_string())
        .unwrap_or_default();
    let matches = token
        .secret_hash
        .as_deref()
        .is_some_and(|stored| secrets::same(stored, &secrets::auth_key_hash(&hash, &given)));
    if !matches {
        let left = MAX_MISMATCHES.saturating_sub(attempt);
        return Err(ApiError::new(
            ErrorCode::AuthKeyMismatch,
            if left == 0 {
                "the auth key does not match; this registration is void, please start again"
                    .to_owned()
            } else {
                format!("the auth key does not match ({left} tries left)")
            },
        )
        .field("auth_key"));
    }
    if !state.store.token_use(&hash, now).await? {
        return Err(ApiError::token_expired());
    }
    let setup = secrets::new_token();
    state
        .store
        .token_insert(
            &Token {
                hash: secrets::token_hash(&setup),
                purpose: Purpose::Setup,
                email: token.email,
                roster_id: token.roster_id,
                account_id: None,
                secret_hash: None,
                expires_at: now + SETUP_SECONDS,
            },
            now,
        )
        .await?;
    Ok(Json(AuthKeyResponse {
        setup_token: Secret::new(setup),
    }))
}

/// The account of an e-mail registration, with the setup token.
///
/// Login ID, password, notification address and nickname. Grants the
/// registration points.
#[utoipa::path(
    post,
    path = "/registrations/account",
    tag = "registration",
    operation_id = "registration_account",
    request_body = AccountSetupRequest,
    responses(
        (status = 201, description = "The account exists", body = MemberCreated),
        (status = 409, description = "`login_id_taken`", body = ErrorBody),
        (status = 410, response = TokenExpired),
        (status = 422, description = "`password_policy` (the message names the rule), \
            `invalid_email` (login ID or notification address), `validation` (a nickname or a \
            malformed body; `field` says which), or `identity_mismatch` (the person registered \
            meanwhile)", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn account(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AccountSetupRequest>,
) -> Result<(StatusCode, Json<MemberCreated>), ApiError> {
    let now = state.clock.now().await?;
    let hash = secrets::token_hash(req.setup_token.expose().trim());
    let token = match state
        .store
        .token_attempt(&hash, MAX_SETUP_TRIES, now)
        .await?
    {
        TokenAttempt::Counted { token, .. } if token.purpose == Purpose::Setup => token,
        _ => return Err(ApiError::token_expired()),
    };
    let roster_id = token.roster_id.ok_or_else(ApiError::internal)?;
    let details = AccountDetails::check(
        &state,
        &req.login_id,
        req.password.expose(),
        &req.notification_email,
        &req.nickname,
    )?;
    let member_id = details.create(&state, roster_id, now).await?;
    // The account exists: the token has done its work, whatever this says.
    state.store.token_use(&hash, now).await?;
    Ok((
        StatusCode::CREATED,
        Json(MemberCreated {
            member_id: MemberId(member_id),
        }),
    ))
}

/// The dependent spouse's registration.
///
/// Card symbol and number, insurer number and birth date, and the account in
/// the same call.
#[utoipa::path(
    post,
    path = "/registrations/dependent",
    tag = "registration",
    operation_id = "registration_dependent",
    request_body = DependentRegistrationRequest,
    responses(
        (status = 201, description = "The account exists", body = MemberCreated),
        (status = 409, description = "`login_id_taken`", body = ErrorBody),
        (status = 422, description = "`identity_mismatch` for anyone but an unregistered \
            dependent spouse on the roster (one answer for every cause), \
            `invalid_insurer_number` (the check digit fails), `captcha_mismatch`, \
            `password_policy`, `invalid_email`, or `validation`", body = ErrorBody),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn dependent(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<DependentRegistrationRequest>,
) -> Result<(StatusCode, Json<MemberCreated>), ApiError> {
    let now = state.clock.now().await?;
    // A wrong check digit needs no roster look-up, so it may say so.
    let insurer_number = InsurerNumber::parse(&req.insurer_number)
        .map_err(|e| ApiError::from_detail(ErrorDetail::from_id_error(&e)))?;
    check_captcha(&state, &req.captcha_id, &req.captcha_answer, now).await?;
    let details = AccountDetails::check(
        &state,
        &req.login_id,
        req.password.expose(),
        &req.notification_email,
        &req.nickname,
    )?;
    let person = find_identity(
        &state,
        &req.card_symbol,
        &req.card_number,
        now,
        |p| {
            p.entry.birth_date == req.birth_date
                && p.entry.insurer_number == insurer_number.as_str()
        },
        RegistrationMethod::DependentCard,
    )
    .await?;
    let Some(person) = person else {
        return Err(identity_mismatch());
    };
    if state.store.account_by_roster(person.id).await?.is_some() {
        return Err(identity_mismatch());
    }
    let member_id = details.create(&state, person.id, now).await?;
    Ok((
        StatusCode::CREATED,
        Json(MemberCreated {
            member_id: MemberId(member_id),
        }),
    ))
}

fn identity_mismatch() -> ApiError {
    ApiError::new(
        ErrorCode::IdentityMismatch,
        "the details do not match our records; please check them and try again",
    )
}

pub(super) async fn check_captcha(
    state: &AppState,
    id: &str,
    answer: &str,
    now: i64,
) -> Result<(), ApiError> {
    let expected = state.store.captcha_take(id, now).await?;
    match expected {
        Some(expected) if captcha::answers_match(&expected, answer) => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::CaptchaMismatch,
            "the characters do not match the picture; please try a new one",
        )
        .field("captcha_answer")),
    }
}

/// The roster person on this card who passes `matches` and may use
/// `method`. Malformed card data is a mismatch like any other, and each
/// card takes a limited number of checks per hour.
async fn find_identity(
    state: &AppState,
    symbol: &str,
    number: &str,
    now: i64,
    matches: impl Fn(&RosterPerson) -> bool,
    method: RegistrationMethod,
) -> Result<Option<RosterPerson>, ApiError> {
    let (Ok(symbol), Ok(number)) = (CardSymbol::parse(symbol), CardNumber::parse(number)) else {
        return Ok(None);
    };
    let key = format!("identity:{symbol}:{number}");
    if state.store.throttle_hit(&key, 3600, now).await? > CARD_CHECKS_PER_HOUR {
        return Err(ApiError::rate_limited_in_window(now, 3600));
    }
    let people = state
        .store
        .roster_by_card(symbol.as_str(), number.as_str())
        .await?;
    // DOMAIN.md: insured persons with an employee number get an issued ID;
    // the e-mail way is for those without one (unless IDs are not issued).
    let issued = state
        .config
        .registration
        .allows(RegistrationMethod::IssuedId, Relationship::Insured);
    let has_issued_id = |p: &RosterPerson| issued && p.entry.employee_number.is_some();
    Ok(people.into_iter().find(|p| {
        p.active
            && matches(p)
            && !(method == RegistrationMethod::EmailIdentity && has_issued_id(p))
            && p.entry
                .relationship
                .participant()
                .is_some_and(|who| state.config.registration.allows(method, who))
    }))
}

/// The account form, checked: login ID (an e-mail), password by the
/// insurer's policy, notification address, nickname.
struct AccountDetails {
    login_id: LoginId,
    password: String,
    notification_email: Email,
    nickname: Nickname,
}

impl AccountDetails {
    fn check(
        state: &AppState,
        login_id: &str,
        password: &str,
        notification_email: &str,
        nickname: &str,
    ) -> Result<Self, ApiError> {
        let id_error = |e| ApiError::from_detail(ErrorDetail::from_id_error(&e));
        let login_id = match LoginId::parse(login_id) {
            Ok(id @ LoginId::Email(_)) => id,
            // `U…` IDs are the insurer's to issue, not to choose.
            Ok(LoginId::Issued(_)) => {
                return Err(ApiError::new(
                    ErrorCode::InvalidEmail,
                    "the login ID must be an e-mail address",
                )
                .field("login_id"));
            }
            Err(e) => return Err(id_error(e).field("login_id")),
        };
        state
            .config
            .password_policy
            .check(password, &login_id)
            .map_err(|refusal| {
                ApiError::from_detail(ErrorDetail::from_password_refusal(&refusal, "password"))
            })?;
        let notification_email = Email::parse(notification_email)
            .map_err(|e| id_error(e).field("notification_email"))?;
        let nickname = Nickname::parse(nickname).map_err(|e| id_error(e).field("nickname"))?;
        Ok(Self {
            login_id,
            password: password.to_owned(),
            notification_email,
            nickname,
        })
    }

    /// Creates the account of roster person `roster_id`. Their kind
    /// (insured or dependent spouse) is the roster's, whatever the way in:
    /// an insurer letting spouses use the e-mail way must not make them
    /// insured.
    async fn create(self, state: &AppState, roster_id: i64, now: i64) -> Result<i64, ApiError> {
        let kind = state
            .store
            .roster_get(roster_id)
            .await?
            .and_then(|person| person.entry.relationship.participant())
            .ok_or_else(identity_mismatch)?;
        // Checked before hashing (37 ms of a core); the unique index still
        // decides a race between two forms.
        let login_id = self.login_id.to_string();
        if state.store.account_by_login(&login_id).await?.is_some() {
            return Err(StoreError::LoginIdTaken.into());
        }
        let password_hash = state
            .hasher
            .hash(&self.password)
            .await
            .map_err(|_| ApiError::internal())?;
        let id = state
            .store
            .account_create(
                &NewAccount {
                    roster_id,
                    login_id,
                    password_hash,
                    password_change_required: false,
                    kind,
                    nickname: Some(self.nickname.to_string()),
                    notification_email: Some(self.notification_email.to_string()),
                },
                now,
            )
            .await
            .map_err(|err| match err {
                StoreError::AlreadyRegistered => identity_mismatch(),
                other => other.into(),
            })?;
        tracing::info!(member_id = id, kind = kind.as_str(), "account created");
        // The registration points. Should this fail, the next login grants them.
        if let Some(account) = state.store.account_get(id).await?
            && let Err(err) = crate::earning::welcome(state, &account, now).await
        {
            tracing::error!(member_id = id, %err, "registration points not granted yet");
        }
        Ok(id)
    }
}

/// The mails of registration, in Japanese, each link both as a deep link
/// into the app and as a code to paste (mail is often read on a phone).
pub(super) mod mails {
    use kenpo_domain::id::Email;

    use crate::mail::OutgoingMail;

    fn link_and_code(path: &str, token: &str) -> String {
        format!(
            "アプリで開く:\nkenpodesk://{path}?token={token}\n\n\
             リンクが開けない場合は、けんぽデスクの「コードを貼り付け」に次のコードを入力してください。\n\
             コード: {token}\n"
        )
    }

    pub fn registration(insurer: &str, to: &Email, token: &str) -> OutgoingMail {
        OutgoingMail {
            to: to.to_string(),
            subject: format!("【{insurer}】新規利用登録のご案内"),
            body: format!(
                "{insurer}です。\n\n新規利用登録のお申し込みを受け付けました。\n\
                 3時間以内に、次のリンクから本人確認へお進みください。\n\n{}\n\
                 お心当たりのない場合は、このメールを破棄してください。\n",
                link_and_code("register/identity", token)
            ),
        }
    }

    pub fn confirmation(insurer: &str, to: &Email, token: &str) -> OutgoingMail {
        OutgoingMail {
            to: to.to_string(),
            subject: format!("【{insurer}】本人確認完了のご案内"),
            body: format!(
                "{insurer}です。\n\n本人確認の手続きが完了しました。\n\
                 引き続き利用者情報の登録が必要になりますので、次のリンクから利用登録の手続きを行ってください。\n\
                 利用登録には、本人確認完了画面に表示された認証キーが必要です（認証キーはメールには記載されません）。\n\n{}\n\
                 URLの有効期限は30分です。有効期限を過ぎた場合や認証キーを控えていない場合は、最初からやり直してください。\n",
                link_and_code("register/auth-key", token)
            ),
        }
    }

    pub fn already_registered(insurer: &str, to: &Email) -> OutgoingMail {
        OutgoingMail {
            to: to.to_string(),
            subject: format!("【{insurer}】利用登録についてのお知らせ"),
            body: format!(
                "{insurer}です。\n\nあなたの保険証の情報で、新規利用登録の本人確認のお申し込みがありました。\n\
                 すでに利用登録がお済みのため、お申し込みは受け付けていません。\n\
                 ログインIDまたはパスワードをお忘れの場合は、ログイン画面の「パスワードを忘れた方」からお手続きください。\n\
                 お心当たりのない場合は、お問い合わせください。\n"
            ),
        }
    }

    /// To the old address, when the notification address changes: whoever
    /// did not make the change learns of it where they still read mail.
    pub fn address_changed(insurer: &str, old: &Email) -> OutgoingMail {
        OutgoingMail {
            to: old.to_string(),
            subject: format!("【{insurer}】通知先メールアドレス変更のお知らせ"),
            body: format!(
                "{insurer}です。\n\n通知先メールアドレスが変更されました。\n\
                 今後のお知らせとパスワード再設定のご案内は、新しいアドレスに届きます。\n\n\
                 お心当たりのない場合は、すぐにお問い合わせください。\n"
            ),
        }
    }

    pub fn password_reset(insurer: &str, to: &Email, token: &str) -> OutgoingMail {
        OutgoingMail {
            to: to.to_string(),
            subject: format!("【{insurer}】パスワード再設定のご案内"),
            body: format!(
                "{insurer}です。\n\nパスワード再設定のお申し込みを受け付けました。\n\
                 30分以内に、次のリンクから新しいパスワードを設定してください。\n\n{}\n\
                 お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。\n",
                link_and_code("password-reset", token)
            ),
        }
    }
}
