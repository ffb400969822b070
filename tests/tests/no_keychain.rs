//! A PC whose desktop has no keychain (a session bus without a Secret
//! Service), through the real window against a real kenpo-insurer: the
//! member chooses a passphrase, checks in and quits; at the next start a
//! wrong passphrase is refused and the right one opens the check-in; then
//! a keychain arrives, takes the key at the next entry, and the wrapped
//! file is gone.

mod common;

use common::{Insurer, PASSWORD, contains, desk_today, every_file};
use kenpo_e2e::{App, Desktop};

const PHRASE: &str = "春の朝、駅から会社まで歩く";

async fn login(app: &App, server: &str) -> anyhow::Result<()> {
    app.testid("login-form").await?;
    app.fill("login-server", server).await?;
    app.fill("login-id", "U100001").await?;
    app.fill("password", PASSWORD).await?;
    app.click("login-submit").await
}

async fn enter_passphrase(app: &App, phrase: &str) -> anyhow::Result<()> {
    app.wait_attr("passphrase-form", "data-step", "enter")
        .await?;
    app.fill("passphrase-password", phrase).await?;
    app.click("passphrase-submit").await
}

/// Whether `bytes` hold 64 hex digits in a row (a 32-byte key as text).
fn hex_key_in(bytes: &[u8]) -> bool {
    bytes
        .split(|b| !b.is_ascii_hexdigit())
        .any(|run| run.len() >= 64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_keeps_the_records_and_a_keychain_arriving_later_takes_the_key()
-> anyhow::Result<()> {
    let insurer = Insurer::start().await;
    let mut desktop = Desktop::start_without_keychain("no_keychain")?;

    // First start: the notice, the login, then the passphrase is chosen.
    let app = desktop.launch().await?;
    app.wait_attr("keychain-notice", "data-code", "keychain_unavailable")
        .await?;
    app.screenshot("no_keychain_notice").await?;
    login(&app, &insurer.base).await?;
    app.wait_attr("passphrase-form", "data-step", "choose")
        .await?;
    app.fill("passphrase-password", PHRASE).await?;
    app.fill("passphrase-password-confirm", PHRASE).await?;
    app.eval("document.querySelector(\"[data-testid='passphrase-form']\").scrollIntoView()")
        .await?;
    app.screenshot("no_keychain_passphrase").await?;
    app.click("passphrase-submit").await?;
    app.testid("today").await?;
    app.fill("steps", "7777\u{E007}").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;
    app.quit().await?;

    let data = desktop.app_data_dir();
    let profiles = data.join("profiles");
    let wrapped: Vec<_> = std::fs::read_dir(&profiles)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "key"))
        .collect();
    assert_eq!(wrapped.len(), 1, "one wrapped key: {wrapped:?}");
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&wrapped[0])?)?;
    assert_eq!(file["kdf"]["algorithm"], "argon2id");
    let today = desk_today().to_string();
    for (path, bytes) in every_file(&profiles) {
        assert!(
            !contains(&bytes, PHRASE.as_bytes()),
            "{path} holds the passphrase"
        );
        assert!(
            !contains(&bytes, b"SQLite format 3"),
            "{path} is a plain database"
        );
        assert!(
            !contains(&bytes, today.as_bytes()),
            "{path} shows the day of a record"
        );
        assert!(!hex_key_in(&bytes), "{path} holds a key in plain form");
    }

    // Next start: the passphrase again; a wrong one is refused.
    let app = desktop.launch().await?;
    app.click("profile-open").await?;
    enter_passphrase(&app, "春の朝、駅から会社まで走る").await?;
    app.wait_contains("passphrase-password-error", "パスフレーズが違います")
        .await?;
    app.screenshot("passphrase_unlock").await?;
    enter_passphrase(&app, PHRASE).await?;
    app.testid("today").await?;
    let steps = app.testid("steps").await?.prop("value").await?;
    assert_eq!(steps.as_deref(), Some("7777"), "the check-in is there");
    app.wait_attr("sync-state", "data-state", "logged_out")
        .await?;
    app.quit().await?;

    // A keychain arrives: the next entry moves the key into it.
    desktop.start_keychain()?;
    let app = desktop.launch().await?;
    let notices = app
        .eval("document.querySelectorAll(\"[data-testid='keychain-notice']\").length")
        .await?;
    assert_eq!(notices, 0, "a keychain answers now");
    app.click("profile-open").await?;
    app.testid("passphrase-moving").await?;
    enter_passphrase(&app, PHRASE).await?;
    app.testid("today").await?;
    assert!(!wrapped[0].exists(), "the wrapped copy is gone");
    app.click("sync-relogin").await?;
    login(&app, &insurer.base).await?;
    app.testid("today").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;
    app.quit().await?;

    // And from then on, the keychain opens the copy and keeps the session.
    let app = desktop.launch().await?;
    app.click("profile-open").await?;
    app.testid("today").await?;
    let forms = app
        .eval("document.querySelectorAll(\"[data-testid='passphrase-form']\").length")
        .await?;
    assert_eq!(forms, 0, "no passphrase any more");
    app.quit().await?;
    Ok(())
}
