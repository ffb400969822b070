//! The demo member's past: two years of plausible daily records for
//! 山田 太郎 (U100001), so that a newcomer's first look at 履歴 after the demo
//! login shows living charts that arrive through the normal sync.
//!
//! Steps are higher on weekdays (the commute) than at weekends, with walks
//! now and then; the weight drifts down over the two years with a bump
//! each New Year; some days are missed, and two holidays leave gaps. The
//! same seed gives the same past. Loaded once: a member with records
//! already is left alone. Records inside the entry window earn their
//! points as any record does.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Weekday};
use kenpo_domain::entry::{EntryValue, GoalLabel, GoalResult, Steps, Weight};
use kenpo_domain::points::Activity;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::AppState;
use crate::store::{RecordItem, StoreResult};

/// The demo member whose past is filled.
pub const DEMO_LOGIN: &str = "U100001";
/// The behaviour goal the demo member has, naming a daily step goal.
pub const DEMO_GOAL: &str = "1日8,000歩あるく";
const DAYS: u64 = 730;

/// One day of the demo past: what was recorded (all optional).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoDay {
    pub date: NaiveDate,
    pub steps: Option<u32>,
    pub weight_kg: Option<f64>,
}

/// The two years before `today` (today excluded: the member checks in).
pub fn demo_days(today: NaiveDate) -> Vec<DemoDay> {
    past_days(today, DAYS)
}

/// `count` days of such a past before `today` (benchmarks take ten years).
pub fn past_days(today: NaiveDate, count: u64) -> Vec<DemoDay> {
    let mut rng = StdRng::seed_from_u64(20_261_202);
    let start = today - Days::new(count);
    // Two holidays with nothing recorded.
    let gaps = [(200u64, 9u64), (540, 12)];
    let mut out = Vec::new();
    for n in 0..count {
        let date = start + Days::new(n);
        if gaps.iter().any(|&(from, len)| n >= from && n < from + len) || rng.random_bool(0.06) {
            continue;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let base: f64 = if weekend { 5_200.0 } else { 8_600.0 };
        let walk = if rng.random_bool(0.08) { 5_000.0 } else { 0.0 };
        let steps = (base + walk + rng.random_range(-2_800.0..2_800.0)).clamp(300.0, 30_000.0);
        // 74 kg at the start, 69 kg now, with a winter bump and some noise.
        let progress = n as f64 / count as f64;
        let winter = {
            let from_new_year = i64::from(date.ordinal0()).min(365 - i64::from(date.ordinal0()));
            (1.0 - (from_new_year as f64 / 30.0)).max(0.0) * 0.9
        };
        let weight = 74.0 - 5.0 * progress + winter + rng.random_range(-0.4..0.4);
        out.push(DemoDay {
            date,
            steps: rng.random_bool(0.97).then_some(steps.round() as u32),
            weight_kg: rng
                .random_bool(0.6)
                .then_some((weight * 10.0).round() / 10.0),
        });
    }
    out
}

/// Fills the demo member's past, once. Returns how many days were written
/// (0 when the member is not there or has records already).
pub async fn load(state: &AppState, until: Option<NaiveDate>) -> StoreResult<usize> {
    fill(state, DAYS, until).await
}

/// Fills `count` days of the demo member's past, once: the days before
/// `until` (the app's today), or before the server's today when that is
/// sooner or none is given (a later day would be refused as the future).
pub async fn fill(state: &AppState, count: u64, until: Option<NaiveDate>) -> StoreResult<usize> {
    let (now, server_today) = state.clock.today().await?;
    let today = until.map_or(server_today, |until| until.min(server_today));
    let Some(account) = demo_account(state, now).await? else {
        return Ok(0);
    };
    let from = today - Days::new(count + 1);
    if !state
        .store
        .records_between(account.id, from, today)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let label = GoalLabel::parse(DEMO_GOAL).expect("the demo goal is valid");
    let goals = state
        .store
        .goals_replace(account.id, &[(None, label)], now)
        .await?;
    let goal_id = goals.first().map(|g| g.id);
    let member = crate::earning::member_of(state, &account).await?;
    let days = past_days(today, count);
    let mut items = Vec::new();
    for day in &days {
        // Entered in the evening, Japan time.
        let updated_at = kenpo_domain::time::JST
            .from_local_datetime(&day.date.and_hms_opt(21, 0, 0).expect("a real time"))
            .single()
            .expect("JST has no gaps")
            .fixed_offset();
        let mut values = Vec::new();
        if let Some(steps) = day.steps.and_then(|s| Steps::new(s).ok()) {
            values.push(EntryValue::Steps(steps));
            if let Some(goal_id) = goal_id {
                values.push(EntryValue::Goal(GoalResult {
                    goal_id,
                    achieved: steps.get() >= 8_000,
                }));
            }
        }
        if let Some(weight) = day.weight_kg.and_then(|w| Weight::from_kg(w).ok()) {
            values.push(EntryValue::Weight(weight));
        }
        for value in values {
            let activity = Activity::Recorded {
                date: day.date,
                kind: value.kind(),
            };
            items.push(RecordItem::Valid {
                date: day.date,
                value,
                updated_at,
                grants: crate::earning::due(state, &member, &activity, today),
            });
        }
    }
    for batch in items.chunks(1_000) {
        state
            .store
            .records_write(account.id, batch, None, now)
            .await?;
    }
    Ok(days.len())
}

/// The demo member's account: issued now as the first login would issue
/// it (the birth date as the initial password, to be changed), so that
/// the past is there before that login.
async fn demo_account(state: &AppState, now: i64) -> StoreResult<Option<crate::store::Account>> {
    if let Some(account) = state.store.account_by_login(DEMO_LOGIN).await? {
        return Ok(Some(account));
    }
    let employee = DEMO_LOGIN.trim_start_matches('U');
    let Some(person) = state.store.roster_by_employee(employee).await? else {
        return Ok(None);
    };
    let initial = person.entry.birth_date.format("%Y%m%d").to_string();
    let password_hash = state.hasher.hash(&initial).await.map_err(|_| {
        crate::store::StoreError::Corrupt("the demo password could not be hashed".into())
    })?;
    let id = state
        .store
        .account_create(
            &crate::store::NewAccount {
                roster_id: person.id,
                login_id: DEMO_LOGIN.to_owned(),
                password_hash,
                password_change_required: true,
                kind: kenpo_domain::member::Relationship::Insured,
                nickname: None,
                notification_email: None,
            },
            now,
        )
        .await?;
    state.store.account_get(id).await
}

/// The demo member's latest checkup, half a year ago (its height draws the
/// normal-BMI band on the weight chart): a checkup file of one row.
pub fn demo_checkup_csv(today: NaiveDate) -> String {
    let date = today - Days::new(180);
    format!(
        "{}\n10,1001,00,{date},170.2,71.0,24.5,no,44\n",
        crate::imports::CHECKUP_HEADER.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_years_with_gaps_a_weekday_rhythm_and_a_falling_weight() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let days = demo_days(today);
        assert!(days.len() > 600 && days.len() < 700, "{}", days.len());
        assert!(days.iter().all(|d| d.date < today));
        assert_eq!(days, demo_days(today), "the same past every time");
        let mean = |weekend: bool| {
            let steps: Vec<f64> = days
                .iter()
                .filter(|d| matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) == weekend)
                .filter_map(|d| d.steps.map(f64::from))
                .collect();
            steps.iter().sum::<f64>() / steps.len() as f64
        };
        assert!(mean(false) > mean(true) + 2_000.0);
        let weights: Vec<f64> = days.iter().filter_map(|d| d.weight_kg).collect();
        let first: f64 = weights[..30].iter().sum::<f64>() / 30.0;
        let last: f64 = weights[weights.len() - 30..].iter().sum::<f64>() / 30.0;
        assert!(first - last > 3.0, "{first} → {last}");
        let longest_gap = days
            .windows(2)
            .map(|w| (w[1].date - w[0].date).num_days())
            .max()
            .unwrap();
        assert!(longest_gap >= 10, "a holiday shows as a gap");
    }
}
