//! 履歴 through the real window, as a newcomer sees it with the demo
//! insurer: two years of the demo member's records arrive with the first
//! sync; the calendar, both charts (the normal-BMI band from the demo
//! checkup's height), the fiscal-year totals and the table show them, in
//! 中 and 大; a day chosen in the calendar opens Today at that day; the CSV
//! saved through the real save dialog parses back to the insurer's records.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use kenpo_e2e::thirtyfour::By;
use kenpo_e2e::{App, Desktop, PATIENCE};
use serde_json::{Value, json};

const PASSWORD: &str = "a long walk every day";

/// The steps the insurer holds for 山田 太郎, by day.
async fn insurer_steps(
    server: &str,
    from: &str,
    to: &str,
) -> anyhow::Result<BTreeMap<String, u64>> {
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{server}/api/v1/sessions"))
        .json(&json!({"login_id": "U100001", "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let records: Value = http
        .get(format!("{server}/api/v1/records?from={from}&to={to}"))
        .bearer_auth(session["access_token"].as_str().unwrap_or_default())
        .send()
        .await?
        .json()
        .await?;
    Ok(records["records"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|r| r["kind"] == "steps")
        .map(|r| {
            (
                r["date"].as_str().unwrap_or_default().to_owned(),
                r["value"].as_f64().unwrap_or(-1.0) as u64,
            )
        })
        .collect())
}

/// Shows each 履歴 view and takes its screenshot, `suffix` naming the size.
async fn screenshots(app: &App, suffix: &str) -> anyhow::Result<()> {
    app.click("history-view-calendar").await?;
    app.find(By::Css("[data-testid='calendar-day'][data-empty='false']"))
        .await?;
    app.screenshot(&format!("history_calendar{suffix}")).await?;

    app.click("history-view-charts").await?;
    app.click("range-all").await?;
    app.wait_attr("history-charts", "data-range", "all").await?;
    app.find(By::Css("[data-testid='steps-chart'] canvas"))
        .await?;
    // The crosshair's tooltip: the day under the pointer and its values.
    let over = app
        .find(By::Css("[data-testid='steps-chart'] .u-over"))
        .await?;
    app.web()
        .action_chain()
        .move_to_element_center(&over)
        .perform()
        .await?;
    app.wait_contains("steps-chart-tooltip", "歩").await?;
    app.screenshot(&format!("history_steps_all{suffix}"))
        .await?;
    app.eval("document.querySelector(\"[data-testid='weight-chart']\").scrollIntoView()")
        .await?;
    app.find(By::Css("[data-testid='weight-chart'] canvas"))
        .await?;
    app.screenshot(&format!("history_weight_bmi_band{suffix}"))
        .await?;

    app.click("history-view-totals").await?;
    app.testid("totals-table").await?;
    app.screenshot(&format!("history_fy_totals{suffix}"))
        .await?;

    app.click("history-view-table").await?;
    app.testid("table-days").await?;
    app.screenshot(&format!("history_table{suffix}")).await?;
    Ok(())
}

/// Answers the app's save dialog (GTK's file chooser) with `path`.
fn answer_save_dialog(display: &str, path: &std::path::Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    let window = loop {
        let out = std::process::Command::new("xdotool")
            .args(["search", "--sync", "--onlyvisible", "--class", "kenpo-desk"])
            .env("DISPLAY", display)
            .output()?;
        let windows: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        // The main window and the dialog: the dialog is the newest.
        if windows.len() >= 2 {
            break windows.last().cloned().unwrap_or_default();
        }
        anyhow::ensure!(Instant::now() < deadline, "no save dialog appeared");
        std::thread::sleep(Duration::from_millis(200));
    };
    let xdotool = |args: &[&str]| -> anyhow::Result<()> {
        let status = std::process::Command::new("xdotool")
            .args(args)
            .env("DISPLAY", display)
            .status()?;
        anyhow::ensure!(status.success(), "xdotool {args:?}");
        Ok(())
    };
    std::thread::sleep(Duration::from_millis(500));
    // No window manager under Xvfb: focus the dialog directly.
    xdotool(&["windowfocus", "--sync", &window])?;
    // The name field has the focus: replace what it proposes with the path.
    xdotool(&["key", "--clearmodifiers", "ctrl+a"])?;
    xdotool(&["type", "--delay", "5", &path.display().to_string()])?;
    xdotool(&["key", "Return"])?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_members_history_arrives_with_the_first_sync() -> anyhow::Result<()> {
    let desktop = Desktop::start("history")?;
    let app = desktop.launch().await?;
    let server = app.demo_member(PASSWORD).await?;

    app.click("tab-history").await?;
    app.testid("history-calendar").await?;
    if kenpo_domain::time::jst_date(chrono::Utc::now())
        .format("%d")
        .to_string()
        == "01"
    {
        // The demo past ends yesterday: last month shows it.
        app.click("calendar-prev").await?;
    }
    app.find(By::Css("[data-testid='calendar-day'][data-empty='false']"))
        .await
        .map_err(|e| anyhow::anyhow!("the month shows no records: {e}"))?;
    screenshots(&app, "").await?;

    // 10 years of bars in the real window: the draw as measured by the page.
    app.click("history-view-charts").await?;
    app.click("range-all").await?;
    app.find(By::Css("[data-testid='steps-chart'] canvas"))
        .await?;
    let draw = app
        .eval("(performance.getEntriesByName('steps-chart-draw').pop() || {duration: -1}).duration")
        .await?;
    eprintln!("history: the all-time steps chart drew in {draw} ms");

    // A day chosen in the calendar opens Today at that day.
    app.click("history-view-calendar").await?;
    let yesterday =
        (kenpo_domain::time::jst_date(chrono::Utc::now()) - chrono::Days::new(1)).to_string();
    let cell = app
        .find(By::Css(format!(
            "[data-testid='calendar-day'][data-date='{yesterday}']"
        )))
        .await;
    if let Ok(cell) = cell {
        cell.click().await?;
    } else {
        // The 1st of a month: yesterday is in the month before.
        app.click("calendar-prev").await?;
        app.find(By::Css(format!(
            "[data-testid='calendar-day'][data-date='{yesterday}']"
        )))
        .await?
        .click()
        .await?;
    }
    app.wait_attr("today-date", "data-date", &yesterday).await?;

    // The CSV of the table's range, through the save dialog, parsed back.
    app.click("tab-history").await?;
    app.click("history-view-table").await?;
    app.testid("table-days").await?;
    let from = app
        .testid("table-from")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    let to = app
        .testid("table-to")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    let out_dir = tempfile::tempdir()?;
    let path = out_dir.path().join("kenpo-history.csv");
    app.click("table-csv").await?;
    let display = app.display().to_owned();
    let answer_path = path.clone();
    tokio::task::spawn_blocking(move || answer_save_dialog(&display, &answer_path)).await??;
    app.testid("table-csv-done").await?;
    let bytes = std::fs::read(&path)?;
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let text = String::from_utf8(bytes)?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers()?.clone();
    assert_eq!(&header[0], "日付");
    assert_eq!(&header[1], "歩数");
    assert!(header.iter().any(|h| h == "1日8,000歩あるく"), "{header:?}");
    let mut exported = BTreeMap::new();
    for row in reader.records() {
        let row = row?;
        if let Ok(steps) = row[1].parse::<u64>() {
            exported.insert(row[0].replace('/', "-"), steps);
        }
    }
    assert_eq!(exported, insurer_steps(&server, &from, &to).await?);

    // The same screens in 大.
    app.web()
        .find(By::Css(
            "[data-testid='text-size-switch'] button[data-value='large']",
        ))
        .await?
        .click()
        .await?;
    screenshots(&app, "_large").await?;
    app.quit().await?;
    Ok(())
}
