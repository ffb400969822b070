//! Reminders, the tray and the app's life in the background, in the real
//! window against the real notification daemon (dunst), the app's clock
//! set by the tests (`debug_clock_set`, debug builds only), and a tray
//! host on the desktop's bus driving the tray menu as a panel does.

use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use kenpo_e2e::{App, Desktop, PATIENCE};
use serde_json::Value;

const PASSWORD: &str = "a long walk every day";
const TITLE: &str = "Kenpo Desk";

/// The latest working day up to today (no weekend, no public holiday):
/// a day the default schedule reminds on, near enough for the insurer to
/// take its records.
fn working_day() -> NaiveDate {
    let mut day = kenpo_domain::time::jst_date(chrono::Utc::now());
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        || kenpo_domain::reminder::is_holiday(day)
    {
        day = day.checked_sub_days(Days::new(1)).unwrap_or(day);
    }
    day
}

fn at(day: NaiveDate, time: &str) -> String {
    format!("{day}T{time}+09:00")
}

/// The bodies of the notifications dunst has shown since the last call
/// (closing those shown); `seen` holds the ids already read.
fn bodies(desktop: &Desktop, seen: &mut Vec<i64>) -> anyhow::Result<Vec<String>> {
    let history = desktop.notification_history()?;
    let mut new = Vec::new();
    for note in history["data"][0].as_array().cloned().unwrap_or_default() {
        let id = note["id"]["data"].as_i64().unwrap_or(-1);
        if !seen.contains(&id) {
            seen.push(id);
            new.push(note["body"]["data"].as_str().unwrap_or_default().to_owned());
        }
    }
    Ok(new)
}

/// Sets a form field's value as a member's typing would end up (a time
/// field's segments take keys differently in each engine).
async fn set_value(app: &App, id: &str, value: &str) -> anyhow::Result<()> {
    app.eval(&format!(
        "(() => {{ const f = document.querySelector(\"[data-testid='{id}']\"); \
         f.value = '{value}'; \
         f.dispatchEvent(new Event('input', {{ bubbles: true }})); \
         f.dispatchEvent(new Event('change', {{ bubbles: true }})); return true; }})()"
    ))
    .await?;
    Ok(())
}

fn check_ins(shown: &[Value]) -> usize {
    shown.iter().filter(|r| r["kind"] == "check_in").count()
}

async fn wait_until(
    what: &str,
    mut done: impl FnMut() -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    while !done()? {
        anyhow::ensure!(
            Instant::now() < deadline,
            "{what} did not happen within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The header's 表示言語 switch.
async fn switch_language(app: &App, lang: &str) -> anyhow::Result<()> {
    app.find(kenpo_e2e::thirtyfour::By::Css(format!(
        "[data-testid='language-switch'] button[data-value='{lang}']"
    )))
    .await?
    .click()
    .await?;
    Ok(())
}

/// Types into a record field and commits it with Enter.
async fn enter(app: &App, id: &str, value: &str) -> anyhow::Result<()> {
    app.fill(id, &format!("{value}\u{E007}")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_comes_at_its_slot_opens_today_and_stops_once_the_day_is_in()
-> anyhow::Result<()> {
    let desktop = Desktop::start("reminders")?;
    let day = working_day();
    let app = desktop
        .launch_with(&[("KENPO_DESK_TEST_CLOCK", &at(day, "11:00:00"))])
        .await?;
    app.demo_member(PASSWORD).await?;

    // The settings screen: a third slot at 19:00, and no reminding of the
    // demo member's goals.
    app.click("tab-settings").await?;
    app.wait_attr("reminder-time-1", "value", "17:30").await?;
    app.click("reminder-entry-goals").await?;
    app.click("reminder-time-add").await?;
    set_value(&app, "reminder-time-2", "19:00").await?;
    app.click("reminders-save").await?;
    app.wait_contains("reminders-outcome", "保存しました")
        .await?;
    app.wait_attr("reminder-time-2", "value", "19:00").await?;
    app.screenshot("reminder_settings").await?;

    // Closed at 履歴: the app lives on in the tray, and says so once.
    app.click("tab-history").await?;
    let x11 = desktop.x11()?;
    assert!(x11.shown(TITLE)?, "the window is up");
    assert_eq!(x11.close(TITLE)?, 1, "one main window to close");
    wait_until("the window hiding", || Ok(!x11.shown(TITLE)?)).await?;
    desktop.wait_for_notification().await?;
    let mut seen = Vec::new();
    let hint = bodies(&desktop, &mut seen)?;
    assert_eq!(hint.len(), 1, "{hint:?}");
    assert!(hint[0].contains("タスクトレイ"), "{hint:?}");
    assert!(!desktop.app_pids()?.is_empty(), "the app still runs");

    // Not before its slot; at its slot, once.
    assert_eq!(check_ins(&app.set_clock(&at(day, "12:29:30")).await?), 0);
    let shown = app.set_clock(&at(day, "12:30:05")).await?;
    assert_eq!(check_ins(&shown), 1, "{shown:?}");
    assert_eq!(check_ins(&app.set_clock(&at(day, "12:31:00")).await?), 0);
    desktop.wait_for_notification().await?;

    // Its default action brings the window up at Today.
    desktop.dunstctl(&["action", "0"])?;
    wait_until("the window coming up", || x11.shown(TITLE)).await?;
    app.wait_attr("tab-today", "aria-selected", "true").await?;
    app.testid("today").await?;
    let shown = bodies(&desktop, &mut seen)?;
    assert_eq!(
        shown,
        vec!["今日の歩数と体重がまだ記録されていません".to_owned()],
        "what is missing, no value, no name"
    );

    // The next slot, as dunst shows it beside the window.
    let shown = app.set_clock(&at(day, "17:30:02")).await?;
    assert_eq!(check_ins(&shown), 1, "{shown:?}");
    desktop.wait_for_notification().await?;
    app.screenshot("reminder_shown").await?;
    bodies(&desktop, &mut seen)?;

    // Once the day is in, the 19:00 slot stays quiet. The page dates its
    // 今日 by the browser's clock, which the test does not set: on a weekend
    // or holiday the working day is some days behind it.
    let page_today = kenpo_domain::time::jst_date(chrono::Utc::now());
    for _ in 0..(page_today - day).num_days() {
        app.click("day-prev").await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    enter(&app, "steps", "8123").await?;
    enter(&app, "weight", "65.4").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;
    let shown = app.set_clock(&at(day, "19:00:05")).await?;
    assert_eq!(check_ins(&shown), 0, "{shown:?}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(desktop.dunstctl(&["count", "displayed"])?.trim(), "0");
    app.quit().await?;
    Ok(())
}

/// 山田 太郎's steps on `day`, as the insurer holds them.
async fn insurer_steps(server: &str, day: NaiveDate) -> anyhow::Result<Option<f64>> {
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{server}/api/v1/sessions"))
        .json(&serde_json::json!({"login_id": "U100001", "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let records: Value = http
        .get(format!("{server}/api/v1/records?from={day}&to={day}"))
        .bearer_auth(session["access_token"].as_str().unwrap_or_default())
        .send()
        .await?
        .json()
        .await?;
    Ok(records["records"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["kind"] == "steps")
        .and_then(|r| r["value"].as_f64()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_menu_checks_in_quickly_reopens_and_quits_with_the_demo_insurer()
-> anyhow::Result<()> {
    let desktop = Desktop::start("tray")?;
    let tray = desktop.tray_host().await?;
    let app = desktop.launch().await?;
    let server = app.demo_member(PASSWORD).await?;
    let today = kenpo_domain::time::jst_date(chrono::Utc::now());

    let menu = tray.wait_for_label("未送信の記録はありません").await?;
    let labels: Vec<&str> = menu.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels[..4],
        ["今日の記録", "今すぐ同期", "開く", "ロック"],
        "{menu:?}"
    );
    assert_eq!(labels.last(), Some(&"終了"));
    assert!(
        menu.iter().any(|e| e.label.contains("失効") && !e.enabled),
        "the expiry line, not clickable: {menu:?}"
    );

    // 今日の記録: the small window, the member's numbers, saved.
    let main = app.web().window().await?;
    let clicked = Instant::now();
    tray.click("今日の記録").await?;
    let deadline = Instant::now() + PATIENCE;
    let quick = loop {
        let windows = app.web().windows().await?;
        if let Some(other) = windows.into_iter().find(|w| *w != main) {
            break other;
        }
        anyhow::ensure!(Instant::now() < deadline, "no quick check-in window");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    app.web().switch_to_window(quick).await?;
    app.fill("quick-steps", "7777").await?;
    app.fill("quick-weight", "64.8").await?;
    app.click("quick-save").await?;
    app.wait_contains("quick-outcome", "保存しました").await?;
    eprintln!(
        "tray: quick check-in saved {:.1} s after the menu click",
        clicked.elapsed().as_secs_f64()
    );
    app.screenshot("quick_checkin").await?;

    // It syncs by itself.
    let deadline = Instant::now() + PATIENCE;
    while insurer_steps(&server, today).await? != Some(7777.0) {
        anyhow::ensure!(Instant::now() < deadline, "the quick check-in never synced");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tray.wait_for_label("未送信の記録はありません").await?;

    // The main window shows it too; closed, it comes back with 開く.
    app.web().switch_to_window(main).await?;
    app.wait_attr("steps", "value", "7777").await?;
    let x11 = desktop.x11()?;
    x11.close(TITLE)?;
    wait_until("the window hiding", || Ok(!x11.shown(TITLE)?)).await?;
    tray.click("開く").await?;
    wait_until("the window coming back", || x11.shown(TITLE)).await?;

    // The menu speaks the language the member switches to.
    switch_language(&app, "en").await?;
    tray.wait_for_label("Today's check-in").await?;
    switch_language(&app, "ja").await?;
    tray.wait_for_label("今日の記録").await?;

    // 終了 ends the app, and the demo insurer with it.
    let demo_data = desktop.app_data_dir().join("demo-insurer");
    let demo_running = || {
        std::process::Command::new("pgrep")
            .args(["-f", &format!("{}.*serve --sandbox", demo_data.display())])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    assert!(demo_running());
    tray.click("終了").await?;
    wait_until("the app ending", || Ok(desktop.app_pids()?.is_empty())).await?;
    wait_until("the demo insurer ending", || Ok(!demo_running())).await?;
    // The session's app is gone: only the driver is left to stop.
    let _ = app.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autostart_on_writes_the_login_entry_and_off_removes_it() -> anyhow::Result<()> {
    let desktop = Desktop::start("autostart")?;
    let app = desktop.launch().await?;
    app.demo_member(PASSWORD).await?;
    app.click("tab-settings").await?;
    let entry = desktop.home().join(".config/autostart/Kenpo Desk.desktop");
    let toggle = app.testid("autostart").await?;
    assert!(!toggle.is_selected().await?, "off by default");
    assert!(!entry.exists());

    toggle.click().await?;
    // Read once written whole: it may exist a moment before its text does.
    wait_until("the autostart entry", || {
        Ok(std::fs::read_to_string(&entry).is_ok_and(|t| t.contains("Exec=")))
    })
    .await?;
    let text = std::fs::read_to_string(&entry)?;
    assert!(
        text.lines()
            .any(|l| l.starts_with("Exec=") && l.ends_with(" --hidden")),
        "started hidden in the tray: {text}"
    );

    app.testid("autostart").await?.click().await?;
    wait_until("the autostart entry going", || Ok(!entry.exists())).await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_app_reminds_without_saying_what_and_opens_at_the_lock_screen()
-> anyhow::Result<()> {
    let desktop = Desktop::start("reminders_locked")?;
    let tray = desktop.tray_host().await?;
    let day = working_day();
    let app = desktop
        .launch_with(&[("KENPO_DESK_TEST_CLOCK", &at(day, "11:00:00"))])
        .await?;
    app.demo_member(PASSWORD).await?;

    // The tray's ロック without a PIN asks for one in the window.
    tray.click("ロック").await?;
    app.testid("pin-form").await?;
    app.fill("pin-new", "2468").await?;
    app.fill("pin-confirm", "2468").await?;
    app.click("pin-submit").await?;
    app.testid("pin-done").await?;

    // With one, it locks: the window shows the lock screen, the menu
    // nothing private, and 今日の記録 cannot be chosen.
    tray.click("ロック").await?;
    app.testid("lock-screen").await?;
    let menu = tray.wait_for_label("ロック中").await?;
    assert!(menu.iter().all(|e| !e.label.contains("未送信")), "{menu:?}");
    assert!(
        menu.iter().any(|e| e.label == "今日の記録" && !e.enabled),
        "{menu:?}"
    );

    let shown = app.set_clock(&at(day, "12:30:05")).await?;
    assert_eq!(
        check_ins(&shown),
        1,
        "a locked app still reminds: {shown:?}"
    );
    desktop.wait_for_notification().await?;
    desktop.dunstctl(&["action", "0"])?;
    app.testid("lock-screen").await?;
    let mut seen = Vec::new();
    assert_eq!(
        bodies(&desktop, &mut seen)?,
        vec!["今日の記録がまだ済んでいません".to_owned()],
        "locked: nothing of what is missing"
    );
    app.quit().await?;
    Ok(())
}
