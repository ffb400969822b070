//! The app opens in Japanese, switches to English and to 大 text, and the
//! choice survives a restart.

use kenpo_e2e::Desktop;
use kenpo_e2e::thirtyfour::By;

const APP_NAME: &str = "[data-testid='app-name']";

async fn root_font_px(app: &kenpo_e2e::App) -> anyhow::Result<f64> {
    let size = app
        .eval("getComputedStyle(document.documentElement).fontSize")
        .await?;
    let size = size
        .as_str()
        .unwrap_or_default()
        .trim_end_matches("px")
        .to_owned();
    Ok(size.parse()?)
}

#[tokio::test]
async fn japanese_frame_switches_language_and_size_and_remembers_them() -> anyhow::Result<()> {
    let desktop = Desktop::start("frame")?;
    let app = desktop.launch().await?;

    app.wait_text(By::Css(APP_NAME), "けんぽデスク").await?;
    assert_eq!(
        app.eval("document.documentElement.lang").await?,
        "ja",
        "Japanese comes first"
    );
    assert_eq!(root_font_px(&app).await?, 16.0, "中 is the default size");
    let welcome = app.find(By::Id("welcome-title")).await?.text().await?;
    assert_eq!(welcome, "ようこそ");
    app.screenshot("frame_japanese").await?;

    app.find(By::Css(
        "[data-testid='language-switch'] button[data-value='en']",
    ))
    .await?
    .click()
    .await?;
    app.wait_text(By::Css(APP_NAME), "Kenpo Desk").await?;
    assert_eq!(app.eval("document.documentElement.lang").await?, "en");

    app.find(By::Css(
        "[data-testid='text-size-switch'] button[data-value='large']",
    ))
    .await?
    .click()
    .await?;
    let large = app
        .find(By::Css(
            "[data-testid='text-size-switch'] button[data-value='large']",
        ))
        .await?;
    assert_eq!(large.attr("aria-pressed").await?.as_deref(), Some("true"));
    assert_eq!(
        root_font_px(&app).await?,
        20.0,
        "大 scales the whole page by 125%"
    );
    app.quit().await?;

    let saved = std::fs::read_to_string(desktop.app_data_dir().join("prefs.json"))?;
    let saved: serde_json::Value = serde_json::from_str(&saved)?;
    assert_eq!(
        saved,
        serde_json::json!({"locale": "en", "text_size": "large"}),
        "the core saved the choice"
    );

    let app = desktop.launch().await?;
    app.wait_text(By::Css(APP_NAME), "Kenpo Desk").await?;
    assert_eq!(root_font_px(&app).await?, 20.0, "大 survives a restart");
    let large = app
        .find(By::Css(
            "[data-testid='text-size-switch'] button[data-value='large']",
        ))
        .await?;
    assert_eq!(large.attr("aria-pressed").await?.as_deref(), Some("true"));
    app.screenshot("frame_english_large_after_restart").await?;
    app.quit().await?;
    Ok(())
}
