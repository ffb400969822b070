//! HTTP routes of the insurer API, its error body and its extractors.

mod account;
mod exchange;
mod notices;
mod openapi;
mod points;
mod records;
mod registration;
mod sandbox;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use kenpo_domain::api::{ErrorBody, ErrorCode, ErrorDetail, InsurerInfo, PointRuleInfo};
use kenpo_domain::points::RuleSet;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::ServerClock;
use crate::config::InsurerConfig;
use crate::mail::{Mailer, OutboxMailer, OutgoingMail};
use crate::passwords::Hasher;
use crate::secrets;
use crate::store::{Account, Store, StoreError};

/// Everything a request may reach. Cheap to clone; no state of its own
/// beyond the database, so any number of processes can serve one database.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: ServerClock,
    pub config: Arc<InsurerConfig>,
    pub rules: Arc<RuleSet>,
    pub hasher: Hasher,
    pub mailer: Arc<dyn Mailer>,
    /// The outbox read by the sandbox mail endpoint (sandbox mode only).
    pub sandbox_outbox: Option<Arc<OutboxMailer>>,
}

impl AppState {
    /// The client's address for per-address limits: the peer, or what a
    /// trusted proxy says (`[server] trusted_proxies`).
    pub fn client_ip(
        &self,
        peer: std::net::SocketAddr,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        self.config.server.client_ip(
            peer.ip(),
            (!forwarded.is_empty()).then_some(forwarded.as_str()),
        )
    }
}

impl AppState {
    pub fn sandbox(&self) -> bool {
        self.sandbox_outbox.is_some()
    }

    /// Sends a mail in the background. The answer to the member never
    /// waits for (or reveals, by its timing) whether a mail was sent.
    pub fn send_mail(&self, mail: OutgoingMail) {
        let state = self.clone();
        tokio::spawn(async move {
            let sent_at = match state.clock.now_jst().await {
                Ok(now) => now,
                Err(err) => {
                    tracing::error!(%err, "mail not sent: no clock");
                    return;
                }
            };
            if let Err(err) = state.mailer.send(&mail, sent_at).await {
                // The recipient and body are personal: only the error is logged.
                tracing::error!(%err, "mail not sent");
            }
        });
    }
}

pub fn router(state: AppState) -> Router {
    let (router, _) = routes().split_for_parts();
    router
        .with_state(state)
        .layer(axum::middleware::from_fn(run_to_completion))
}

/// Runs each request to its end in its own task, even when the client hangs
/// up: a handler dropped halfway would return its database connection to
/// the pool in the middle of a transaction (sqlx's SQLite pool then refuses
/// the next `BEGIN`), and a member's write is better finished than lost.
async fn run_to_completion(request: Request, next: axum::middleware::Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(%err, "request task failed");
            ApiError::internal().into_response()
        }
    }
}

/// The OpenAPI document of [`router`], served at `GET /api/v1/openapi.json`
/// and committed as `openapi.json` (`tests/openapi.rs` keeps the copy fresh).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = routes().into_openapi();
    openapi::add_payload_too_large(&mut document);
    document
}

/// [`openapi`] as committed and served: pretty JSON with a final newline.
pub fn openapi_json() -> serde_json::Result<String> {
    openapi().to_pretty_json().map(|json| json + "\n")
}

/// Every route together with its operation in the document, so that the
/// router and the document are one list and cannot drift apart. Only
/// handlers registered through `routes!` are served, and each one brings its
/// `#[utoipa::path]`.
fn routes() -> OpenApiRouter<AppState> {
    // Before login a body is a form of a few fields: anyone on the internet
    // may send one, so it is held to the least.
    let public = OpenApiRouter::default()
        .routes(routes!(registration::captcha))
        .routes(routes!(registration::start))
        .routes(routes!(registration::identity))
        .routes(routes!(registration::auth_key))
        .routes(routes!(registration::account))
        .routes(routes!(registration::dependent))
        .routes(routes!(account::login, account::logout))
        .routes(routes!(account::refresh))
        .routes(routes!(account::reset_start))
        .routes(routes!(account::reset_complete))
        .layer(DefaultBodyLimit::max(PUBLIC_BODY_LIMIT));
    let batches = OpenApiRouter::default()
        .routes(routes!(records::write_records, records::list_records))
        .layer(DefaultBodyLimit::max(BATCH_BODY_LIMIT));
    let api = OpenApiRouter::default()
        .routes(routes!(insurer))
        .routes(routes!(openapi::document))
        .routes(routes!(account::get_account, account::patch_account))
        .routes(routes!(account::change_password))
        .routes(routes!(account::list_sessions))
        .routes(routes!(account::end_session))
        .routes(routes!(records::check_in))
        .routes(routes!(records::get_goals, records::put_goals))
        .routes(routes!(records::changes))
        .routes(routes!(points::summary))
        .routes(routes!(points::ledger))
        .routes(routes!(points::checkups))
        .routes(routes!(points::report))
        .routes(routes!(exchange::catalog))
        .routes(routes!(exchange::image))
        .routes(routes!(exchange::create, exchange::list))
        .routes(routes!(exchange::cancel))
        .routes(routes!(notices::notices))
        .routes(routes!(notices::faq))
        .routes(routes!(notices::inquire))
        .nest("/sandbox", sandbox::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .merge(public)
        .merge(batches);
    OpenApiRouter::with_openapi(openapi::Frame::openapi())
        .routes(routes!(healthz))
        .nest("/api/v1", api)
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such endpoint") })
}

/// The body limit of the forms before login (registration, login, reset).
pub const PUBLIC_BODY_LIMIT: usize = 8 * 1024;
/// The body limit of a records batch (at most 1,000 records).
pub const BATCH_BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The body limit of every other route: an inquiry's 4,000 characters, each
/// escaped, fit.
pub const BODY_LIMIT: usize = 64 * 1024;

/// `GET /healthz`.
#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    /// Always `ok`: a server whose database does not answer says 503.
    status: &'static str,
}

/// Whether the server and its database answer.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "insurer",
    operation_id = "healthz",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 503, description = "`service_unavailable`: the database does not answer",
            body = ErrorBody),
    ),
)]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await.map_err(|err| {
        tracing::error!(%err, "health check: database does not answer");
        ApiError::new(
            ErrorCode::ServiceUnavailable,
            "the service is not available right now",
        )
    })?;
    Ok(Json(Health { status: "ok" }))
}

/// The insurer's settings.
///
/// Its name and number, the ways in, the password policy, the entry window
/// and the point rules.
#[utoipa::path(
    get,
    path = "/insurer",
    tag = "insurer",
    operation_id = "insurer_get",
    responses((status = 200, description = "The insurer's settings", body = InsurerInfo)),
)]
async fn insurer(State(state): State<AppState>) -> Json<InsurerInfo> {
    let config = &state.config;
    Json(InsurerInfo {
        name: config.name.clone(),
        insurer_number: config.insurer_number.clone(),
        sandbox: state.sandbox(),
        registration_methods: config.registration.methods(),
        password_policy: config.password_policy,
        entry_window_days: config.entry_window_days,
        point_rules: state
            .rules
            .rules()
            .iter()
            .map(PointRuleInfo::from)
            .collect(),
    })
}

/// An API error: `{"error": {"code", "message", "field"?}}` with the
/// code's status. Internal details go to the log, never to the client.
#[derive(Debug)]
pub struct ApiError {
    detail: ErrorDetail,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            detail: ErrorDetail::new(code, message),
            retry_after: None,
        }
    }

    pub fn field(mut self, field: &str) -> Self {
        self.detail = self.detail.with_field(field);
        self
    }

    pub fn from_detail(detail: ErrorDetail) -> Self {
        Self {
            detail,
            retry_after: None,
        }
    }

    pub fn token_expired() -> Self {
        Self::new(
            ErrorCode::TokenExpired,
            "this link or code has expired or was already used; please start again",
        )
    }

    /// Too many hits in the fixed window of `window` seconds that `now` is in
    /// (the store's throttle windows): retry when it ends.
    pub fn rate_limited_in_window(now: i64, window: i64) -> Self {
        Self::rate_limited(u64::try_from(window - now.rem_euclid(window)).unwrap_or(1))
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Self {
            detail: ErrorDetail::new(
                ErrorCode::RateLimited,
                "too many attempts; please wait and try again",
            ),
            retry_after: Some(retry_after),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "please log in")
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "something went wrong on our side; please try again later",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::LoginIdTaken => {
                Self::new(ErrorCode::LoginIdTaken, "this login ID is already taken")
                    .field("login_id")
            }
            StoreError::NotFound => Self::new(ErrorCode::NotFound, "no such thing for this member"),
            StoreError::IdempotencyConflict => Self::new(
                ErrorCode::IdempotencyConflict,
                "this Idempotency-Key was used with another request",
            )
            .field("Idempotency-Key"),
            StoreError::Ledger(err) => Self::from_detail(ErrorDetail::from_ledger_error(&err)),
            StoreError::OutOfStock => Self::new(ErrorCode::OutOfStock, "this item is out of stock"),
            StoreError::NotCancellable => Self::new(
                ErrorCode::NotCancellable,
                "this order has shipped or was cancelled already",
            ),
            StoreError::AlreadyReported => Self::new(
                ErrorCode::AlreadyReported,
                "this was reported already for that fiscal year",
            ),
            other => {
                tracing::error!(err = %other, code = other.code(), "store error");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.detail.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.detail.into_body())).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// `Json` whose rejections (bad JSON, a missing or malformed field) answer
/// in the API's error format with code `validation`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(
                ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large"),
            ),
            Err(rejection) => Err(ApiError::new(ErrorCode::Validation, rejection.body_text())),
        }
    }
}

/// A logged-in member, whatever the state of their password.
pub struct Authenticated {
    pub account: Account,
    pub session_id: i64,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthorized)?;
        let now = state.clock.now().await?;
        let (session_id, account) = state
            .store
            .session_by_access(&secrets::token_hash(token.trim()), now)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Self {
            account,
            session_id,
        })
    }
}

/// A logged-in member who may use the API: not while a password change is due.
pub struct Member(pub Authenticated);

impl FromRequestParts<AppState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        if auth.account.password_change_required {
            return Err(password_change_required());
        }
        Ok(Self(auth))
    }
}

fn password_change_required() -> ApiError {
    ApiError::new(
        ErrorCode::PasswordChangeRequired,
        "please change your initial password first",
    )
}
