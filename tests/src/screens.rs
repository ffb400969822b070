//! Screens as a member sees them: both text sizes in a screenshot, and
//! waiting for a field the app fills by itself.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use thirtyfour::By;

use crate::{App, PATIENCE};

impl App {
    /// Switches the text size (`medium` 中, `large` 大) with the header's
    /// switch.
    pub async fn text_size(&self, size: &str) -> Result<()> {
        self.find(By::Css(format!(
            "[data-testid='text-size-switch'] button[data-value='{size}']"
        )))
        .await?
        .click()
        .await?;
        Ok(())
    }

    /// Screenshots of the screen as it is, in 中 (`<name>`) and in 大
    /// (`<name>_large`); back in 中 after.
    pub async fn screenshots(&self, name: &str) -> Result<()> {
        self.text_size("medium").await?;
        self.screenshot(name).await?;
        self.text_size("large").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.screenshot(&format!("{name}_large")).await?;
        self.text_size("medium").await?;
        Ok(())
    }

    /// Scrolls the element `id` to the middle of the window, as a member
    /// would before reading it.
    pub async fn scroll_to(&self, id: &str) -> Result<()> {
        let element = self.testid(id).await?;
        self.web()
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![element.to_json()?],
            )
            .await?;
        Ok(())
    }

    /// Screenshots in 中 and 大 with the element `id` in view.
    pub async fn screenshots_at(&self, name: &str, id: &str) -> Result<()> {
        self.text_size("medium").await?;
        self.scroll_to(id).await?;
        self.screenshot(name).await?;
        self.text_size("large").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.scroll_to(id).await?;
        self.screenshot(&format!("{name}_large")).await?;
        self.text_size("medium").await?;
        Ok(())
    }

    /// Waits until the field `id` holds `want` (a value the app filled).
    pub async fn wait_value(&self, id: &str, want: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.testid(id).await?.prop("value").await?;
            if found.as_deref() == Some(want) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("expected {id} to hold {want:?}, found {found:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The whole number in the text of `id` (e.g. 3,460 in "ポイント残高 3,460ポイント").
    pub async fn number_in(&self, id: &str) -> Result<i64> {
        let text = self.testid(id).await?.text().await?;
        let digits: String = text
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        digits
            .parse()
            .map_err(|_| anyhow::anyhow!("no number in {id}: {text:?}"))
    }
}
