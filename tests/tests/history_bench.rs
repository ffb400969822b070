//! 履歴's speed in the real window (a benchmark, not a test: it is ignored
//! by `cargo test` and run by `cargo xtask bench` on the release build):
//! ten years of one member's days synced from a real kenpo-insurer, then
//! the all-time steps chart drawn, and the calendar moved month to month,
//! each measured by the page's own performance entries
//! (`steps-chart-draw`, `history-month`) read over WebDriver.

mod common;

use std::time::Duration;

use common::{Insurer, PASSWORD};
use kenpo_e2e::thirtyfour::By;
use kenpo_e2e::{App, Desktop};

const YEARS_OF_DAYS: u64 = 3_650;

fn percentile(mut values: Vec<f64>, p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let index = ((values.len() as f64 - 1.0) * p).round() as usize;
    values.get(index).copied().unwrap_or(f64::NAN)
}

async fn durations(app: &App, name: &str) -> anyhow::Result<Vec<f64>> {
    let value = app
        .eval(&format!(
            "performance.getEntriesByName('{name}').map(e => e.duration)"
        ))
        .await?;
    Ok(value
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: cargo xtask bench runs it on the release build"]
async fn ten_years_of_history_in_the_real_window() -> anyhow::Result<()> {
    let insurer = Insurer::start().await;
    let written =
        kenpo_insurer::demo_history::fill(&insurer.server.state, YEARS_OF_DAYS, None).await?;
    let desktop = Desktop::start("history_bench")?;
    let app = desktop.launch().await?;
    app.testid("login-form").await?;
    app.fill("login-server", &insurer.base).await?;
    app.fill("login-id", "U100001").await?;
    app.fill("password", PASSWORD).await?;
    app.click("login-submit").await?;
    app.testid("today").await?;
    let synced = std::time::Instant::now();
    app.wait_attr("sync-state", "data-state", "synced").await?;
    println!(
        "history bench: {written} days of records synced in {:.1} s",
        synced.elapsed().as_secs_f64()
    );

    app.click("tab-history").await?;
    app.click("history-view-charts").await?;
    for _ in 0..5 {
        app.click("range-month").await?;
        app.wait_attr("history-charts", "data-range", "month")
            .await?;
        app.click("range-all").await?;
        app.wait_attr("history-charts", "data-range", "all").await?;
        app.find(By::Css("[data-testid='steps-chart'] canvas"))
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let draws = durations(&app, "steps-chart-draw").await?;
        if let Some(last) = draws.last() {
            println!(
                "history bench: all-time steps chart ({YEARS_OF_DAYS} days) drawn in {last:.1} ms"
            );
        }
    }

    app.click("history-view-calendar").await?;
    app.testid("history-calendar").await?;
    for _ in 0..24 {
        app.click("calendar-prev").await?;
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    // The first entry is the calendar's first month, not a move.
    let moves: Vec<f64> = durations(&app, "history-month")
        .await?
        .into_iter()
        .skip(1)
        .collect();
    println!(
        "history bench: calendar month to month over {} moves: p50 {:.1} ms, p95 {:.1} ms, \
         slowest {:.1} ms (target 16 ms)",
        moves.len(),
        percentile(moves.clone(), 0.5),
        percentile(moves.clone(), 0.95),
        moves.iter().copied().fold(0.0, f64::max)
    );
    app.quit().await?;
    Ok(())
}
