//! `cargo xtask <task>`: the one entry point that README, CI and developers
//! share. Each task installs what it needs first, so a fresh Debian machine
//! needs nothing by hand.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Debian packages for building and running the app and its end-to-end tests.
const DEBIAN_PACKAGES: &[&str] = &[
    // building the Tauri shell
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libsoup-3.0-dev",
    "libssl-dev",
    // Japanese text that never depends on a font another package pulled in
    "fonts-noto-cjk",
    // end-to-end tests: virtual display, D-Bus session, WebDriver, notification daemon
    "xvfb",
    "dbus",
    "dbus-daemon",
    "webkit2gtk-driver",
    "dunst",
    "imagemagick",
    // fetching Node.js when the machine has none recent enough
    "curl",
    "ca-certificates",
];

/// Vite 8 needs Node 20.19 or newer.
const NODE_MIN: (u32, u32) = (20, 19);
/// The Node.js fetched (from the npm registry) when the machine's is missing or too old.
const NODE_FALLBACK: &str = "22.23.3";

fn main() -> Result<()> {
    // args[0] is the program itself.
    let args: Vec<String> = env::args().collect();
    let task = args.get(1).map(String::as_str).unwrap_or("help");
    let rest = args.get(2..).unwrap_or_default();
    let mut ws = Workspace::locate()?;
    match task {
        "setup" => ws.setup(),
        "run" => ws.run_app(rest),
        "test" => ws.test(),
        "e2e" => ws.e2e(),
        "bindings" => ws.bindings(),
        "bench" => ws.bench(),
        "ui" => ws.setup_npm().and_then(|()| ws.build_ui()),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 run       install what is missing, build, and open Kenpo Desk\n  \
                 test      every check: fmt, clippy, Rust tests, UI type check and tests,\n            \
                 binding staleness, end-to-end tests\n  \
                 e2e       only the end-to-end tests (after building the app)\n  \
                 setup     install Debian packages, Node.js if needed, tauri-driver, npm packages\n  \
                 bindings  regenerate ui/src/bindings.ts from the Rust commands\n  \
                 bench     release build; time to first paint and memory under Xvfb\n  \
                 ui        build the web UI into ui/dist"
            );
            if task == "help" {
                Ok(())
            } else {
                bail!("unknown task `{task}`")
            }
        }
    }
}

struct Workspace {
    root: PathBuf,
    /// Prepended to PATH for every child (a fetched Node.js, cargo's bin folder).
    extra_path: Vec<PathBuf>,
}

impl Workspace {
    fn locate() -> Result<Self> {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let root = manifest
            .parent()
            .context("xtask lives inside the workspace")?
            .to_path_buf();
        let mut ws = Self {
            root,
            extra_path: Vec::new(),
        };
        // A Node.js fetched by an earlier setup is used even when setup is not rerun.
        let fetched = ws.node_dir().join("bin");
        if fetched.join("node").exists() {
            ws.extra_path.push(fetched);
        }
        if let Some(home) = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        {
            ws.extra_path.push(home.join("bin"));
        }
        Ok(ws)
    }

    fn target_dir(&self) -> PathBuf {
        env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join("target"))
    }

    fn node_dir(&self) -> PathBuf {
        self.target_dir().join("tools").join("node")
    }

    fn ui(&self) -> PathBuf {
        self.root.join("ui")
    }

    fn path_var(&self) -> OsString {
        let current = env::var_os("PATH").unwrap_or_default();
        let paths = self
            .extra_path
            .iter()
            .cloned()
            .chain(env::split_paths(&current));
        env::join_paths(paths).unwrap_or(current)
    }

    fn cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root).env("PATH", self.path_var());
        cmd
    }

    fn cargo(&self) -> Command {
        self.cmd(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
    }

    fn npm(&self) -> Command {
        let mut cmd = self.cmd("npm");
        cmd.current_dir(self.ui());
        cmd
    }

    // ---- setup -------------------------------------------------------------

    fn setup(&mut self) -> Result<()> {
        self.setup_debian()?;
        self.setup_tauri_driver()?;
        self.setup_npm()
    }

    fn setup_debian(&self) -> Result<()> {
        if !Path::new("/usr/bin/dpkg-query").exists() {
            eprintln!(
                "xtask: not a Debian-like system; install the equivalents of: {}",
                DEBIAN_PACKAGES.join(" ")
            );
            return Ok(());
        }
        let missing: Vec<&str> = DEBIAN_PACKAGES
            .iter()
            .copied()
            .filter(|pkg| !debian_installed(pkg))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        eprintln!("xtask: installing Debian packages: {}", missing.join(" "));
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|out| out.stdout.trim_ascii() == b"0")
            .unwrap_or(false);
        let apt = |args: &[&str]| -> Result<()> {
            let mut cmd = if is_root {
                Command::new("apt-get")
            } else {
                Command::new("sudo")
            };
            if !is_root {
                cmd.arg("apt-get");
            }
            cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            run(&mut cmd)
        };
        apt(&["update", "-qq"]).context("apt-get update (needs root or sudo)")?;
        let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
        args.extend(&missing);
        apt(&args).context("apt-get install")
    }

    fn setup_tauri_driver(&self) -> Result<()> {
        if self.cmd("tauri-driver").arg("--help").output().is_ok() {
            return Ok(());
        }
        eprintln!("xtask: installing tauri-driver 2.x (cargo install)");
        // crates.io lists 3.0 alphas as latest: stay on 2.x.
        run(self
            .cargo()
            .args(["install", "tauri-driver", "--version", "^2", "--locked"]))
    }

    fn setup_npm(&mut self) -> Result<()> {
        self.ensure_node()?;
        let lock = self.ui().join("package-lock.json");
        let installed = self.ui().join("node_modules/.package-lock.json");
        let fresh = match (mtime(&lock), mtime(&installed)) {
            (Some(lock), Some(installed)) => installed >= lock,
            _ => false,
        };
        if !fresh {
            eprintln!("xtask: installing npm packages (npm ci in ui/)");
            run(self.npm().args(["ci", "--no-audit", "--no-fund"]))?;
        }
        Ok(())
    }

    /// Makes a recent enough Node.js available: the machine's, or one fetched
    /// from the npm registry (Debian 12's own is too old for Vite).
    fn ensure_node(&mut self) -> Result<()> {
        if let Some(version) = self.node_version()
            && version >= NODE_MIN
        {
            return Ok(());
        }
        let arch = match env::consts::ARCH {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            other => bail!("no Node.js >= 20.19 found, and none to fetch for {other}: install one"),
        };
        eprintln!(
            "xtask: Node.js >= 20.19 not found; fetching Node.js {NODE_FALLBACK} from the npm registry"
        );
        let url = format!(
            "https://registry.npmjs.org/node-linux-{arch}/-/node-linux-{arch}-{NODE_FALLBACK}.tgz"
        );
        let dir = self.node_dir();
        std::fs::create_dir_all(&dir)?;
        let tarball = dir.join("node.tgz");
        run(Command::new("curl")
            .args(["-fsSL", "-o"])
            .arg(&tarball)
            .arg(&url))?;
        run(Command::new("tar")
            .args(["-xzf"])
            .arg(&tarball)
            .arg("-C")
            .arg(&dir)
            .arg("--strip-components=1"))?;
        std::fs::remove_file(&tarball)?;
        self.extra_path.insert(0, dir.join("bin"));
        match self.node_version() {
            Some(version) if version >= NODE_MIN => Ok(()),
            _ => bail!("the fetched Node.js does not run"),
        }
    }

    fn node_version(&self) -> Option<(u32, u32)> {
        let out = self.cmd("node").arg("--version").output().ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        let mut parts = text.trim().trim_start_matches('v').split('.');
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    }

    fn build_ui(&self) -> Result<()> {
        run(self.npm().args(["run", "build"]))
    }

    // ---- tasks ---------------------------------------------------------------

    fn run_app(&mut self, app_args: &[String]) -> Result<()> {
        self.setup()?;
        self.build_ui()?;
        run(self.cargo().args(["build", "-p", "kenpo-desk"]))?;
        let app = self.target_dir().join("debug").join("kenpo-desk");
        let headless = env::var_os("DISPLAY").is_none() && env::var_os("WAYLAND_DISPLAY").is_none();
        let mut cmd = if headless {
            eprintln!(
                "xtask: no display: running under Xvfb (xvfb-run), the window is not visible"
            );
            let mut cmd = self.cmd("xvfb-run");
            cmd.args(["-a", "-s", "-screen 0 1280x800x24"]).arg(&app);
            cmd
        } else {
            let app = app.to_string_lossy().into_owned();
            self.cmd(&app)
        };
        run(cmd.args(app_args))
    }

    fn test(&mut self) -> Result<()> {
        let started = Instant::now();
        self.setup()?;
        step("cargo fmt --check", || {
            run(self.cargo().args(["fmt", "--all", "--check"]))
        })?;
        step("UI build", || self.build_ui())?;
        step("UI type check (svelte-check)", || {
            run(self.npm().args(["run", "check"]))
        })?;
        step("UI tests (vitest)", || run(self.npm().args(["test"])))?;
        step("clippy", || {
            run(self.cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        // Builds the app binary too, which the end-to-end tests drive; the
        // binding staleness check is the kenpo-desk `bindings` test.
        step(
            "Rust tests (unit, integration, bindings, end-to-end)",
            || run(self.cargo().args(["test", "--workspace", "--no-fail-fast"])),
        )?;
        step("rustdoc", || {
            run(self
                .cargo()
                .args(["doc", "--workspace", "--no-deps"])
                .env("RUSTDOCFLAGS", "-D warnings"))
        })?;
        eprintln!("xtask: all checks passed in {:.0?}", started.elapsed());
        Ok(())
    }

    fn e2e(&mut self) -> Result<()> {
        self.setup()?;
        self.build_ui()?;
        run(self.cargo().args(["build", "-p", "kenpo-desk"]))?;
        run(self.cargo().args(["test", "-p", "kenpo-e2e"]))
    }

    fn bindings(&mut self) -> Result<()> {
        // The shell crate only needs ui/dist to exist; the UI itself may not
        // build until the bindings it imports are written.
        std::fs::create_dir_all(self.ui().join("dist"))?;
        run(self
            .cargo()
            .args(["test", "-p", "kenpo-desk", "--test", "bindings"])
            .env("KENPO_WRITE_BINDINGS", "1"))?;
        eprintln!("xtask: wrote ui/src/bindings.ts");
        Ok(())
    }
}

impl Workspace {
    /// The release app's size, time to first paint and memory under Xvfb
    /// (the `startup-bench` binary of the e2e crate does the measuring).
    fn bench(&mut self) -> Result<()> {
        self.setup()?;
        self.build_ui()?;
        run(self
            .cargo()
            .args(["build", "--release", "-p", "kenpo-desk"]))?;
        let app = self.target_dir().join("release").join("kenpo-desk");
        let size = std::fs::metadata(&app)?.len();
        println!(
            "release binary: {} ({:.1} MB)",
            app.display(),
            size as f64 / 1e6
        );
        run(self
            .cargo()
            .args([
                "run",
                "--quiet",
                "-p",
                "kenpo-e2e",
                "--bin",
                "startup-bench",
                "--",
            ])
            .arg(&app))
    }
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\nxtask: ==> {name}");
    let started = Instant::now();
    f().with_context(|| format!("step failed: {name}"))?;
    eprintln!("xtask: <== {name} ({:.1?})", started.elapsed());
    Ok(())
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!(
            "{:?} {:?} failed ({status})",
            cmd.get_program(),
            cmd.get_args().collect::<Vec<_>>()
        );
    }
    Ok(())
}

fn debian_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Status}", pkg])
        .output()
        .map(|out| out.stdout == b"installed")
        .unwrap_or(false)
}

fn mtime(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
