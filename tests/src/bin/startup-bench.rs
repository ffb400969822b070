//! Startup benchmark of the app: `startup-bench <app binary> [runs]`.
//!
//! Each run starts the app on a fresh Xvfb display with an empty data
//! folder and reports the time from spawn to the first painted frame (the
//! header's colour on screen) and, once the page has settled, the memory of
//! the app and its WebKit processes (RSS and PSS from /proc).
//! `cargo xtask bench` runs it on the release build.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use kenpo_e2e::procs::{memory_kib, process_tree};
use kenpo_e2e::{Guard, VirtualDisplay};

/// A point inside the header, and the header's colour (`--brand` in ui/src/app.css).
const HEADER_PIXEL: &str = "1x1+8+8";
const HEADER_RGB: &str = "srgb(31,122,90)";

struct Sample {
    first_paint: Duration,
    rss_kib: u64,
    pss_kib: u64,
    processes: usize,
}

fn main() -> Result<()> {
    let mut args = std::env::args();
    args.next(); // the program itself
    let app = PathBuf::from(
        args.next()
            .context("usage: startup-bench <app binary> [runs]")?,
    );
    let runs: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(5);
    let mut paints = Vec::new();
    for run in 1..=runs {
        let s = startup(&app)?;
        println!(
            "run {run}: first paint {:>4} ms, memory {:>4} MiB RSS / {:>4} MiB PSS ({} processes)",
            s.first_paint.as_millis(),
            s.rss_kib / 1024,
            s.pss_kib / 1024,
            s.processes
        );
        paints.push(s.first_paint);
    }
    paints.sort();
    if let Some(median) = paints.get(paints.len() / 2) {
        println!("median first paint: {} ms", median.as_millis());
    }
    Ok(())
}

fn startup(app: &std::path::Path) -> Result<Sample> {
    let display = VirtualDisplay::start(Stdio::null())?;
    let data = tempfile::tempdir()?;
    let started = Instant::now();
    let app = Guard::spawn(
        "the app",
        Command::new(app)
            .env("DISPLAY", display.name())
            .env("XDG_DATA_HOME", data.path())
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    let first_paint = loop {
        let out = Command::new("import")
            .args(["-window", "root", "-crop", HEADER_PIXEL, "txt:-"])
            .env("DISPLAY", display.name())
            .output()
            .context("import (imagemagick)")?;
        if String::from_utf8_lossy(&out.stdout).contains(HEADER_RGB) {
            break started.elapsed();
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the app did not paint within 30 s");
        }
    };
    // Let the page settle before reading memory.
    std::thread::sleep(Duration::from_secs(3));
    let pids = process_tree(app.id());
    let (rss_kib, pss_kib) = memory_kib(&pids);
    Ok(Sample {
        first_paint,
        rss_kib,
        pss_kib,
        processes: pids.len(),
    })
}
