use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kenpo_insurer::config::InsurerConfig;
use kenpo_insurer::{Server, ServerOptions, roster};

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
    /// The insurer's settings (TOML); defaults when absent.
    #[arg(long, global = true, env = "KENPO_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the insurer API.
    Serve {
        #[arg(long, env = "KENPO_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Sandbox mode: outbox readable over HTTP, captcha answers, a settable clock.
        #[arg(long)]
        sandbox: bool,
        /// SMTP server for real mail (smtp://host:port, smtps://…); the outbox folder otherwise.
        #[arg(long, env = "KENPO_SMTP_URL", hide_env_values = true)]
        smtp: Option<String>,
    },
    /// The member roster.
    Roster {
        #[command(subcommand)]
        command: RosterCommand,
    },
    /// Load the demo roster (the sandbox's starting point) and print how to use it.
    Demo,
}

#[derive(Debug, Subcommand)]
enum RosterCommand {
    /// Import (insert or update) a roster CSV; nothing is applied if any row is bad.
    Import { file: PathBuf },
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
    let options = options(&cli)?;
    match cli.command {
        Command::Serve {
            listen,
            sandbox,
            smtp,
        } => {
            let server = Server::open(ServerOptions {
                sandbox,
                smtp_url: smtp,
                ..options
            })
            .await?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!(addr = %listener.local_addr()?, sandbox, "kenpo-insurer listening");
            server.serve(listener, shutdown_signal()).await?;
        }
        Command::Roster {
            command: RosterCommand::Import { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let entries = match roster::parse(&text) {
                Ok(entries) => entries,
                Err(roster::RosterFileError(problems)) => {
                    for problem in &problems {
                        eprintln!("{}: {problem}", file.display());
                    }
                    anyhow::bail!("{} problem(s): nothing was imported", problems.len());
                }
            };
            let summary = import(options, &entries).await?;
            println!(
                "roster imported: {} new, {} updated",
                summary.inserted, summary.updated
            );
        }
        Command::Demo => {
            let entries = roster::parse(roster::DEMO_CSV).context("the demo roster")?;
            let summary = import(options, &entries).await?;
            println!(
                "demo roster loaded: {} new, {} updated\n",
                summary.inserted, summary.updated
            );
            println!("{}", demo_guide(&entries));
        }
    }
    Ok(())
}

async fn import(
    options: ServerOptions,
    entries: &[kenpo_insurer::store::RosterEntry],
) -> anyhow::Result<kenpo_insurer::store::ImportSummary> {
    let server = Server::open(options).await?;
    let now = server.state.clock.now().await?;
    Ok(server.state.store.roster_import(entries, now).await?)
}

fn demo_guide(entries: &[kenpo_insurer::store::RosterEntry]) -> String {
    use kenpo_domain::member::RosterRelationship as R;
    let mut out = String::from("Try the ways in (kenpo-insurer serve --sandbox):\n");
    for e in entries {
        let who = format!(
            "{} {} ({}, born {})",
            e.family_name, e.given_name, e.sex, e.birth_date
        );
        let card = format!("card symbol {} number {}", e.card_symbol, e.card_number);
        let way = match (e.relationship, &e.employee_number) {
            (R::Insured, Some(number)) => format!(
                "issued ID: log in as U{number} with password {}",
                e.birth_date.format("%Y%m%d")
            ),
            (R::Insured, None) => format!("e-mail + identity: {card}"),
            (R::Spouse, _) => format!(
                "dependent spouse: {card}, insurer number {}",
                e.insurer_number
            ),
            (R::Other, _) => "not in the points program (refused)".to_owned(),
        };
        out.push_str(&format!("  {who}: {way}\n"));
    }
    out
}

fn options(cli: &Cli) -> anyhow::Result<ServerOptions> {
    let dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .context("no data folder on this system: pass --data-dir")?
            .join("kenpo-insurer"),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut options = ServerOptions::sqlite_in(&dir);
    if let Some(url) = &cli.database {
        // The URL may carry a password: it is never printed.
        options.database_url = url.clone();
    }
    if let Some(path) = &cli.config {
        options.config = InsurerConfig::load(path)?;
    }
    Ok(options)
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
