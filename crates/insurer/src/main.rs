use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kenpo_insurer::db::{self, Database};

/// The insurer's server for Kenpo Desk.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Database URL (sqlite:… or postgres://…); SQLite in the data folder when absent.
    #[arg(
        long,
        global = true,
        env = "KENPO_DATABASE_URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Folder for the default SQLite database and the mail outbox.
    #[arg(long, global = true, env = "KENPO_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the insurer API.
    Serve {
        #[arg(long, env = "KENPO_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { listen } => {
            let db = open_database(cli.database, cli.data_dir).await?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!(addr = %listener.local_addr()?, "kenpo-insurer listening");
            kenpo_insurer::serve(listener, db, shutdown_signal()).await?;
        }
    }
    Ok(())
}

async fn open_database(url: Option<String>, data_dir: Option<PathBuf>) -> anyhow::Result<Database> {
    let url = match url {
        Some(url) => url,
        None => {
            let dir = match data_dir {
                Some(dir) => dir,
                None => dirs::data_dir()
                    .context("no data folder on this system: pass --data-dir")?
                    .join("kenpo-insurer"),
            };
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            db::default_sqlite_url(&dir)
        }
    };
    // The URL may carry a password: never print it.
    Database::connect(&url)
        .await
        .context("cannot open the database")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
