//! Record ingestion: members posting batches of new records through
//! `POST /api/v1/records`, against pgbench inserting the same rows into the
//! same table; and the latency of check-ins with many members writing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use super::fixture::Member;

/// One ingestion run: records accepted per second, and each batch's time.
pub struct Ingested {
    pub records_per_s: f64,
    pub latencies: Vec<Duration>,
}

/// Every member posts `batch` new records at a time, one batch after
/// another, for `seconds`. `run` picks days no other run used.
pub async fn ingest(
    base: &str,
    members: &[Member],
    batch: usize,
    seconds: f64,
    run: u64,
) -> anyhow::Result<Ingested> {
    let client = Arc::new(client(members.len())?);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let first_day = NaiveDate::from_ymd_opt(1950, 1, 1).context("a date")? + Days::new(run * 4_000);
    let workers: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(m, member)| {
            let (client, url, token) = (
                client.clone(),
                format!("{base}/records"),
                member.token.clone(),
            );
            tokio::spawn(async move {
                let mut day = first_day;
                let mut accepted = 0u64;
                let mut latencies = Vec::new();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let mut records = Vec::with_capacity(batch);
                    while records.len() < batch {
                        records.push(json!({"date": day.to_string(), "kind": "steps",
                            "value": 3000 + n % 4000, "updated_at": "2026-11-22T10:00:00+09:00"}));
                        records.push(json!({"date": day.to_string(), "kind": "weight",
                            "value": 60.0 + (n % 100) as f64 / 10.0,
                            "updated_at": "2026-11-22T10:00:00+09:00"}));
                        day = day + Days::new(1);
                        n += 1;
                    }
                    records.truncate(batch);
                    let sent = Instant::now();
                    let res = client
                        .post(&url)
                        .bearer_auth(&token)
                        .header("Idempotency-Key", format!("run{run}-m{m}-b{n}"))
                        .json(&json!({ "records": records }))
                        .send()
                        .await?;
                    let status = res.status();
                    let body: Value = res.json().await?;
                    if status != 200 {
                        bail!("a batch answered {status}: {}", body["error"]["code"]);
                    }
                    latencies.push(sent.elapsed());
                    accepted += body["results"].as_array().map_or(0, |r| {
                        r.iter().filter(|r| r["status"] == "accepted").count()
                    }) as u64;
                }
                anyhow::Ok((accepted, latencies))
            })
        })
        .collect();
    let mut accepted = 0;
    let mut latencies = Vec::new();
    for worker in workers {
        let (n, mut l) = worker.await??;
        accepted += n;
        latencies.append(&mut l);
    }
    Ok(Ingested {
        records_per_s: accepted as f64 / started.elapsed().as_secs_f64(),
        latencies,
    })
}

/// Check-ins at a steady rate: each of `members` sends today's steps and
/// weight once a second, spread evenly over the second, for `seconds`;
/// answers each check-in's time. An open loop: a slow answer does not
/// delay the next member's turn, as with real members.
pub async fn check_ins(
    base: &str,
    members: &[Member],
    seconds: f64,
) -> anyhow::Result<Vec<Duration>> {
    let client = Arc::new(client(members.len())?);
    let started = tokio::time::Instant::now();
    let end = started + Duration::from_secs_f64(seconds);
    let spacing = Duration::from_secs(1).div_f64(members.len().max(1) as f64);
    let workers: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(m, member)| {
            let (client, url, token) = (client.clone(), format!("{base}/records"), member.token.clone());
            let first = started + spacing * m as u32;
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut at = first;
                let mut n = 0u64;
                while at < end {
                    tokio::time::sleep_until(at).await;
                    let day = NaiveDate::from_ymd_opt(2026, 11, 1).context("a date")?;
                    let updated = format!("2026-11-22T10:{:02}:{:02}+09:00", (n / 60) % 60, n % 60);
                    let body = json!({"records": [
                        {"date": day.to_string(), "kind": "steps", "value": 5000 + n, "updated_at": updated},
                        {"date": day.to_string(), "kind": "weight", "value": 65.0, "updated_at": updated},
                    ]});
                    let sent = Instant::now();
                    let res = client.post(&url).bearer_auth(&token).json(&body).send().await?;
                    let status = res.status();
                    let _ = res.bytes().await?;
                    if status != 200 {
                        bail!("a check-in answered {status}");
                    }
                    latencies.push(sent.elapsed());
                    n += 1;
                    at += Duration::from_secs(1);
                }
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.append(&mut worker.await??);
    }
    Ok(latencies)
}

fn client(connections: usize) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// pgbench running `script` with `clients` for `seconds` on `database_url`,
/// for the accounts `first..=last`: transactions per second.
pub async fn pgbench(
    database_url: &str,
    script: &str,
    clients: usize,
    seconds: f64,
    accounts: (i64, i64),
    rate: Option<u32>,
) -> anyhow::Result<PgbenchRun> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("script.sql");
    std::fs::write(&file, script)?;
    let mut cmd = tokio::process::Command::new("pgbench");
    cmd.current_dir(dir.path())
        .args(["-n", "-j", "2", "-c", &clients.to_string()])
        .args(["-T", &(seconds.ceil() as u64).max(1).to_string()])
        .args(["-D", &format!("first={}", accounts.0)])
        .args(["-D", &format!("last={}", accounts.1)])
        .arg("-l")
        .arg("-f")
        .arg(&file);
    if let Some(rate) = rate {
        cmd.args(["-R", &rate.to_string()]);
    }
    let out = cmd
        .arg(database_url)
        .output()
        .await
        .context("cannot run pgbench (Debian's postgresql-client)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let tps = text
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench's output:\n{text}"))?;
    // `-l` logs each transaction: its time in µs is the third field.
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(dir.path())? {
        let path = entry?.path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("pgbench_log"))
        {
            for line in std::fs::read_to_string(&path)?.lines() {
                if let Some(us) = line
                    .split_whitespace()
                    .nth(2)
                    .and_then(|f| f.parse::<u64>().ok())
                {
                    latencies.push(Duration::from_micros(us));
                }
            }
        }
    }
    Ok(PgbenchRun { tps, latencies })
}

pub struct PgbenchRun {
    pub tps: f64,
    pub latencies: Vec<Duration>,
}
