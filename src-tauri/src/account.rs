//! 設定's account and profile commands: nickname, notification address,
//! sessions on other devices, the removal of a profile, and About.

use kenpo_core::desk::{AccountView, InsurerAbout, ProfileRemoval};
use kenpo_core::error::ErrorCode as CoreCode;
use kenpo_domain::api::Secret;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::{AppState, CommandError};

/// The account and its sessions (from the insurer).
#[tauri::command]
#[specta::specta]
pub async fn account_get(state: State<'_, AppState>) -> Result<AccountView, CommandError> {
    Ok(state.desk.account().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn account_nickname_set(
    state: State<'_, AppState>,
    nickname: String,
) -> Result<AccountView, CommandError> {
    Ok(state.desk.set_nickname(&nickname).await?)
}

/// A new notification address; the insurer asks for the password again.
#[tauri::command]
#[specta::specta]
pub async fn account_email_set(
    state: State<'_, AppState>,
    email: String,
    current_password: Secret,
) -> Result<AccountView, CommandError> {
    Ok(state
        .desk
        .set_notification_email(&email, &current_password)
        .await?)
}

/// Ends a session on another device.
#[tauri::command]
#[specta::specta]
pub async fn account_session_end(
    state: State<'_, AppState>,
    id: i32,
) -> Result<AccountView, CommandError> {
    Ok(state.desk.end_session(i64::from(id)).await?)
}

/// What removing a profile would take, for its confirmation.
#[tauri::command]
#[specta::specta]
pub async fn profile_removal_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileRemoval, CommandError> {
    Ok(state.desk.profile_removal(&id).await?)
}

/// Removes a profile from this PC: its database, key and keychain entries.
#[tauri::command]
#[specta::specta]
pub async fn profile_remove(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileRemoval, CommandError> {
    let removal = state.desk.remove_profile(&id).await?;
    crate::tray::refresh(&app);
    Ok(removal)
}

/// One dependency's licence, as the build found it in Cargo's and npm's
/// metadata (`ui/build/licenses.ts`).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Licence {
    pub name: String,
    pub version: String,
    pub license: String,
    pub repository: Option<String>,
    /// `crates.io` or `npm`.
    pub source: String,
}

/// The About section.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct About {
    pub version: String,
    /// The open profile's insurer; `None` logged out.
    pub insurer: Option<InsurerAbout>,
    pub licences: Vec<Licence>,
}

#[tauri::command]
#[specta::specta]
pub async fn about_get(app: AppHandle, state: State<'_, AppState>) -> Result<About, CommandError> {
    let licences = match app.asset_resolver().get("licenses.json".to_owned()) {
        Some(asset) => serde_json::from_slice(&asset.bytes).map_err(|err| {
            tracing::error!(%err, "the app's licence list cannot be read");
            CommandError::core(CoreCode::LocalCorrupt, "the licence list cannot be read")
        })?,
        None => Vec::new(),
    };
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        insurer: state.desk.insurer_about().await?,
        licences,
    })
}
