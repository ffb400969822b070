//! The app's windows: the main one, which closing hides to the tray, and
//! the small quick check-in window of the tray's 今日の記録.

use serde::Serialize;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tauri_specta::Event;

use crate::AppState;

pub const MAIN: &str = "main";
pub const QUICK: &str = "quick";

/// `window://today`: show Today (a reminder was clicked).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "window://today")]
pub struct OpenToday;

/// `lock://changed`: the app was locked from the tray (`locked`), or the
/// tray's ロック found no PIN to lock with (`!locked`: the UI asks for one).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "lock://changed")]
pub struct LockChanged {
    pub locked: bool,
}

/// Brings the main window up and to the front.
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// The main window at Today (the lock screen first, when locked).
pub fn open_today(app: &AppHandle) {
    show_main(app);
    if let Err(err) = OpenToday.emit_to(app, MAIN) {
        tracing::warn!(%err, "Today was not opened");
    }
}

/// The quick check-in window: made on first use, brought up after.
pub fn open_quick(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(QUICK) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
        return;
    }
    let title = match app
        .try_state::<AppState>()
        .and_then(|s| s.prefs.load().ok())
        .map(|p| p.locale)
        .unwrap_or_default()
    {
        kenpo_core::prefs::Locale::Ja => "今日の記録 - けんぽデスク",
        kenpo_core::prefs::Locale::En => "Today's check-in - Kenpo Desk",
    };
    let made =
        WebviewWindowBuilder::new(app, QUICK, WebviewUrl::App("index.html?view=quick".into()))
            .title(title)
            .inner_size(420.0, 520.0)
            .min_inner_size(360.0, 420.0)
            .resizable(true)
            .focused(true)
            .build();
    if let Err(err) = made {
        tracing::warn!(%err, "the quick check-in window could not be made");
    }
}

/// The tray's ロック: locks, or shows the window to ask for a PIN.
pub fn lock_from_tray(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let locked = state.desk.lock();
    if !locked {
        show_main(app);
    }
    if let Some(quick) = app.get_webview_window(QUICK)
        && locked
    {
        let _ = quick.close();
    }
    if let Err(err) = (LockChanged { locked }).emit(app) {
        tracing::warn!(%err, "the lock was not told to the window");
    }
    crate::tray::refresh(app);
}

/// Closing the main window hides it: the app lives on in the tray. The
/// first time, a notification says so.
pub fn on_event(window: &tauri::Window, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    if let WindowEvent::CloseRequested { api, .. } = event {
        api.prevent_close();
        let _ = window.hide();
        first_hide_hint(window.app_handle());
    }
}

const HINT_MARK: &str = "tray-hint-shown";

fn first_hide_hint(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let mark = state.data_dir.join(HINT_MARK);
    if mark.exists() {
        return;
    }
    if let Err(err) = std::fs::write(&mark, b"") {
        tracing::warn!(%err, "the tray hint was not marked as shown");
    }
    let locale = state.prefs.load().map(|p| p.locale).unwrap_or_default();
    let (title, body) = match locale {
        kenpo_core::prefs::Locale::Ja => (
            "けんぽデスク",
            "けんぽデスクは通知領域（タスクトレイ）で動き続け、リマインダーをお届けします。終了するには、トレイのアイコンのメニューから「終了」を選んでください。",
        ),
        kenpo_core::prefs::Locale::En => (
            "Kenpo Desk",
            "Kenpo Desk keeps running in the tray and will remind you. To quit, choose Quit in the tray icon's menu.",
        ),
    };
    use tauri_plugin_notification::NotificationExt;
    if let Err(err) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(%err, "the tray hint could not be shown");
    }
}
