//! The end-to-end tests' clock, in debug builds only: the core runs on a
//! [`SettableClock`], started at `KENPO_DESK_TEST_CLOCK` (RFC 3339) when
//! that is set, and moved by the `debug_clock_set` command. Neither the
//! variable nor the command exists in a release build, and the command is
//! not in the UI's bindings.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kenpo_core::clock::SettableClock;
use kenpo_domain::reminder::Reminder;
use tauri::State;

use crate::AppState;

/// The clock the core is given.
pub fn from_env() -> Arc<SettableClock> {
    let clock = SettableClock::default();
    if let Ok(text) = std::env::var("KENPO_DESK_TEST_CLOCK") {
        match DateTime::parse_from_rfc3339(&text) {
            Ok(at) => {
                tracing::info!(%at, "the test clock is set");
                clock.set(at.with_timezone(&Utc));
            }
            Err(err) => tracing::warn!(%err, "KENPO_DESK_TEST_CLOCK is not RFC 3339; ignored"),
        }
    }
    Arc::new(clock)
}

/// Sets the clock to `instant` (RFC 3339) and decides the reminders at
/// once: answers those shown, so that a test can tell "none" from "not yet".
#[tauri::command]
pub async fn debug_clock_set(
    state: State<'_, AppState>,
    instant: String,
) -> Result<Vec<Reminder>, String> {
    let at = DateTime::parse_from_rfc3339(&instant).map_err(|e| e.to_string())?;
    state.test_clock.set(at.with_timezone(&Utc));
    let shown = state
        .desk
        .check_reminders()
        .await
        .map_err(|e| e.to_string())?;
    // Realign the background task's minute with the new time.
    state.desk.clock_moved();
    Ok(shown)
}

/// Answers `debug_clock_set`, before the generated handler gets the rest.
pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![debug_clock_set]
}
