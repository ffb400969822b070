//! The OpenAPI document's frame: what no handler says by itself (title,
//! servers, tags, the bearer scheme) and the error responses that many
//! operations share. The operations come from the handlers' `#[utoipa::path]`
//! through the router (`routes` in the parent module).

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi, ToResponse};

use kenpo_domain::api::ErrorCode;

use super::ApiError;

/// The bearer scheme's name, which `security(("bearer" = []))` of the
/// handlers names (`tests/openapi.rs` checks that they agree).
const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kenpo-insurer",
        version = env!("CARGO_PKG_VERSION"),
        description = "The insurer API of Kenpo Desk, generated from the server's code. \
            JSON, UTF-8, snake_case fields; dates `YYYY-MM-DD` (Japanese calendar days); \
            instants RFC 3339 with offset; points are integers. Every error is \
            `{\"error\": {\"code\", \"message\", \"field\"?}}`: clients act on `code`, never \
            on `message`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "The server that serves this document")),
    tags(
        (name = "insurer", description = "The insurer's settings, and the server's health and \
            this document."),
        (name = "registration", description = "The ways in: e-mail and identity \
            (健康マイポータル) and the dependent spouse's card. Issued IDs need no \
            registration: their first login creates the account."),
        (name = "sessions", description = "Logging in and out, and refreshing the token pair."),
        (name = "account", description = "The member's own account, sessions and password."),
        (name = "records", description = "The daily check-in, records and goals, and the change \
            feed that the desktop syncs from."),
        (name = "points", description = "Points (lots, fiscal-year expiry, the ledger), checkup \
            results and reports."),
        (name = "exchange", description = "The goods catalog and exchanges of points for goods."),
        (name = "notices", description = "Notices, FAQ and inquiries; no login needed."),
        (name = "sandbox", description = "Only when the server runs with `--sandbox`: every \
            sandbox path answers 404 `not_found` otherwise."),
    ),
    components(responses(
        TokenExpired,
        RateLimited,
        Unauthorized,
        PasswordChangeRequired,
        MembershipEnded,
        SandboxOnly,
        PayloadTooLarge,
        Internal,
    )),
    modifiers(&BearerScheme),
)]
/// The document before the routes add their operations and schemas.
pub struct Frame;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "`Authorization: Bearer <access_token>`, the token of `POST /api/v1/sessions` \
                 or `POST /api/v1/sessions/refresh`.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(BEARER, SecurityScheme::Http(scheme));
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "insurer",
    operation_id = "openapi_get",
    responses(
        (status = 200, description = "This document (OpenAPI 3.1)", body = Object,
            content_type = "application/json"),
        (status = 500, response = Internal),
    ),
)]
pub async fn document() -> Result<axum::response::Response, ApiError> {
    // The document depends on the code alone, so it is built once per process.
    static JSON: LazyLock<Option<String>> = LazyLock::new(|| {
        super::openapi_json()
            .inspect_err(|err| tracing::error!(%err, "the OpenAPI document does not serialize"))
            .ok()
    });
    let json = JSON.as_deref().ok_or_else(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// A response whose body is the given error, as the server writes it.
fn error_response(description: &str, error: ApiError) -> Response {
    let example = serde_json::to_value(error.detail.into_body()).ok();
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .example(example)
                .build(),
        )
        .build()
}

// Uninhabited: these types only name shared responses of the document.

pub enum TokenExpired {}

impl<'r> ToResponse<'r> for TokenExpired {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "TokenExpired",
            error_response(
                "`token_expired`: the link's or form's token is expired, unknown or already used; \
                 the member starts again",
                ApiError::token_expired(),
            )
            .into(),
        )
    }
}

pub enum RateLimited {}

impl<'r> ToResponse<'r> for RateLimited {
    fn response() -> (&'r str, RefOr<Response>) {
        let mut response = error_response(
            "`rate_limited`: too many attempts; `Retry-After` says when to try again",
            ApiError::rate_limited(60),
        );
        let seconds = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1));
        response.headers.insert(
            "Retry-After".to_owned(),
            HeaderBuilder::new()
                .schema(Some(seconds))
                .description(Some("Seconds to wait before the next attempt"))
                .build()
                .into(),
        );
        ("RateLimited", response.into())
    }
}

pub enum PayloadTooLarge {}

impl<'r> ToResponse<'r> for PayloadTooLarge {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "PayloadTooLarge",
            error_response(
                "`payload_too_large`: the body is over the route's limit (8 KiB before login, \
                 2 MiB for a records batch, 64 KiB elsewhere)",
                ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large"),
            )
            .into(),
        )
    }
}

/// Every operation that takes a body may answer 413: the limits are layers
/// of the router, not written at each handler, so the document learns of
/// them here.
pub fn add_payload_too_large(document: &mut Document) {
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if operation.request_body.is_some() {
                operation.responses.responses.insert(
                    "413".to_owned(),
                    RefOr::Ref(Ref::from_response_name("PayloadTooLarge")),
                );
            }
        }
    }
}

pub enum Unauthorized {}

impl<'r> ToResponse<'r> for Unauthorized {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "Unauthorized",
            error_response(
                "`unauthorized`: no access token, or one that is expired or ended",
                ApiError::unauthorized(),
            )
            .into(),
        )
    }
}

pub enum PasswordChangeRequired {}

impl<'r> ToResponse<'r> for PasswordChangeRequired {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "PasswordChangeRequired",
            error_response(
                "`password_change_required`: an issued account's initial password must be \
                 changed (`PUT /api/v1/account/password`) before anything else",
                super::password_change_required(),
            )
            .into(),
        )
    }
}

pub enum MembershipEnded {}

impl<'r> ToResponse<'r> for MembershipEnded {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "MembershipEnded",
            error_response(
                "`membership_ended`: the password is right, but the person has left the \
                 insurer's roster; their history is kept, but they can no longer log in or earn",
                super::account::membership_ended(),
            )
            .into(),
        )
    }
}

pub enum SandboxOnly {}

impl<'r> ToResponse<'r> for SandboxOnly {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "SandboxOnly",
            error_response(
                "`not_found`: the server does not run with `--sandbox`",
                super::sandbox::not_found(),
            )
            .into(),
        )
    }
}

pub enum Internal {}

impl<'r> ToResponse<'r> for Internal {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "Internal",
            error_response(
                "`internal`: something failed on the server; the details are in its log",
                ApiError::internal(),
            )
            .into(),
        )
    }
}
