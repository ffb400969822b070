//! The insurer's rows of `BENCHMARKS.md`: `insurer-bench [--smoke]
//! [--ingest-only]`, with
//! `KENPO_BENCH_POSTGRES_URL` (an admin URL: the bench makes and drops its
//! own database), `KENPO_INSURER_BIN` (the release server) and
//! `KENPO_BENCH_OUT` (the rows file). `cargo xtask bench` sets all three.

use anyhow::Context;
use kenpo_bench::insurer::{self, Sizes};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let admin_url = std::env::var("KENPO_BENCH_POSTGRES_URL")
        .context("set KENPO_BENCH_POSTGRES_URL to a PostgreSQL admin URL")?;
    let mut sizes = if smoke { Sizes::SMOKE } else { Sizes::FULL };
    sizes.ingest_only = std::env::args().any(|a| a == "--ingest-only");
    insurer::run(sizes, &admin_url).await
}
