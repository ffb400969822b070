//! Notices, FAQ and inquiries: readable and writable without a login
//! (a member who forgot their password needs them most).

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use kenpo_domain::api::{
    ErrorBody, ErrorCode, FaqList, InquiryCreated, InquiryRequest, NoticeList,
};
use kenpo_domain::id::Email;

use super::openapi::{Internal, RateLimited};
use super::{ApiError, ApiJson, AppState};

/// Inquiries one address may send per hour.
const INQUIRIES_PER_HOUR: u32 = 5;
const INQUIRY_WINDOW: i64 = 3_600;
/// Longest inquiry body, in characters.
pub const MAX_INQUIRY_CHARS: usize = 4_000;

/// The insurer's notices (新着お知らせ), newest first.
#[utoipa::path(
    get,
    path = "/notices",
    tag = "notices",
    operation_id = "notices_list",
    responses(
        (status = 200, description = "The notices", body = NoticeList),
        (status = 500, response = Internal),
    ),
)]
pub async fn notices(State(state): State<AppState>) -> Result<Json<NoticeList>, ApiError> {
    Ok(Json(NoticeList {
        notices: state.store.notices().await?,
    }))
}

/// Frequently asked questions, in the insurer's order.
#[utoipa::path(
    get,
    path = "/faq",
    tag = "notices",
    operation_id = "faq_list",
    responses(
        (status = 200, description = "The FAQ", body = FaqList),
        (status = 500, response = Internal),
    ),
)]
pub async fn faq(State(state): State<AppState>) -> Result<Json<FaqList>, ApiError> {
    Ok(Json(FaqList {
        entries: state.store.faq().await?,
    }))
}

/// Sends the insurer a question (no login needed), e.g. a forgotten login ID.
#[utoipa::path(
    post,
    path = "/inquiries",
    tag = "notices",
    operation_id = "inquiry_create",
    request_body = InquiryRequest,
    responses(
        (status = 201, description = "Received", body = InquiryCreated),
        (status = 422, description = "`invalid_email` (`contact_email`), `validation` (an empty \
            body, one over 4,000 characters or with control characters)", body = ErrorBody),
        (status = 429, response = RateLimited),
        (status = 500, response = Internal),
    ),
)]
pub async fn inquire(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<InquiryRequest>,
) -> Result<(StatusCode, Json<InquiryCreated>), ApiError> {
    let now = state.clock.now().await?;
    let key = format!("inquiry:ip:{}", state.client_ip(peer, &headers));
    if state.store.throttle_hit(&key, INQUIRY_WINDOW, now).await? > INQUIRIES_PER_HOUR {
        return Err(ApiError::rate_limited_in_window(now, INQUIRY_WINDOW));
    }
    let contact_email: Email = req.contact_email.parse().map_err(|_| {
        ApiError::new(ErrorCode::InvalidEmail, "this is not an e-mail address")
            .field("contact_email")
    })?;
    let body = req.body.trim();
    if body.is_empty()
        || body.chars().count() > MAX_INQUIRY_CHARS
        || body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("the message must be 1 to {MAX_INQUIRY_CHARS} characters of text"),
        )
        .field("body"));
    }
    let inquiry = InquiryRequest {
        category: req.category,
        body: body.to_owned(),
        contact_email: contact_email.to_string(),
    };
    let inquiry_id = state.store.inquiry_create(&inquiry, now).await?;
    tracing::info!(inquiry_id, "inquiry received");
    Ok((StatusCode::CREATED, Json(InquiryCreated { inquiry_id })))
}
