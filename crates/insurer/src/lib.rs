//! `kenpo-insurer`: the insurer's side of Kenpo Desk, as a library so that
//! tests can start a real server on `127.0.0.1:0`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kenpo_insurer::{Server, ServerOptions};
//! let server = Server::open(ServerOptions::sqlite_in(std::path::Path::new("/tmp/kenpo"))).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! server.serve(listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```
//!
//! All state lives in the database, so several processes can serve one
//! PostgreSQL database behind a load balancer.

pub mod admin;
pub mod captcha;
pub mod clock;
pub mod config;
pub mod csv_file;
pub mod demo_history;
pub mod earning;
pub mod http;
pub mod images;
pub mod imports;
pub mod mail;
pub mod passwords;
pub mod roster;
pub mod secrets;
pub mod security;
pub mod serve;
pub mod store;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::InsurerConfig;
use crate::http::AppState;
use crate::mail::{Mailer, OutboxMailer, SmtpMailer};

/// How to start a server: the database, where mail goes, the settings.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub database_url: String,
    /// The outbox folder, used when no SMTP server is given (and always in sandbox mode).
    pub outbox_dir: PathBuf,
    pub smtp_url: Option<String>,
    pub sandbox: bool,
    pub config: InsurerConfig,
    /// Password hashes computed at once (each takes a core and 19 MiB).
    pub hash_concurrency: usize,
    /// Sandbox only: a clock that stands still at this Unix time until moved.
    pub frozen_clock: Option<i64>,
    /// Timeouts and the connection cap.
    pub limits: serve::Limits,
}

impl ServerOptions {
    /// SQLite and the outbox in `dir`, default settings, not sandboxed.
    pub fn sqlite_in(dir: &Path) -> Self {
        Self {
            database_url: format!(
                "sqlite://{}?mode=rwc",
                dir.join("insurer.sqlite3").display()
            ),
            outbox_dir: dir.join("outbox"),
            smtp_url: None,
            sandbox: false,
            config: InsurerConfig::default(),
            hash_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            frozen_clock: None,
            limits: serve::Limits::default(),
        }
    }
}

/// A server ready to serve: database open and migrated, mailer chosen.
#[derive(Clone)]
pub struct Server {
    pub state: AppState,
    pub limits: serve::Limits,
}

impl Server {
    pub async fn open(options: ServerOptions) -> anyhow::Result<Self> {
        let store = store::open(&options.database_url)
            .await
            .context("cannot open the database")?;
        let rules = options.config.rules()?;
        let from = options.config.mail_from.clone();
        let outbox = Arc::new(OutboxMailer::new(options.outbox_dir.clone(), &from)?);
        let mailer: Arc<dyn Mailer> = match (&options.smtp_url, options.sandbox) {
            (Some(url), false) => Arc::new(SmtpMailer::from_url(url, &from)?),
            _ => outbox.clone(),
        };
        let state = AppState {
            clock: clock::ServerClock::new(store.clone(), options.sandbox, options.frozen_clock),
            store,
            config: Arc::new(options.config),
            rules: Arc::new(rules),
            hasher: passwords::Hasher::new(options.hash_concurrency),
            mailer,
            sandbox_outbox: options.sandbox.then_some(outbox),
        };
        Ok(Self {
            state,
            limits: options.limits,
        })
    }

    /// Serves the API on `listener` until `shutdown` completes, then finishes
    /// the requests in flight.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app =
            http::router(self.state).layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                self.limits.request_timeout,
            ));
        serve::serve(listener, app, self.limits, shutdown).await
    }
}
