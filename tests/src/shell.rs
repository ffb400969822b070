//! What the tests reach besides the window: the app's test-only clock,
//! its processes on this desktop, its tray and its X windows.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::{App, Desktop, app_binary};

impl Desktop {
    /// The home folder of this desktop's member.
    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// The session bus address of this desktop.
    pub fn bus(&self) -> &str {
        &self.bus
    }

    /// A tray host (StatusNotifierWatcher) on this desktop's bus: start it
    /// before the app, as a panel is there before the apps of a session.
    pub async fn tray_host(&self) -> Result<crate::tray::TrayHost> {
        crate::tray::TrayHost::start(&self.bus).await
    }

    /// This desktop's X display, as a window manager sees it.
    pub fn x11(&self) -> Result<crate::x11::Display> {
        crate::x11::Display::open(&self.display)
    }

    /// The ids of the app's processes on this desktop.
    pub fn app_pids(&self) -> Result<Vec<u32>> {
        let binary = std::fs::canonicalize(app_binary()?)?;
        let display = format!("DISPLAY={}", self.display);
        let mut pids = Vec::new();
        for entry in std::fs::read_dir("/proc")? {
            let entry = entry?;
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let exe: Option<PathBuf> = std::fs::read_link(entry.path().join("exe")).ok();
            if exe.as_deref() != Some(binary.as_path()) {
                continue;
            }
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            if environ
                .split(|b| *b == 0)
                .any(|var| var == display.as_bytes())
            {
                pids.push(pid);
            }
        }
        Ok(pids)
    }
}

impl App {
    /// Calls the app's command `command` with `args` from the page, as the
    /// UI would; for the commands the UI's bindings leave out (the debug
    /// build's `debug_clock_set`).
    pub async fn invoke(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let ret = self
            .web()
            .execute_async(
                "const [command, args, done] = arguments;\
                 window.__TAURI_INTERNALS__.invoke(command, args)\
                   .then((ok) => done({ ok }), (err) => done({ err: String(err) }));",
                vec![serde_json::json!(command), args],
            )
            .await?;
        let answer = ret.json().clone();
        if let Some(err) = answer.get("err") {
            bail!("{command} failed: {err}");
        }
        Ok(answer.get("ok").cloned().unwrap_or_default())
    }

    /// Sets the app's clock (debug builds) to `instant` (RFC 3339) and
    /// answers the reminders that decided to show at once.
    pub async fn set_clock(&self, instant: &str) -> Result<Vec<serde_json::Value>> {
        let shown = self
            .invoke("debug_clock_set", serde_json::json!({ "instant": instant }))
            .await?;
        Ok(shown.as_array().cloned().unwrap_or_default())
    }
}

impl App {
    /// Starts the demo insurer from the login screen; its address.
    pub async fn start_demo(&self) -> Result<String> {
        let default = self.testid("login-server").await?.prop("value").await?;
        self.click("demo-start").await?;
        let deadline = std::time::Instant::now() + crate::PATIENCE;
        loop {
            let value = self.testid("login-server").await?.prop("value").await?;
            if value != default {
                return Ok(value.unwrap_or_default());
            }
            if std::time::Instant::now() > deadline {
                bail!("the demo insurer did not start");
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// Starts the demo insurer and logs in as its 山田 太郎 (U100001), his
    /// first password changed to `password`; at Today, synced. Answers the
    /// insurer's address.
    pub async fn demo_member(&self, password: &str) -> Result<String> {
        let server = self.start_demo().await?;
        self.fill("login-id", "U100001").await?;
        self.fill("password", "19800101").await?;
        self.click("login-submit").await?;
        self.testid("password-change").await?;
        self.fill("current-password", "19800101").await?;
        self.fill("new-password", password).await?;
        self.fill("new-password-confirm", password).await?;
        self.click("password-change-submit").await?;
        self.testid("today").await?;
        self.wait_attr("sync-state", "data-state", "synced").await?;
        Ok(server)
    }
}
