//! The end-to-end harness: drives the REAL Kenpo Desk window.
//!
//! Each [`Desktop`] is a private desktop: its own Xvfb display, D-Bus
//! session, notification daemon (dunst) and data folders, so tests neither
//! see the developer's session nor each other. [`Desktop::launch`] starts
//! tauri-driver (which starts WebKitWebDriver, which starts the app) and
//! returns a WebDriver session on the app's window; dropping or
//! [`App::quit`]ting it closes the app, and launching again on the same
//! desktop is a restart with the same data.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let desktop = kenpo_e2e::Desktop::start("example")?;
//! let app = desktop.launch().await?;
//! app.screenshot("example").await?;
//! app.quit().await?;
//! # Ok(()) }
//! ```
//!
//! The app binary is `target/debug/kenpo-desk` (or `$KENPO_APP_BIN`);
//! `cargo xtask test` builds it before the tests run.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use thirtyfour::prelude::*;

pub use thirtyfour;

pub mod procs;
mod screens;
mod shell;
pub mod tray;
pub mod x11;

/// How long to wait for the app or a daemon before calling it broken.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The workspace's target folder (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
        })
}

/// The app under test.
pub fn app_binary() -> Result<PathBuf> {
    let bin = std::env::var_os("KENPO_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("kenpo-desk"));
    if !bin.exists() {
        bail!(
            "the app binary {} does not exist: build it first (cargo xtask e2e does)",
            bin.display()
        );
    }
    Ok(std::fs::canonicalize(bin)?)
}

/// An Xvfb display, stopped when dropped.
pub struct VirtualDisplay {
    name: String,
    _xvfb: Guard,
}

impl VirtualDisplay {
    /// Starts Xvfb at 1280×800; its own messages go to `log`.
    pub fn start(log: impl Into<Stdio>) -> Result<Self> {
        // -displayfd makes Xvfb pick a free display and tell us which: no races
        // between parallel tests.
        let mut xvfb = Guard::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::piped())
                .stderr(log),
        )?;
        let name = format!(":{}", first_line(&mut xvfb.child, "Xvfb")?);
        Ok(Self { name, _xvfb: xvfb })
    }

    /// The value for `DISPLAY`, e.g. `:3`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A child process that is stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Guard {
    name: &'static str,
    child: Child,
}

impl Guard {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Result<Self> {
        let child = cmd.spawn().with_context(|| {
            format!("cannot start {name}: is it installed? (cargo xtask setup)")
        })?;
        Ok(Self { name, child })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // SIGTERM first: tauri-driver killed with SIGKILL orphans WebKitWebDriver.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("e2e: {} did not stop on SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A session bus with no activatable services: the portal and the
/// accessibility bus are not started behind the tests' back (slower, and
/// noise), and anything a test needs on the bus, it starts itself.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// A private session bus with an unlocked GNOME keyring on it: the OS
/// keychain (Secret Service) as a member's desktop has it, in a temporary
/// home. Processes given [`KeyringBus::env`] keep their secrets there.
pub struct KeyringBus {
    bus: String,
    home: tempfile::TempDir,
    // The keyring before its bus.
    _keyring: Guard,
    _dbus: Guard,
}

impl KeyringBus {
    pub fn start(name: &str) -> Result<Self> {
        let home = tempfile::Builder::new()
            .prefix("kenpo-keyring-")
            .tempdir()?;
        let bus_config = home.path().join("bus.conf");
        std::fs::write(&bus_config, BUS_CONFIG)?;
        let mut dbus = Guard::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .arg("--nofork")
                .arg("--print-address=1")
                .arg(format!("--config-file={}", bus_config.display()))
                .stdout(Stdio::piped())
                .stderr(log_file(name, "dbus")?),
        )?;
        let bus = first_line(&mut dbus.child, "dbus-daemon")?;
        let keyring = start_keyring(name, home.path(), &bus)?;
        let keyring_bus = Self {
            bus,
            home,
            _keyring: keyring,
            _dbus: dbus,
        };
        Ok(keyring_bus)
    }

    /// The environment that puts a process on this bus.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("DBUS_SESSION_BUS_ADDRESS", self.bus.clone())]
    }

    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }
}

/// GNOME keyring's Secret Service on `bus`, its login keyring unlocked,
/// its files under `home`; up when this returns.
fn start_keyring(name: &str, home: &std::path::Path, bus: &str) -> Result<Guard> {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime)?;
    let mut keyring = Guard::spawn(
        "gnome-keyring-daemon",
        Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("keyring-data"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(Stdio::piped())
            .stdout(log_file(name, "keyring")?)
            .stderr(log_file(name, "keyring-err")?),
    )?;
    // --unlock reads the login keyring's password until end of input.
    if let Some(mut stdin) = keyring.child.stdin.take() {
        use std::io::Write;
        stdin.write_all(b"kenpo-test-keyring")?;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .output()?;
        if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
            return Ok(keyring);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    anyhow::bail!("gnome-keyring-daemon did not come up on the test bus")
}

/// A private desktop: display, session bus, notification daemon, folders.
pub struct Desktop {
    name: String,
    display: String,
    bus: String,
    home: tempfile::TempDir,
    // Dropped in reverse order of start: the daemons before their bus and display.
    keyring: Option<Guard>,
    _dunst: Option<Guard>,
    _dbus: Guard,
    _xvfb: VirtualDisplay,
}

impl Desktop {
    /// Starts a desktop; `name` names its log files under `target/e2e/logs/`.
    pub fn start(name: &str) -> Result<Self> {
        Self::start_with(name, true, true)
    }

    /// A desktop whose session has no notification service.
    pub fn start_without_notifications(name: &str) -> Result<Self> {
        Self::start_with(name, false, true)
    }

    /// A desktop whose session has no keychain (Secret Service).
    pub fn start_without_keychain(name: &str) -> Result<Self> {
        Self::start_with(name, true, false)
    }

    fn start_with(name: &str, notifications: bool, keychain: bool) -> Result<Self> {
        let home = tempfile::Builder::new().prefix("kenpo-e2e-").tempdir()?;
        let xvfb = VirtualDisplay::start(log_file(name, "xvfb")?)?;
        let display = xvfb.name().to_owned();
        let bus_config = home.path().join("bus.conf");
        std::fs::write(&bus_config, BUS_CONFIG)?;
        let mut dbus = Guard::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .arg("--nofork")
                .arg("--print-address=1")
                .arg(format!("--config-file={}", bus_config.display()))
                .stdout(Stdio::piped())
                .stderr(log_file(name, "dbus")?),
        )?;
        let bus = first_line(&mut dbus.child, "dbus-daemon")?;

        let dunst = if notifications {
            Some(Guard::spawn(
                "dunst",
                Command::new("dunst")
                    .env("DISPLAY", &display)
                    .env("DBUS_SESSION_BUS_ADDRESS", &bus)
                    .env("XDG_CONFIG_HOME", home.path().join("config"))
                    .stdout(Stdio::null())
                    .stderr(log_file(name, "dunst")?),
            )?)
        } else {
            None
        };
        let keyring = if keychain {
            Some(start_keyring(name, home.path(), &bus)?)
        } else {
            None
        };
        let desktop = Self {
            name: name.to_owned(),
            display,
            bus,
            home,
            keyring,
            _dunst: dunst,
            _dbus: dbus,
            _xvfb: xvfb,
        };
        if notifications {
            desktop.wait_for_notification_daemon()?;
        }
        Ok(desktop)
    }

    /// Starts a keychain (GNOME keyring) on this desktop's bus, as if one
    /// were installed after the app had run without.
    pub fn start_keychain(&mut self) -> Result<()> {
        anyhow::ensure!(
            self.keyring.is_none(),
            "this desktop has a keychain already"
        );
        self.keyring = Some(start_keyring(&self.name, self.home.path(), &self.bus)?);
        Ok(())
    }

    /// Launches the app binary a second time on this desktop with `args`
    /// (e.g. a `kenpodesk://` link), as the desktop would for a clicked
    /// link, and waits for that launch to end.
    pub fn launch_again(&self, args: &[&str]) -> Result<std::process::ExitStatus> {
        let mut child = Command::new(app_binary()?)
            .args(args)
            .env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("XDG_CACHE_HOME", self.home.path().join("cache"))
            .env("NO_AT_BRIDGE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log_file(&self.name, "second-launch")?)
            .spawn()?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                bail!("the second launch did not hand over and exit");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The app's data folder on this desktop (Tauri's app-data dir under XDG_DATA_HOME).
    pub fn app_data_dir(&self) -> PathBuf {
        self.home.path().join("data").join("jp.kenpodesk.desktop")
    }

    /// Starts the app and returns a WebDriver session on its window.
    pub async fn launch(&self) -> Result<App> {
        self.launch_with(&[]).await
    }

    /// [`Desktop::launch`] with more environment for the app (`vars`).
    pub async fn launch_with(&self, vars: &[(&str, &str)]) -> Result<App> {
        let app = app_binary()?;
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = Guard::spawn(
            "tauri-driver",
            Command::new("tauri-driver")
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                // tauri-driver passes its environment on to the app.
                .env("DISPLAY", &self.display)
                .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
                // Also the home of what ignores XDG (autostart's ~/.config).
                .env("HOME", self.home.path())
                .env("XDG_DATA_HOME", self.home.path().join("data"))
                .env("XDG_CONFIG_HOME", self.home.path().join("config"))
                .env("XDG_CACHE_HOME", self.home.path().join("cache"))
                .env("NO_AT_BRIDGE", "1")
                .envs(vars.iter().copied())
                .env_remove("WAYLAND_DISPLAY")
                .stdout(Stdio::null())
                .stderr(log_file(&self.name, "app")?),
        )?;
        wait_for_port(port).await?;
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry")?;
        caps.set(
            "tauri:options",
            serde_json::json!({ "application": app.to_string_lossy() }),
        )?;
        // On a loaded machine the first session can fail while WebKit
        // starts: one more try before giving up.
        let web = match WebDriver::new(format!("http://127.0.0.1:{port}"), caps.clone()).await {
            Ok(web) => web,
            Err(first) => {
                eprintln!("e2e: no WebDriver session at the first try ({first}); trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
                    .await
                    .context("WebDriver session on the app")?
            }
        };
        let app = App {
            web: Some(web),
            driver,
            display: self.display.clone(),
        };
        // The frame is mounted once preferences are applied: wait for it.
        app.find(By::Css("[data-testid='app-name']")).await?;
        Ok(app)
    }

    /// `dunstctl` on this desktop's bus.
    pub fn dunstctl(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("dunstctl")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .output()
            .context("dunstctl")?;
        if !out.status.success() {
            bail!(
                "dunstctl {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// Waits until the notification daemon holds a notification: proof that
    /// one reached a real daemon, not just that the app sent it.
    pub async fn wait_for_notification(&self) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let count = |what| -> Result<u32> {
                Ok(self.dunstctl(&["count", what])?.trim().parse().unwrap_or(0))
            };
            if count("displayed")? + count("waiting")? > 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("no notification reached the notification daemon within {PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Closes every shown notification and returns the daemon's history.
    pub fn notification_history(&self) -> Result<serde_json::Value> {
        self.dunstctl(&["close-all"])?;
        // dunst moves closed notifications to the history asynchronously.
        std::thread::sleep(Duration::from_millis(200));
        Ok(serde_json::from_str(&self.dunstctl(&["history"])?)?)
    }

    fn wait_for_notification_daemon(&self) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self.dunstctl(&["is-paused"]).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("dunst did not come up on the test session bus")
    }
}

/// The running app, through WebDriver.
pub struct App {
    web: Option<WebDriver>,
    driver: Guard,
    display: String,
}

impl App {
    /// The X display the app's window is on.
    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn web(&self) -> &WebDriver {
        self.web.as_ref().expect("the session is open until quit")
    }

    /// The first element matching `by`, waiting for it to appear.
    pub async fn find(&self, by: By) -> Result<WebElement> {
        Ok(self
            .web()
            .query(by)
            .wait(PATIENCE, Duration::from_millis(100))
            .first()
            .await?)
    }

    /// Waits until the element's text is `want`, and says what it was otherwise.
    pub async fn wait_text(&self, by: By, want: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.find(by.clone()).await?.text().await?;
            if text == want {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("expected text {want:?}, found {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with `data-testid="<id>"`.
    pub async fn testid(&self, id: &str) -> Result<WebElement> {
        self.find(By::Css(format!("[data-testid='{id}']"))).await
    }

    /// Clears the field `id` and types `text` into it.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        let field = self.testid(id).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    pub async fn click(&self, id: &str) -> Result<()> {
        self.testid(id).await?.click().await?;
        Ok(())
    }

    /// Waits until the element `id` has attribute `attr` equal to `want`.
    pub async fn wait_attr(&self, id: &str, attr: &str, want: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.testid(id).await?.attr(attr).await?;
            if found.as_deref() == Some(want) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("expected {id} [{attr}={want:?}], found {found:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element `id`'s text contains `want`.
    pub async fn wait_contains(&self, id: &str, want: &str) -> Result<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.testid(id).await?.text().await?;
            if text.contains(want) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("expected {id} to contain {want:?}, found {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    pub async fn eval(&self, expr: &str) -> Result<serde_json::Value> {
        let ret = self
            .web()
            .execute(format!("return {expr};"), vec![])
            .await?;
        Ok(ret.json().clone())
    }

    /// Saves the whole screen (the window and any notification on it) as
    /// `target/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = target_dir().join("e2e");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        // The DOM can be ready before WebKit has presented a frame (two
        // animation frames were not always enough under Xvfb): capture until
        // the window has content. Only the left of the screen is counted:
        // notifications (dunst) appear top right and have colours of their own.
        // A change just made shows once WebKit has painted it: two frames
        // and a moment more (a screenshot right after an error appeared
        // showed the form still busy).
        self.web()
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let status = Command::new("import")
                .args(["-window", "root"])
                .arg(&path)
                .env("DISPLAY", &self.display)
                .status()
                .context("import (imagemagick; cargo xtask setup installs it)")?;
            if !status.success() {
                bail!("import could not capture display {}", self.display);
            }
            let colours = Command::new("convert")
                .arg(&path)
                .args(["-crop", "640x700+0+0", "+repage", "-format", "%k", "info:"])
                .output()
                .context("convert (imagemagick)")?;
            let colours: u32 = String::from_utf8_lossy(&colours.stdout)
                .trim()
                .parse()
                .unwrap_or(0);
            if colours > 16 {
                break;
            }
            if Instant::now() > deadline {
                bail!(
                    "the app's window stayed blank for {PATIENCE:?} (screenshot {})",
                    path.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(path)
    }

    /// Closes the app (ending the WebDriver session) and its driver.
    pub async fn quit(mut self) -> Result<()> {
        if let Some(web) = self.web.take() {
            web.quit().await?;
        }
        self.driver.stop();
        Ok(())
    }
}

/// An append-only log for one process of a desktop: the app's own log
/// (through tauri-driver) lands in `target/e2e/logs/<desktop>-app.log`.
fn log_file(desktop: &str, process: &str) -> Result<std::fs::File> {
    let dir = target_dir().join("e2e").join("logs");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{desktop}-{process}.log"));
    Ok(std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?)
}

fn first_line(child: &mut Child, name: &str) -> Result<String> {
    let stdout = child
        .stdout
        .take()
        .with_context(|| format!("{name} has no stdout"))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let line = line.trim().to_owned();
    if line.is_empty() {
        bail!("{name} exited before it was ready");
    }
    Ok(line)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("tauri-driver did not listen on port {port}")
}
