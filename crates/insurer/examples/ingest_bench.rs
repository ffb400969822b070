//! Record ingestion: `KENPO_DATABASE_URL=postgres://… cargo run --release -p
//! kenpo-insurer --example ingest_bench [seconds] [members] [batch]`.
//!
//! A real server on 127.0.0.1 over the given database (SQLite in a temporary
//! folder without one), `members` members (50) each posting batches of
//! `batch` records (100: steps and weight of 50 days) through
//! `POST /api/v1/records` with an Idempotency-Key, one batch after another,
//! for `seconds` (20). Every record is a new row. Prints records/s and the
//! batch latency; then `pgbench` can insert the same rows for comparison
//! (`crates/insurer/README.md`, "Ingestion rate").

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use kenpo_domain::member::Relationship;
use kenpo_insurer::store::NewAccount;
use kenpo_insurer::{Server, ServerOptions, roster};
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args();
    args.next(); // the program itself
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20);
    let members: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(50);
    let batch: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(100);

    let dir = tempfile::tempdir()?;
    let mut options = ServerOptions::sqlite_in(dir.path());
    if let Ok(url) = std::env::var("KENPO_DATABASE_URL") {
        options.database_url = url;
    }
    let server = Server::open(options).await?;
    let state = server.state.clone();
    let now = state.clock.now().await?;

    // Members with accounts made directly (one password hash for all):
    // the bench measures records, not argon2.
    let run = std::process::id();
    let mut csv = roster::HEADER.join(",");
    for i in 0..members {
        csv.push_str(&format!(
            "\n06273494,{},{},00,insured,B{run}X{i},試験,{i}号,1985-04-10,male",
            run % 100_000_000,
            i + 1
        ));
    }
    state
        .store
        .roster_import(&roster::parse(&csv)?, false, now)
        .await?;
    let password = "bench password 2026";
    let hash = state.hasher.hash(password).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1", listener.local_addr()?);
    tokio::spawn(server.serve(listener, std::future::pending()));
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for i in 0..members {
        let login_id = format!("bench-{run}-{i}@example.jp");
        let person = state
            .store
            .roster_by_card(&(run % 100_000_000).to_string(), &(i + 1).to_string())
            .await?
            .remove(0);
        state
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
        let session: serde_json::Value = client
            .post(format!("{base}/sessions"))
            .json(&json!({"login_id": login_id, "password": password}))
            .send()
            .await?
            .json()
            .await?;
        tokens.push(
            session["access_token"]
                .as_str()
                .ok_or_else(|| anyhow::anyhow!("no token: {session}"))?
                .to_owned(),
        );
    }

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let client = Arc::new(client);
    let mut workers = Vec::new();
    for token in tokens {
        let client = client.clone();
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            let mut day = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default();
            let mut accepted = 0u64;
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let mut records = Vec::with_capacity(batch);
                while records.len() < batch {
                    let date = day.to_string();
                    records.push(json!({"date": date, "kind": "steps", "value": 6000 + n % 4000,
                                        "updated_at": "2026-11-22T10:00:00+09:00"}));
                    records.push(json!({"date": date, "kind": "weight", "value": 60.0 + (n % 100) as f64 / 10.0,
                                        "updated_at": "2026-11-22T10:00:00+09:00"}));
                    day = day + Days::new(1);
                    n += 1;
                }
                records.truncate(batch);
                let sent = Instant::now();
                let res = client
                    .post(format!("{base}/records"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("batch-{n}"))
                    .json(&json!({"records": records}))
                    .send()
                    .await?;
                let status = res.status();
                let body: serde_json::Value = res.json().await?;
                anyhow::ensure!(status == 200, "{status}: {body}");
                latencies.push(sent.elapsed());
                accepted += body["results"]
                    .as_array()
                    .map_or(0, |r| r.iter().filter(|r| r["status"] == "accepted").count())
                    as u64;
            }
            anyhow::Ok((accepted, latencies))
        }));
    }
    let mut accepted = 0;
    let mut latencies = Vec::new();
    for worker in workers {
        let (n, mut l) = worker.await??;
        accepted += n;
        latencies.append(&mut l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{members} members × batches of {batch} for {elapsed:.1} s: {accepted} records, \
         {:.0} records/s ({} batches, {:.1} batches/s); batch latency p50 {:.1} ms, p99 {:.1} ms",
        accepted as f64 / elapsed,
        latencies.len(),
        latencies.len() as f64 / elapsed,
        at(0.5),
        at(0.99)
    );
    state.store.close().await;
    Ok(())
}
