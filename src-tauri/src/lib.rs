//! The Tauri shell of Kenpo Desk: it adapts `kenpo-core` to commands,
//! events and desktop notifications. No SQL and no business rule lives
//! here; a command parses its input, calls one core function, and maps the
//! error to a [`CommandError`].

pub mod commands;
pub mod demo;
mod error;
pub mod registration;

use std::path::PathBuf;

use kenpo_core::prefs::PrefsStore;
use tauri::Manager;

pub use error::{CommandError, ErrorCode};

/// What every command may reach.
pub struct AppState {
    pub data_dir: PathBuf,
    pub prefs: PrefsStore,
    pub desk: kenpo_core::desk::Desk,
    pub demo: demo::Demo,
}

/// The commands and types exposed to the UI. The same builder serves the
/// app and the TypeScript bindings, so they cannot drift.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        commands::app_info_get,
        commands::prefs_get,
        commands::prefs_set,
        commands::notification_test,
        commands::profiles_get,
        commands::profile_open,
        commands::session_login,
        commands::session_logout,
        commands::day_get,
        commands::record_save,
        commands::sync_now,
        commands::check_in,
        commands::points_get,
        commands::lock_set,
        commands::lock_now,
        commands::lock_unlock,
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

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_shell::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            tracing::info!(data_dir = %data_dir.display(), "starting");
            app.manage(AppState {
                prefs: PrefsStore::new(&data_dir),
                desk: kenpo_core::desk::Desk::new(&data_dir),
                demo: demo::Demo::default(),
                data_dir,
            });
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                demo::on_exit(app);
            }
        }),
        Err(err) => {
            tracing::error!(%err, "Kenpo Desk could not start");
            std::process::exit(1);
        }
    }
}
