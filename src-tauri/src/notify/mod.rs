//! Reminders as desktop notifications. The core decides what is due
//! ([`kenpo_core::reminders`]); this shows it and answers its buttons.
//!
//! - Linux and the BSDs: notify-rust, straight to the freedesktop
//!   notification server, with the `default` action (a click on the
//!   notification: the window comes up at Today, or at the lock screen) and
//!   snooze buttons. tauri-plugin-notification wraps the same crate but
//!   drops the notification's handle, so its click could not be answered.
//! - Windows and macOS: tauri-plugin-notification shows the text. Its
//!   desktop backends report no click and carry no buttons: a click brings
//!   the app forward only as the OS itself does (macOS activates the app;
//!   a Windows toast of an unpackaged app opens nothing), and snoozing is
//!   not offered there.

pub mod texts;

use kenpo_domain::reminder::Reminder;
use tauri::{AppHandle, Manager};

use crate::AppState;

/// Shows `reminder` in the member's language, worded for a locked app when
/// the app is locked.
pub fn show(app: &AppHandle, reminder: &Reminder) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let locale = state.prefs.load().map(|p| p.locale).unwrap_or_default();
    let locked = state.desk.is_locked();
    let words = texts::words(reminder, locale, locked);
    let snooze = matches!(reminder, Reminder::CheckIn { .. });
    platform::show(app, words, texts::labels(locale), snooze);
}

#[cfg(all(unix, not(target_os = "macos")))]
mod platform {
    use kenpo_domain::reminder::SNOOZE_MINUTES;
    use tauri::{AppHandle, Manager};

    use super::texts::{Labels, Words};
    use crate::AppState;

    const SNOOZE_PREFIX: &str = "snooze-";

    pub fn show(app: &AppHandle, words: Words, labels: Labels, snooze: bool) {
        let app = app.clone();
        // Showing is a D-Bus round trip, and the answer is awaited for as
        // long as the notification is up: a thread of its own.
        let spawned = std::thread::Builder::new()
            .name("reminder".into())
            .spawn(move || {
                let mut note = notify_rust::Notification::new();
                note.appname(words.title)
                    .summary(words.title)
                    .body(&words.body)
                    .icon("kenpo-desk")
                    .hint(notify_rust::Hint::Category("reminder".into()))
                    .action("default", labels.open);
                if snooze {
                    for minutes in SNOOZE_MINUTES {
                        note.action(
                            &format!("{SNOOZE_PREFIX}{minutes}"),
                            &(labels.snooze)(minutes),
                        );
                    }
                }
                match note.show() {
                    Ok(handle) => handle.wait_for_action(|action| answer(&app, action)),
                    Err(err) => tracing::warn!(%err, "a reminder could not be shown"),
                }
            });
        if let Err(err) = spawned {
            tracing::warn!(%err, "no thread for a reminder");
        }
    }

    fn answer(app: &AppHandle, action: &str) {
        if action == "default" {
            crate::window::open_today(app);
        } else if let Some(minutes) = action
            .strip_prefix(SNOOZE_PREFIX)
            .and_then(|m| m.parse::<u32>().ok())
            && let Some(state) = app.try_state::<AppState>()
            && let Err(err) = tauri::async_runtime::block_on(state.desk.snooze_reminder(minutes))
        {
            tracing::warn!(%err, "the reminder was not snoozed");
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
mod platform {
    use tauri::AppHandle;
    use tauri_plugin_notification::NotificationExt;

    use super::texts::{Labels, Words};

    pub fn show(app: &AppHandle, words: Words, _labels: Labels, _snooze: bool) {
        if let Err(err) = app
            .notification()
            .builder()
            .title(words.title)
            .body(words.body)
            .show()
        {
            tracing::warn!(%err, "a reminder could not be shown");
        }
    }
}
