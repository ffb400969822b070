//! Who earns what: kenpo-domain's point rules applied to the server's
//! members. The rules themselves (amounts, periods, ages, windows) are all
//! in [`kenpo_domain::points::grants_due`]; the store's unique keys make
//! each grant at most once.

use chrono::NaiveDate;
use kenpo_domain::api::Checkup;
use kenpo_domain::member::Member;
use kenpo_domain::points::{Activity, CheckupFacts, CheckupKind, Grant, RuleCode, Trigger};
use kenpo_domain::time::age_on;

use crate::http::AppState;
use crate::store::{Account, CheckupResult, StoreError, StoreResult};

/// The member as the rules see them: relationship and birth date.
pub async fn member_of(state: &AppState, account: &Account) -> StoreResult<Member> {
    let person = state
        .store
        .roster_get(account.roster_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("account without roster entry".into()))?;
    Ok(Member {
        relationship: account.kind,
        birth_date: person.entry.birth_date,
    })
}

/// The grants due for `activity` on `today` (the store refuses repeats).
pub fn due(state: &AppState, member: &Member, activity: &Activity, today: NaiveDate) -> Vec<Grant> {
    kenpo_domain::points::grants_due(
        &state.rules,
        member,
        activity,
        today,
        state.config.entry_window_days,
        &[],
    )
}

/// What an imported checkup result says to the rules. The import file does
/// not say which kind of checkup it was: such results count as submitted.
pub fn checkup_activity(result: &CheckupResult) -> Activity {
    Activity::Checkup(CheckupFacts {
        date: result.date,
        kind: CheckupKind::Submitted,
        bmi: Some(result.bmi),
        smoker: Some(result.smoker),
        health_age: result.health_age,
    })
}

/// The codes of the rules a checkup result earns.
pub fn checkup_codes(state: &AppState) -> Vec<RuleCode> {
    state
        .rules
        .rules()
        .iter()
        .filter(|rule| {
            rule.ways
                .iter()
                .any(|way| matches!(way.trigger, Trigger::Checkup { .. }))
        })
        .map(|rule| rule.code.clone())
        .collect()
}

/// A stored checkup as the member sees it (without what it earned).
pub fn checkup_view(result: &CheckupResult, birth_date: NaiveDate) -> Checkup {
    Checkup {
        points_granted: Vec::new(),
        date: result.date,
        height_cm: result.height,
        weight_kg: result.weight,
        bmi: result.bmi,
        smoker: result.smoker,
        health_age: result.health_age,
        real_age: age_on(birth_date, result.date).unwrap_or(0),
    }
}

/// The points of a new account: registration, and the checkups the insurer
/// imported before the member registered.
pub async fn welcome(state: &AppState, account: &Account, now: i64) -> StoreResult<Vec<Grant>> {
    let (_, today) = state.clock.today().await?;
    let member = member_of(state, account).await?;
    let mut grants = due(state, &member, &Activity::Registered, today);
    for checkup in state.store.checkups_of(account.roster_id).await? {
        grants.extend(due(state, &member, &checkup_activity(&checkup), today));
    }
    state
        .store
        .grants_apply(account.id, &grants, None, now)
        .await
}
