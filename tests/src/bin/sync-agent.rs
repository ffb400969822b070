//! A Kenpo Desk device without its window: kenpo-core's store, keychain,
//! session and sync, driven from the command line, so that tests can run a
//! member's device as its own process (and kill it).
//!
//! ```text
//! sync-agent --data DIR --profile P --server URL login ID PASSWORD
//! sync-agent … save DATE KIND VALUE UPDATED_AT     (KIND: steps | weight)
//! sync-agent … sync [BATCH PAGE]
//! sync-agent … dump                                 (JSON on stdout)
//! sync-agent … churn SEED                           (save and sync until killed)
//! sync-agent … fill DAYS                            (steps and weight for DAYS days; save times)
//! ```
//!
//! `churn` prints `saved DATE KIND VALUE UPDATED_AT` after each local
//! commit has returned, and `synced` after each complete sync.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use kenpo_core::client::InsurerClient;
use kenpo_core::error::Coded;
use kenpo_core::keychain::Keychain;
use kenpo_core::session::Session;
use kenpo_core::store::LocalStore;
use kenpo_core::sync::{SyncOptions, sync_once};
use kenpo_domain::api::Secret;
use kenpo_domain::entry::{EntryValue, Steps, Weight};
use kenpo_domain::time::{Clock, SystemClock};

const SERVICE: &str = "jp.kenpodesk.sync-agent";

struct Agent {
    store: LocalStore,
    keychain: Keychain,
    client: InsurerClient,
    profile: String,
}

impl Agent {
    async fn session(&self) -> anyhow::Result<Session> {
        Session::resume(self.client.clone(), self.keychain.clone(), &self.profile)
            .await?
            .context("not logged in")
    }
}

fn value(kind: &str, text: &str) -> anyhow::Result<EntryValue> {
    Ok(match kind {
        "steps" => EntryValue::Steps(Steps::new(text.parse()?)?),
        "weight" => EntryValue::Weight(Weight::from_kg(text.parse()?)?),
        other => bail!("unknown kind {other}"),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str| -> anyhow::Result<String> {
        let at = args
            .iter()
            .position(|a| a == flag)
            .with_context(|| format!("{flag} is needed"))?;
        let value = args.get(at + 1).cloned().context("a value")?;
        args.drain(at..=at + 1);
        Ok(value)
    };
    let data = PathBuf::from(take("--data")?);
    let profile = take("--profile")?;
    let server = take("--server")?;
    let keychain = Keychain::os(SERVICE)?;
    let (key, _) = keychain.db_key(&profile).await?;
    let agent = Agent {
        store: LocalStore::open(&data.join(format!("{profile}.db")), &key).await?,
        keychain,
        client: InsurerClient::new(&server)?,
        profile,
    };
    let command: Vec<&str> = args.iter().map(String::as_str).collect();
    match command.as_slice() {
        ["login", login_id, password] => {
            Session::login(
                agent.client.clone(),
                agent.keychain.clone(),
                &agent.profile,
                login_id,
                &Secret::new(*password),
            )
            .await?;
        }
        ["save", date, kind, number, updated_at] => {
            agent
                .store
                .save(
                    date.parse()?,
                    value(kind, number)?,
                    DateTime::parse_from_rfc3339(updated_at)?,
                )
                .await?;
        }
        ["sync", rest @ ..] => {
            let mut options = SyncOptions::default();
            if let [batch, page] = rest {
                options = SyncOptions {
                    batch: batch.parse()?,
                    page: page.parse()?,
                };
            }
            let session = agent.session().await?;
            match sync_once(&agent.store, &session, options, &SystemClock).await {
                Ok(report) => println!(
                    "{}",
                    serde_json::json!({"pushed": report.pushed, "pulled": report.pulled})
                ),
                Err(err) => {
                    println!("{}", serde_json::json!({"error": err.code()}));
                    std::process::exit(3);
                }
            }
        }
        ["dump"] => {
            let from = NaiveDate::from_ymd_opt(2000, 1, 1).context("date")?;
            let to = NaiveDate::from_ymd_opt(2100, 1, 1).context("date")?;
            let records: Vec<_> = agent
                .store
                .records_between(from, to)
                .await?
                .into_iter()
                .map(|r| serde_json::json!({"record": r.record, "pending": r.pending, "rejected": r.rejected_code}))
                .collect();
            let dump = serde_json::json!({
                "records": records,
                "pending": agent.store.pending().await?,
                "balance": agent.store.balance().await?,
                "ledger": agent.store.ledger(100_000).await?,
                "cursor": agent.store.cursor().await?,
            });
            println!("{dump}");
        }
        ["churn", seed] => churn(&agent, seed.parse()?).await?,
        ["fill", days] => fill(&agent, days.parse()?).await?,
        other => bail!("unknown command {other:?}"),
    }
    agent.store.close().await;
    Ok(())
}

/// Saves and syncs in a loop, until killed: each save a new value for one
/// of the last days, stamped with a clock that only moves forward.
async fn churn(agent: &Agent, seed: u64) -> anyhow::Result<()> {
    let session = agent.session().await?;
    let today = SystemClock.today();
    let mut state = seed.max(1);
    let mut next = || {
        // xorshift: deterministic per seed, no dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut stdout = std::io::stdout();
    loop {
        for _ in 0..(1 + next() % 4) {
            let date = today
                .checked_sub_days(Days::new(next() % 40))
                .context("date")?;
            let (kind, value) = if next() % 2 == 0 {
                (
                    "steps",
                    EntryValue::Steps(Steps::new(u32::try_from(next() % 20_000)?)?),
                )
            } else {
                let hectograms = 500 + i32::try_from(next() % 400)?;
                (
                    "weight",
                    EntryValue::Weight(Weight::from_hectograms(hectograms)?),
                )
            };
            // Millisecond stamps that never repeat across restarts.
            let now: DateTime<FixedOffset> =
                SystemClock.now().with_timezone(&kenpo_domain::time::JST);
            agent.store.save(date, value, now).await?;
            let number = match value {
                EntryValue::Steps(s) => f64::from(s.get()),
                EntryValue::Weight(w) => w.kg(),
                EntryValue::Goal(_) => 0.0,
            };
            writeln!(stdout, "saved {date} {kind} {number} {}", now.to_rfc3339())?;
            stdout.flush()?;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let options = SyncOptions {
            batch: 1 + usize::try_from(next() % 5)?,
            page: 1 + u32::try_from(next() % 7)?,
        };
        match sync_once(&agent.store, &session, options, &SystemClock).await {
            Ok(_) => writeln!(stdout, "synced")?,
            Err(err) => writeln!(stdout, "sync failed {}", err.code())?,
        }
        stdout.flush()?;
    }
}

/// Saves steps and weight for each of the last `days` days, one save at a
/// time as the member would, and prints how long the saves took.
async fn fill(agent: &Agent, days: u64) -> anyhow::Result<()> {
    let today = SystemClock.today();
    let mut times = Vec::new();
    for back in 0..days {
        let date = today.checked_sub_days(Days::new(back)).context("date")?;
        for value in [
            EntryValue::Steps(Steps::new(u32::try_from(3_000 + back % 9_000)?)?),
            EntryValue::Weight(Weight::from_hectograms(600 + i32::try_from(back % 100)?)?),
        ] {
            let now: DateTime<FixedOffset> =
                SystemClock.now().with_timezone(&kenpo_domain::time::JST);
            let started = std::time::Instant::now();
            agent.store.save(date, value, now).await?;
            times.push(started.elapsed());
        }
    }
    times.sort();
    let ms = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{}",
        serde_json::json!({"saves": times.len(), "p50_ms": ms(0.5), "p99_ms": ms(0.99), "max_ms": ms(1.0)})
    );
    Ok(())
}
