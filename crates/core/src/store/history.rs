//! The member's history as SQL over the indexed dates: one row per day of
//! a range, points earned per day, points per fiscal year (April–March,
//! `fy` below), the days recorded (for streaks) and the goals' results.

use chrono::NaiveDate;
use sqlx::Row;

use super::{LocalResult, LocalStore, corrupt, day, parse_day};

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

/// One day as the JSON of [`LocalStore::days_between`] has it: date, steps,
/// weight in hectograms, goals achieved, goals recorded.
type DayJson = (String, Option<i64>, Option<i64>, i64, i64);

/// The fiscal year of a `YYYY-MM-DD` column, in SQL.
const FY: &str = "(CAST(substr(date, 1, 4) AS INTEGER) - (substr(date, 6, 2) < '04'))";

impl LocalStore {
    /// Each day of `from..=to` that has a record, in order. The days come
    /// back as one JSON row: ten years of days row by row through the
    /// driver cost more than the query itself.
    pub async fn days_between(&self, from: NaiveDate, to: NaiveDate) -> LocalResult<Vec<DayRow>> {
        let json: String = sqlx::query_scalar(
            "SELECT json_group_array(json_array(date, steps, weight, achieved, goals) ORDER BY date) \
             FROM (SELECT date, \
               MAX(CASE WHEN kind = 'steps' THEN value END) AS steps, \
               MAX(CASE WHEN kind = 'weight' THEN value END) AS weight, \
               SUM(kind = 'goal' AND value = 1) AS achieved, \
               SUM(kind = 'goal') AS goals \
             FROM records WHERE date >= $1 AND date <= $2 GROUP BY date)",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_one(&self.pool)
        .await?;
        let rows: Vec<DayJson> = serde_json::from_str(&json).map_err(|_| corrupt("days"))?;
        rows.into_iter()
            .map(|(date, steps, weight, achieved, goals)| {
                Ok(DayRow {
                    date: parse_day(&date)?,
                    steps: steps.and_then(|n| u32::try_from(n).ok()),
                    weight_kg: weight.map(|hg| hg as f64 / 10.0),
                    goals_achieved: u32::try_from(achieved).unwrap_or(0),
                    goals_recorded: u32::try_from(goals).unwrap_or(0),
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

    /// The points of each fiscal year with a ledger entry, in order:
    /// (start year, earned, spent on exchanges net of returns, expired).
    pub async fn fiscal_year_points(&self) -> LocalResult<Vec<(i32, i64, i64, i64)>> {
        let sql = format!(
            "SELECT {FY} AS fy, \
               COALESCE(SUM(CASE WHEN points > 0 AND code <> 'exchange_cancelled' THEN points END), 0) AS earned, \
               -COALESCE(SUM(CASE WHEN code IN ('exchange', 'exchange_cancelled') THEN points END), 0) AS spent, \
               -COALESCE(SUM(CASE WHEN code = 'expiry' THEN points END), 0) AS expired \
             FROM ledger GROUP BY fy ORDER BY fy"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    i32::try_from(row.try_get::<i64, _>("fy")?).unwrap_or(0),
                    row.try_get("earned")?,
                    row.try_get("spent")?,
                    row.try_get("expired")?,
                ))
            })
            .collect()
    }
}
