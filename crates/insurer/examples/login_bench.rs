//! Login throughput: `cargo run --release -p kenpo-insurer --example login_bench [seconds] [clients]`.
//!
//! A real server on 127.0.0.1 (SQLite, or `KENPO_DATABASE_URL`), one member,
//! and `clients` concurrent clients logging in for `seconds`. Logins are
//! bound by argon2id (m = 19 MiB, t = 2, p = 1), one hash per core at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kenpo_domain::member::Relationship;
use kenpo_insurer::store::NewAccount;
use kenpo_insurer::{Server, ServerOptions, passwords, roster};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args();
    args.next(); // the program itself
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10);
    let clients: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(8);

    let dir = tempfile::tempdir()?;
    let mut options = ServerOptions::sqlite_in(dir.path());
    if let Ok(url) = std::env::var("KENPO_DATABASE_URL") {
        options.database_url = url;
    }
    let server = Server::open(options).await?;
    let store = server.state.store.clone();
    let now = server.state.clock.now().await?;
    store
        .roster_import(&roster::parse(roster::DEMO_CSV)?, false, now)
        .await?;
    let person = store.roster_by_card("10", "1002").await?.remove(0);
    let password = "sakura-mochi-2026";
    let hash = server.state.hasher.hash(password).await?;
    // Warm: the median of a few hashes, one at a time.
    let mut times = Vec::new();
    for _ in 0..9 {
        let started = Instant::now();
        server.state.hasher.verify(password, Some(&hash)).await;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "argon2id m={} KiB t={} p={}: one verification {:.1} ms (median of 9)",
        passwords::MEMORY_KIB,
        passwords::ITERATIONS,
        passwords::PARALLELISM,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
    let login_id = format!("bench-{}@example.jp", std::process::id());
    if store.account_by_roster(person.id).await?.is_none() {
        store
            .account_create(
                &NewAccount {
                    roster_id: person.id,
                    login_id: login_id.clone(),
                    password_hash: hash,
                    password_change_required: false,
                    kind: Relationship::Insured,
                    nickname: None,
                    notification_email: None,
                },
                now,
            )
            .await?;
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/v1/sessions", listener.local_addr()?);
    tokio::spawn(server.serve(listener, std::future::pending()));

    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let body = serde_json::json!({"login_id": login_id, "password": password});
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, body) = (reqwest::Client::new(), url.clone(), body.clone());
            let (ok, failed, latencies) = (ok.clone(), failed.clone(), latencies.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let res = client.post(&url).json(&body).send().await;
                    let good = res.is_ok_and(|r| r.status() == 200);
                    (if good { &ok } else { &failed }).fetch_add(1, Ordering::Relaxed);
                    latencies.lock().expect("not poisoned").push(t.elapsed());
                }
            })
        })
        .collect();
    for task in tasks {
        task.await?;
    }
    let ok = ok.load(Ordering::Relaxed);
    let mut latencies = latencies.lock().expect("not poisoned").clone();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{clients} clients, {seconds} s, {} cores: {:.1} logins/s ({ok} ok, {} failed), latency p50 {:.0} ms, p99 {:.0} ms",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        ok as f64 / seconds as f64,
        failed.load(Ordering::Relaxed),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
    Ok(())
}
