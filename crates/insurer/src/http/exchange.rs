//! The goods catalog and exchanges.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kenpo_domain::api::{
    Catalog, ErrorBody, ErrorCode, ErrorDetail, ExchangeCreated, ExchangeInfo, ExchangeList,
    ExchangeRequest,
};

use super::openapi::{Internal, PasswordChangeRequired, Unauthorized};
use super::records::idempotency_key;
use super::{ApiError, ApiJson, AppState, Member};
use crate::store::NewExchange;

pub use kenpo_domain::exchange::MAX_QUANTITY;

/// The goods catalog: items in stock and out of it.
#[utoipa::path(
    get,
    path = "/catalog",
    tag = "exchange",
    operation_id = "catalog_get",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalog", body = Catalog),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn catalog(
    State(state): State<AppState>,
    Member(_): Member,
) -> Result<Json<Catalog>, ApiError> {
    Ok(Json(Catalog {
        items: state.store.catalog().await?,
    }))
}

/// An item's picture (no login needed: the catalog's pictures are public).
///
/// Its `image_url` names the picture's version, so the answer may be kept
/// for ever; a changed picture gets a new URL.
#[utoipa::path(
    get,
    path = "/catalog/{id}/image",
    tag = "exchange",
    operation_id = "catalog_image",
    params(
        ("id" = String, Path, description = "The item's id"),
        ("v" = Option<String>, Query, description = "The picture's version, as in `image_url`"),
    ),
    responses(
        (status = 200, description = "The picture (PNG, JPEG or WebP)",
            content(
                (Vec<u8> = "image/png"),
                (Vec<u8> = "image/jpeg"),
                (Vec<u8> = "image/webp"),
            )),
        (status = 304, description = "Not modified (`If-None-Match` named this picture)"),
        (status = 404, description = "`not_found`: no such item on offer, or it has no picture",
            body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn image(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let image = state
        .store
        .catalog_image(&id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no picture of such an item"))?;
    let etag = format!("\"{}\"", image.digest);
    let cache = [
        (header::ETAG, etag.clone()),
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((
        cache,
        [
            (header::CONTENT_TYPE, image.content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        image.bytes,
    )
        .into_response())
}

/// Exchanges points for goods.
///
/// Takes the stock and the member's points that expire soonest, or nothing
/// at all. With an `Idempotency-Key`, a repeat of the same body answers the
/// first response and never spends twice.
#[utoipa::path(
    post,
    path = "/exchanges",
    tag = "exchange",
    operation_id = "exchange_create",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key and body answer the first response")),
    request_body = ExchangeRequest,
    responses(
        (status = 201, description = "Ordered", body = ExchangeCreated),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 404, description = "`not_found`: no such item in the catalog", body = ErrorBody),
        (status = 409, description = "`insufficient_points` or `out_of_stock`", body = ErrorBody),
        (status = 422, description = "`invalid_address` (`field` names it), `validation` (a \
            quantity outside 1–10), `idempotency_conflict`", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Member(auth): Member,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ExchangeRequest>,
) -> Result<(StatusCode, Json<ExchangeCreated>), ApiError> {
    let key = idempotency_key(&headers, &req)?;
    if !(1..=MAX_QUANTITY).contains(&req.quantity) {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("quantity must be from 1 to {MAX_QUANTITY}"),
        )
        .field("quantity"));
    }
    let address = req
        .shipping_address
        .checked()
        .map_err(|err| ApiError::from_detail(ErrorDetail::from(&err)))?;
    let (now, today) = state.clock.today().await?;
    let created = state
        .store
        .exchange_create(
            auth.account.id,
            &NewExchange {
                item_id: &req.item_id,
                quantity: req.quantity,
                address: &address,
            },
            key.as_ref(),
            today,
            now,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The member's orders, newest first.
#[utoipa::path(
    get,
    path = "/exchanges",
    tag = "exchange",
    operation_id = "exchanges_list",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The orders", body = ExchangeList),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    Member(auth): Member,
) -> Result<Json<ExchangeList>, ApiError> {
    Ok(Json(ExchangeList {
        exchanges: state.store.exchanges_of(auth.account.id).await?,
    }))
}

/// Cancels an order before it ships.
///
/// The points go back to the lots they came from, with their original
/// expiry (points whose last day has passed meanwhile expire at once).
#[utoipa::path(
    post,
    path = "/exchanges/{id}/cancel",
    tag = "exchange",
    operation_id = "exchange_cancel",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The order's `exchange_id`")),
    responses(
        (status = 200, description = "Cancelled", body = ExchangeInfo),
        (status = 400, description = "The id is not an integer (a plain-text answer)"),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 404, description = "`not_found`: no order of this member has this id",
            body = ErrorBody),
        (status = 409, description = "`not_cancellable`: shipped, delivered or cancelled already",
            body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn cancel(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<i64>,
) -> Result<Json<ExchangeInfo>, ApiError> {
    let (now, today) = state.clock.today().await?;
    let info = state
        .store
        .exchange_cancel(auth.account.id, id, today, now)
        .await?;
    Ok(Json(info))
}
