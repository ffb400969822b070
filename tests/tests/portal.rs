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
