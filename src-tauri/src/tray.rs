//! The tray icon and its menu: 今日の記録, 今すぐ同期, 開く, ロック, 終了,
//! and two lines (not clickable) with the edits waiting to go up and the
//! points expiring soon. On Linux the menu is the tray's only text (a
//! StatusNotifierItem has no tooltip there); elsewhere the tooltip says
//! the same. Nothing private shows while the app is locked.

use chrono::Datelike;
use kenpo_core::desk::TrayStatus;
use kenpo_core::prefs::Locale;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Wry};

use crate::AppState;
use kenpo_domain::number::grouped;

pub const TRAY: &str = "main";

/// The menu's items that change after it is made.
pub struct Tray {
    icon: TrayIcon<Wry>,
    items: Items,
}

struct Items {
    quick: MenuItem<Wry>,
    sync: MenuItem<Wry>,
    open: MenuItem<Wry>,
    lock: MenuItem<Wry>,
    quit: MenuItem<Wry>,
    pending: MenuItem<Wry>,
    expiring: MenuItem<Wry>,
}

struct Words {
    quick: &'static str,
    sync: &'static str,
    open: &'static str,
    lock: &'static str,
    quit: &'static str,
}

fn words(locale: Locale) -> Words {
    match locale {
        Locale::Ja => Words {
            quick: "今日の記録",
            sync: "今すぐ同期",
            open: "開く",
            lock: "ロック",
            quit: "終了",
        },
        Locale::En => Words {
            quick: "Today's check-in",
            sync: "Sync now",
            open: "Open",
            lock: "Lock",
            quit: "Quit",
        },
    }
}

/// The two status lines of the menu (and the tooltip), from what the core
/// says; `None`: no profile open, or locked.
pub fn status_lines(status: Option<&TrayStatus>, locked: bool, locale: Locale) -> (String, String) {
    let Some(status) = status else {
        let why = match (locale, locked) {
            (Locale::Ja, true) => "ロック中",
            (Locale::Ja, false) => "ログインしていません",
            (Locale::En, true) => "Locked",
            (Locale::En, false) => "Not logged in",
        };
        let name = match locale {
            Locale::Ja => "けんぽデスク",
            Locale::En => "Kenpo Desk",
        };
        return (name.to_owned(), why.to_owned());
    };
    let pending = match (locale, status.pending) {
        (Locale::Ja, 0) => "未送信の記録はありません".to_owned(),
        (Locale::Ja, n) => format!("未送信の記録：{n}件"),
        (Locale::En, 0) => "Everything is sent".to_owned(),
        (Locale::En, 1) => "1 edit not sent yet".to_owned(),
        (Locale::En, n) => format!("{n} edits not sent yet"),
    };
    let expiring = match status.expiring {
        None => match locale {
            Locale::Ja => "30日以内に失効するポイントはありません".to_owned(),
            Locale::En => "No points expire within 30 days".to_owned(),
        },
        Some(e) => match locale {
            Locale::Ja => format!(
                "{}月{}日に{}ポイント失効",
                e.expires_on.month(),
                e.expires_on.day(),
                grouped(e.points)
            ),
            Locale::En => format!(
                "{} points expire on {}",
                grouped(e.points),
                e.expires_on.format("%B %-d")
            ),
        },
    };
    (pending, expiring)
}

/// Makes the tray icon; the app runs on without one where the desktop has
/// no tray (the window then stays the way in).
pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let locale = locale(app);
    let w = words(locale);
    let (pending_text, why) = status_lines(None, false, locale);
    let items = Items {
        quick: MenuItem::with_id(app, "quick", w.quick, true, None::<&str>)?,
        sync: MenuItem::with_id(app, "sync", w.sync, true, None::<&str>)?,
        open: MenuItem::with_id(app, "open", w.open, true, None::<&str>)?,
        lock: MenuItem::with_id(app, "lock", w.lock, true, None::<&str>)?,
        quit: MenuItem::with_id(app, "quit", w.quit, true, None::<&str>)?,
        pending: MenuItem::with_id(app, "pending", pending_text, false, None::<&str>)?,
        expiring: MenuItem::with_id(app, "expiring", why, false, None::<&str>)?,
    };
    let menu = Menu::with_items(
        app,
        &[
            &items.quick,
            &items.sync,
            &items.open,
            &items.lock,
            &PredefinedMenuItem::separator(app)?,
            &items.pending,
            &items.expiring,
            &PredefinedMenuItem::separator(app)?,
            &items.quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .tooltip("けんぽデスク")
        .on_menu_event(on_menu);
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    app.manage(Tray { icon, items });
    refresh(app);
    Ok(())
}

fn locale(app: &AppHandle) -> Locale {
    app.try_state::<AppState>()
        .and_then(|s| s.prefs.load().ok())
        .map(|p| p.locale)
        .unwrap_or_default()
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        "quick" => crate::window::open_quick(app),
        "open" => crate::window::show_main(app),
        "lock" => crate::window::lock_from_tray(app),
        "sync" => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Some(state) = app.try_state::<AppState>()
                    && let Err(err) = state.desk.sync().await
                {
                    // The sync indicator tells the member; the log why.
                    tracing::info!(%err, "sync from the tray did not complete");
                }
            });
        }
        "quit" => app.exit(0),
        _ => {}
    }
}

/// Reads the core's status and puts it in the menu (off the UI thread).
pub fn refresh(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(state) = app.try_state::<AppState>() else {
            return;
        };
        let Some(tray) = app.try_state::<Tray>() else {
            return;
        };
        let status = state.desk.tray_status().await;
        let locale = locale(&app);
        let w = words(locale);
        let (pending, expiring) = status_lines(status.as_ref(), state.desk.is_locked(), locale);
        let open = status.is_some();
        let items = &tray.items;
        let results = [
            items.quick.set_text(w.quick),
            items.sync.set_text(w.sync),
            items.open.set_text(w.open),
            items.lock.set_text(w.lock),
            items.quit.set_text(w.quit),
            items.quick.set_enabled(open),
            items.sync.set_enabled(open),
            items.lock.set_enabled(open),
            items.pending.set_text(&pending),
            items.expiring.set_text(&expiring),
            tray.icon
                .set_tooltip(Some(format!("{pending}\n{expiring}"))),
        ];
        for result in results {
            if let Err(err) = result {
                tracing::warn!(%err, "the tray menu was not updated");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use kenpo_domain::ledger::Expiring;

    use super::*;

    #[test]
    fn the_status_lines_count_and_date_and_hide_when_locked() {
        let status = TrayStatus {
            pending: 3,
            expiring: Some(Expiring {
                expires_on: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
                points: 1240,
            }),
        };
        assert_eq!(
            status_lines(Some(&status), false, Locale::Ja),
            (
                "未送信の記録：3件".to_owned(),
                "3月31日に1,240ポイント失効".to_owned()
            )
        );
        assert_eq!(
            status_lines(None, true, Locale::Ja),
            ("けんぽデスク".to_owned(), "ロック中".to_owned())
        );
    }
}
