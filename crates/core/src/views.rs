//! What the screens show, built from the local store: one type per view.

use chrono::NaiveDate;
use kenpo_domain::api::{
    CatalogItem, ErrorCode as ApiErrorCode, LedgerEntryInfo, PointsSummary, RecordValue,
};
use kenpo_domain::entry::{EntryDay, EntryWindow, Goal, GoalId, RecordKind};
use kenpo_domain::statement::{LineKind, fiscal_year_of};
use serde::Serialize;

use crate::profiles::Profile;
use crate::store::{LocalResult, LocalStore};

/// One day of the Today screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayView {
    pub date: NaiveDate,
    /// Whether the day still earns points, or is only kept.
    pub earns: bool,
    pub steps: Option<u32>,
    /// Kilograms, one decimal.
    pub weight_kg: Option<f64>,
    pub goals: Vec<GoalDay>,
    /// Some edit of this day has not reached the server yet.
    pub pending: bool,
    /// Entries of this day the insurer refused, with its reason.
    pub refused: Vec<Refused>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalDay {
    pub goal: Goal,
    pub achieved: Option<bool>,
}

/// An entry the insurer would not take (kept on this PC as entered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Refused {
    pub kind: RecordKind,
    pub goal_id: Option<GoalId>,
    /// The insurer's code (`validation`, …).
    pub code: ApiErrorCode,
}

/// The Points screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PointsView {
    /// From the server when it answered; else the last synced ledger.
    pub summary: Option<PointsSummary>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance: i64,
    /// The whole ledger as last synced, newest first.
    pub ledger: Vec<LedgerLine>,
    /// The fiscal years the ledger has lines in, newest first.
    pub fiscal_years: Vec<i32>,
    /// The next points to expire, and what they would still buy.
    pub next_expiry: Option<ExpiryPlan>,
    pub offline: bool,
}

/// A ledger line with what the statement's filters need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerLine {
    pub entry: LedgerEntryInfo,
    pub kind: LineKind,
    /// The fiscal year by its starting year (2026 = 2026年度).
    pub fiscal_year: i32,
}

impl From<LedgerEntryInfo> for LedgerLine {
    fn from(entry: LedgerEntryInfo) -> Self {
        Self {
            kind: LineKind::of(&entry),
            fiscal_year: fiscal_year_of(&entry),
            entry,
        }
    }
}

/// The expiry planner: "1,240ポイントが2027年3月31日に失効します".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExpiryPlan {
    pub expires_on: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
    /// Catalog items (in stock, as last fetched) the points would buy one
    /// of, dearest first.
    pub within_reach: Vec<CatalogItem>,
}

/// What a login found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoggedIn {
    pub profile: Profile,
    pub password_change_required: bool,
    /// Where no keychain holds the key of this PC's copy: the passphrase
    /// the member must choose or enter before it opens. Until then no
    /// profile is active (the session waits, in memory).
    pub passphrase: Option<PassphraseStep>,
}

/// What opens a PC's copy where no keychain holds its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PassphraseStep {
    /// A first copy on this PC: the member chooses a passphrase for it.
    Choose,
    /// The member enters the passphrase chosen for this copy.
    Enter,
}

/// The day `date` as the Today screen shows it, `today` being Japan's today.
pub async fn day_view(
    store: &LocalStore,
    window: EntryWindow,
    date: NaiveDate,
    today: NaiveDate,
) -> LocalResult<DayView> {
    let records = store.records_between(date, date).await?;
    let goals = store.goals().await?;
    let mut view = DayView {
        date,
        earns: window.classify(date, today) == EntryDay::Earning,
        steps: None,
        weight_kg: None,
        goals: goals
            .into_iter()
            .filter(|g| g.active)
            .map(|goal| GoalDay {
                goal,
                achieved: None,
            })
            .collect(),
        pending: records.iter().any(|r| r.pending),
        refused: Vec::new(),
    };
    for local in records {
        if let Some(code) = &local.rejected_code {
            view.refused.push(Refused {
                kind: local.record.kind,
                goal_id: local.record.goal_id,
                code: serde_json::from_value(serde_json::Value::String(code.clone()))
                    .unwrap_or(ApiErrorCode::Unknown),
            });
        }
        match (local.record.kind, local.record.value) {
            (RecordKind::Steps, RecordValue::Number(n)) => view.steps = Some(n as u32),
            (RecordKind::Weight, RecordValue::Number(n)) => view.weight_kg = Some(n),
            (RecordKind::Goal, RecordValue::Flag(done)) => {
                if let Some(goal) = view
                    .goals
                    .iter_mut()
                    .find(|g| Some(g.goal.id) == local.record.goal_id)
                {
                    goal.achieved = Some(done);
                }
            }
            _ => {}
        }
    }
    Ok(view)
}
