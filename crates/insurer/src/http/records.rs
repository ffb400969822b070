//! The daily check-in, records, goals and the change feed.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use kenpo_domain::api::{
    ChangesQuery, ChangesResponse, CheckInResponse, ErrorBody, ErrorCode, ErrorDetail, GoalList,
    GoalsUpdate, RecordList, RecordResult, RecordStatus, RecordsQuery, RecordsRequest,
    RecordsResponse,
};
use kenpo_domain::entry::{EntryDay, check_goal_list};
use kenpo_domain::points::Activity;
use sha2::Digest;

use super::openapi::{Internal, PasswordChangeRequired, Unauthorized};
use super::{ApiError, ApiJson, AppState, Member};
use crate::earning;
use crate::store::{FeedCursor, IdempotencyKey, RecordItem};

/// Most records in one batch.
pub const MAX_BATCH: usize = 1_000;
/// Most days one `GET /records` spans: ten years and a little.
pub const MAX_RECORD_DAYS: i64 = 3_700;
const FEED_DEFAULT: u32 = 100;
const FEED_MAX: u32 = 1_000;

/// The request's `Idempotency-Key`, bound to a hash of its body.
pub fn idempotency_key(
    headers: &HeaderMap,
    body: &impl serde::Serialize,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Validation,
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
            .field("Idempotency-Key")
        })?;
    let body = serde_json::to_vec(body).map_err(|_| ApiError::internal())?;
    Ok(Some(IdempotencyKey {
        key: key.to_owned(),
        request_hash: hex::encode(sha2::Sha256::digest(&body)),
    }))
}

/// The daily login.
///
/// Grants the login point once per day (Japan's calendar day); a second
/// call that day answers `points_granted: 0`.
#[utoipa::path(
    post,
    path = "/check-ins",
    tag = "records",
    operation_id = "check_in",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Checked in for today", body = CheckInResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn check_in(
    State(state): State<AppState>,
    Member(auth): Member,
) -> Result<Json<CheckInResponse>, ApiError> {
    let (now, today) = state.clock.today().await?;
    let member = earning::member_of(&state, &auth.account).await?;
    let grants = earning::due(&state, &member, &Activity::CheckedIn, today);
    let made = state
        .store
        .grants_apply(auth.account.id, &grants, None, now)
        .await?;
    Ok(Json(CheckInResponse {
        date: today,
        points_granted: made.iter().map(|g| g.points).sum(),
    }))
}

/// Saves a batch of daily records.
///
/// Upsert per (member, date, kind, goal): the newer `updated_at` wins, an
/// older one is `stale`. A bad record is `rejected` with its error and the
/// rest of the batch goes on. Future days are rejected; days before the
/// entry window are kept but earn nothing. Points at most once per rule and
/// day. With an `Idempotency-Key`, a repeat of the same body answers the
/// first response and changes nothing.
#[utoipa::path(
    post,
    path = "/records",
    tag = "records",
    operation_id = "records_write",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key and body answer the first response")),
    request_body = RecordsRequest,
    responses(
        (status = 200, description = "Each record's outcome and the points granted",
            body = RecordsResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 422, description = "`validation`: a malformed body or more than 1,000 records; \
            `idempotency_conflict`: the key came with another body", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn write_records(
    State(state): State<AppState>,
    Member(auth): Member,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RecordsRequest>,
) -> Result<Json<RecordsResponse>, ApiError> {
    if req.records.len() > MAX_BATCH {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("at most {MAX_BATCH} records per batch"),
        )
        .field("records"));
    }
    let key = idempotency_key(&headers, &req)?;
    let (now, today) = state.clock.today().await?;
    let window = state.config.entry_window_days;
    let checked: Vec<_> = req
        .records
        .iter()
        .map(|record| {
            record
                .entry()
                .and_then(|value| window.check(record.date, today).map(|day| (value, day)))
        })
        .collect();
    // Only a day inside the entry window earns: a batch of history alone
    // (a new device's push) needs no roster look-up.
    let earns = checked
        .iter()
        .any(|c| matches!(c, Ok((_, EntryDay::Earning))));
    let member = match earns {
        true => Some(earning::member_of(&state, &auth.account).await?),
        false => None,
    };
    let items: Vec<RecordItem> = req
        .records
        .iter()
        .zip(checked)
        .map(|(record, checked)| match checked {
            Ok((value, day)) => RecordItem::Valid {
                date: record.date,
                value,
                updated_at: record.updated_at,
                grants: match (&member, day) {
                    (Some(member), EntryDay::Earning) => earning::due(
                        &state,
                        member,
                        &Activity::Recorded {
                            date: record.date,
                            kind: value.kind(),
                        },
                        today,
                    ),
                    _ => Vec::new(),
                },
            },
            Err(error) => RecordItem::Rejected(RecordResult {
                date: record.date,
                kind: record.kind,
                goal_id: record.goal_id,
                status: RecordStatus::Rejected,
                error: Some(ErrorDetail::from_entry_error(&error)),
            }),
        })
        .collect();
    let response = state
        .store
        .records_write(auth.account.id, &items, key.as_ref(), now)
        .await?;
    Ok(Json(response))
}

/// The member's records from `from` to `to` (both days included).
#[utoipa::path(
    get,
    path = "/records",
    tag = "records",
    operation_id = "records_list",
    security(("bearer" = [])),
    params(RecordsQuery),
    responses(
        (status = 200, description = "The records, by day", body = RecordList),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 422, description = "`validation`: `from` after `to`, or more than 3,700 days",
            body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_records(
    State(state): State<AppState>,
    Member(auth): Member,
    query: Result<Query<RecordsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RecordList>, ApiError> {
    let Query(query) =
        query.map_err(|err| ApiError::new(ErrorCode::Validation, err.body_text()))?;
    let days = (query.to - query.from).num_days();
    if !(0..MAX_RECORD_DAYS).contains(&days) {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("`from` must be on or before `to`, at most {MAX_RECORD_DAYS} days apart"),
        )
        .field("from"));
    }
    let records = state
        .store
        .records_between(auth.account.id, query.from, query.to)
        .await?;
    Ok(Json(RecordList { records }))
}

/// The member's goals, active first; dropped goals stay with `active: false`.
#[utoipa::path(
    get,
    path = "/goals",
    tag = "records",
    operation_id = "goals_get",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The goals", body = GoalList),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn get_goals(
    State(state): State<AppState>,
    Member(auth): Member,
) -> Result<Json<GoalList>, ApiError> {
    let goals = state.store.goals_of(auth.account.id).await?;
    Ok(Json(GoalList { goals }))
}

/// Replaces the member's active goals.
///
/// The whole list, in order: an entry without `id` is a new goal; a goal
/// left out is deactivated and its history kept. At most 5.
#[utoipa::path(
    put,
    path = "/goals",
    tag = "records",
    operation_id = "goals_put",
    security(("bearer" = [])),
    request_body = GoalsUpdate,
    responses(
        (status = 200, description = "The new list", body = GoalList),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 404, description = "`not_found`: an `id` that is not one of this member's goals",
            body = ErrorBody),
        (status = 422, description = "`validation`: too many goals, a bad or repeated label",
            body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn put_goals(
    State(state): State<AppState>,
    Member(auth): Member,
    ApiJson(req): ApiJson<GoalsUpdate>,
) -> Result<Json<GoalList>, ApiError> {
    let goals = check_goal_list(&req.goals)
        .map_err(|err| ApiError::from_detail(ErrorDetail::from_entry_error(&err)))?;
    let now = state.clock.now().await?;
    let goals = state
        .store
        .goals_replace(auth.account.id, &goals, now)
        .await?;
    Ok(Json(GoalList { goals }))
}

/// What changed for this member since `since`, for sync.
///
/// Records (from any device), goals, ledger entries, checkups, exchanges
/// and notices, oldest first. Start without `since`; pass the answer's
/// `cursor` next time; `has_more` says whether to ask again at once. No
/// change is skipped or repeated between pages.
#[utoipa::path(
    get,
    path = "/changes",
    tag = "records",
    operation_id = "changes_list",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = ChangesResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 422, description = "`validation`: an unreadable cursor or a limit outside \
            1–1,000", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn changes(
    State(state): State<AppState>,
    Member(auth): Member,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ChangesResponse>, ApiError> {
    let Query(query) =
        query.map_err(|err| ApiError::new(ErrorCode::Validation, err.body_text()))?;
    let cursor = match query.since.as_deref() {
        None | Some("") => FeedCursor::default(),
        Some(text) => FeedCursor::decode(text).ok_or_else(|| {
            ApiError::new(ErrorCode::Validation, "not a cursor of this server").field("since")
        })?,
    };
    let limit = query.limit.unwrap_or(FEED_DEFAULT);
    if !(1..=FEED_MAX).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("limit must be from 1 to {FEED_MAX}"),
        )
        .field("limit"));
    }
    let page = state
        .store
        .changes_since(auth.account.id, cursor, limit)
        .await?;
    Ok(Json(ChangesResponse {
        changes: page.changes,
        cursor: page.cursor.encode(),
        has_more: page.has_more,
    }))
}
