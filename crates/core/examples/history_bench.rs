//! How long each 履歴 view takes in the core on ten years of one member's
//! days (steps, weight, two goals, the ledger): p50 and p95 over repeated
//! calls, against the target of 20 ms (p95). `cargo xtask bench` runs it
//! in a release build: `cargo run --release -p kenpo-core --example history_bench`.

#[path = "../tests/support/ten_years.rs"]
mod ten_years;

use std::time::{Duration, Instant};

use chrono::{Datelike, Months};
use kenpo_core::history::{
    ChartRange, CsvWords, chart_view, month_view, table_csv, table_view, totals_view,
};
use kenpo_core::store::{DbKey, LocalStore};
use kenpo_domain::entry::EntryWindow;

const RUNS: usize = 200;
const TARGET: Duration = Duration::from_millis(20);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn measure<F, Fut>(name: &str, mut call: F) -> bool
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    call(0).await; // warm the page cache and the statement cache
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let started = Instant::now();
        call(i).await;
        times.push(started.elapsed());
    }
    times.sort_unstable();
    let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    let ok = p95 <= TARGET;
    println!(
        "  {name:<28} p50 {:>7.2} ms   p95 {:>7.2} ms   {}",
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        if ok { "ok" } else { "OVER the 20 ms target" }
    );
    ok
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = LocalStore::open(&dir.path().join("bench.db"), &DbKey::generate())
        .await
        .expect("the store opens");
    let (items, days) = ten_years::fixture();
    store
        .apply_changes(&items, "bench")
        .await
        .expect("the fixture loads");
    let today = ten_years::d(ten_years::TODAY);
    println!(
        "history views, {} days ({} feed items), {RUNS} calls each, target p95 ≤ 20 ms:",
        days.len(),
        items.len()
    );
    let window = EntryWindow::default();
    let words = CsvWords {
        date: "日付".into(),
        steps: "歩数".into(),
        weight: "体重(kg)".into(),
        points: "ポイント".into(),
        achieved: "達成".into(),
        not_achieved: "未達成".into(),
    };
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let mut all = true;
    all &= measure("calendar month (any)", |i| {
        let month = today
            .checked_sub_months(Months::new((i % 120) as u32))
            .unwrap_or(today);
        let store = &store;
        async move {
            month_view(store, window, month.year(), month.month(), today)
                .await
                .unwrap();
        }
    })
    .await;
    for (name, range) in [
        ("chart, 1 month", ChartRange::Month),
        ("chart, fiscal year", ChartRange::FiscalYear),
        ("chart, all (10 years)", ChartRange::All),
    ] {
        all &= measure(name, |_| async {
            chart_view(&store, range, today).await.unwrap();
        })
        .await;
    }
    all &= measure("fiscal-year totals", |_| async {
        totals_view(&store, today).await.unwrap();
    })
    .await;
    all &= measure("table, 1 year", |_| async {
        table_view(&store, year_ago, today).await.unwrap();
    })
    .await;
    all &= measure("CSV, 1 year", |_| async {
        let table = table_view(&store, year_ago, today).await.unwrap();
        std::hint::black_box(table_csv(&table, &words));
    })
    .await;
    store.close().await;
    if !all {
        std::process::exit(1);
    }
}
