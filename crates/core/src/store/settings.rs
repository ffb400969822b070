//! The member's settings on this PC, and what the reminders read of the
//! rest of the store.

use kenpo_domain::api::LedgerEntryInfo;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{LocalResult, LocalStore, corrupt};

impl LocalStore {
    /// The setting `key`, if it was ever set.
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> LocalResult<Option<T>> {
        let text: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("setting")))
            .transpose()
    }

    pub async fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> LocalResult<()> {
        let text = serde_json::to_string(value).map_err(|_| corrupt("setting"))?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(text)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn remove_setting(&self, key: &str) -> LocalResult<()> {
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The ids of the insurer's notices mirrored here.
    pub async fn notice_ids(&self) -> LocalResult<Vec<u64>> {
        let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM mirror WHERE kind = 'notice'")
            .fetch_all(&self.pool)
            .await?;
        Ok(keys.iter().filter_map(|k| k.parse().ok()).collect())
    }

    /// The whole mirrored ledger, oldest first.
    pub async fn ledger_lines(&self) -> LocalResult<Vec<LedgerEntryInfo>> {
        let mut lines = self.ledger(u32::MAX).await?;
        lines.reverse();
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::scratch;

    #[tokio::test]
    async fn a_setting_reads_back_and_replaces() {
        let (_dir, store) = scratch().await;
        assert_eq!(store.setting::<u32>("x").await.unwrap(), None);
        store.set_setting("x", &3u32).await.unwrap();
        store.set_setting("x", &4u32).await.unwrap();
        assert_eq!(store.setting::<u32>("x").await.unwrap(), Some(4));
    }
}
