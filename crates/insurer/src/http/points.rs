//! Points, the ledger, checkups and reports.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use kenpo_domain::api::{
    CheckupList, ErrorBody, ErrorCode, LedgerPage, LedgerQuery, LotInfo, PointsGranted,
    PointsSummary, ReportCreated, ReportRequest,
};
use kenpo_domain::ledger::expiring_soon;
use kenpo_domain::points::Activity;

use super::openapi::{Internal, PasswordChangeRequired, Unauthorized};
use super::{ApiError, ApiJson, AppState, Member};
use crate::earning;
use crate::store::NewReport;

const LEDGER_DEFAULT: u32 = 50;
const LEDGER_MAX: u32 = 500;

/// The member's balance, lots and the points expiring soon.
///
/// Points whose last day has passed are gone from the balance at once, even
/// before the daily expiry job writes them off.
#[utoipa::path(
    get,
    path = "/points",
    tag = "points",
    operation_id = "points_get",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Balance, lots by expiry, points expiring soon",
            body = PointsSummary),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn summary(
    State(state): State<AppState>,
    Member(auth): Member,
) -> Result<Json<PointsSummary>, ApiError> {
    let (now, today) = state.clock.today().await?;
    let id = auth.account.id;
    state.store.points_expire_member(id, today, now).await?;
    let lots = state.store.lots_of(id).await?;
    let balance = state.store.balance_of(id).await?;
    // One line per grant day and expiry: a year of daily grants is ~365
    // lines, not the ~1,500 lots behind them.
    let mut per_day: BTreeMap<(NaiveDate, NaiveDate), i64> = BTreeMap::new();
    for lot in &lots {
        *per_day.entry((lot.expires_on, lot.granted_on)).or_default() += lot.remaining;
    }
    Ok(Json(PointsSummary {
        balance,
        expiring: expiring_soon(&lots, today, state.config.expiring_soon_days),
        lots: per_day
            .into_iter()
            .map(|((expires_on, granted_on), remaining)| LotInfo {
                granted_on,
                expires_on,
                remaining,
            })
            .collect(),
    }))
}

/// The member's ledger, newest first.
///
/// Grants are positive; spending and expiry negative. Pass `next_cursor`
/// as `cursor` for the next page; it is `null` on the last.
#[utoipa::path(
    get,
    path = "/points/ledger",
    tag = "points",
    operation_id = "points_ledger",
    security(("bearer" = [])),
    params(LedgerQuery),
    responses(
        (status = 200, description = "A page of the ledger", body = LedgerPage),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 422, description = "`validation`: a bad cursor or a limit outside 1–500",
            body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn ledger(
    State(state): State<AppState>,
    Member(auth): Member,
    query: Result<Query<LedgerQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<LedgerPage>, ApiError> {
    let Query(query) =
        query.map_err(|err| ApiError::new(ErrorCode::Validation, err.body_text()))?;
    let before = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => Some(text.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            ApiError::new(ErrorCode::Validation, "not a ledger cursor").field("cursor")
        })?),
    };
    let limit = query.limit.unwrap_or(LEDGER_DEFAULT);
    if !(1..=LEDGER_MAX).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("limit must be from 1 to {LEDGER_MAX}"),
        )
        .field("limit"));
    }
    let mut entries = state
        .store
        .ledger_page(auth.account.id, before, limit + 1)
        .await?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let next_cursor = more
        .then(|| entries.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(Json(LedgerPage {
        entries,
        next_cursor,
    }))
}

/// The member's checkup results, newest first.
#[utoipa::path(
    get,
    path = "/checkups",
    tag = "points",
    operation_id = "checkups_list",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checkups the insurer imported", body = CheckupList),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 500, response = Internal),
    ),
)]
pub async fn checkups(
    State(state): State<AppState>,
    Member(auth): Member,
) -> Result<Json<CheckupList>, ApiError> {
    let member = earning::member_of(&state, &auth.account).await?;
    let mut checkups: Vec<_> = state
        .store
        .checkups_of(auth.account.roster_id)
        .await?
        .iter()
        .map(|c| earning::checkup_view(c, member.birth_date))
        .collect();
    let dates: Vec<_> = checkups.iter().map(|c| c.date).collect();
    let granted = state
        .store
        .checkup_grants(auth.account.id, &dates, &earning::checkup_codes(&state))
        .await?;
    for checkup in &mut checkups {
        checkup.points_granted = granted
            .iter()
            .filter(|g| g.date == checkup.date)
            .cloned()
            .collect();
    }
    Ok(Json(CheckupList { checkups }))
}

/// Reports a flu vaccination or a secondary exam.
///
/// One of each kind per fiscal year (of the day reported). Earns the rule's
/// points when the member is eligible, the day is in this or the last
/// fiscal year, and the rule has not been granted for that fiscal year
/// (secondary exam: employees only).
#[utoipa::path(
    post,
    path = "/reports",
    tag = "points",
    operation_id = "report_create",
    security(("bearer" = [])),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Reported; the points it earned", body = ReportCreated),
        (status = 401, response = Unauthorized),
        (status = 403, response = PasswordChangeRequired),
        (status = 409, description = "`already_reported`: one of this kind is in for the \
            fiscal year of that day", body = ErrorBody),
        (status = 422, description = "`validation`: a day in the future, a clinic for a flu \
            vaccination or one over 100 characters, or a malformed body", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn report(
    State(state): State<AppState>,
    Member(auth): Member,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<ReportCreated>), ApiError> {
    let (now, today) = state.clock.today().await?;
    if req.date > today {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "days in the future cannot be reported",
        )
        .field("date"));
    }
    let clinic = req
        .checked_clinic()
        .map_err(|why| ApiError::new(ErrorCode::Validation, why).field("clinic"))?;
    let member = earning::member_of(&state, &auth.account).await?;
    let activity = Activity::Reported {
        date: req.date,
        kind: req.kind,
    };
    let grants = earning::due(&state, &member, &activity, today);
    let (report_id, made) = state
        .store
        .report_create(
            auth.account.id,
            &NewReport {
                kind: req.kind,
                date: req.date,
                clinic: clinic.as_deref(),
            },
            &grants,
            now,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportCreated {
            report_id,
            points_granted: made.iter().map(PointsGranted::from).collect(),
        }),
    ))
}
