//! The settings screen's commands: the reminder schedule and autostart.

use kenpo_domain::reminder::Schedule;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::ShellErrorCode;
use crate::{AppState, CommandError};

/// The member's reminder schedule (the default until changed).
#[tauri::command]
#[specta::specta]
pub async fn reminders_get(state: State<'_, AppState>) -> Result<Schedule, CommandError> {
    Ok(state.desk.reminders().await?)
}

/// Keeps a schedule; answers it as kept (times sorted, repeats dropped).
/// A bad one fails with `reminder_*` and its field.
#[tauri::command]
#[specta::specta]
pub async fn reminders_set(
    state: State<'_, AppState>,
    schedule: Schedule,
) -> Result<Schedule, CommandError> {
    Ok(state.desk.set_reminders(schedule).await?)
}

/// Whether the app starts at login (hidden in the tray).
#[tauri::command]
#[specta::specta]
pub async fn autostart_get(app: AppHandle) -> Result<bool, CommandError> {
    app.autolaunch()
        .is_enabled()
        .map_err(|err| CommandError::shell(ShellErrorCode::AutostartFailed, err))
}

/// Switches starting at login on or off; answers the state as it now is.
#[tauri::command]
#[specta::specta]
pub async fn autostart_set(app: AppHandle, on: bool) -> Result<bool, CommandError> {
    let manager = app.autolaunch();
    let done = if on {
        manager.enable()
    } else {
        manager.disable()
    };
    done.map_err(|err| CommandError::shell(ShellErrorCode::AutostartFailed, err))?;
    manager
        .is_enabled()
        .map_err(|err| CommandError::shell(ShellErrorCode::AutostartFailed, err))
}

/// The tray menu's quick check-in window asks for the main window (e.g.
/// to unlock).
#[tauri::command]
#[specta::specta]
pub fn window_main_show(app: AppHandle) {
    crate::window::show_main(&app);
}
