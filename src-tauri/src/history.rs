//! The 履歴 screens' commands: one per view, each answering all that view
//! needs from this PC's copy, and the exports written where the member
//! chose in the save dialog (tauri-plugin-dialog, in the UI).

use std::path::PathBuf;

use chrono::NaiveDate;
use kenpo_core::history::{ChartRange, ChartView, CsvWords, MonthView, TableView, TotalsView};
use tauri::State;

use crate::error::ShellErrorCode;
use crate::{AppState, CommandError};

/// A month of the calendar (`month`: 1–12).
#[tauri::command]
#[specta::specta]
pub async fn history_month(
    state: State<'_, AppState>,
    year: i32,
    month: u32,
) -> Result<MonthView, CommandError> {
    Ok(state.desk.history_month(year, month).await?)
}

/// The steps and weight charts of a range ending today.
#[tauri::command]
#[specta::specta]
pub async fn history_chart(
    state: State<'_, AppState>,
    range: ChartRange,
) -> Result<ChartView, CommandError> {
    Ok(state.desk.history_chart(range).await?)
}

/// The fiscal-year totals and the streaks.
#[tauri::command]
#[specta::specta]
pub async fn history_totals(state: State<'_, AppState>) -> Result<TotalsView, CommandError> {
    Ok(state.desk.history_totals().await?)
}

/// The days of `from..=to` as a table.
#[tauri::command]
#[specta::specta]
pub async fn history_table(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<TableView, CommandError> {
    Ok(state.desk.history_table(from, to).await?)
}

/// Writes the days of `from..=to` as CSV (UTF-8 with a BOM, for Excel) to
/// `path`, headed in the UI's `words`; the number of rows written.
#[tauri::command]
#[specta::specta]
pub async fn history_export_csv(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    words: CsvWords,
    path: PathBuf,
) -> Result<u32, CommandError> {
    let csv = state.desk.history_csv(from, to, &words).await?;
    let rows = csv.lines().count().saturating_sub(1);
    write_whole(&path, csv.as_bytes())?;
    Ok(u32::try_from(rows).unwrap_or(u32::MAX))
}

/// Writes a chart as PNG (`png`: the file's bytes, from the chart's canvas).
#[tauri::command]
#[specta::specta]
pub async fn history_export_png(path: PathBuf, png: Vec<u8>) -> Result<(), CommandError> {
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(CommandError::shell(
            ShellErrorCode::ExportFailed,
            "not a PNG image",
        ));
    }
    write_whole(&path, &png)
}

/// Whole or not at all: a half-written export must not look like one.
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<(), CommandError> {
    let failed = |err: std::io::Error| {
        tracing::warn!(%err, "an export could not be written");
        CommandError::shell(ShellErrorCode::ExportFailed, err)
    };
    let name = path
        .file_name()
        .ok_or_else(|| CommandError::shell(ShellErrorCode::ExportFailed, "no file name"))?;
    let tmp = path.with_file_name(format!(".{}.part", name.to_string_lossy()));
    std::fs::write(&tmp, bytes).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|err| {
        let _ = std::fs::remove_file(&tmp);
        failed(err)
    })
}
