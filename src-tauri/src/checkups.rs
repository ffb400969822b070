//! The 健診結果 screen's commands, and the member's reports.

use chrono::NaiveDate;
use kenpo_core::desk::CheckupsView;
use kenpo_domain::api::ReportCreated;
use kenpo_domain::points::ReportKind;
use tauri::State;

use crate::{AppState, CommandError};

/// The member's checkups, newest first, each rule earned or why not.
#[tauri::command]
#[specta::specta]
pub async fn checkups_get(state: State<'_, AppState>) -> Result<CheckupsView, CommandError> {
    Ok(state.desk.checkups().await?)
}

/// Reports a flu vaccination or a secondary exam (`clinic` for a
/// secondary exam); the points it earned.
#[tauri::command]
#[specta::specta]
pub async fn report_send(
    state: State<'_, AppState>,
    kind: ReportKind,
    date: NaiveDate,
    clinic: Option<String>,
) -> Result<ReportCreated, CommandError> {
    Ok(state.desk.report(kind, date, clinic).await?)
}
