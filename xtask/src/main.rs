//! `cargo xtask <task>`: the one entry point that README, CI and developers
//! share. Each task installs what it needs first, so a fresh Debian machine
//! needs nothing by hand.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod bench;
mod launch;

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
    // answering the app's native save dialog (the CSV export test)
    "xdotool",
    // the OS keychain (Secret Service) that the app and its sync tests keep keys in
    "gnome-keyring",
    // fetching Node.js when the machine has none recent enough
    "curl",
    "ca-certificates",
    // the insurer's SMTP test runs Python's aiosmtpd from a venv, which
    // Debian's python3 can only make with python3-venv
    "python3",
    "python3-venv",
];

/// The SMTP server that the insurer's mail test talks to, from PyPI.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";
/// Seconds each fuzz target runs in `cargo xtask test` (`cargo xtask fuzz` runs longer).
const FUZZ_SECS_IN_TEST: u64 = 10;
/// The insurer's standing API check against its own OpenAPI, from PyPI.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Where the insurer's tests find PostgreSQL unless `KENPO_TEST_POSTGRES_URL` says otherwise.
const POSTGRES_HOST: &str = "127.0.0.1";
const POSTGRES_PORT: &str = "5432";
/// A login role that may create and drop the tests' own databases, and nothing more.
const POSTGRES_TEST_URL: &str = "postgres://kenpo_test:kenpo_test@127.0.0.1:5432/postgres";
const POSTGRES_TEST_ROLE_SQL: &str = "DO $$ BEGIN \
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kenpo_test') THEN \
    CREATE ROLE kenpo_test LOGIN CREATEDB PASSWORD 'kenpo_test'; \
    ELSE ALTER ROLE kenpo_test LOGIN CREATEDB PASSWORD 'kenpo_test'; \
    END IF; END $$;";

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
        "test-env" => ws.test_env(),
        "e2e" => ws.e2e(),
        "bindings" => ws.bindings(),
        "bench" => ws.bench(rest.iter().any(|a| a == "--smoke")),
        "fuzz" => {
            let secs = match rest.first() {
                Some(secs) => secs
                    .parse()
                    .context("cargo xtask fuzz [SECONDS per target]")?,
                None => 300,
            };
            ws.fuzz(secs)
        }
        "ui" => ws.setup_npm().and_then(|()| ws.build_ui()),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 run       install what is missing, build, and open Kenpo Desk\n  \
                 test      every check: fmt, clippy, Rust tests, UI type check and tests,\n            \
                 binding staleness, end-to-end tests\n  \
                 test-env  start what the insurer's tests need (PostgreSQL, aiosmtpd),\n            \
                 print what to export for a plain `cargo test`\n  \
                 e2e       only the end-to-end tests (after building the app)\n  \
                 setup     install Debian packages, Node.js if needed, tauri-driver, npm packages\n  \
                 bindings  regenerate ui/src/bindings.ts from the Rust commands\n  \
                 bench     release builds; every speed and memory figure beside its anchor,\n            \
                 written to BENCHMARKS.md (--smoke: each once, tiny, into target/bench)\n  \
                 fuzz [S]  each cargo-fuzz target for S seconds (300 by default)\n  \
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
        apt_install(&missing)
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

    /// Builds the demo insurer and puts it where Tauri takes its sidecar
    /// from (`src-tauri/binaries/kenpo-insurer-<target triple>`): the app's
    /// build copies it next to the app, and never links it.
    fn sidecar(&self, release: bool) -> Result<()> {
        let mut build = self.cargo();
        build.args(["build", "-p", "kenpo-insurer", "--bin", "kenpo-insurer"]);
        if release {
            build.arg("--release");
        }
        run(&mut build)?;
        let out = self.cmd("rustc").arg("-vV").output()?;
        let triple = String::from_utf8(out.stdout)?
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
            .context("rustc -vV names no host")?;
        let built = self
            .target_dir()
            .join(if release { "release" } else { "debug" })
            .join(format!("kenpo-insurer{}", env::consts::EXE_SUFFIX));
        let dir = self.root.join("src-tauri").join("binaries");
        std::fs::create_dir_all(&dir)?;
        let placed = dir.join(format!("kenpo-insurer-{triple}{}", env::consts::EXE_SUFFIX));
        // Only when it changed: a new file makes the app's build script run again.
        let same = std::fs::read(&built).ok() == std::fs::read(&placed).ok();
        if !same {
            std::fs::copy(&built, &placed)
                .with_context(|| format!("cannot place the sidecar at {}", placed.display()))?;
        }
        Ok(())
    }

    // ---- tasks ---------------------------------------------------------------

    fn run_app(&mut self, app_args: &[String]) -> Result<()> {
        self.setup()?;
        self.build_ui()?;
        self.sidecar(false)?;
        run(self.cargo().args(["build", "-p", "kenpo-desk"]))?;
        let app = self.target_dir().join("debug").join("kenpo-desk");
        let launch = launch::plan(launch::has_display(), launch::session_bus_answers());
        let keyring = self.target_dir().join("run-keyring");
        if let Some(line) = launch::line(launch, &keyring) {
            eprintln!("{line}");
        }
        let mut cmd = launch::command(launch, &app, &keyring)?;
        cmd.current_dir(&self.root).env("PATH", self.path_var());
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
        step("the demo insurer sidecar", || self.sidecar(false))?;
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
        let python = step("aiosmtpd for the insurer's mail test", || {
            self.ensure_python_smtpd()
        })?;
        let postgres = step("PostgreSQL for the insurer's tests", || {
            self.ensure_postgres()
        })?;
        // Builds the app binary too, which the end-to-end tests drive; the
        // binding staleness check is the kenpo-desk `bindings` test.
        step(
            "Rust tests (unit, integration, bindings, end-to-end)",
            || {
                run(self
                    .cargo()
                    .args(["test", "--workspace", "--no-fail-fast"])
                    .env("KENPO_TEST_PYTHON", &python)
                    .env("KENPO_TEST_POSTGRES_URL", &postgres))
            },
        )?;
        step("rustdoc", || {
            run(self
                .cargo()
                .args(["doc", "--workspace", "--no-deps"])
                .env("RUSTDOCFLAGS", "-D warnings"))
        })?;
        step("fuzz targets, a few seconds each", || {
            self.fuzz(FUZZ_SECS_IN_TEST)
        })?;
        step(
            "benchmarks, once each at a tiny size (bench --smoke)",
            || self.bench(true),
        )?;
        eprintln!("xtask: all checks passed in {:.0?}", started.elapsed());
        Ok(())
    }

    /// Runs every cargo-fuzz target of `fuzz/` for `secs` seconds (libFuzzer,
    /// on the nightly toolchain rustup has here; cargo-fuzz from crates.io).
    /// A crash stops the run and leaves its input in `fuzz/artifacts/`.
    fn fuzz(&self, secs: u64) -> Result<()> {
        let nightly = || {
            let mut cmd = self.cmd("rustup");
            cmd.args(["run", "nightly", "cargo"])
                .current_dir(self.root.join("fuzz"));
            cmd
        };
        if !succeeds(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])) {
            bail!("the fuzz targets need rustup's nightly toolchain, and none is installed");
        }
        if !succeeds(nightly().args(["fuzz", "--version"])) {
            eprintln!("xtask: installing cargo-fuzz (cargo install)");
            run(self.cargo().args(["install", "cargo-fuzz", "--locked"]))?;
        }
        let list = nightly().args(["fuzz", "list"]).output()?;
        let targets: Vec<String> = String::from_utf8_lossy(&list.stdout)
            .lines()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if targets.is_empty() {
            bail!("cargo fuzz list found no targets in fuzz/");
        }
        // No sanitizer: the code is safe Rust; libFuzzer's coverage guides.
        run(nightly().args(["fuzz", "build", "-s", "none"]))?;
        for target in &targets {
            eprintln!("xtask: fuzzing {target} for {secs} s");
            let output = nightly()
                .args(["fuzz", "run", "-s", "none", target, "--"])
                .arg(format!("-max_total_time={secs}"))
                .output()?;
            let log = String::from_utf8_lossy(&output.stderr);
            if !output.status.success() {
                bail!("fuzz target {target} failed:\n{log}");
            }
            let runs = log
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix("Done ").and_then(|r| r.split(' ').next()))
                .unwrap_or("?");
            eprintln!("xtask: {target}: {runs} executions, no crash");
        }
        Ok(())
    }

    fn e2e(&mut self) -> Result<()> {
        self.setup()?;
        self.build_ui()?;
        self.sidecar(false)?;
        run(self.cargo().args(["build", "-p", "kenpo-desk"]))?;
        run(self.cargo().args(["test", "-p", "kenpo-e2e"]))
    }

    fn bindings(&mut self) -> Result<()> {
        // The shell crate only needs ui/dist to exist; the UI itself may not
        // build until the bindings it imports are written.
        std::fs::create_dir_all(self.ui().join("dist"))?;
        self.sidecar(false)?;
        run(self
            .cargo()
            .args(["test", "-p", "kenpo-desk", "--test", "bindings"])
            .env("KENPO_WRITE_BINDINGS", "1"))?;
        eprintln!("xtask: wrote ui/src/bindings.ts");
        Ok(())
    }
}

/// What the insurer's tests need besides Rust: a real SMTP server and a real
/// PostgreSQL, both on 127.0.0.1.
impl Workspace {
    /// Prints `export` lines for running the insurer's tests with a plain
    /// `cargo test`: `eval "$(cargo xtask test-env)"`.
    fn test_env(&mut self) -> Result<()> {
        let python = self.ensure_python_smtpd()?;
        let postgres = self.ensure_postgres()?;
        println!(
            "export KENPO_TEST_PYTHON={}",
            shell_quote(&python.to_string_lossy())
        );
        println!("export KENPO_TEST_POSTGRES_URL={}", shell_quote(&postgres));
        Ok(())
    }

    /// A Python with aiosmtpd, in a venv of its own: `<target>/tools/py`.
    fn ensure_python_smtpd(&self) -> Result<PathBuf> {
        if let Some(python) = env::var_os("KENPO_TEST_PYTHON").filter(|p| !p.is_empty()) {
            eprintln!("xtask: using KENPO_TEST_PYTHON from the environment");
            return Ok(PathBuf::from(python));
        }
        let venv = self.target_dir().join("tools").join("py");
        let python = venv.join("bin").join("python");
        let ready = |python: &Path| {
            succeeds(Command::new(python).args(["-c", "import aiosmtpd, schemathesis"]))
                && succeeds(Command::new(venv.join("bin").join("schemathesis")).arg("--version"))
        };
        if ready(&python) {
            return Ok(python);
        }
        // A venv made without python3-venv has no pip: start it again.
        if !succeeds(Command::new(&python).args(["-m", "pip", "--version"])) {
            if venv.exists() {
                std::fs::remove_dir_all(&venv)
                    .with_context(|| format!("removing the broken venv {}", venv.display()))?;
            }
            eprintln!("xtask: creating a Python venv in {}", venv.display());
            // The first python3 on PATH may be a pyenv or similar; Debian's
            // own is the one python3-venv makes able to.
            let made = ["python3", "/usr/bin/python3"]
                .into_iter()
                .any(|candidate| {
                    // --clear: a candidate that failed half-way may have left files.
                    succeeds(
                        self.cmd(candidate)
                            .args(["-m", "venv", "--clear"])
                            .arg(&venv),
                    )
                });
            if !made {
                bail!(
                    "cannot create a Python venv in {}: install python3 and python3-venv",
                    venv.display()
                );
            }
        }
        eprintln!("xtask: installing {AIOSMTPD} and {SCHEMATHESIS} into the venv (pip)");
        run(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            AIOSMTPD,
            SCHEMATHESIS,
        ]))?;
        if !ready(&python) {
            bail!(
                "aiosmtpd and schemathesis were installed but {} cannot run them",
                python.display()
            );
        }
        Ok(python)
    }

    /// A PostgreSQL server answering on 127.0.0.1:5432 and a URL for a role
    /// that may create databases; `KENPO_TEST_POSTGRES_URL` wins when set.
    fn ensure_postgres(&self) -> Result<String> {
        if let Some(url) = env::var("KENPO_TEST_POSTGRES_URL")
            .ok()
            .filter(|url| !url.is_empty())
        {
            eprintln!("xtask: using KENPO_TEST_POSTGRES_URL from the environment");
            return Ok(url);
        }
        if !postgres_ready() {
            self.start_postgres()?;
        }
        create_test_role()?;
        // The tests log in with a password over TCP, unlike the role set-up:
        // prove that this works here rather than in the middle of the tests.
        let out = Command::new("psql")
            .args(["-X", "-q", "-w", "-c", "SELECT 1", POSTGRES_TEST_URL])
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .context("cannot start psql")?;
        if !out.status.success() {
            bail!(
                "the test role cannot log in to {POSTGRES_HOST}:{POSTGRES_PORT} with its \
                 password; check pg_hba.conf:\n{}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(POSTGRES_TEST_URL.to_owned())
    }

    /// Installs Debian's PostgreSQL when missing and starts its cluster,
    /// without systemd (containers and CI machines have none running).
    fn start_postgres(&self) -> Result<()> {
        if !Path::new("/usr/bin/dpkg-query").exists() {
            bail!(
                "no PostgreSQL answers on {POSTGRES_HOST}:{POSTGRES_PORT}: start one, \
                 or set KENPO_TEST_POSTGRES_URL to an admin URL of a server that does"
            );
        }
        if !debian_installed("postgresql") {
            eprintln!("xtask: installing PostgreSQL (Debian package postgresql)");
            apt_install(&["postgresql"])?;
        }
        // Debian's package makes a cluster `main` per version, configured here.
        let etc = Path::new("/etc/postgresql");
        let version = std::fs::read_dir(etc)
            .with_context(|| format!("reading {}", etc.display()))?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().join("main").is_dir())
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .max()
            .context(
                "PostgreSQL is installed but has no `main` cluster: \
                 create one with `pg_createcluster <version> main`",
            )?;
        eprintln!("xtask: starting the PostgreSQL {version} cluster `main`");
        // It fails when the cluster already runs; whether the server answers
        // is what matters, and that is checked next.
        let _ = as_root("pg_ctlcluster")
            .args([
                "--skip-systemctl-redirect",
                &version.to_string(),
                "main",
                "start",
            ])
            .status();
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        while Instant::now() < deadline {
            if postgres_ready() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        bail!(
            "PostgreSQL {version} does not answer on {POSTGRES_HOST}:{POSTGRES_PORT} \
             (see /var/log/postgresql/postgresql-{version}-main.log); \
             or set KENPO_TEST_POSTGRES_URL"
        )
    }
}

fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("\nxtask: ==> {name}");
    let started = Instant::now();
    let value = f().with_context(|| format!("step failed: {name}"))?;
    eprintln!("xtask: <== {name} ({:.1?})", started.elapsed());
    Ok(value)
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

/// Runs `cmd` quietly: for probes, whose failure is an answer, not an error.
fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| out.stdout.trim_ascii() == b"0")
        .unwrap_or(false)
}

/// `program`, through `sudo` unless we are root already.
fn as_root(program: &str) -> Command {
    if is_root() {
        Command::new(program)
    } else {
        let mut cmd = Command::new("sudo");
        cmd.arg(program);
        cmd
    }
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let apt = |args: &[&str]| -> Result<()> {
        run(as_root("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update", "-qq"]).context("apt-get update (needs root or sudo)")?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(packages);
    apt(&args).context("apt-get install")
}

fn postgres_ready() -> bool {
    succeeds(Command::new("pg_isready").args(["-q", "-h", POSTGRES_HOST, "-p", POSTGRES_PORT]))
}

/// Creates (or repairs) the `kenpo_test` role as the `postgres` superuser:
/// over the local socket with peer authentication, as a fresh Debian allows,
/// else over TCP for servers that trust 127.0.0.1.
fn create_test_role() -> Result<()> {
    let psql_args = [
        "-X",
        "-q",
        "-w",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        POSTGRES_TEST_ROLE_SQL,
    ];
    let mut socket = if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--", "psql"]);
        cmd
    } else {
        let mut cmd = Command::new("sudo");
        cmd.args(["-n", "-u", "postgres", "psql"]);
        cmd
    };
    let mut tcp = Command::new("psql");
    tcp.args([
        "-h",
        POSTGRES_HOST,
        "-p",
        POSTGRES_PORT,
        "-U",
        "postgres",
        "-d",
        "postgres",
    ])
    .env("PGCONNECT_TIMEOUT", "10");
    let mut failures = Vec::new();
    for cmd in [&mut socket, &mut tcp] {
        // The postgres user may not be allowed into the checkout.
        cmd.args(psql_args).current_dir("/");
        match cmd.output() {
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => failures.push(format!(
                "{:?}: {}",
                cmd.get_program(),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(err) => failures.push(format!("{:?}: {err}", cmd.get_program())),
        }
    }
    bail!(
        "cannot create the PostgreSQL role kenpo_test as the postgres superuser:\n  {}",
        failures.join("\n  ")
    )
}

/// Single-quotes `text` for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
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
