//! The goods catalog and its pictures, for both databases from the same
//! SQL. Orders against it are [`super::ActivityStore`]'s.

use async_trait::async_trait;
use kenpo_domain::api::CatalogItem;

use super::sql::{PostgresStore, SqliteStore};
use super::{ImportSummary, StoreError, StoreResult};
use crate::images::{ItemImage, image_url};

/// One item of an import, with its picture when the file names one.
#[derive(Debug, Clone)]
pub struct CatalogImport {
    pub item: CatalogItem,
    pub image: Option<ItemImage>,
}

/// An item's picture as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub digest: String,
}

#[async_trait]
pub trait CatalogStore {
    /// The file is the whole catalog: items in it are inserted or updated
    /// (stock and picture set), items not in it are withdrawn. All or nothing.
    async fn catalog_import(&self, items: &[CatalogImport], now: i64)
    -> StoreResult<ImportSummary>;
    /// The items on offer, in the file's order.
    async fn catalog(&self) -> StoreResult<Vec<CatalogItem>>;
    /// The picture of an item on offer.
    async fn catalog_image(&self, item_id: &str) -> StoreResult<Option<StoredImage>>;
}

macro_rules! catalog_store {
    ($store:ident) => {
        #[async_trait]
        impl CatalogStore for $store {
            async fn catalog_import(
                &self,
                items: &[CatalogImport],
                now: i64,
            ) -> StoreResult<ImportSummary> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE catalog SET active = 0").execute(&mut *tx).await?;
                let mut summary = ImportSummary::default();
                for (position, CatalogImport { item, image }) in items.iter().enumerate() {
                    let exists: Option<String> =
                        sqlx::query_scalar("SELECT id FROM catalog WHERE id = $1")
                            .bind(&item.id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let sql = if exists.is_some() {
                        summary.updated += 1;
                        "UPDATE catalog SET name = $2, description = $3, points = $4, stock = $5, \
                         active = 1, position = $6, updated_at = $7, image = $8, image_type = $9, \
                         image_digest = $10 WHERE id = $1"
                    } else {
                        summary.inserted += 1;
                        "INSERT INTO catalog (id, name, description, points, stock, active, \
                         position, updated_at, image, image_type, image_digest) \
                         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10)"
                    };
                    sqlx::query(sql)
                        .bind(&item.id)
                        .bind(&item.name)
                        .bind(&item.description)
                        .bind(item.points)
                        .bind(i64::from(item.stock))
                        .bind(i32::try_from(position).unwrap_or(i32::MAX))
                        .bind(now)
                        .bind(image.as_ref().map(|i| i.bytes.as_slice()))
                        .bind(image.as_ref().map(|i| i.content_type))
                        .bind(image.as_ref().map(|i| i.digest.as_str()))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(summary)
            }

            async fn catalog(&self) -> StoreResult<Vec<CatalogItem>> {
                let rows: Vec<(String, String, String, i64, i64, Option<String>)> =
                    sqlx::query_as(
                        "SELECT id, name, description, points, stock, image_digest FROM catalog \
                         WHERE active = 1 ORDER BY position, id",
                    )
                    .fetch_all(self.pool())
                    .await?;
                rows.into_iter()
                    .map(|(id, name, description, points, stock, digest)| {
                        Ok(CatalogItem {
                            image_url: digest.map(|d| image_url(&id, &d)),
                            id,
                            name,
                            description,
                            points,
                            stock: u32::try_from(stock)
                                .map_err(|_| StoreError::Corrupt("stock".into()))?,
                        })
                    })
                    .collect()
            }

            async fn catalog_image(&self, item_id: &str) -> StoreResult<Option<StoredImage>> {
                let row: Option<(Vec<u8>, String, String)> = sqlx::query_as(
                    "SELECT image, image_type, image_digest FROM catalog \
                     WHERE id = $1 AND active = 1 AND image IS NOT NULL",
                )
                .bind(item_id)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.map(|(bytes, content_type, digest)| StoredImage {
                    content_type,
                    bytes,
                    digest,
                }))
            }
        }
    };
}

catalog_store!(SqliteStore);
catalog_store!(PostgresStore);
