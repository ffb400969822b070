//! The お知らせ screen's commands.

use kenpo_core::desk::NoticesView;
use tauri::State;

use crate::{AppState, CommandError};

/// The insurer's notices as last synced, newest first, with what is unread.
#[tauri::command]
#[specta::specta]
pub async fn notices_get(state: State<'_, AppState>) -> Result<NoticesView, CommandError> {
    Ok(state.desk.notices().await?)
}

/// Marks a notice read (the member opened it); the screen as it now is.
#[tauri::command]
#[specta::specta]
pub async fn notice_read(state: State<'_, AppState>, id: i32) -> Result<NoticesView, CommandError> {
    Ok(state.desk.notice_read(i64::from(id)).await?)
}
