//! Local save time and sync time for 10 years of history:
//! `cargo run --release -p kenpo-e2e --example sync_bench [years]`.
//!
//! A real insurer on 127.0.0.1 (SQLite), a private Secret Service, and the
//! `sync-agent` device (build it first: `cargo build --release -p kenpo-e2e
//! --bin sync-agent`). Device A saves steps and weight for every day of
//! `years` years (each save timed), then pushes them; device B, new, pulls
//! them all.

use std::time::Instant;

use kenpo_e2e::KeyringBus;
use kenpo_insurer::{Server, ServerOptions, roster};
use serde_json::{Value, json};

const PASSWORD: &str = "a long walk every day";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let years: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10);
    let agent_bin = kenpo_e2e::target_dir().join("release").join("sync-agent");
    anyhow::ensure!(
        agent_bin.exists(),
        "build the agent first: cargo build --release -p kenpo-e2e --bin sync-agent"
    );
    let dir = tempfile::tempdir()?;
    let server = Server::open(ServerOptions::sqlite_in(dir.path())).await?;
    let now = server.state.clock.now().await?;
    server
        .state
        .store
        .roster_import(&roster::parse(roster::DEMO_CSV)?, false, now)
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(server.serve(listener, std::future::pending()));
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"login_id": "U100001", "password": "19800101"}))
        .send()
        .await?
        .json()
        .await?;
    let token = session["access_token"].as_str().unwrap_or_default();
    http.put(format!("{base}/api/v1/account/password"))
        .bearer_auth(token)
        .json(&json!({"current_password": "19800101", "new_password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;

    let keyring = KeyringBus::start("sync_bench")?;
    let data = tempfile::tempdir()?;
    let agent = |profile: &str, args: &[&str]| -> anyhow::Result<(Value, f64)> {
        let started = Instant::now();
        let out = std::process::Command::new(&agent_bin)
            .arg("--data")
            .arg(data.path())
            .args(["--profile", profile, "--server", &base])
            .args(args)
            .envs(keyring.env())
            .output()?;
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        Ok((
            serde_json::from_str(stdout.trim()).unwrap_or(Value::Null),
            seconds,
        ))
    };
    let days = years * 365;
    for profile in ["a", "b"] {
        agent(profile, &["login", "U100001", PASSWORD])?;
    }
    let (saves, fill_seconds) = agent("a", &["fill", &days.to_string()])?;
    println!(
        "local saves (SQLCipher, WAL, synchronous=FULL): {} saves in {fill_seconds:.1} s; \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        saves["saves"],
        saves["p50_ms"].as_f64().unwrap_or(0.0),
        saves["p99_ms"].as_f64().unwrap_or(0.0),
        saves["max_ms"].as_f64().unwrap_or(0.0)
    );
    let (push, push_seconds) = agent("a", &["sync"])?;
    println!(
        "push of {years} years ({} records) by device A: {push_seconds:.2} s (pulled {} back)",
        push["pushed"], push["pulled"]
    );
    let (pull, pull_seconds) = agent("b", &["sync"])?;
    println!(
        "first sync of device B, {years} years of history: {pull_seconds:.2} s ({} changes)",
        pull["pulled"]
    );
    let (again, again_seconds) = agent("b", &["sync"])?;
    println!(
        "a sync with nothing new: {again_seconds:.2} s ({} changes)",
        again["pulled"]
    );
    Ok(())
}
