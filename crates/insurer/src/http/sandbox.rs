//! Sandbox endpoints: the outbox, captcha answers and the settable clock.
//! Outside sandbox mode every one of them answers 404.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use kenpo_domain::api::{
    ClockAdvance, ClockNow, ErrorCode, SandboxCaptchaAnswer, SandboxMail, SandboxMailQuery,
    SandboxMailbox,
};

use super::{ApiError, ApiJson, AppState};
use crate::clock::to_jst;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mail", get(mail))
        .route("/captcha/{id}", get(captcha_answer))
        .route("/clock", post(clock))
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such endpoint")
}

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
    let now = state.clock.advance(req.advance_seconds).await?;
    Ok(Json(ClockNow { now: to_jst(now) }))
}
