//! The commands the UI may call (`noun_verb`). Their TypeScript types are
//! generated into `ui/src/bindings.ts`.

use chrono::NaiveDate;
use kenpo_core::error::{Coded, ErrorCode};
use kenpo_core::prefs::Prefs;
use kenpo_core::profiles::Profile;
use kenpo_core::scheduler::SyncStatus;
use kenpo_core::views::{DayView, LoggedIn, PointsView};
use kenpo_domain::api::{CheckInResponse, RecordValue, Secret};
use kenpo_domain::entry::{Goal, GoalId, RecordKind};
use kenpo_domain::passphrase::PASSPHRASE_POLICY;
use kenpo_domain::password::PasswordPolicy;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_notification::NotificationExt;

use crate::error::ShellErrorCode;
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
pub async fn prefs_set(
    app: AppHandle,
    state: State<'_, AppState>,
    prefs: Prefs,
) -> Result<Prefs, CommandError> {
    state.prefs.save(&prefs)?;
    // The tray menu speaks the new language too.
    crate::tray::refresh(&app);
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
        .map_err(|err| CommandError::shell(ShellErrorCode::NotificationFailed, err))
}

#[cfg(all(unix, not(target_os = "macos")))]
async fn ensure_notification_service() -> Result<(), CommandError> {
    // A blocking D-Bus round trip: keep it off the async workers.
    let answer = tauri::async_runtime::spawn_blocking(notify_rust::get_server_information)
        .await
        .map_err(|err| CommandError::shell(ShellErrorCode::NotificationFailed, err))?;
    match answer {
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::warn!(%err, "no desktop notification service");
            Err(CommandError::shell(
                ShellErrorCode::NotificationUnavailable,
                "no notification service is running on this desktop",
            ))
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
async fn ensure_notification_service() -> Result<(), CommandError> {
    Ok(())
}

// ------------------------------------------------------------ the member

/// The profiles on this PC, the one in use, and whether the keychain answers.
#[derive(Debug, Serialize, specta::Type)]
pub struct ProfilesView {
    pub profiles: Vec<Profile>,
    pub last: Option<String>,
    pub active: Option<Profile>,
    pub locked: bool,
    /// Whether the active profile has an app-lock PIN.
    pub has_pin: bool,
    /// Why the OS keychain cannot be used, when it cannot: the app then
    /// keeps each copy's key wrapped with a passphrase, and the session in
    /// memory only. The platform's own words go to the log only.
    pub keychain_error: Option<ErrorCode>,
    /// The rules a passphrase follows (those of passwords).
    pub passphrase_policy: PasswordPolicy,
}

#[tauri::command]
#[specta::specta]
pub async fn profiles_get(state: State<'_, AppState>) -> Result<ProfilesView, CommandError> {
    let (profiles, last) = state.desk.profiles()?;
    Ok(ProfilesView {
        profiles,
        last,
        active: state.desk.active_profile(),
        locked: state.desk.is_locked(),
        has_pin: state.desk.has_pin(),
        keychain_error: state.desk.keychain_status().err().map(|err| {
            tracing::debug!(%err, "no keychain");
            err.code()
        }),
        passphrase_policy: PASSPHRASE_POLICY,
    })
}

/// Opens a profile of this PC; `false` when its session has ended and the
/// member must log in again.
#[tauri::command]
#[specta::specta]
pub async fn profile_open(state: State<'_, AppState>, id: String) -> Result<bool, CommandError> {
    Ok(state.desk.open_profile(&id).await?)
}

/// Chooses the passphrase of a profile's first copy on this PC, where no
/// keychain answers, and opens it; `true` when its session is there.
#[tauri::command]
#[specta::specta]
pub async fn passphrase_choose(
    state: State<'_, AppState>,
    id: String,
    passphrase: String,
) -> Result<bool, CommandError> {
    Ok(state
        .desk
        .passphrase_choose(&id, &Secret::new(passphrase))
        .await?)
}

/// Opens a profile's copy with its passphrase; `true` when its session is
/// there. A wrong one fails with `passphrase_mismatch`, and after a few,
/// the next waits (`passphrase_wait`, `wait_secs`).
#[tauri::command]
#[specta::specta]
pub async fn passphrase_enter(
    state: State<'_, AppState>,
    id: String,
    passphrase: String,
) -> Result<bool, CommandError> {
    Ok(state
        .desk
        .passphrase_enter(&id, &Secret::new(passphrase))
        .await?)
}

/// Sets aside this PC's copy of a profile that cannot be opened (its key
/// was lost): kept in a folder of its own, never deleted. Logging in again
/// then fills a new copy from the insurer.
#[tauri::command]
#[specta::specta]
pub async fn profile_set_aside(state: State<'_, AppState>, id: String) -> Result<(), CommandError> {
    Ok(state.desk.set_aside_local(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn session_login(
    state: State<'_, AppState>,
    server: String,
    login_id: String,
    password: String,
    captcha: Option<CaptchaAnswer>,
) -> Result<LoggedIn, CommandError> {
    let captcha = captcha
        .as_ref()
        .map(|c| (c.captcha_id.as_str(), c.captcha_answer.as_str()));
    Ok(state
        .desk
        .login_with(&server, &login_id, &Secret::new(password), captcha)
        .await?)
}

/// The captcha a login sends when the insurer asked for one
/// (`captcha_required`): from `captcha_get`, and what the member read.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
pub struct CaptchaAnswer {
    pub captcha_id: String,
    pub captcha_answer: String,
}

#[tauri::command]
#[specta::specta]
pub async fn session_logout(state: State<'_, AppState>) -> Result<(), CommandError> {
    Ok(state.desk.logout().await?)
}

/// One day of the Today screen (`date`: YYYY-MM-DD, Japan's calendar).
#[tauri::command]
#[specta::specta]
pub async fn day_get(state: State<'_, AppState>, date: NaiveDate) -> Result<DayView, CommandError> {
    Ok(state.desk.day(date).await?)
}

/// Saves one value of one day on this PC at once: steps (a whole number),
/// weight (kg, one decimal) or a goal (achieved or not). Checked by
/// kenpo-domain; a bad value fails with `validation` and its field.
#[tauri::command]
#[specta::specta]
pub async fn record_save(
    window: tauri::Window,
    state: State<'_, AppState>,
    date: NaiveDate,
    kind: RecordKind,
    value: RecordValue,
    goal_id: Option<GoalId>,
) -> Result<DayView, CommandError> {
    let day = state.desk.save(date, kind, value, goal_id).await?;
    // Saved in the tray's quick window: the main window's Today reloads.
    if window.label() != crate::window::MAIN {
        use tauri_specta::Event;
        if let Err(err) =
            crate::events::RecordsChanged.emit_to(window.app_handle(), crate::window::MAIN)
        {
            tracing::warn!(%err, "the main window was not told of a quick check-in");
        }
    }
    Ok(day)
}

/// Sets the member's behaviour goals (at most 5 labels, in order).
#[tauri::command]
#[specta::specta]
pub async fn goals_set(
    state: State<'_, AppState>,
    labels: Vec<String>,
) -> Result<Vec<Goal>, CommandError> {
    Ok(state.desk.set_goals(&labels).await?)
}

/// Syncs now; the state for the sync indicator (also sent as `sync://status`).
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    Ok(state.desk.sync().await?)
}

/// The sync indicator's state as last told, for a window that just opened.
#[tauri::command]
#[specta::specta]
pub async fn sync_status_get(state: State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    Ok(state.desk.sync_status()?)
}

/// The daily login point.
#[tauri::command]
#[specta::specta]
pub async fn check_in(state: State<'_, AppState>) -> Result<CheckInResponse, CommandError> {
    Ok(state.desk.check_in().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn points_get(state: State<'_, AppState>) -> Result<PointsView, CommandError> {
    Ok(state.desk.points().await?)
}

/// Sets the app-lock PIN (4–12 digits), or removes it with `null`.
#[tauri::command]
#[specta::specta]
pub async fn lock_set(state: State<'_, AppState>, pin: Option<String>) -> Result<(), CommandError> {
    Ok(state.desk.set_pin(pin.as_deref()).await?)
}

/// Locks the app now; `false` when the profile has no PIN.
#[tauri::command]
#[specta::specta]
pub async fn lock_now(app: AppHandle, state: State<'_, AppState>) -> Result<bool, CommandError> {
    let locked = state.desk.lock();
    if locked {
        // The quick check-in window closes its form too.
        use tauri_specta::Event;
        if let Err(err) = (crate::window::LockChanged { locked }).emit(&app) {
            tracing::warn!(%err, "the lock was not told to the windows");
        }
    }
    crate::tray::refresh(&app);
    Ok(locked)
}

#[tauri::command]
#[specta::specta]
pub async fn lock_unlock(
    app: AppHandle,
    state: State<'_, AppState>,
    pin: String,
) -> Result<(), CommandError> {
    state.desk.unlock(&pin).await?;
    crate::tray::refresh(&app);
    Ok(())
}

/// The `kenpodesk://` link that opened the app (or arrived before the page
/// listened for the `deep-link` event), once.
#[tauri::command]
#[specta::specta]
pub fn deep_link_take(state: State<'_, AppState>) -> Option<String> {
    state
        .pending_link
        .lock()
        .ok()
        .and_then(|mut link| link.take())
}
