//! The 履歴 views on a 10-year fixture of one member's copy: fiscal-year
//! totals equal the sums of the days (bucketed by kenpo-domain), the
//! fiscal-year edge at 3/31 and 4/1, the month, the chart, the table and
//! its CSV.

mod support;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use kenpo_core::client::FeedItem;
use kenpo_core::history::{
    ChartRange, CsvWords, chart_view, month_view, table_csv, table_view, totals_view,
};
use kenpo_core::store::{DbKey, LocalStore};
use kenpo_domain::entry::EntryWindow;
use kenpo_domain::time::FiscalYear;
use serde_json::json;
use support::ten_years::{Day, TODAY, d, fixture};

async fn store_with_fixture() -> (tempfile::TempDir, LocalStore, BTreeMap<NaiveDate, Day>) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(&dir.path().join("p.db"), &DbKey::generate())
        .await
        .unwrap();
    let (items, days) = fixture();
    let applied = store.apply_changes(&items, "c1").await.unwrap();
    assert_eq!((applied.unknown, applied.invalid), (0, 0));
    (dir, store, days)
}

#[tokio::test]
async fn fiscal_year_totals_are_the_sums_of_their_days() {
    let (_dir, store, days) = store_with_fixture().await;
    let totals = totals_view(&store, d(TODAY)).await.unwrap();
    assert_eq!(totals.step_goal, Some(8000), "named by goal 1's label");
    let mut by_year: BTreeMap<i32, Vec<(NaiveDate, Day)>> = BTreeMap::new();
    for (date, day) in &days {
        by_year
            .entry(FiscalYear::of(*date).start_year())
            .or_default()
            .push((*date, *day));
    }
    assert_eq!(
        totals
            .years
            .iter()
            .map(|y| y.fiscal_year)
            .collect::<Vec<_>>(),
        by_year.keys().copied().collect::<Vec<_>>()
    );
    for year in &totals.years {
        let days = &by_year[&year.fiscal_year];
        let recorded = days
            .iter()
            .filter(|(_, d)| d.steps.is_some() || d.weight_hg.is_some() || d.goals_achieved > 0)
            .count();
        let steps: u64 = days
            .iter()
            .filter_map(|(_, d)| d.steps)
            .map(u64::from)
            .sum();
        let step_days = days.iter().filter(|(_, d)| d.steps.is_some()).count() as u64;
        let weights: Vec<i64> = days.iter().filter_map(|(_, d)| d.weight_hg).collect();
        assert!(
            year.days_recorded as usize >= recorded,
            "FY{}",
            year.fiscal_year
        );
        assert_eq!(year.steps_total, steps, "FY{}", year.fiscal_year);
        assert_eq!(
            year.steps_average,
            Some((steps as f64 / step_days as f64).round() as u32)
        );
        assert_eq!(
            year.days_at_goal as usize,
            days.iter()
                .filter(|(_, d)| d.steps.is_some_and(|s| s >= 8000))
                .count()
        );
        assert_eq!(year.weight_first, weights.first().map(|w| *w as f64 / 10.0));
        assert_eq!(year.weight_last, weights.last().map(|w| *w as f64 / 10.0));
        let sum = |f: fn(&Day) -> i64| days.iter().map(|(_, d)| f(d)).sum::<i64>();
        assert_eq!(
            i64::from(year.goals_achieved),
            sum(|d| i64::from(d.goals_achieved))
        );
        assert_eq!(i64::from(year.points_earned), sum(|d| d.earned));
        assert_eq!(i64::from(year.points_spent), sum(|d| d.spent));
        assert_eq!(i64::from(year.points_expired), sum(|d| d.expired));
    }
    assert!(totals.streaks.longest >= 8 && totals.streaks.current >= 1);
}

#[tokio::test]
async fn the_fiscal_year_turns_between_31_march_and_1_april() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(&dir.path().join("p.db"), &DbKey::generate())
        .await
        .unwrap();
    let items: Vec<FeedItem> = [("2026-03-31", 1000), ("2026-04-01", 2000)]
        .iter()
        .map(|(date, steps)| {
            FeedItem::Change(
                serde_json::from_value(json!({"type": "record", "date": date, "kind": "steps",
                    "value": steps, "updated_at": format!("{date}T23:59:00+09:00")}))
                .unwrap(),
            )
        })
        .collect();
    store.apply_changes(&items, "c").await.unwrap();
    let totals = totals_view(&store, d(TODAY)).await.unwrap();
    let years: Vec<(i32, u64)> = totals
        .years
        .iter()
        .map(|y| (y.fiscal_year, y.steps_total))
        .collect();
    assert_eq!(years, [(2025, 1000), (2026, 2000)]);
}

#[tokio::test]
async fn the_month_the_chart_and_the_table_show_the_stored_days() {
    let (_dir, store, days) = store_with_fixture().await;
    let today = d(TODAY);
    let month = month_view(&store, EntryWindow::default(), 2026, 11, today)
        .await
        .unwrap();
    assert_eq!(month.days.len(), 30);
    for day in &month.days {
        let want = days[&day.date];
        assert_eq!(day.steps, want.steps);
        assert_eq!(day.weight_kg, want.weight_hg.map(|w| w as f64 / 10.0));
        assert_eq!(i64::from(day.points), want.earned);
        assert!(!day.future);
    }
    assert!(
        month.days.last().unwrap().earns,
        "11/30 is inside the 30-day window"
    );
    assert!(!month.days[0].earns, "11/1 is not");
    let december = month_view(&store, EntryWindow::default(), 2026, 12, today)
        .await
        .unwrap();
    assert!(december.days[2].future && !december.days[1].future);

    let chart = chart_view(&store, ChartRange::All, today).await.unwrap();
    assert_eq!(chart.days.len(), 3651);
    assert_eq!(chart.days.first(), Some(&(today - Days::new(3650))));
    assert_eq!(chart.steps.len(), chart.days.len());
    assert_eq!(chart.step_goal, Some(8000));
    assert!(chart.normal_band.is_none(), "no checkup: no height");
    let week = chart_view(&store, ChartRange::Week, today).await.unwrap();
    assert_eq!(week.days.len(), 7);
    assert!(week.steps_average.iter().flatten().all(|v| *v > 0.0));
    let fy = chart_view(&store, ChartRange::FiscalYear, today)
        .await
        .unwrap();
    assert_eq!(fy.from, d("2026-04-01"));

    let from = d("2026-11-01");
    let table = table_view(&store, from, today).await.unwrap();
    let with_anything = days
        .range(from..=today)
        .filter(|(_, d)| {
            d.steps.is_some() || d.weight_hg.is_some() || d.goals_achieved > 0 || d.earned != 0
        })
        .count();
    assert!(
        table.rows.len() >= with_anything && table.rows.len() <= 32,
        "{}",
        table.rows.len()
    );
    assert_eq!(table.goals.len(), 2);
    assert_eq!(table.goals[0].label, "1日8,000歩あるく");
    let words = CsvWords {
        date: "日付".into(),
        steps: "歩数".into(),
        weight: "体重(kg)".into(),
        points: "ポイント".into(),
        achieved: "達成".into(),
        not_achieved: "未達成".into(),
    };
    let csv = table_csv(&table, &words);
    assert!(
        csv.starts_with("\u{feff}日付,歩数,体重(kg),1日8,000歩あるく,階段を使う,ポイント\r\n")
            || csv.starts_with(
                "\u{feff}日付,歩数,体重(kg),\"1日8,000歩あるく\",階段を使う,ポイント\r\n"
            ),
        "{}",
        &csv[..80]
    );
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), table.rows.len());
    for (row, want) in rows.iter().zip(&table.rows) {
        assert_eq!(&row[0], want.date.format("%Y/%m/%d").to_string());
        assert_eq!(row[1].parse::<u32>().ok(), want.steps);
    }
}
