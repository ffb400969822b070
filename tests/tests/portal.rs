//! The member portal in the real window, against the demo insurer: points
//! exchanged for goods with the address filled from the postal code, the
//! confirmation lot by lot, the order and its cancel; a checkup's detail
//! with its why-not line; a flu report; the FAQ and an inquiry logged out;
//! a nickname that survives a restart; a profile removed leaving no file.
//! Each screen is photographed in 中 and 大.

use kenpo_e2e::thirtyfour::By;
use kenpo_e2e::{App, Desktop};

const PASSWORD: &str = "a long walk every day";

async fn balance(app: &App) -> anyhow::Result<i64> {
    app.number_in("exchange-balance").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_are_exchanged_lot_by_lot_and_a_cancel_gives_them_back() -> anyhow::Result<()> {
    let desktop = Desktop::start("portal_exchange")?;
    let app = desktop.launch().await?;
    app.demo_member(PASSWORD).await?;
    app.click("tab-exchange").await?;
    app.testid("catalog-item-coffee-gift").await?;
    app.testid("catalog-egift-note").await?;
    let before = balance(&app).await?;
    assert!(
        before >= 1895,
        "the demo member can afford the coffee: {before}"
    );
    let pictures = app
        .web()
        .find_all(By::Css(
            "[data-testid='catalog-picture'] img, img[data-testid='catalog-picture']",
        ))
        .await?;
    assert!(!pictures.is_empty(), "the catalog shows its pictures");
    app.screenshots_at("exchange_catalog", "catalog-item-coffee-gift")
        .await?;

    app.click("exchange-order-coffee-gift").await?;
    app.testid("order-form").await?;
    app.fill("address-name", "山田 太郎").await?;
    app.fill("address-postal", "1000001").await?;
    app.wait_value("address-prefecture", "東京都").await?;
    app.wait_value("address-city", "千代田区").await?;
    app.wait_value("address-line1", "千代田").await?;
    app.testid("address-line1").await?.send_keys("1-1").await?;
    app.fill("address-phone", "03-1234-5678").await?;
    app.screenshots_at("exchange_order", "address-postal")
        .await?;
    app.click("order-confirm").await?;

    app.testid("quote").await?;
    let lots = app
        .web()
        .find_all(By::Css("[data-testid='quote-lot']"))
        .await?;
    assert!(!lots.is_empty(), "the points spent, lot by lot");
    let mut spent = 0;
    for lot in &lots {
        let text = lot.text().await?;
        assert!(
            text.contains("年") && text.contains("月"),
            "an expiry day: {text}"
        );
        let digits: String = text
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        spent += digits.parse::<i64>().unwrap_or(0);
    }
    assert_eq!(spent, 1895, "the lots add up to the price");
    assert_eq!(app.number_in("quote-balance-after").await?, before - 1895);
    app.screenshots_at("exchange_confirm", "quote-balance-after")
        .await?;

    app.click("exchange-place").await?;
    app.testid("exchange-done").await?;
    app.screenshots_at("exchange_done", "exchange-done").await?;
    let deadline = std::time::Instant::now() + kenpo_e2e::PATIENCE;
    while balance(&app).await? != before - 1895 {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the balance went down"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    app.click("exchange-view-orders").await?;
    let order = app
        .find(By::Css("[data-testid^='order-'][data-status='ordered']"))
        .await?;
    let id = order
        .attr("data-testid")
        .await?
        .unwrap_or_default()
        .trim_start_matches("order-")
        .to_owned();
    assert!(order.text().await?.contains("コーヒーギフト"));
    app.screenshots_at("exchange_orders", "orders").await?;
    app.click(&format!("order-cancel-{id}")).await?;
    app.click("cancel-confirm").await?;
    app.testid("cancel-done").await?;
    app.wait_attr(&format!("order-{id}"), "data-status", "cancelled")
        .await?;
    let deadline = std::time::Instant::now() + kenpo_e2e::PATIENCE;
    while balance(&app).await? != before {
        anyhow::ensure!(std::time::Instant::now() < deadline, "the points came back");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // The points screen plans the next expiry and filters the ledger.
    app.click("tab-points").await?;
    app.testid("expiry-plan").await?;
    app.testid("ledger-kind").await?;
    app.screenshots_at("points_planner", "expiry-plan").await?;
    app.quit().await?;
    Ok(())
}

/// Runs the demo insurer's admin command line on its data folder.
fn insurer_admin(desktop: &Desktop, args: &[&str]) -> anyhow::Result<String> {
    let bin = kenpo_e2e::target_dir().join("debug").join("kenpo-insurer");
    let data = desktop.app_data_dir().join("demo-insurer");
    let output = std::process::Command::new(bin)
        .arg("--data-dir")
        .arg(&data)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "kenpo-insurer {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkup_says_why_it_did_not_earn_and_a_flu_report_earns_at_once() -> anyhow::Result<()> {
    let desktop = Desktop::start("portal_checkups")?;
    let app = desktop.launch().await?;
    app.demo_member(PASSWORD).await?;
    // Last fiscal year's checkup: heavier, and smoking.
    let csv = desktop.home().join("checkups.csv");
    std::fs::write(
        &csv,
        "card_symbol,card_number,branch_number,date,height_cm,weight_kg,bmi,smoker,health_age\n\
         10,1001,00,2025-10-01,170.0,75.4,26.1,yes,49\n",
    )?;
    let imported = insurer_admin(&desktop, &["checkups", "import", csv.to_str().unwrap()])?;
    assert!(imported.contains("1 new"), "{imported}");

    app.click("tab-checkups").await?;
    app.click("checkup-2025-10-01").await?;
    app.testid("checkup-detail").await?;
    app.wait_contains(
        "checkup-rule-checkup_bmi",
        "BMI 26.1: 18.5以上25未満ではありません",
    )
    .await?;
    app.wait_attr("checkup-rule-non_smoker", "data-outcome", "smoker")
        .await?;
    app.wait_contains("checkup-bmi-class", "肥満（1度）")
        .await?;
    app.screenshots_at("checkup_detail", "checkup-detail")
        .await?;
    app.testid("checkup-chart").await?;
    app.screenshots_at("checkup_chart", "checkup-chart").await?;

    app.click("tab-points").await?;
    let before = app.number_in("points-balance").await?;
    app.click("tab-checkups").await?;
    // The checkups load above the reports: click once the page stands still.
    app.wait_attr("checkups", "aria-busy", "false").await?;
    app.testid("checkup-detail").await?;
    app.scroll_to("report-flu-send").await?;
    app.click("report-flu-send").await?;
    app.wait_contains("report-done", "300").await?;
    app.screenshots_at("report_flu", "report-done").await?;
    app.click("report-flu-send").await?;
    app.testid("report-error").await?;
    app.click("tab-points").await?;
    let deadline = std::time::Instant::now() + kenpo_e2e::PATIENCE;
    while app.number_in("points-balance").await? != before + 300 {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "+300 P on the balance"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faq_is_searched_and_an_inquiry_sent_while_logged_out() -> anyhow::Result<()> {
    let desktop = Desktop::start("portal_help")?;
    let app = desktop.launch().await?;
    app.start_demo().await?;
    app.click("start-faq").await?;
    app.fill("faq-search", "ﾛｸﾞｲﾝ").await?;
    app.find(By::Css("[data-testid^='faq-entry-']")).await?;
    app.screenshots_at("faq", "faq").await?;
    app.click("help-back").await?;

    app.click("start-inquiry").await?;
    app.testid("inquiry").await?;
    app.fill(
        "inquiry-body",
        "パスワードを忘れました。ログインIDは U100001 です。",
    )
    .await?;
    app.fill("inquiry-email", "taro@example.jp").await?;
    app.screenshots_at("inquiry", "inquiry").await?;
    app.click("inquiry-send").await?;
    app.testid("inquiry-done").await?;
    app.screenshots_at("inquiry_done", "inquiry-done").await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nickname_survives_a_restart_and_a_removed_profile_leaves_no_file() -> anyhow::Result<()>
{
    let desktop = Desktop::start("portal_settings")?;
    let app = desktop.launch().await?;
    app.demo_member(PASSWORD).await?;
    app.click("tab-settings").await?;
    app.testid("account").await?;
    app.fill("account-nickname", "たろう").await?;
    app.click("account-nickname-save").await?;
    app.testid("account-nickname-saved").await?;
    app.screenshots_at("settings_account", "account").await?;
    app.screenshots_at("settings_sessions", "sessions").await?;
    app.screenshots_at("settings_lock", "lock").await?;
    app.screenshots_at("settings_about", "about").await?;
    app.quit().await?;

    let profiles = desktop.app_data_dir().join("profiles");
    let files_before: Vec<_> = std::fs::read_dir(&profiles)?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "db"))
        .collect();
    assert_eq!(files_before.len(), 1, "one profile's database");

    let app = desktop.launch().await?;
    app.wait_contains("profile-list", "たろう").await?;
    app.click("profile-open").await?;
    app.testid("today").await?;
    app.click("tab-settings").await?;
    app.click("profile-remove-0").await?;
    app.wait_contains("profile-remove-confirm", "U100001")
        .await?;
    app.screenshots_at("settings_profile_remove", "profile-remove-confirm")
        .await?;
    app.click("profile-remove-yes").await?;
    app.testid("login-server").await?;
    let left: Vec<_> = std::fs::read_dir(&profiles)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".db") || name.contains(".db-") || name.ends_with(".key"))
        .collect();
    assert!(left.is_empty(), "no file of the profile is left: {left:?}");
    app.quit().await?;
    Ok(())
}
