//! The 履歴 screens' calls: each view whole, from this PC's copy only.

use chrono::NaiveDate;

use super::{Desk, DeskResult};
use crate::history::{
    ChartRange, ChartView, CsvWords, MonthView, TableView, TotalsView, chart_view, month_view,
    table_csv, table_view, totals_view,
};

impl Desk {
    /// A month of the calendar (`month` 1–12; another month shows this one).
    pub async fn history_month(&self, year: i32, month: u32) -> DeskResult<MonthView> {
        let active = self.gate.open()?;
        Ok(month_view(
            &active.store,
            active.window,
            year,
            month,
            self.clock.today(),
        )
        .await?)
    }

    /// The steps and weight charts of `range`, ending today.
    pub async fn history_chart(&self, range: ChartRange) -> DeskResult<ChartView> {
        let active = self.gate.open()?;
        Ok(chart_view(&active.store, range, self.clock.today()).await?)
    }

    /// The fiscal-year totals and the streaks.
    pub async fn history_totals(&self) -> DeskResult<TotalsView> {
        let active = self.gate.open()?;
        Ok(totals_view(&active.store, self.clock.today()).await?)
    }

    /// The days of `from..=to` as a table.
    pub async fn history_table(&self, from: NaiveDate, to: NaiveDate) -> DeskResult<TableView> {
        let active = self.gate.open()?;
        Ok(table_view(&active.store, from, to).await?)
    }

    /// The days of `from..=to` as CSV (UTF-8 with a BOM), headed in `words`.
    pub async fn history_csv(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        words: &CsvWords,
    ) -> DeskResult<String> {
        let active = self.gate.open()?;
        let table = table_view(&active.store, from, to).await?;
        Ok(table_csv(&table, words))
    }
}
