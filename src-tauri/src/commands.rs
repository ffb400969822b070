//! The commands the UI may call (`noun_verb`). Their TypeScript types are
//! generated into `ui/src/bindings.ts`.

use kenpo_core::prefs::Prefs;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_notification::NotificationExt;

use crate::error::ErrorCode;
use crate::{AppState, CommandError};

#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    /// The app's version (from the workspace manifest).
    pub version: String,
    /// The folder holding the member's local data.
    pub data_dir: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_info_get(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
    }
}

// Async so that file I/O (save syncs to disk) never runs on the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn prefs_get(state: State<'_, AppState>) -> Result<Prefs, CommandError> {
    Ok(state.prefs.load()?)
}

#[tauri::command]
#[specta::specta]
pub async fn prefs_set(state: State<'_, AppState>, prefs: Prefs) -> Result<Prefs, CommandError> {
    state.prefs.save(&prefs)?;
    Ok(prefs)
}

/// Shows a desktop notification so the member can check that reminders
/// will reach them. The UI passes the text in the member's language.
///
/// Fails with `notification_unavailable` when the desktop has no
/// notification service: the plugin would report success and show nothing.
#[tauri::command]
#[specta::specta]
pub async fn notification_test(
    app: AppHandle,
    title: String,
    body: String,
) -> Result<(), CommandError> {
    ensure_notification_service().await?;
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|err| CommandError::new(ErrorCode::NotificationFailed, err))
}

#[cfg(all(unix, not(target_os = "macos")))]
async fn ensure_notification_service() -> Result<(), CommandError> {
    // A blocking D-Bus round trip: keep it off the async workers.
    let answer = tauri::async_runtime::spawn_blocking(notify_rust::get_server_information)
        .await
        .map_err(|err| CommandError::new(ErrorCode::NotificationFailed, err))?;
    match answer {
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::warn!(%err, "no desktop notification service");
            Err(CommandError::new(
                ErrorCode::NotificationUnavailable,
                "no notification service is running on this desktop",
            ))
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
async fn ensure_notification_service() -> Result<(), CommandError> {
    Ok(())
}
