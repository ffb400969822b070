//! The rules of the member's history: moving averages and the weight
//! trend, streaks of recorded days, the normal-BMI band as kilograms, the
//! step goal a behaviour goal names, and fiscal-year buckets.
//!
//! Series are `(day, value)` pairs in ascending day order, one per day at
//! most; days without a value are simply absent. Windows count calendar
//! days, so a gap shrinks a window instead of reaching further back.

use chrono::NaiveDate;

use crate::health::Height;
use crate::time::FiscalYear;

/// The average over the `days` calendar days ending on each day that has a
/// value (that day included), of the values in that window.
///
/// ```
/// use chrono::NaiveDate;
/// use kenpo_domain::history::moving_average;
/// let d = |n| NaiveDate::from_ymd_opt(2026, 12, n).unwrap();
/// let avg = moving_average(&[(d(1), 1000.0), (d(2), 3000.0), (d(9), 8000.0)], 7);
/// assert_eq!(avg, [(d(1), 1000.0), (d(2), 2000.0), (d(9), 8000.0)]);
/// ```
pub fn moving_average(series: &[(NaiveDate, f64)], days: u32) -> Vec<(NaiveDate, f64)> {
    let span = i64::from(days.max(1));
    let mut out = Vec::with_capacity(series.len());
    let (mut start, mut sum) = (0, 0.0);
    for (end, &(day, value)) in series.iter().enumerate() {
        sum += value;
        while (day - series[start].0).num_days() >= span {
            sum -= series[start].1;
            start += 1;
        }
        // Summing again keeps rounding from drifting over 10 years of days.
        let count = end - start + 1;
        let exact = if count <= 64 {
            series[start..=end].iter().map(|(_, v)| v).sum::<f64>()
        } else {
            sum
        };
        out.push((day, exact / count as f64));
    }
    out
}

/// An exponentially smoothed trend through the values: each day moves the
/// trend `1 − 0.5^(gap / half_life)` of the way to the day's value, so a
/// gap of several days lets the trend follow further. Starts at the first
/// value.
pub fn smoothed_trend(series: &[(NaiveDate, f64)], half_life_days: f64) -> Vec<(NaiveDate, f64)> {
    let half_life = half_life_days.max(0.01);
    let mut out = Vec::with_capacity(series.len());
    let mut last: Option<(NaiveDate, f64)> = None;
    for &(day, value) in series {
        let trend = match last {
            None => value,
            Some((previous, trend)) => {
                let gap = (day - previous).num_days().max(1) as f64;
                let pull = 1.0 - 0.5f64.powf(gap / half_life);
                trend + pull * (value - trend)
            }
        };
        out.push((day, trend));
        last = Some((day, trend));
    }
    out
}

/// The weight trend's half-life: about a week, like a 7-day average.
pub const WEIGHT_TREND_HALF_LIFE_DAYS: f64 = 7.0;

/// Runs of consecutive recorded days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Streaks {
    /// The run that reaches today, or yesterday when today is not recorded
    /// yet (the day is not over); 0 when neither is recorded.
    pub current: u32,
    /// The longest run, and the day it ended.
    pub longest: u32,
    pub longest_end: Option<NaiveDate>,
}

/// The streaks in `days` (ascending, each day once), as of `today`. Days
/// after `today` are not counted.
pub fn streaks(days: &[NaiveDate], today: NaiveDate) -> Streaks {
    let mut result = Streaks::default();
    let mut run = 0u32;
    let mut previous: Option<NaiveDate> = None;
    for &day in days.iter().filter(|d| **d <= today) {
        run = match previous {
            Some(p) if (day - p).num_days() == 1 => run + 1,
            Some(p) if day == p => run,
            _ => 1,
        };
        if run > result.longest {
            result.longest = run;
            result.longest_end = Some(day);
        }
        previous = Some(day);
    }
    if let Some(last) = previous
        && (today - last).num_days() <= 1
    {
        result.current = run;
    }
    result
}

/// The weights of a normal BMI (18.5 ≤ BMI < 25) at `height`, in kg: the
/// band the weight chart draws.
///
/// ```
/// use kenpo_domain::health::Height;
/// use kenpo_domain::history::normal_weight_band;
/// let (low, high) = normal_weight_band(Height::from_cm(170.0).unwrap());
/// assert_eq!((format!("{low:.2}"), format!("{high:.2}")), ("53.46".into(), "72.25".into()));
/// ```
pub fn normal_weight_band(height: Height) -> (f64, f64) {
    let metres = f64::from(height.mm()) / 1000.0;
    let square = metres * metres;
    (18.5 * square, 25.0 * square)
}

/// The daily step count a behaviour goal's label names, as members write
/// them: 「1日8,000歩あるく」, 「８０００歩」, 「1万歩」, 「7千5百歩」, "walk 8,000
/// steps". `None` when the label names no steps.
pub fn step_goal_in_label(label: &str) -> Option<u32> {
    let text: String = label
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '，' | ',' | '、' => ',',
            _ => c,
        })
        .collect();
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut best: Option<u32> = None;
    for (at, &c) in chars.iter().enumerate() {
        // 「8,000歩」, or in English "8,000 steps" (one space allowed).
        let at = if c == '歩' {
            at
        } else if chars[at..].starts_with(&['s', 't', 'e', 'p']) {
            if at > 0 && chars[at - 1] == ' ' {
                at - 1
            } else {
                at
            }
        } else {
            continue;
        };
        // Read the amount backwards: digits, commas, 万/千/百.
        let mut start = at;
        while start > 0 {
            let p = chars[start - 1];
            if p.is_ascii_digit() || p == ',' || matches!(p, '万' | '千' | '百') {
                start -= 1;
            } else {
                break;
            }
        }
        if let Some(n) = read_amount(&chars[start..at])
            && (1..=crate::entry::Steps::MAX).contains(&n)
        {
            best = Some(best.map_or(n, |b| b.max(n)));
        }
    }
    best
}

/// `8,000`, `1万`, `7千5百`, `1万2000`.
fn read_amount(chars: &[char]) -> Option<u32> {
    let (mut total, mut number, mut digits) = (0u64, 0u64, false);
    for &c in chars {
        match c {
            '0'..='9' => {
                number = number * 10 + u64::from(c as u8 - b'0');
                digits = true;
                if number > 1_000_000 {
                    return None;
                }
            }
            ',' => {}
            '万' | '千' | '百' => {
                let unit = match c {
                    '万' => 10_000,
                    '千' => 1_000,
                    _ => 100,
                };
                total += number.max(1) * unit;
                number = 0;
                digits = true;
            }
            _ => return None,
        }
    }
    if !digits {
        return None;
    }
    u32::try_from(total + number).ok()
}

/// The step goal among active goals' labels: the largest named.
pub fn step_goal<'a>(labels: impl IntoIterator<Item = &'a str>) -> Option<u32> {
    labels.into_iter().filter_map(step_goal_in_label).max()
}

/// The fiscal years from the one of `first` to the one of `last`, in order.
pub fn fiscal_years_between(first: NaiveDate, last: NaiveDate) -> Vec<FiscalYear> {
    let (from, to) = (FiscalYear::of(first), FiscalYear::of(last));
    (from.start_year()..=to.start_year())
        .map(FiscalYear::new)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_moving_average_counts_calendar_days_not_entries() {
        let series = [(d(2026, 11, 1), 7000.0), (d(2026, 11, 8), 9000.0)];
        assert_eq!(
            moving_average(&series, 7),
            [(d(2026, 11, 1), 7000.0), (d(2026, 11, 8), 9000.0)],
            "the 1st is 7 days before the 8th: outside its window"
        );
        let week: Vec<_> = (1..=7).map(|n| (d(2026, 11, n), f64::from(n))).collect();
        assert_eq!(
            moving_average(&week, 7).last(),
            Some(&(d(2026, 11, 7), 4.0))
        );
    }

    #[test]
    fn the_trend_starts_at_the_first_value_and_moves_halfway_in_a_half_life() {
        let series = [(d(2026, 1, 1), 70.0), (d(2026, 1, 8), 68.0)];
        let trend = smoothed_trend(&series, 7.0);
        assert_eq!(trend[0].1, 70.0);
        assert!((trend[1].1 - 69.0).abs() < 1e-9, "{trend:?}");
    }

    #[test]
    fn a_streak_reaches_today_or_yesterday_and_the_longest_is_kept() {
        let today = d(2026, 12, 2);
        let days = [
            d(2026, 11, 1),
            d(2026, 11, 2),
            d(2026, 11, 3),
            d(2026, 11, 30),
            d(2026, 12, 1),
        ];
        assert_eq!(
            streaks(&days, today),
            Streaks {
                current: 2,
                longest: 3,
                longest_end: Some(d(2026, 11, 3))
            }
        );
        assert_eq!(streaks(&days[..3], today).current, 0);
        assert_eq!(streaks(&[], today), Streaks::default());
    }

    #[test]
    fn labels_name_their_steps_as_members_write_them() {
        for (label, steps) in [
            ("1日8,000歩あるく", Some(8000)),
            ("毎日８０００歩", Some(8000)),
            ("1日1万歩", Some(10_000)),
            ("7千5百歩を目指す", Some(7500)),
            ("1万2000歩", Some(12_000)),
            ("階段を使う", None),
            ("歩いて通勤", None),
            ("1日3回歩く", None),
            ("walk 8,000 steps", Some(8000)),
            ("10000 steps a day", Some(10_000)),
            ("take the stairs", None),
        ] {
            assert_eq!(step_goal_in_label(label), steps, "{label}");
        }
        assert_eq!(
            step_goal(["階段を使う", "1日6,000歩", "1日8000歩"]),
            Some(8000)
        );
    }

    #[test]
    fn fiscal_years_run_april_to_march() {
        let years = fiscal_years_between(d(2025, 3, 31), d(2026, 4, 1));
        assert_eq!(
            years,
            [
                FiscalYear::new(2024),
                FiscalYear::new(2025),
                FiscalYear::new(2026)
            ]
        );
    }

    fn series() -> impl Strategy<Value = Vec<(NaiveDate, f64)>> {
        proptest::collection::btree_map(0i64..4000, 0.0f64..100_000.0, 0..300).prop_map(|map| {
            map.into_iter()
                .map(|(n, v)| (d(2020, 1, 1) + chrono::Days::new(n as u64), v))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn a_moving_average_stays_within_its_window(series in series(), days in 1u32..60) {
            let avg = moving_average(&series, days);
            prop_assert_eq!(avg.len(), series.len());
            for (i, &(day, value)) in avg.iter().enumerate() {
                let window: Vec<f64> = series[..=i]
                    .iter()
                    .filter(|(d, _)| (day - *d).num_days() < i64::from(days))
                    .map(|(_, v)| *v)
                    .collect();
                let lo = window.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = window.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(value >= lo - 1e-6 && value <= hi + 1e-6);
                let mean = window.iter().sum::<f64>() / window.len() as f64;
                prop_assert!((value - mean).abs() < 1e-6 * mean.max(1.0));
            }
        }

        #[test]
        fn the_trend_never_leaves_the_range_of_the_values(series in series()) {
            let trend = smoothed_trend(&series, WEIGHT_TREND_HALF_LIFE_DAYS);
            let lo = series.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min);
            let hi = series.iter().map(|(_, v)| *v).fold(f64::NEG_INFINITY, f64::max);
            for (_, t) in trend {
                prop_assert!(t >= lo - 1e-6 && t <= hi + 1e-6);
            }
        }

        #[test]
        fn streaks_are_runs_of_the_days(offsets in proptest::collection::btree_set(0i64..400, 0..200)) {
            let days: Vec<NaiveDate> = offsets.iter().map(|n| d(2026, 1, 1) + chrono::Days::new(*n as u64)).collect();
            let today = d(2026, 1, 1) + chrono::Days::new(400);
            let s = streaks(&days, today);
            prop_assert!(s.current <= s.longest);
            prop_assert!(s.longest as usize <= days.len());
            if let Some(end) = s.longest_end {
                for k in 0..s.longest {
                    prop_assert!(days.contains(&(end - chrono::Days::new(u64::from(k)))));
                }
                prop_assert!(!days.contains(&(end - chrono::Days::new(u64::from(s.longest)))));
            }
        }

        #[test]
        fn every_day_falls_in_the_fiscal_year_that_holds_it(n in 0i64..20_000) {
            let day = d(1990, 1, 1) + chrono::Days::new(n as u64);
            let year = FiscalYear::of(day);
            prop_assert!(year.first_day() <= day && day <= year.last_day());
            prop_assert_eq!(fiscal_years_between(day, day), vec![year]);
        }

        #[test]
        fn the_band_is_bmi_18_5_to_25(mm in 1000i32..=2500) {
            let height = Height::from_mm(mm).unwrap();
            let (low, high) = normal_weight_band(height);
            let m = f64::from(mm) / 1000.0;
            prop_assert!((low / (m * m) - 18.5).abs() < 1e-9);
            prop_assert!((high / (m * m) - 25.0).abs() < 1e-9);
        }

        #[test]
        fn a_written_step_count_is_read_back(n in 1u32..=100_000, commas in any::<bool>()) {
            let written = if commas && n >= 1000 {
                format!("{},{:03}", n / 1000, n % 1000)
            } else {
                n.to_string()
            };
            prop_assert_eq!(step_goal_in_label(&format!("1日{written}歩あるく")), Some(n));
        }
    }
}
