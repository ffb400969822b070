//! Sandbox endpoints: the outbox, captcha answers and the settable clock.
//! Outside sandbox mode every one of them answers 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use kenpo_domain::api::{
    ClockAdvance, ClockNow, ErrorBody, ErrorCode, SandboxCaptchaAnswer, SandboxMail,
    SandboxMailQuery, SandboxMailbox,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::openapi::{Internal, SandboxOnly};
use super::{ApiError, ApiJson, AppState};
use crate::clock::to_jst;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(mail))
        .routes(routes!(captcha_answer))
        .routes(routes!(clock))
}

pub(super) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such endpoint")
}

/// The mails sent to an address, newest last.
///
/// Sandbox only: answers 404 outside `--sandbox`.
#[utoipa::path(
    get,
    path = "/mail",
    tag = "sandbox",
    operation_id = "sandbox_mail",
    params(SandboxMailQuery),
    responses(
        (status = 200, description = "The outbox's mails to this address", body = SandboxMailbox),
        (status = 400, description = "No `to` parameter (a plain-text answer)"),
        (status = 404, response = SandboxOnly),
        (status = 500, response = Internal),
    ),
)]
async fn mail(
    State(state): State<AppState>,
    Query(query): Query<SandboxMailQuery>,
) -> Result<Json<SandboxMailbox>, ApiError> {
    let outbox = state.sandbox_outbox.clone().ok_or_else(not_found)?;
    // Reading the outbox folder is blocking file I/O.
    let messages = tokio::task::spawn_blocking(move || outbox.messages(Some(&query.to)))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|err| {
            tracing::error!(%err, "sandbox outbox unreadable");
            ApiError::internal()
        })?;
    Ok(Json(SandboxMailbox {
        messages: messages
            .into_iter()
            .map(|m| SandboxMail {
                to: m.to,
                subject: m.subject,
                body: m.body,
                sent_at: m.sent_at,
            })
            .collect(),
    }))
}

/// The answer to a captcha, so that scripts can register.
///
/// Sandbox only: answers 404 outside `--sandbox`.
#[utoipa::path(
    get,
    path = "/captcha/{id}",
    tag = "sandbox",
    operation_id = "sandbox_captcha_answer",
    params(("id" = String, Path, description = "The `captcha_id` of `GET /api/v1/captcha`")),
    responses(
        (status = 200, description = "The characters in the picture", body = SandboxCaptchaAnswer),
        (status = 404, description = "`not_found`: no such captcha (answered or expired), or \
            the server does not run with `--sandbox`", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
async fn captcha_answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SandboxCaptchaAnswer>, ApiError> {
    if !state.sandbox() {
        return Err(not_found());
    }
    let answer = state.store.captcha_peek(&id).await?.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, "no such captcha (answered or expired)")
    })?;
    Ok(Json(SandboxCaptchaAnswer { answer }))
}

/// Moves the server's clock forward.
///
/// To try the 3 h and 30 min limits and fiscal-year expiry.
///
/// Sandbox only: answers 404 outside `--sandbox`.
#[utoipa::path(
    post,
    path = "/clock",
    tag = "sandbox",
    operation_id = "sandbox_clock",
    request_body = ClockAdvance,
    responses(
        (status = 200, description = "The server's new time", body = ClockNow),
        (status = 404, response = SandboxOnly),
        (status = 422, description = "`validation`: a malformed body, a negative \
            `advance_seconds` (the clock only moves forward), or one that would move it more \
            than 20 years in all", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
async fn clock(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ClockAdvance>,
) -> Result<Json<ClockNow>, ApiError> {
    if !state.sandbox() {
        return Err(not_found());
    }
    if req.advance_seconds < 0 {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "the sandbox clock only moves forward",
        )
        .field("advance_seconds"));
    }
    let now = state
        .clock
        .advance(req.advance_seconds)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Validation,
                "the sandbox clock moves at most 20 years in all",
            )
            .field("advance_seconds")
        })?;
    Ok(Json(ClockNow { now: to_jst(now) }))
}
