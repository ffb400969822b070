//! `kenpo-insurer`: the insurer's side of Kenpo Desk, as a library so that
//! tests can start a real server on `127.0.0.1:0`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let db = kenpo_insurer::db::Database::connect("sqlite::memory:").await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! kenpo_insurer::serve(listener, db, std::future::pending()).await?;
//! # Ok(()) }
//! ```
//!
//! All state lives in the database, so several processes can serve one
//! PostgreSQL database behind a load balancer.

pub mod db;
pub mod http;

use std::future::Future;

use tokio::net::TcpListener;

/// Serves the API on `listener` until `shutdown` completes, then finishes
/// the requests in flight.
pub async fn serve(
    listener: TcpListener,
    db: db::Database,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = http::router(http::AppState { db });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
