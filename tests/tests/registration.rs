//! A newcomer's registration by e-mail and identity (健康マイポータル's five
//! steps) in the real window, against the demo insurer the app starts
//! itself, reading the mails in the in-app demo mailbox; and a mailed
//! `kenpodesk://` link, opened by a second launch, handed to the running app.

use kenpo_e2e::thirtyfour::By;
use kenpo_e2e::{App, Desktop, PATIENCE};
use serde_json::Value;

const EMAIL: &str = "misaki@example.jp";
const PASSWORD: &str = "sakura-mochi-2026";

/// Clicks the newest mail's link in the demo mailbox.
async fn use_newest_link(app: &App, mails_before: usize) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let mails = app
            .web()
            .find_all(By::Css("[data-testid='mailbox-mail']"))
            .await?;
        if mails.len() > mails_before {
            let links = app
                .web()
                .find_all(By::Css("[data-testid='mailbox-use']"))
                .await?;
            anyhow::ensure!(!links.is_empty(), "the mail has a link");
            links[links.len() - 1].click().await?;
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "no new mail in the demo mailbox"
        );
        app.click("mailbox-refresh").await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_registers_with_the_demo_mailbox_and_reaches_today() -> anyhow::Result<()> {
    let desktop = Desktop::start("registration_email")?;
    let app = desktop.launch().await?;
    let server = app.start_demo().await?;

    // 1. メールアドレス
    app.click("register-start").await?;
    app.fill("reg-email", EMAIL).await?;
    app.click("reg-email-submit").await?;
    app.testid("reg-sent").await?;
    app.testid("countdown").await?;
    app.screenshot("registration_1_mail_sent").await?;
    use_newest_link(&app, 0).await?;

    // 2. 本人確認 (佐藤 美咲: insured, no employee number)
    for (part, value) in [("year", "1990"), ("month", "7"), ("day", "20")] {
        app.find(By::Css(format!(
            "[data-testid='reg-birth-{part}'] option[value='{value}']"
        )))
        .await?
        .click()
        .await?;
    }
    app.click("reg-sex-female").await?;
    app.fill("reg-card-number", "1002").await?;
    app.fill("reg-card-symbol", "10").await?;
    let captcha = app
        .testid("reg-captcha-image")
        .await?
        .attr("data-captcha-id")
        .await?
        .unwrap_or_default();
    let answer: Value = reqwest::get(format!("{server}/api/v1/sandbox/captcha/{captcha}"))
        .await?
        .json()
        .await?;
    app.fill(
        "reg-captcha-answer",
        answer["answer"].as_str().unwrap_or_default(),
    )
    .await?;
    app.screenshot("registration_2_identity").await?;
    app.click("reg-identity-submit").await?;

    // The 8-digit key, shown once.
    let key = app.testid("reg-auth-key").await?.text().await?;
    let key: String = key.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(key.len(), 8, "an 8-digit auth key: {key}");
    app.testid("reg-auth-key-warning").await?;
    app.eval("document.querySelector(\"[data-testid='reg-auth-key']\").scrollIntoView({block: 'center'})")
        .await?;
    app.screenshot("registration_3_auth_key").await?;

    // 3. 認証キー入力, from the second mail.
    use_newest_link(&app, 1).await?;
    app.fill("reg-key-input", &key).await?;
    app.click("reg-key-submit").await?;

    // 4. 利用者情報入力
    app.fill("reg-login-id", EMAIL).await?;
    app.fill("reg-password", PASSWORD).await?;
    app.fill("reg-password-confirm", PASSWORD).await?;
    app.fill("reg-notification-email", EMAIL).await?;
    app.fill("reg-nickname", "みさき").await?;
    app.screenshot("registration_4_account").await?;
    app.click("reg-account-submit").await?;

    // 5. 登録完了, then the first login.
    app.testid("reg-done").await?;
    app.screenshot("registration_5_done").await?;
    app.click("reg-to-login").await?;
    app.fill("password", PASSWORD).await?;
    app.click("login-submit").await?;
    app.testid("today").await?;
    app.wait_contains("member-name", "みさき").await?;
    app.click("tab-points").await?;
    // Registration 1,000 and the day's login 5.
    app.wait_contains("points-balance", "1,005").await?;
    app.screenshot("registration_today_points").await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailed_link_opened_by_a_second_launch_reaches_the_running_app() -> anyhow::Result<()> {
    let desktop = Desktop::start("registration_deep_link")?;
    let app = desktop.launch().await?;
    let server = app.start_demo().await?;
    app.click("register-start").await?;
    app.fill("reg-email", EMAIL).await?;
    app.click("reg-email-submit").await?;
    app.testid("reg-sent").await?;
    // The link from the mail, as a mail client would hand it to the desktop.
    let deadline = std::time::Instant::now() + PATIENCE;
    let link = loop {
        let mailbox: Value = reqwest::get(format!("{server}/api/v1/sandbox/mail?to={EMAIL}"))
            .await?
            .json()
            .await?;
        let body = mailbox["messages"][0]["body"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let Some(link) = body.lines().find(|l| l.starts_with("kenpodesk://")) {
            break link.to_owned();
        }
        anyhow::ensure!(std::time::Instant::now() < deadline, "no registration mail");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let status = desktop.launch_again(&[&link])?;
    assert!(
        status.success(),
        "the second launch handed over and exited: {status}"
    );
    // The running app is at the identity step, with the link's token.
    app.testid("reg-card-number").await?;
    app.screenshot("registration_deep_link_identity").await?;
    app.quit().await?;
    Ok(())
}
