//! お知らせ in the real window: the demo insurer's notices arrive with the
//! first sync, unread, with a count on the tab; opening one reads it, and
//! what was read stays read after a restart.

use kenpo_e2e::Desktop;
use kenpo_e2e::thirtyfour::By;

const PASSWORD: &str = "a long walk every day";

async fn unread(app: &kenpo_e2e::App) -> anyhow::Result<usize> {
    Ok(app
        .web()
        .find_all(By::Css("[data-testid='notice'][data-read='false']"))
        .await?
        .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_arrive_unread_and_opening_one_reads_it() -> anyhow::Result<()> {
    let desktop = Desktop::start("notices")?;
    let app = desktop.launch().await?;
    app.demo_member(PASSWORD).await?;
    let badge = app.testid("notices-unread").await?.text().await?;
    let count: usize = badge.trim().parse()?;
    assert!(count > 0, "the demo insurer posts notices: {badge:?}");

    app.click("tab-notices").await?;
    app.testid("notices").await?;
    app.find(By::Css("[data-testid='notice']")).await?;
    assert_eq!(unread(&app).await?, count);
    app.screenshot("notices").await?;

    let first = app.find(By::Css("[data-testid='notice']")).await?;
    let id = first.attr("data-id").await?.unwrap_or_default();
    first
        .find(By::Css("[data-testid='notice-open']"))
        .await?
        .click()
        .await?;
    app.find(By::Css(format!(
        "[data-testid='notice'][data-id='{id}'][data-read='true']"
    )))
    .await?;
    app.testid("notice-body").await?;
    app.screenshot("notice_open").await?;
    if count > 1 {
        app.wait_contains("notices-unread", &(count - 1).to_string())
            .await?;
    }
    app.quit().await?;

    // Read stays read.
    let app = desktop.launch().await?;
    app.click("profile-open").await?;
    app.testid("today").await?;
    app.click("tab-notices").await?;
    app.find(By::Css(format!(
        "[data-testid='notice'][data-id='{id}'][data-read='true']"
    )))
    .await?;
    assert_eq!(unread(&app).await?, count - 1);
    app.quit().await?;
    Ok(())
}
