//! The Tauri shell of Kenpo Desk: it adapts `kenpo-core` to commands,
//! events and desktop notifications. No SQL and no business rule lives
//! here; a command parses its input, calls one core function, and maps the
//! error to a [`CommandError`].

pub mod account;
pub mod checkups;
pub mod commands;
pub mod demo;
mod error;
pub mod events;
pub mod exchange;
pub mod history;
pub mod notices;
pub mod notify;
pub mod registration;
pub mod reminders;
pub mod support;
#[cfg(debug_assertions)]
mod test_clock;
pub mod tray;
pub mod window;

use std::path::PathBuf;

use kenpo_core::prefs::PrefsStore;
use tauri::Manager;

pub use error::{CommandError, ErrorCode, ShellErrorCode};

/// What every command may reach.
pub struct AppState {
    pub data_dir: PathBuf,
    pub prefs: PrefsStore,
    pub desk: kenpo_core::desk::Desk,
    pub demo: demo::Demo,
    /// A `kenpodesk://` link that arrived before the UI listened for one.
    pub pending_link: std::sync::Mutex<Option<String>>,
    /// The core's clock, which the end-to-end tests set (debug builds).
    #[cfg(debug_assertions)]
    pub test_clock: std::sync::Arc<kenpo_core::clock::SettableClock>,
}

/// Hands a `kenpodesk://` link to the UI: the `deep-link` event, and kept
/// for `deep_link_take` in case the page is not listening yet.
fn deliver_link(app: &tauri::AppHandle, url: String) {
    use tauri::Emitter;
    tracing::info!("deep link received");
    if let Some(state) = app.try_state::<AppState>()
        && let Ok(mut pending) = state.pending_link.lock()
    {
        *pending = Some(url.clone());
    }
    if let Err(err) = app.emit("deep-link", url) {
        tracing::warn!(%err, "deep link not delivered");
    }
    window::show_main(app);
}

/// The commands and types exposed to the UI. The same builder serves the
/// app and the TypeScript bindings, so they cannot drift.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .events(tauri_specta::collect_events![
            events::SyncStatusChanged,
            events::RecordsChanged,
            events::PointsChanged,
            window::OpenToday,
            window::LockChanged,
        ])
        // The shipping form's rules, from kenpo-domain, so the UI never
        // keeps a copy of its own.
        .constant("PREFECTURES", kenpo_domain::api::PREFECTURES.as_slice())
        .constant("MAX_QUANTITY", kenpo_domain::exchange::MAX_QUANTITY)
        .constant(
            "MAX_ADDRESS_FIELD_CHARS",
            kenpo_domain::api::ShippingAddress::MAX_FIELD_CHARS,
        )
        .commands(tauri_specta::collect_commands![
            commands::app_info_get,
            commands::prefs_get,
            commands::prefs_set,
            commands::notification_test,
            commands::profiles_get,
            commands::profile_open,
            commands::profile_set_aside,
            history::history_month,
            history::history_chart,
            history::history_totals,
            history::history_table,
            history::history_export_csv,
            history::history_export_png,
            commands::passphrase_choose,
            commands::passphrase_enter,
            commands::session_login,
            commands::session_logout,
            commands::day_get,
            commands::record_save,
            commands::goals_set,
            commands::deep_link_take,
            commands::sync_now,
            commands::sync_status_get,
            commands::check_in,
            commands::points_get,
            commands::lock_set,
            commands::lock_now,
            commands::lock_unlock,
            notices::notices_get,
            notices::notice_read,
            account::account_get,
            account::account_nickname_set,
            account::account_email_set,
            account::account_session_end,
            account::profile_removal_get,
            account::profile_remove,
            account::about_get,
            support::faq_get,
            support::inquiry_send,
            checkups::checkups_get,
            checkups::report_send,
            exchange::catalog_get,
            exchange::exchange_quote,
            exchange::exchange_place,
            exchange::exchange_drop,
            exchange::orders_get,
            exchange::exchange_cancel,
            exchange::postal_lookup,
            reminders::reminders_get,
            reminders::reminders_set,
            reminders::autostart_get,
            reminders::autostart_set,
            reminders::window_main_show,
            demo::demo_start,
            demo::demo_mailbox,
            registration::insurer_get,
            registration::registration_start,
            registration::captcha_get,
            registration::registration_identity,
            registration::registration_auth_key,
            registration::registration_account,
            registration::registration_dependent,
            registration::password_reset_start,
            registration::password_reset_complete,
            registration::password_change,
        ])
}

/// Where `ui/src/bindings.ts` comes from: the generated TypeScript of
/// [`specta_builder`].
pub fn export_bindings(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    specta_builder().export(
        specta_typescript::Typescript::default()
            .header("// Generated from Rust by `cargo xtask bindings`. Do not edit."),
        path,
    )
}

/// The background sync's plan. `KENPO_DESK_SYNC_EVERY_SECS` shortens the
/// time between syncs, for the end-to-end tests that watch one happen.
fn sync_plan() -> kenpo_core::scheduler::Plan {
    let mut plan = kenpo_core::scheduler::Plan::default();
    if let Some(secs) = std::env::var("KENPO_DESK_SYNC_EVERY_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        plan.every = std::time::Duration::from_secs(secs);
        plan.offline_retry = plan.offline_retry.min(plan.every);
    }
    plan
}

/// The argument autostart launches the app with: start in the tray.
const HIDDEN: &str = "--hidden";

/// The generated commands; debug builds also answer the tests' clock.
fn invoke_handler(
    builder: &tauri_specta::Builder<tauri::Wry>,
) -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    let commands = builder.invoke_handler();
    #[cfg(debug_assertions)]
    let test_clock = test_clock::handler();
    move |invoke| {
        #[cfg(debug_assertions)]
        if invoke.message.command() == "debug_clock_set" {
            return test_clock(invoke);
        }
        commands(invoke)
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let builder = specta_builder();
    let result = tauri::Builder::default()
        // First: a second launch (e.g. a mailed kenpodesk:// link) hands its
        // link to this instance and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            // Also the way back to a window hidden in the tray.
            window::show_main(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN]),
        ))
        .invoke_handler(invoke_handler(&builder))
        .on_window_event(window::on_event)
        .setup(move |app| {
            builder.mount_events(app);
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            tracing::info!(data_dir = %data_dir.display(), "starting");
            let mut options = kenpo_core::desk::DeskOptions::new(&data_dir);
            options.events = std::sync::Arc::new(events::ShellEvents(app.handle().clone()));
            options.plan = sync_plan();
            #[cfg(debug_assertions)]
            let test_clock = test_clock::from_env();
            #[cfg(debug_assertions)]
            {
                options.clock = test_clock.clone();
            }
            let desk = tauri::async_runtime::block_on(kenpo_core::desk::Desk::open(options));
            app.manage(AppState {
                prefs: PrefsStore::new(&data_dir),
                desk,
                demo: demo::Demo::default(),
                pending_link: std::sync::Mutex::new(None),
                data_dir,
                #[cfg(debug_assertions)]
                test_clock,
            });
            if let Err(err) = tray::build(app.handle()) {
                tracing::warn!(%err, "no tray icon on this desktop");
            }
            // Started at login: hidden in the tray until asked for.
            if !std::env::args().any(|a| a == HIDDEN) {
                window::show_main(app.handle());
            }
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                // Where the OS knows no handler yet (a development build),
                // register this binary for kenpodesk:// links.
                #[cfg(any(target_os = "linux", windows))]
                if let Err(err) = app.deep_link().register_all() {
                    tracing::warn!(%err, "kenpodesk:// links not registered with the desktop");
                }
                let handle = app.handle().clone();
                app.deep_link().on_open_url(move |event| {
                    for url in event.urls() {
                        deliver_link(&handle, url.to_string());
                    }
                });
                // Started by a link.
                if let Ok(Some(urls)) = app.deep_link().get_current() {
                    for url in urls {
                        deliver_link(app.handle(), url.to_string());
                    }
                }
            }
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // The demo insurer first: closing the data may wait for a sync.
                demo::on_exit(app);
                if let Some(state) = app.try_state::<AppState>() {
                    tauri::async_runtime::block_on(state.desk.shutdown());
                }
            }
        }),
        Err(err) => {
            tracing::error!(%err, "Kenpo Desk could not start");
            std::process::exit(1);
        }
    }
}
