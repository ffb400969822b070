use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use kenpo_domain::api::ExchangeStatus;
use kenpo_insurer::admin::{self, AdminError, GrantOrder};
use kenpo_insurer::clock::to_jst;
use kenpo_insurer::config::InsurerConfig;
use kenpo_insurer::csv_file::FileError;
use kenpo_insurer::http::AppState;
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
    /// Serve the insurer API (and run the points expiry job every day).
    Serve {
        #[arg(long, env = "KENPO_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Sandbox mode: outbox readable over HTTP, captcha answers, a settable clock.
        #[arg(long)]
        sandbox: bool,
        /// SMTP server for real mail (smtp://host:port, smtps://…); the outbox folder otherwise.
        #[arg(long, env = "KENPO_SMTP_URL", hide_env_values = true)]
        smtp: Option<String>,
        /// Stop when standard input closes: run as a child (the desktop's
        /// demo insurer), the server ends with its parent, however that ends.
        #[arg(long)]
        stop_with_stdin: bool,
    },
    /// The member roster.
    Roster {
        #[command(subcommand)]
        command: RosterCommand,
    },
    /// Checkup results.
    Checkups {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The goods catalog.
    Catalog {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The FAQ.
    Faq {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Points: grants by hand and the expiry job.
    Points {
        #[command(subcommand)]
        command: PointsCommand,
    },
    /// Orders of goods.
    Exchanges {
        #[command(subcommand)]
        command: ExchangesCommand,
    },
    /// Notices to every member.
    Notices {
        #[command(subcommand)]
        command: NoticesCommand,
    },
    /// Inquiries sent by members and visitors.
    Inquiries {
        #[command(subcommand)]
        command: InquiriesCommand,
    },
    /// Load the demo roster, catalog, notices and FAQ (the sandbox's starting
    /// point) and print how to use them.
    Demo {
        /// The app's today (JST), when its clock is not the server's: the
        /// demo member's past ends the day before.
        #[arg(long)]
        today: Option<NaiveDate>,
    },
}

impl Command {
    /// The command's name for the security log (no argument: a file name
    /// or a login ID is no business of the log).
    /// The command as typed, without its arguments (they may be personal).
    fn name(&self) -> &'static str {
        match self {
            Self::Serve { .. } => "serve",
            Self::Roster { .. } => "roster import",
            Self::Checkups { .. } => "checkups import",
            Self::Catalog { .. } => "catalog import",
            Self::Faq { .. } => "faq import",
            Self::Points {
                command: PointsCommand::Grant { .. },
            } => "points grant",
            Self::Points {
                command: PointsCommand::Expire,
            } => "points expire",
            Self::Exchanges {
                command: ExchangesCommand::List { .. },
            } => "exchanges list",
            Self::Exchanges {
                command: ExchangesCommand::Ship { .. },
            } => "exchanges ship",
            Self::Exchanges {
                command: ExchangesCommand::Deliver { .. },
            } => "exchanges deliver",
            Self::Notices { .. } => "notices post",
            Self::Inquiries { .. } => "inquiries list",
            Self::Demo { .. } => "demo",
        }
    }
}

#[derive(Debug, Subcommand)]
enum RosterCommand {
    /// Import (insert or update) a roster CSV; nothing is applied if any row is bad.
    Import {
        file: PathBuf,
        /// The file is the whole roster: people not in it have left (資格喪失)
        /// and can no longer log in or earn; their history is kept.
        #[arg(long)]
        full: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import a CSV file; nothing is applied if any row is bad.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum PointsCommand {
    /// Grant a rule by hand (e.g. smoking cessation) or a campaign's points.
    Grant {
        /// The member's login ID.
        #[arg(long)]
        member: String,
        /// A rule of the rules file, or a campaign code (lower-case letters, digits, _).
        #[arg(long)]
        code: String,
        /// Points, for codes outside the rules file (once per member and code).
        #[arg(long)]
        points: Option<i64>,
        /// The day of the activity (YYYY-MM-DD); today when absent.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// A note the member sees in their ledger.
        #[arg(long)]
        note: Option<String>,
    },
    /// Write off every point whose last day has passed (idempotent).
    Expire,
}

#[derive(Debug, Subcommand)]
enum ExchangesCommand {
    /// List orders, with their shipping addresses.
    List {
        /// Only orders in this status (ordered, shipped, delivered, cancelled).
        #[arg(long)]
        status: Option<String>,
    },
    /// Mark an order shipped.
    Ship { id: i64 },
    /// Mark an order delivered.
    Deliver { id: i64 },
}

#[derive(Debug, Subcommand)]
enum NoticesCommand {
    /// Publish a notice to every member.
    Post {
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: String,
    },
}

#[derive(Debug, Subcommand)]
enum InquiriesCommand {
    /// Print every inquiry received.
    List,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr: the admin commands' output (`exchanges list`, …)
    // is stdout, for a file or a pipe.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let options = options(&cli)?;
    if let Command::Serve {
        listen,
        sandbox,
        smtp,
        stop_with_stdin,
    } = cli.command
    {
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
        tokio::spawn(expiry_job(server.state.clone()));
        server
            .serve(listener, shutdown_signal(stop_with_stdin))
            .await?;
        return Ok(());
    }
    let state = Server::open(options).await?.state;
    match run(&state, cli.command).await {
        Err(AdminError::File(FileError(problems))) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            anyhow::bail!("{} problem(s): nothing was applied", problems.len());
        }
        other => other?,
    }
    state.store.close().await;
    Ok(())
}

async fn run(state: &AppState, command: Command) -> Result<(), AdminError> {
    if !matches!(command, Command::Serve { .. }) {
        kenpo_insurer::security::admin(command.name());
    }
    match command {
        Command::Serve { .. } => {}
        Command::Roster {
            command: RosterCommand::Import { file, full },
        } => {
            let entries = roster::parse(&read(&file)?)?;
            let summary = admin::import_roster(state, &entries, full).await?;
            println!(
                "roster imported: {} new, {} updated, {} left",
                summary.inserted, summary.updated, summary.removed
            );
        }
        Command::Checkups {
            command: ImportCommand::Import { file },
        } => {
            let summary = admin::import_checkups(state, &read(&file)?).await?;
            println!(
                "checkups imported: {} new, {} updated",
                summary.inserted, summary.updated
            );
        }
        Command::Catalog {
            command: ImportCommand::Import { file },
        } => {
            // Pictures are named relative to the catalog file.
            let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
            let pictures = move |name: &str| {
                std::fs::read(folder.join(name)).map_err(|err| format!("cannot read {name}: {err}"))
            };
            let summary = admin::import_catalog(state, &read(&file)?, &pictures).await?;
            println!(
                "catalog imported: {} new, {} updated",
                summary.inserted, summary.updated
            );
        }
        Command::Faq {
            command: ImportCommand::Import { file },
        } => {
            let count = admin::import_faq(state, &read(&file)?).await?;
            println!("FAQ replaced: {count} entries");
        }
        Command::Points {
            command:
                PointsCommand::Grant {
                    member,
                    code,
                    points,
                    date,
                    note,
                },
        } => {
            let order = GrantOrder {
                login_id: member,
                code,
                points,
                date,
                note,
            };
            let grant = admin::grant_points(state, &order).await?;
            println!(
                "granted {} points ({}) on {}",
                grant.points, grant.code, grant.granted_on
            );
        }
        Command::Points {
            command: PointsCommand::Expire,
        } => {
            let summary = admin::expire_points(state).await?;
            println!(
                "expired {} points of {} members",
                summary.points, summary.members
            );
        }
        Command::Exchanges { command } => exchanges(state, command).await?,
        Command::Notices {
            command: NoticesCommand::Post { title, body },
        } => {
            let id = admin::post_notice(state, &title, &body).await?;
            println!("notice {id} published");
        }
        Command::Inquiries {
            command: InquiriesCommand::List,
        } => {
            for inquiry in state.store.inquiries().await? {
                println!(
                    "#{} {} {:?} <{}>\n{}\n",
                    inquiry.id,
                    to_jst(inquiry.created_at).format("%Y-%m-%d %H:%M"),
                    inquiry.request.category,
                    inquiry.request.contact_email,
                    inquiry.request.body
                );
            }
        }
        Command::Demo { today } => {
            let entries = roster::parse(roster::DEMO_CSV)?;
            let summary = admin::import_roster(state, &entries, false).await?;
            admin::load_demo_content(state).await?;
            let past = admin::load_demo_history(state, today).await?;
            println!(
                "demo roster loaded: {} new, {} updated; demo catalog, notices and FAQ loaded\n",
                summary.inserted, summary.updated
            );
            if past > 0 {
                println!("demo member U100001: {past} days of past records and a checkup loaded\n");
            }
            println!("{}", demo_guide(&entries));
        }
    }
    Ok(())
}

async fn exchanges(state: &AppState, command: ExchangesCommand) -> Result<(), AdminError> {
    let (id, status) = match command {
        ExchangesCommand::List { status } => {
            let status = status
                .map(|s| {
                    serde_json::from_value::<ExchangeStatus>(serde_json::Value::String(s)).map_err(
                        |_| {
                            AdminError::Refused(
                                "a status is ordered, shipped, delivered or cancelled".into(),
                            )
                        },
                    )
                })
                .transpose()?;
            for order in state.store.exchange_orders(status).await? {
                let info = &order.info;
                let a = &order.address;
                println!(
                    "#{} {:?} {} × {} ({} P) {} {}\n  〒{} {}{}{} {} {} tel {}",
                    info.exchange_id,
                    info.status,
                    info.item_name,
                    info.quantity,
                    info.points_spent,
                    order.login_id,
                    info.ordered_at.format("%Y-%m-%d"),
                    a.postal_code,
                    a.prefecture,
                    a.city,
                    a.line1,
                    a.line2.as_deref().unwrap_or(""),
                    a.name,
                    a.phone
                );
            }
            return Ok(());
        }
        ExchangesCommand::Ship { id } => (id, ExchangeStatus::Shipped),
        ExchangesCommand::Deliver { id } => (id, ExchangeStatus::Delivered),
    };
    let info = admin::advance_exchange(state, id, status).await?;
    println!("order {} is now {:?}", info.exchange_id, info.status);
    Ok(())
}

fn read(file: &Path) -> Result<String, AdminError> {
    std::fs::read_to_string(file)
        .map_err(|err| AdminError::Refused(format!("cannot read {}: {err}", file.display())))
}

/// Runs the expiry job now and then every hour: the job is idempotent, so
/// an hourly run writes points off within an hour of midnight JST, and
/// several server processes may run it together.
async fn expiry_job(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3_600));
    loop {
        every.tick().await;
        match admin::expire_points(&state).await {
            Ok(summary) if summary.points > 0 => tracing::info!(
                members = summary.members,
                points = summary.points,
                "points expired"
            ),
            Ok(_) => {}
            Err(err) => tracing::error!(%err, "points expiry job failed"),
        }
        // Rows past their use go too (idempotent: any replica may run it).
        match admin::purge(&state).await {
            Ok(summary) if summary.total() > 0 => tracing::info!(
                captchas = summary.captchas,
                tokens = summary.tokens,
                session_tokens = summary.session_tokens,
                throttles = summary.throttles,
                idempotency_keys = summary.idempotency_keys,
                "expired rows purged"
            ),
            Ok(_) => {}
            Err(err) => tracing::error!(%err, "purge job failed"),
        }
    }
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

async fn shutdown_signal(stop_with_stdin: bool) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let stdin_closed = async {
        if !stop_with_stdin {
            return std::future::pending().await;
        }
        use tokio::io::AsyncReadExt;
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 256];
        // Nothing is expected on it; end of input means the parent is gone.
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
        tracing::info!("standard input closed");
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
    tokio::select! { () = ctrl_c => {}, () = term => {}, () = stdin_closed => {} }
    tracing::info!("shutting down");
}
