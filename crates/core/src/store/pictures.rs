//! The catalog's pictures kept on this PC, by their URL.

use super::{LocalResult, LocalStore};

impl LocalStore {
    /// A picture kept earlier: its type and bytes.
    pub async fn picture(&self, url: &str) -> LocalResult<Option<(String, Vec<u8>)>> {
        Ok(
            sqlx::query_as("SELECT content_type, bytes FROM pictures WHERE url = $1")
                .bind(url)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn keep_picture(
        &self,
        url: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> LocalResult<()> {
        sqlx::query(
            "INSERT INTO pictures (url, content_type, bytes) VALUES ($1, $2, $3) \
             ON CONFLICT (url) DO UPDATE SET content_type = excluded.content_type, \
             bytes = excluded.bytes",
        )
        .bind(url)
        .bind(content_type)
        .bind(bytes)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets every picture but those of `urls` (the catalog as it is now).
    pub async fn keep_only_pictures(&self, urls: &[&str]) -> LocalResult<()> {
        let keep = serde_json::to_string(urls).unwrap_or_else(|_| "[]".to_owned());
        sqlx::query("DELETE FROM pictures WHERE url NOT IN (SELECT value FROM json_each($1))")
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::scratch;

    #[tokio::test]
    async fn pictures_are_kept_by_url_and_old_ones_forgotten() {
        let (_dir, store) = scratch().await;
        store
            .keep_picture("/a?v=1", "image/png", b"a1")
            .await
            .unwrap();
        store
            .keep_picture("/b?v=1", "image/png", b"b1")
            .await
            .unwrap();
        store.keep_only_pictures(&["/a?v=1"]).await.unwrap();
        assert_eq!(
            store.picture("/a?v=1").await.unwrap(),
            Some(("image/png".to_owned(), b"a1".to_vec()))
        );
        assert_eq!(store.picture("/b?v=1").await.unwrap(), None);
    }
}
