//! The demo insurer: `kenpo-insurer` run as a Tauri sidecar (its own
//! process, never linked into the app) in sandbox mode with the demo
//! roster, on 127.0.0.1, stopped when the app quits. Its outbox is the
//! in-app "demo mailbox", so a newcomer can register without a mail account.

use std::time::Duration;

use kenpo_core::client::InsurerClient;
use kenpo_domain::api::SandboxMail;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_shell::ShellExt;
use tauri_plugin_shell::process::{CommandChild, CommandEvent};

use crate::error::ShellErrorCode;
use crate::{AppState, CommandError};

/// The running demo insurer, if the member started it.
#[derive(Default)]
pub struct Demo {
    running: tokio::sync::Mutex<Option<(CommandChild, String)>>,
}

impl Demo {
    /// Stops the demo insurer (the app is quitting).
    pub fn stop(&self) {
        if let Ok(mut running) = self.running.try_lock()
            && let Some((child, _)) = running.take()
        {
            let _ = child.kill();
        }
    }
}

#[derive(Debug, Serialize, specta::Type)]
pub struct DemoInsurer {
    /// The demo insurer's address, for login and registration.
    pub server: String,
}

/// The app's today (JST): the demo member's past ends the day before, also
/// when the end-to-end tests have set the app's clock to another day.
fn app_today(state: &AppState) -> String {
    use kenpo_domain::time::Clock;
    #[cfg(debug_assertions)]
    let now = state.test_clock.now();
    #[cfg(not(debug_assertions))]
    let now = {
        let _ = state;
        kenpo_domain::time::SystemClock.now()
    };
    kenpo_domain::time::jst_date(now).to_string()
}

fn failed(message: impl ToString) -> CommandError {
    CommandError::shell(ShellErrorCode::DemoFailed, message)
}

/// Starts the demo insurer (or answers the one already running).
#[tauri::command]
#[specta::specta]
pub async fn demo_start(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<DemoInsurer, CommandError> {
    let mut running = state.demo.running.lock().await;
    if let Some((_, server)) = running.as_ref() {
        return Ok(DemoInsurer {
            server: server.clone(),
        });
    }
    let data = state.data_dir.join("demo-insurer");
    let data_arg = data.to_string_lossy().into_owned();
    // The demo roster, catalog, notices and FAQ (loading them again changes nothing).
    let output = app
        .shell()
        .sidecar("kenpo-insurer")
        .map_err(failed)?
        .args([
            "--data-dir",
            &data_arg,
            "demo",
            "--today",
            &app_today(&state),
        ])
        .output()
        .await
        .map_err(failed)?;
    if !output.status.success() {
        tracing::error!(stderr = %String::from_utf8_lossy(&output.stderr), "demo insurer: demo data");
        return Err(failed("the demo insurer could not load its data"));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(failed)?
        .port();
    let server = format!("http://127.0.0.1:{port}");
    let (mut events, child) = app
        .shell()
        .sidecar("kenpo-insurer")
        .map_err(failed)?
        .args([
            "--data-dir",
            &data_arg,
            "serve",
            "--sandbox",
            // The sidecar holds our end of its stdin: it stops when this
            // process ends, even when it is killed before it can say so.
            "--stop-with-stdin",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .spawn()
        .map_err(failed)?;
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                CommandEvent::Stderr(line) => {
                    tracing::warn!(line = %String::from_utf8_lossy(&line), "demo insurer")
                }
                CommandEvent::Terminated(status) => {
                    tracing::info!(code = ?status.code, "demo insurer stopped");
                }
                _ => {}
            }
        }
    });
    let client = InsurerClient::new(&server).map_err(failed)?;
    for _ in 0..100 {
        if client.insurer().await.is_ok() {
            *running = Some((child, server.clone()));
            tracing::info!(%server, "demo insurer started");
            return Ok(DemoInsurer { server });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    Err(failed("the demo insurer did not answer"))
}

/// The demo mailbox: the demo insurer's mails to `to`, newest last.
#[tauri::command]
#[specta::specta]
pub async fn demo_mailbox(
    state: State<'_, AppState>,
    to: String,
) -> Result<Vec<SandboxMail>, CommandError> {
    let server = state
        .demo
        .running
        .lock()
        .await
        .as_ref()
        .map(|(_, server)| server.clone())
        .ok_or_else(|| failed("the demo insurer is not running"))?;
    let client = InsurerClient::new(&server).map_err(failed)?;
    client
        .sandbox_mail(&to)
        .await
        .map(|mailbox| mailbox.messages)
        .map_err(CommandError::from)
}

/// Stops the demo insurer when the app exits.
pub fn on_exit(app: &AppHandle) {
    if let Some(state) = app.try_state::<AppState>() {
        state.demo.stop();
    }
}
