//! The app's cost while hidden in the tray: memory (RSS and PSS of the app
//! and its WebKit processes; the demo insurer apart) and CPU over 60 s, a
//! member logged in and the window closed. Run by `cargo xtask bench` on
//! the release build (`KENPO_APP_BIN`); prints, asserts nothing on time.

use std::time::{Duration, Instant};

use kenpo_e2e::Desktop;
use kenpo_e2e::procs::{cpu_time, memory_kib, process_tree};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: cargo xtask bench"]
async fn hidden_in_the_tray() -> anyhow::Result<()> {
    let desktop = Desktop::start("tray_bench")?;
    let _tray = desktop.tray_host().await?;
    let app = desktop.launch().await?;
    app.demo_member("a long walk every day").await?;
    let x11 = desktop.x11()?;
    x11.close("Kenpo Desk")?;
    let deadline = Instant::now() + kenpo_e2e::PATIENCE;
    while x11.shown("Kenpo Desk")? {
        anyhow::ensure!(Instant::now() < deadline, "the window did not hide");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the first sync, the hint and WebKit's own work end.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pids = desktop.app_pids()?;
    anyhow::ensure!(pids.len() == 1, "one app process: {pids:?}");
    let demo = desktop.app_data_dir().join("demo-insurer");
    let tree: Vec<u32> = process_tree(pids[0])
        .into_iter()
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            !String::from_utf8_lossy(&cmdline).contains(&demo.display().to_string())
        })
        .collect();
    let (rss, pss) = memory_kib(&tree);
    let window = Duration::from_secs(60);
    let before = cpu_time(&tree);
    tokio::time::sleep(window).await;
    let spent = cpu_time(&tree).saturating_sub(before);
    println!(
        "hidden in the tray: {} MiB RSS / {} MiB PSS ({} processes, the demo insurer apart); \
         CPU {} ms over {} s ({:.2} %)",
        rss / 1024,
        pss / 1024,
        tree.len(),
        spent.as_millis(),
        window.as_secs(),
        spent.as_secs_f64() / window.as_secs_f64() * 100.0
    );
    let _ = app.quit().await;
    Ok(())
}
