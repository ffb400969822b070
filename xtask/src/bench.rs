//! `cargo xtask bench [--smoke]`: builds what is measured in release, starts
//! what it needs (PostgreSQL as the tests do), runs each bench, which
//! appends its rows to one file, and renders them into `BENCHMARKS.md`.
//! `--smoke` runs each once at a tiny size, on debug builds, and writes
//! `target/bench/BENCHMARKS.md` instead: it proves that every bench runs,
//! and leaves the committed file alone.

use std::process::Command;

use anyhow::{Context, Result};

use super::{Workspace, run, step};

impl Workspace {
    pub(super) fn bench(&mut self, smoke: bool) -> Result<()> {
        self.setup()?;
        let postgres = self.ensure_postgres()?;
        // The smoke measures nothing: the debug builds the tests made do.
        let profile = if smoke { "debug" } else { "release" };
        step("builds of what is measured", || {
            let mut cargo = self.cargo();
            cargo.args(["build", "-p", "kenpo-insurer", "-p", "kenpo-bench"]);
            if !smoke {
                cargo.arg("--release");
            }
            run(&mut cargo)
        })?;
        let release = self.target_dir().join(profile);
        let out_dir = self.target_dir().join("bench");
        std::fs::create_dir_all(&out_dir)?;
        let rows = out_dir.join("rows.jsonl");
        if rows.exists() {
            std::fs::remove_file(&rows)?;
        }
        let smoke_flag: &[&str] = if smoke { &["--smoke"] } else { &[] };
        step("the insurer: ingestion, latency, logins, memory", || {
            run(Command::new(release.join("insurer-bench"))
                .args(smoke_flag)
                .env("KENPO_BENCH_OUT", &rows)
                .env("KENPO_BENCH_POSTGRES_URL", &postgres)
                .env("KENPO_INSURER_BIN", release.join("kenpo-insurer")))
        })?;
        if !smoke {
            self.desktop_benches()?;
        }
        let file = if smoke {
            out_dir.join("BENCHMARKS.md")
        } else {
            self.root.join("BENCHMARKS.md")
        };
        let commit = Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(&self.root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        step("BENCHMARKS.md", || {
            run(Command::new(release.join("bench-report"))
                .arg(&rows)
                .arg(&file)
                .args(smoke_flag)
                .env("KENPO_BENCH_COMMIT", &commit))
        })
        .with_context(|| format!("writing {}", file.display()))
    }

    /// The release app's size, time to first paint and memory under Xvfb,
    /// 履歴 on ten years, and the app hidden in the tray (printed; not yet
    /// rows of `BENCHMARKS.md`).
    fn desktop_benches(&mut self) -> Result<()> {
        self.build_ui()?;
        self.sidecar(true)?;
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
            .arg(&app))?;
        // 履歴 on ten years of days: each view in the core, then the chart
        // and the calendar in the real window.
        run(self.cargo().args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "kenpo-core",
            "--example",
            "history_bench",
        ]))?;
        for test in ["history_bench", "tray_bench"] {
            run(self
                .cargo()
                .args([
                    "test",
                    "--release",
                    "-p",
                    "kenpo-e2e",
                    "--test",
                    test,
                    "--",
                    "--ignored",
                    "--nocapture",
                ])
                .env("KENPO_APP_BIN", &app))?;
        }
        Ok(())
    }
}
