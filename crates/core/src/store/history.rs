//! The member's history as SQL over the indexed dates: one row per day of
//! a range, points earned per day, totals per fiscal year (April–March,
//! `fy` below), the days recorded (for streaks) and the goals' results.

use chrono::NaiveDate;
use sqlx::Row;

use super::{LocalResult, LocalStore, day, parse_day};

/// What one day holds, aggregated from its records.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    pub date: NaiveDate,
    pub steps: Option<u32>,
    /// Kilograms, one decimal.
    pub weight_kg: Option<f64>,
    pub goals_achieved: u32,
    pub goals_recorded: u32,
}

/// One fiscal year's totals, as SQL summed them.
#[derive(Debug, Clone, PartialEq)]
pub struct FiscalYearRow {
    /// The calendar year the fiscal year starts in (2026: 2026-04-01 to 2027-03-31).
    pub start_year: i32,
    pub days_recorded: u32,
    pub step_days: u32,
    pub steps_total: u64,
    pub days_at_goal: u32,
    pub weight_first: Option<f64>,
    pub weight_last: Option<f64>,
    pub goals_achieved: u32,
    pub points_earned: i64,
    pub points_spent: i64,
    pub points_expired: i64,
}

/// The fiscal year of a `YYYY-MM-DD` column, in SQL.
const FY: &str = "(CAST(substr(date, 1, 4) AS INTEGER) - (substr(date, 6, 2) < '04'))";

fn count(row: &sqlx::sqlite::SqliteRow, column: &str) -> LocalResult<u32> {
    Ok(u32::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
}

impl LocalStore {
    /// Each day of `from..=to` that has a record, in order.
    pub async fn days_between(&self, from: NaiveDate, to: NaiveDate) -> LocalResult<Vec<DayRow>> {
        let rows = sqlx::query(
            "SELECT date, \
               MAX(CASE WHEN kind = 'steps' THEN value END) AS steps, \
               MAX(CASE WHEN kind = 'weight' THEN value END) AS weight, \
               SUM(kind = 'goal' AND value = 1) AS achieved, \
               SUM(kind = 'goal') AS goals \
             FROM records WHERE date >= $1 AND date <= $2 GROUP BY date ORDER BY date",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DayRow {
                    date: parse_day(&row.try_get::<String, _>("date")?)?,
                    steps: row
                        .try_get::<Option<i64>, _>("steps")?
                        .and_then(|n| u32::try_from(n).ok()),
                    weight_kg: row
                        .try_get::<Option<i64>, _>("weight")?
                        .map(|hg| hg as f64 / 10.0),
                    goals_achieved: count(row, "achieved")?,
                    goals_recorded: count(row, "goals")?,
                })
            })
            .collect()
    }

    /// The points earned on each day of `from..=to` that earned any (grants,
    /// not spending, expiry or returns), in order.
    pub async fn points_earned_by_day(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> LocalResult<Vec<(NaiveDate, i64)>> {
        let rows = sqlx::query(
            "SELECT date, SUM(points) AS points FROM ledger \
             WHERE date >= $1 AND date <= $2 AND points > 0 AND code <> 'exchange_cancelled' \
             GROUP BY date ORDER BY date",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    parse_day(&row.try_get::<String, _>("date")?)?,
                    row.try_get("points")?,
                ))
            })
            .collect()
    }

    /// The first and last day with a record, if any.
    pub async fn record_span(&self) -> LocalResult<Option<(NaiveDate, NaiveDate)>> {
        let row = sqlx::query("SELECT MIN(date) AS first, MAX(date) AS last FROM records")
            .fetch_one(&self.pool)
            .await?;
        match (
            row.try_get::<Option<String>, _>("first")?,
            row.try_get::<Option<String>, _>("last")?,
        ) {
            (Some(first), Some(last)) => Ok(Some((parse_day(&first)?, parse_day(&last)?))),
            _ => Ok(None),
        }
    }

    /// Every day with a record, in order.
    pub async fn recorded_days(&self) -> LocalResult<Vec<NaiveDate>> {
        let days: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT date FROM records ORDER BY date")
                .fetch_all(&self.pool)
                .await?;
        days.iter().map(|d| parse_day(d)).collect()
    }

    /// The goals' results of `from..=to`: (day, goal id, achieved), in order.
    pub async fn goal_results(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> LocalResult<Vec<(NaiveDate, i64, bool)>> {
        let rows = sqlx::query(
            "SELECT date, goal_id, value FROM records \
             WHERE kind = 'goal' AND date >= $1 AND date <= $2 ORDER BY date, goal_id",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    parse_day(&row.try_get::<String, _>("date")?)?,
                    row.try_get("goal_id")?,
                    row.try_get::<i64, _>("value")? == 1,
                ))
            })
            .collect()
    }

    /// The totals of every fiscal year with a record or a ledger entry, in
    /// order. `step_goal`: the days at or above it are counted.
    pub async fn fiscal_year_totals(
        &self,
        step_goal: Option<u32>,
    ) -> LocalResult<Vec<FiscalYearRow>> {
        let goal = step_goal.map_or(i64::MAX, i64::from);
        let sql = format!(
            "WITH rec AS (SELECT *, {FY} AS fy FROM records), \
             weights AS (SELECT fy, \
                 FIRST_VALUE(value) OVER (PARTITION BY fy ORDER BY date) AS first_w, \
                 FIRST_VALUE(value) OVER (PARTITION BY fy ORDER BY date DESC) AS last_w \
               FROM rec WHERE kind = 'weight'), \
             w AS (SELECT fy, MIN(first_w) AS first_w, MIN(last_w) AS last_w FROM weights GROUP BY fy), \
             r AS (SELECT fy, COUNT(DISTINCT date) AS days, \
                 SUM(kind = 'steps') AS step_days, \
                 COALESCE(SUM(CASE WHEN kind = 'steps' THEN value END), 0) AS steps, \
                 SUM(kind = 'steps' AND value >= $1) AS at_goal, \
                 SUM(kind = 'goal' AND value = 1) AS achieved \
               FROM rec GROUP BY fy), \
             l AS (SELECT {FY} AS fy, \
                 COALESCE(SUM(CASE WHEN points > 0 AND code <> 'exchange_cancelled' THEN points END), 0) AS earned, \
                 -COALESCE(SUM(CASE WHEN code IN ('exchange', 'exchange_cancelled') THEN points END), 0) AS spent, \
                 -COALESCE(SUM(CASE WHEN code = 'expiry' THEN points END), 0) AS expired \
               FROM ledger GROUP BY fy), \
             years AS (SELECT fy FROM r UNION SELECT fy FROM l) \
             SELECT years.fy AS fy, COALESCE(r.days, 0) AS days, COALESCE(r.step_days, 0) AS step_days, \
               COALESCE(r.steps, 0) AS steps, COALESCE(r.at_goal, 0) AS at_goal, \
               COALESCE(r.achieved, 0) AS achieved, w.first_w, w.last_w, \
               COALESCE(l.earned, 0) AS earned, COALESCE(l.spent, 0) AS spent, \
               COALESCE(l.expired, 0) AS expired \
             FROM years LEFT JOIN r ON r.fy = years.fy LEFT JOIN w ON w.fy = years.fy \
               LEFT JOIN l ON l.fy = years.fy ORDER BY years.fy"
        );
        let rows = sqlx::query(&sql).bind(goal).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let kg = |column: &str| -> LocalResult<Option<f64>> {
                    Ok(row
                        .try_get::<Option<i64>, _>(column)?
                        .map(|hg| hg as f64 / 10.0))
                };
                Ok(FiscalYearRow {
                    start_year: i32::try_from(row.try_get::<i64, _>("fy")?).unwrap_or(0),
                    days_recorded: count(row, "days")?,
                    step_days: count(row, "step_days")?,
                    steps_total: u64::try_from(row.try_get::<i64, _>("steps")?).unwrap_or(0),
                    days_at_goal: if step_goal.is_some() {
                        count(row, "at_goal")?
                    } else {
                        0
                    },
                    weight_first: kg("first_w")?,
                    weight_last: kg("last_w")?,
                    goals_achieved: count(row, "achieved")?,
                    points_earned: row.try_get("earned")?,
                    points_spent: row.try_get("spent")?,
                    points_expired: row.try_get("expired")?,
                })
            })
            .collect()
    }
}
