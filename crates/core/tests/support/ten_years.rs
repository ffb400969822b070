//! Ten years of one member's copy, for the history tests and benchmark:
//! steps most days, weight every other day, two goals every third day,
//! 10 points per steps day, a spend every 100th day, an expiry each 1 April.
#![allow(dead_code)] // the test and the benchmark use different parts

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use kenpo_core::client::FeedItem;
use kenpo_domain::api::Change;
use serde_json::json;

pub fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub const TODAY: &str = "2026-12-02";

/// What the fixture holds for one day.
#[derive(Default, Clone, Copy)]
pub struct Day {
    pub steps: Option<u32>,
    pub weight_hg: Option<i64>,
    pub goals_achieved: u32,
    pub earned: i64,
    pub spent: i64,
    pub expired: i64,
}

/// Ten years up to today: steps most days, weight every other day, two
/// goals every third day, 10 points per steps day, a spend every 100th day
/// and an expiry each 1 April.
pub fn fixture() -> (Vec<FeedItem>, BTreeMap<NaiveDate, Day>) {
    let today = d(TODAY);
    let start = today - Days::new(3650);
    let mut items = vec![
        json!({"type": "goal", "id": 1, "label": "1日8,000歩あるく", "active": true}),
        json!({"type": "goal", "id": 2, "label": "階段を使う", "active": true}),
    ];
    let mut days = BTreeMap::new();
    let mut ledger_id = 0;
    for n in 0..=3650u64 {
        let date = start + Days::new(n);
        let at = format!("{date}T21:00:00+09:00");
        let mut day = Day::default();
        if n % 9 != 4 {
            let steps = 3_000 + (n * 37 % 9_000) as u32;
            items.push(json!({"type": "record", "date": date, "kind": "steps", "value": steps, "updated_at": at}));
            day.steps = Some(steps);
            ledger_id += 1;
            items.push(json!({"type": "ledger", "id": ledger_id, "date": date, "code": "steps", "points": 10, "expires_on": null, "note": null}));
            day.earned += 10;
        }
        if n % 2 == 0 {
            let hg = 700 + (n % 40) as i64;
            items.push(json!({"type": "record", "date": date, "kind": "weight", "value": hg as f64 / 10.0, "updated_at": at}));
            day.weight_hg = Some(hg);
        }
        if n % 3 == 0 {
            for goal in [1, 2] {
                let achieved = (n / 3 + goal) % 2 == 0;
                items.push(json!({"type": "record", "date": date, "kind": "goal", "goal_id": goal, "value": achieved, "updated_at": at}));
                day.goals_achieved += u32::from(achieved);
            }
        }
        if n % 100 == 50 {
            ledger_id += 1;
            items.push(json!({"type": "ledger", "id": ledger_id, "date": date, "code": "exchange", "points": -500, "expires_on": null, "note": null}));
            day.spent += 500;
        }
        if date.month() == 4 && date.day() == 1 {
            ledger_id += 1;
            items.push(json!({"type": "ledger", "id": ledger_id, "date": date, "code": "expiry", "points": -50, "expires_on": null, "note": null}));
            day.expired += 50;
        }
        days.insert(date, day);
    }
    let items = items
        .into_iter()
        .map(|value| FeedItem::Change(serde_json::from_value::<Change>(value).unwrap()))
        .collect();
    (items, days)
}
