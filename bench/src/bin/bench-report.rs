//! Renders the rows of a bench run into `BENCHMARKS.md`:
//! `bench-report <rows.jsonl> <BENCHMARKS.md> [--smoke]`.

use std::path::PathBuf;

use anyhow::Context;
use kenpo_bench::report;
use kenpo_domain::time::{Clock, JST, SystemClock};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bench-report <rows.jsonl> <BENCHMARKS.md> [--smoke]";
    let rows = PathBuf::from(args.next().context(usage)?);
    let out = PathBuf::from(args.next().context(usage)?);
    let smoke = args.any(|a| a == "--smoke");
    let rows = report::read(&rows)?;
    let machine = machine();
    let when = SystemClock
        .now()
        .with_timezone(&JST)
        .format("%Y/%m/%d %H:%M JST");
    let commit = std::env::var("KENPO_BENCH_COMMIT").unwrap_or_else(|_| "unknown".into());
    let smoke_note = if smoke {
        "\n**A smoke run** (`--smoke`): every benchmark once, at a tiny size, on debug \
         builds. Its figures say that each bench runs, nothing about speed.\n"
    } else {
        ""
    };
    let preamble = format!(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` on {when}, at commit {commit}, on {machine}. \
         Every figure and its anchor were measured in this one run, on release builds; \
         each is the median of its runs, with the least and greatest in brackets. A \
         figure that misses its goal says **no**.\n{smoke_note}"
    );
    std::fs::write(&out, report::render(&preamble, &rows))
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {} ({} rows)", out.display(), rows.len());
    Ok(())
}

/// The CPU, its cores and the memory, as Linux says.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    format!("{model}, {cores} cores, {mem_gib:.0} GiB")
}
