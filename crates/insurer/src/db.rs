//! The server's database: SQLite (one file, nothing to install) or
//! PostgreSQL, chosen by the URL.

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL is not one this server knows (use sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
}

impl DbError {
    pub fn code(&self) -> &'static str {
        match self {
            DbError::UnsupportedUrl => "database_url_unsupported",
            DbError::Sqlx(_) => "database",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
}

impl Database {
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            return Err(DbError::UnsupportedUrl);
        }
        install_default_drivers();
        // An in-memory SQLite database exists once per connection: keep one.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .connect(url)
            .await?;
        Ok(Self { pool })
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; later queries fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The SQLite URL of the default database in `dir`, created when missing.
pub fn default_sqlite_url(dir: &std::path::Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        dir.join("insurer.sqlite3").display()
    )
}
