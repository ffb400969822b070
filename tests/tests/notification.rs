//! A test notification from the app reaches a real notification daemon.

use kenpo_e2e::Desktop;
use kenpo_e2e::thirtyfour::By;

#[tokio::test]
async fn test_notification_reaches_the_daemon() -> anyhow::Result<()> {
    let desktop = Desktop::start("notification")?;
    let before = desktop.notification_history()?;
    assert_eq!(
        before["data"][0].as_array().map(Vec::len),
        Some(0),
        "a fresh daemon has no history"
    );

    let app = desktop.launch().await?;
    app.find(By::Css("[data-testid='notification-test']"))
        .await?
        .click()
        .await?;
    app.find(By::Css(
        "[data-testid='notification-outcome'][role='status']",
    ))
    .await?;
    desktop.wait_for_notification().await?;
    app.screenshot("notification_shown").await?;

    let history = desktop.notification_history()?;
    let received = history["data"][0].as_array().cloned().unwrap_or_default();
    assert_eq!(
        received.len(),
        1,
        "exactly one notification arrived: {history}"
    );
    assert_eq!(received[0]["summary"]["data"], "けんぽデスク");
    assert_eq!(
        received[0]["body"]["data"],
        "お知らせは正しく届いています。"
    );
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn without_a_notification_service_the_member_is_told() -> anyhow::Result<()> {
    let desktop = Desktop::start_without_notifications("notification_missing")?;
    let app = desktop.launch().await?;
    app.find(By::Css("[data-testid='notification-test']"))
        .await?
        .click()
        .await?;
    app.wait_text(
        By::Css("[data-testid='notification-outcome'][role='alert']"),
        "このパソコンには通知を表示する仕組みが動いていません。パソコンの管理者にご確認ください。",
    )
    .await?;
    app.screenshot("notification_missing").await?;
    app.quit().await?;
    Ok(())
}
