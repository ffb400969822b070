//! The core's events, forwarded to the UI as typed tauri-specta events
//! (named like URLs). The UI's state modules listen to them; no screen
//! polls.

use kenpo_core::scheduler::{DeskEvent, EventSink, SyncStatus};
use serde::Serialize;
use tauri::AppHandle;
use tauri_specta::Event;

/// `sync://status`: the sync indicator's state, after every change.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "sync://status")]
pub struct SyncStatusChanged(pub SyncStatus);

/// `records://changed`: records came from the insurer (another device).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "records://changed")]
pub struct RecordsChanged;

/// `points://changed`: the points ledger moved.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "points://changed")]
pub struct PointsChanged;

/// Sends the core's events to the window.
pub struct ShellEvents(pub AppHandle);

impl EventSink for ShellEvents {
    fn emit(&self, event: DeskEvent) {
        let sent = match event {
            DeskEvent::SyncStatus(status) => {
                crate::tray::refresh(&self.0);
                SyncStatusChanged(status).emit(&self.0)
            }
            DeskEvent::RecordsChanged => RecordsChanged.emit(&self.0),
            DeskEvent::PointsChanged => {
                crate::tray::refresh(&self.0);
                PointsChanged.emit(&self.0)
            }
            DeskEvent::Reminder(reminder) => {
                crate::notify::show(&self.0, &reminder);
                Ok(())
            }
        };
        if let Err(err) = sent {
            tracing::warn!(%err, "an event did not reach the window");
        }
    }
}
