//! The insurer under test: a database with members who have accounts and
//! sessions (made through the store, so that setting up measures nothing),
//! and the release `kenpo-insurer serve` as a process of its own, so that
//! the load generator (this process) shares no runtime with it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kenpo_domain::member::Relationship;
use kenpo_insurer::store::{NewAccount, TokenPair};
use kenpo_insurer::{Server, ServerOptions, roster, secrets};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The password of every bench member (one hash for all).
pub const PASSWORD: &str = "bench password 2026";

/// Where the insurer keeps its data: PostgreSQL (a fresh database) or
/// SQLite in a folder.
pub enum Database {
    Postgres { admin_url: String, name: String },
    Sqlite { dir: tempfile::TempDir },
}

impl Database {
    /// A new, empty database on the server of `admin_url`.
    pub async fn postgres(admin_url: &str, label: &str) -> anyhow::Result<Self> {
        let name = format!("kenpo_bench_{label}_{}", std::process::id());
        let admin = sqlx::PgPool::connect(admin_url)
            .await
            .context("cannot connect to PostgreSQL")?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await?;
        admin.close().await;
        Ok(Self::Postgres {
            admin_url: admin_url.to_owned(),
            name,
        })
    }

    pub fn sqlite() -> anyhow::Result<Self> {
        Ok(Self::Sqlite {
            dir: tempfile::tempdir()?,
        })
    }

    pub fn url(&self) -> String {
        match self {
            Self::Postgres { admin_url, name } => with_database(admin_url, name),
            Self::Sqlite { dir } => ServerOptions::sqlite_in(dir.path()).database_url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres { .. })
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        if let Self::Postgres { admin_url, name } = self {
            let admin = sqlx::PgPool::connect(&admin_url).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await?;
            admin.close().await;
        }
        Ok(())
    }
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A member ready to write: their account and an access token.
#[derive(Debug, Clone)]
pub struct Member {
    pub account_id: i64,
    pub login_id: String,
    pub token: String,
}

/// `count` new members with accounts and sessions, in the database of
/// `options` (migrated on the way).
pub async fn members(options: ServerOptions, count: usize) -> anyhow::Result<Vec<Member>> {
    let server = Server::open(options).await?;
    let state = server.state;
    let now = state.clock.now().await?;
    // A card symbol of its own per call, so that calls can add members.
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let symbol = (20_000_000 + (std::process::id() % 1_000) * 10_000 + CALLS.fetch_add(1, Relaxed))
        .to_string();
    let mut csv = roster::HEADER.join(",");
    for i in 0..count {
        csv.push_str(&format!(
            "\n06273494,{symbol},{},00,insured,E{symbol}X{i},試験,{i}号,1985-04-10,male",
            i + 1
        ));
    }
    state
        .store
        .roster_import(&roster::parse(&csv)?, false, now)
        .await?;
    let hash = state.hasher.hash(PASSWORD).await?;
    let mut members = Vec::with_capacity(count);
    for i in 0..count {
        let person = state
            .store
            .roster_by_card(&symbol, &(i + 1).to_string())
            .await?
            .into_iter()
            .next()
            .context("the imported person is not there")?;
        let login_id = format!("bench-{symbol}-{i}@example.jp");
        let account_id = state
            .store
            .account_create(
                &NewAccount {
                    roster_id: person.id,
                    login_id: login_id.clone(),
                    password_hash: hash.clone(),
                    password_change_required: false,
                    kind: Relationship::Insured,
                    nickname: None,
                    notification_email: None,
                },
                now,
            )
            .await?;
        let (token, refresh) = (secrets::new_token(), secrets::new_token());
        let pair = TokenPair {
            access_hash: secrets::token_hash(&token),
            access_expires_at: now + 24 * 3600,
            refresh_hash: secrets::token_hash(&refresh),
            refresh_expires_at: now + 24 * 3600,
        };
        state.store.session_create(account_id, &pair, now).await?;
        members.push(Member {
            account_id,
            login_id,
            token,
        });
    }
    state.store.close().await;
    Ok(members)
}

/// The release server, running; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
    pub pid: u32,
    _data: tempfile::TempDir,
}

impl ServerProcess {
    pub async fn start(binary: &Path, database_url: &str) -> anyhow::Result<Self> {
        let data = tempfile::tempdir()?;
        let mut child = Command::new(binary)
            .arg("--data-dir")
            .arg(data.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("KENPO_DATABASE_URL", database_url)
            .env("RUST_LOG", "warn,kenpo_insurer=info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let pid = child.id().context("the server ended at once")?;
        let stderr = child.stderr.take().context("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            let line = tokio::time::timeout_at(deadline.into(), lines.next_line())
                .await
                .context("the server did not say where it listens within 60 s")??
                .context("the server ended before listening")?;
            if let Some(addr) = line.split("addr=").nth(1) {
                break addr
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
            }
        };
        // Keep reading its log, so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            base: format!("http://{addr}/api/v1"),
            pid,
            _data: data,
        })
    }

    /// The server's resident memory now and at its peak, in KiB.
    pub fn rss_kib(&self) -> anyhow::Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Ok((field("VmRSS:"), field("VmHWM:")))
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        let status = self.child.wait().await?;
        if status.code().is_some_and(|c| c != 0) {
            bail!("the server ended with {status}");
        }
        Ok(())
    }
}

/// The release binary of the insurer (`KENPO_INSURER_BIN`, or the target
/// folder's).
pub fn insurer_binary() -> PathBuf {
    std::env::var_os("KENPO_INSURER_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/kenpo-insurer"),
        PathBuf::from,
    )
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/postgres", "b"),
            "postgres://u:p@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "b"),
            "postgres://u@h/b?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "b"), "postgres://u@h/b");
    }
}
