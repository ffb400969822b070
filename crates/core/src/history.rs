//! What the 履歴 screens show, each view whole from one call, from this
//! PC's copy only (it works offline and never waits for the network): a
//! month of the calendar, the charts' series, the fiscal-year totals with
//! the streaks, a table of days, and that table as CSV. The rules
//! (averages, trend, streaks, the BMI band, the step goal) are
//! kenpo-domain's; the sums are SQL over the indexed dates.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, Months, NaiveDate};
use kenpo_domain::api::Change;
use kenpo_domain::entry::EntryWindow;
use kenpo_domain::history::{
    Streaks, WEIGHT_TREND_HALF_LIFE_DAYS, moving_average, normal_weight_band, smoothed_trend,
    step_goal, streaks,
};
use kenpo_domain::time::FiscalYear;
use serde::{Deserialize, Serialize};

use crate::store::{LocalResult, LocalStore};

/// One day of the month calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub steps: Option<u32>,
    pub weight_kg: Option<f64>,
    pub goals_achieved: u32,
    /// Goals with a result that day (achieved or not).
    pub goals_recorded: u32,
    pub points: i32,
    /// Inside the entry window: editable, and it earns.
    pub earns: bool,
    pub future: bool,
}

/// A month of the calendar: every day of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthView {
    pub year: i32,
    pub month: u32,
    pub today: NaiveDate,
    pub days: Vec<CalendarDay>,
}

/// The chart's span, ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChartRange {
    Week,
    Month,
    Quarter,
    /// This fiscal year (年度), from 1 April.
    FiscalYear,
    /// From the first record.
    All,
}

/// The normal-BMI band as weights, at the latest checkup's height.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeightBand {
    pub height_cm: f64,
    pub low_kg: f64,
    pub high_kg: f64,
}

/// The charts' series, one entry per day of `from..=to` (empty days: null).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChartView {
    pub range: ChartRange,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<NaiveDate>,
    pub steps: Vec<Option<u32>>,
    /// The 7-day moving average of steps, on the days with steps.
    pub steps_average: Vec<Option<f64>>,
    pub weights: Vec<Option<f64>>,
    /// The smoothed weight trend, on the days with a weight.
    pub weight_trend: Vec<Option<f64>>,
    /// The daily step goal an active behaviour goal names (「1日8,000歩」).
    pub step_goal: Option<u32>,
    pub normal_band: Option<WeightBand>,
}

/// One fiscal year's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FiscalYearTotals {
    /// The year it starts in: 2026 is 2026年度 (2026/04/01–2027/03/31).
    pub fiscal_year: i32,
    pub days_recorded: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub steps_total: u64,
    /// Per day with steps, rounded.
    pub steps_average: Option<u32>,
    pub days_at_goal: u32,
    pub weight_first: Option<f64>,
    pub weight_last: Option<f64>,
    pub weight_change: Option<f64>,
    pub goals_achieved: u32,
    pub points_earned: i32,
    pub points_spent: i32,
    pub points_expired: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TotalsView {
    pub years: Vec<FiscalYearTotals>,
    pub streaks: Streaks,
    pub step_goal: Option<u32>,
}

/// A goal's column in the table (and the CSV).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalColumn {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub id: i64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableRow {
    pub date: NaiveDate,
    pub steps: Option<u32>,
    pub weight_kg: Option<f64>,
    /// One per column of [`TableView::goals`]: achieved, not, or no result.
    pub goals: Vec<Option<bool>>,
    pub points: i32,
}

/// The days of a range with anything recorded or earned, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub goals: Vec<GoalColumn>,
    pub rows: Vec<TableRow>,
}

/// The CSV's words, in the UI's language (the UI owns its wording).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvWords {
    pub date: String,
    pub steps: String,
    pub weight: String,
    pub points: String,
    pub achieved: String,
    pub not_achieved: String,
}

fn points(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

/// The first day of `year`-`month`, or `None` for a month chrono cannot hold.
fn month_start(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// The month calendar of `year`-`month`; `today` is Japan's today.
pub async fn month_view(
    store: &LocalStore,
    window: EntryWindow,
    year: i32,
    month: u32,
    today: NaiveDate,
) -> LocalResult<MonthView> {
    let start = month_start(year, month)
        .or_else(|| month_start(today.year(), today.month()))
        .unwrap_or(today);
    let end = start
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(start);
    let rows = store.days_between(start, end).await?;
    let earned = store.points_earned_by_day(start, end).await?;
    let mut days = Vec::with_capacity(31);
    let (mut r, mut e) = (rows.iter().peekable(), earned.iter().peekable());
    for date in start.iter_days().take_while(|d| *d <= end) {
        let row = r.next_if(|row| row.date == date);
        let points_that_day = e.next_if(|(d, _)| *d == date).map_or(0, |(_, p)| *p);
        days.push(CalendarDay {
            date,
            steps: row.and_then(|row| row.steps),
            weight_kg: row.and_then(|row| row.weight_kg),
            goals_achieved: row.map_or(0, |row| row.goals_achieved),
            goals_recorded: row.map_or(0, |row| row.goals_recorded),
            points: points(points_that_day),
            earns: window.classify(date, today) == kenpo_domain::entry::EntryDay::Earning,
            future: date > today,
        });
    }
    Ok(MonthView {
        year: start.year(),
        month: start.month(),
        today,
        days,
    })
}

/// The step goal the active goals name.
async fn current_step_goal(store: &LocalStore) -> LocalResult<Option<u32>> {
    let goals = store.goals().await?;
    Ok(step_goal(
        goals.iter().filter(|g| g.active).map(|g| g.label.as_str()),
    ))
}

/// The height of the latest checkup on this PC, if any.
async fn latest_height(store: &LocalStore) -> LocalResult<Option<kenpo_domain::health::Height>> {
    let checkups = store.mirrored("checkup").await?;
    Ok(checkups
        .iter()
        .filter_map(|change| match change {
            Change::Checkup(checkup) => Some(checkup),
            _ => None,
        })
        .max_by_key(|checkup| checkup.date)
        .map(|checkup| checkup.height_cm))
}

/// The charts of `range`, ending `today`.
pub async fn chart_view(
    store: &LocalStore,
    range: ChartRange,
    today: NaiveDate,
) -> LocalResult<ChartView> {
    let back = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let from = match range {
        ChartRange::Week => back(6),
        ChartRange::Month => today
            .checked_sub_months(Months::new(1))
            .map_or(today, |d| d + Days::new(1)),
        ChartRange::Quarter => today
            .checked_sub_months(Months::new(3))
            .map_or(today, |d| d + Days::new(1)),
        ChartRange::FiscalYear => FiscalYear::of(today).first_day(),
        ChartRange::All => store
            .record_span()
            .await?
            .map_or(back(6), |(first, _)| first.min(back(6))),
    };
    // Six days more, so the first days' averages have their week.
    let lead = from.checked_sub_days(Days::new(6)).unwrap_or(from);
    let rows = store.days_between(lead, today).await?;
    let steps: Vec<(NaiveDate, f64)> = rows
        .iter()
        .filter_map(|r| r.steps.map(|s| (r.date, f64::from(s))))
        .collect();
    let weights: Vec<(NaiveDate, f64)> = rows
        .iter()
        .filter_map(|r| r.weight_kg.map(|w| (r.date, w)))
        .collect();
    let average = moving_average(&steps, 7);
    let trend = smoothed_trend(&weights, WEIGHT_TREND_HALF_LIFE_DAYS);
    let days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= today).collect();
    let column = |series: &[(NaiveDate, f64)]| -> Vec<Option<f64>> {
        let mut out = vec![None; days.len()];
        for &(date, value) in series {
            if let Ok(i) = usize::try_from((date - from).num_days())
                && i < out.len()
            {
                out[i] = Some(value);
            }
        }
        out
    };
    let step_column = column(&steps)
        .into_iter()
        .map(|v| v.map(|s| s as u32))
        .collect();
    let normal_band = latest_height(store).await?.map(|height| {
        let (low_kg, high_kg) = normal_weight_band(height);
        WeightBand {
            height_cm: height.cm(),
            low_kg,
            high_kg,
        }
    });
    Ok(ChartView {
        range,
        from,
        to: today,
        steps: step_column,
        steps_average: column(&average),
        weights: column(&weights),
        weight_trend: column(&trend),
        days,
        step_goal: current_step_goal(store).await?,
        normal_band,
    })
}

/// The fiscal-year totals and the streaks, as of `today`: the days from
/// SQL, put into their fiscal years by kenpo-domain.
pub async fn totals_view(store: &LocalStore, today: NaiveDate) -> LocalResult<TotalsView> {
    let goal = current_step_goal(store).await?;
    let days = match store.record_span().await? {
        Some((first, last)) => store.days_between(first, last).await?,
        None => Vec::new(),
    };
    let mut years: BTreeMap<i32, FiscalYearTotals> = BTreeMap::new();
    let blank = |fiscal_year| FiscalYearTotals {
        fiscal_year,
        days_recorded: 0,
        steps_total: 0,
        steps_average: None,
        days_at_goal: 0,
        weight_first: None,
        weight_last: None,
        weight_change: None,
        goals_achieved: 0,
        points_earned: 0,
        points_spent: 0,
        points_expired: 0,
    };
    let mut step_days: BTreeMap<i32, u32> = BTreeMap::new();
    for day in &days {
        let fy = FiscalYear::of(day.date).start_year();
        let year = years.entry(fy).or_insert_with(|| blank(fy));
        year.days_recorded += 1;
        if let Some(steps) = day.steps {
            year.steps_total += u64::from(steps);
            *step_days.entry(fy).or_default() += 1;
            if goal.is_some_and(|g| steps >= g) {
                year.days_at_goal += 1;
            }
        }
        if let Some(kg) = day.weight_kg {
            year.weight_first.get_or_insert(kg);
            year.weight_last = Some(kg);
        }
        year.goals_achieved += day.goals_achieved;
    }
    for (fy, earned, spent, expired) in store.fiscal_year_points().await? {
        let year = years.entry(fy).or_insert_with(|| blank(fy));
        year.points_earned = points(earned);
        year.points_spent = points(spent);
        year.points_expired = points(expired);
    }
    for year in years.values_mut() {
        let counted = step_days.get(&year.fiscal_year).copied().unwrap_or(0);
        year.steps_average =
            (counted > 0).then(|| (year.steps_total as f64 / f64::from(counted)).round() as u32);
        year.weight_change = year
            .weight_first
            .zip(year.weight_last)
            .map(|(first, last)| ((last - first) * 10.0).round() / 10.0);
    }
    let recorded: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    Ok(TotalsView {
        years: years.into_values().collect(),
        streaks: streaks(&recorded, today),
        step_goal: goal,
    })
}

/// The days of `from..=to` as a table, oldest first.
pub async fn table_view(
    store: &LocalStore,
    from: NaiveDate,
    to: NaiveDate,
) -> LocalResult<TableView> {
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let rows = store.days_between(from, to).await?;
    let earned = store.points_earned_by_day(from, to).await?;
    let results = store.goal_results(from, to).await?;
    let labels = store.goals().await?;
    let mut ids: Vec<i64> = results.iter().map(|(_, id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let goals: Vec<GoalColumn> = ids
        .iter()
        .map(|&id| GoalColumn {
            id,
            label: labels
                .iter()
                .find(|g| g.id.0 == id)
                .map_or_else(String::new, |g| g.label.as_str().to_owned()),
        })
        .collect();
    let column: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut table: BTreeMap<NaiveDate, TableRow> = BTreeMap::new();
    let blank = |date| TableRow {
        date,
        steps: None,
        weight_kg: None,
        goals: vec![None; ids.len()],
        points: 0,
    };
    for row in &rows {
        let entry = table.entry(row.date).or_insert_with(|| blank(row.date));
        entry.steps = row.steps;
        entry.weight_kg = row.weight_kg;
    }
    for (date, id, achieved) in &results {
        let entry = table.entry(*date).or_insert_with(|| blank(*date));
        if let Some(&i) = column.get(id) {
            entry.goals[i] = Some(*achieved);
        }
    }
    for (date, earned) in &earned {
        table.entry(*date).or_insert_with(|| blank(*date)).points = points(*earned);
    }
    let table: Vec<TableRow> = table.into_values().collect();
    Ok(TableView {
        from,
        to,
        goals,
        rows: table,
    })
}

/// The table of `from..=to` as CSV for Excel on a Japanese PC: UTF-8 with
/// a BOM, a header row in the UI's words, one column per kind and per goal,
/// dates as 2026/12/02.
pub fn table_csv(table: &TableView, words: &CsvWords) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec![
        words.date.clone(),
        words.steps.clone(),
        words.weight.clone(),
    ];
    header.extend(table.goals.iter().map(|g| g.label.clone()));
    header.push(words.points.clone());
    // Writing into memory cannot fail.
    let _ = out.write_record(&header);
    for row in &table.rows {
        let mut fields = vec![
            row.date.format("%Y/%m/%d").to_string(),
            row.steps.map_or_else(String::new, |s| s.to_string()),
            row.weight_kg
                .map_or_else(String::new, |w| format!("{w:.1}")),
        ];
        fields.extend(row.goals.iter().map(|g| match g {
            Some(true) => words.achieved.clone(),
            Some(false) => words.not_achieved.clone(),
            None => String::new(),
        }));
        fields.push(row.points.to_string());
        let _ = out.write_record(&fields);
    }
    let body = out.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&body))
}
