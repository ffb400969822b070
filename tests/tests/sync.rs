//! kenpo-core's sync against a real kenpo-insurer on 127.0.0.1:0, with
//! each device a real process (`sync-agent`) keeping its key and tokens in
//! a real Secret Service (GNOME keyring on a private bus).

use std::collections::{BTreeMap, HashMap};
use std::process::Stdio;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use kenpo_e2e::KeyringBus;
use kenpo_insurer::{Server, ServerOptions, roster};
use serde_json::{Value, json};
use tokio::process::Command;

const PASSWORD: &str = "a long walk every day";

struct World {
    base: String,
    keyring: KeyringBus,
    data: tempfile::TempDir,
    http: reqwest::Client,
    _server_dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl World {
    async fn start(name: &str) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("kenpo_insurer=warn")
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let server = Server::open(ServerOptions::sqlite_in(dir.path()))
            .await
            .unwrap();
        let now = server.state.clock.now().await.unwrap();
        server
            .state
            .store
            .roster_import(&roster::parse(roster::DEMO_CSV).unwrap(), false, now)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.serve(listener, async {
            let _ = stopped.await;
        }));
        let world = Self {
            base,
            keyring: KeyringBus::start(name).unwrap(),
            data: tempfile::tempdir().unwrap(),
            http: reqwest::Client::new(),
            _server_dir: dir,
            _stop: stop,
        };
        // 山田 太郎 sets his own password (issued ID).
        let token = world.login("U100001", "19800101").await;
        let res = world
            .http
            .put(format!("{}/api/v1/account/password", world.base))
            .bearer_auth(&token)
            .json(&json!({"current_password": "19800101", "new_password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        world
    }

    async fn login(&self, login_id: &str, password: &str) -> String {
        let body: Value = self
            .http
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&json!({"login_id": login_id, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn server_get(&self, path: &str) -> Value {
        let token = self.login("U100001", PASSWORD).await;
        self.http
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    fn agent(&self, profile: &str, server: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sync-agent"));
        cmd.arg("--data")
            .arg(self.data.path())
            .args(["--profile", profile, "--server", server])
            .args(args)
            .envs(self.keyring.env())
            .env("RUST_LOG", "warn")
            .kill_on_drop(true);
        cmd
    }

    /// Runs the agent to the end; its stdout as JSON (or Null), and success.
    async fn run(&self, profile: &str, args: &[&str]) -> (bool, Value) {
        self.run_on(profile, &self.base.clone(), args).await
    }

    async fn run_on(&self, profile: &str, server: &str, args: &[&str]) -> (bool, Value) {
        let out = self.agent(profile, server, args).output().await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() && out.status.code() != Some(3) {
            panic!(
                "sync-agent {args:?} failed: {}\n{stdout}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        (
            out.status.success(),
            serde_json::from_str(stdout.trim()).unwrap_or(Value::Null),
        )
    }

    async fn device(&self, profile: &str) {
        let (ok, _) = self.run(profile, &["login", "U100001", PASSWORD]).await;
        assert!(ok);
    }

    async fn save(&self, profile: &str, date: &str, kind: &str, value: &str, at: &str) {
        let (ok, _) = self.run(profile, &["save", date, kind, value, at]).await;
        assert!(ok);
    }

    async fn sync(&self, profile: &str, batch: usize, page: u32) -> Value {
        let (ok, report) = self
            .run(profile, &["sync", &batch.to_string(), &page.to_string()])
            .await;
        assert!(ok, "{report}");
        report
    }

    async fn dump(&self, profile: &str) -> Value {
        self.run(profile, &["dump"]).await.1
    }
}

fn today() -> NaiveDate {
    kenpo_domain::time::jst_date(chrono::Utc::now())
}

fn days_ago(n: u64) -> String {
    today().checked_sub_days(Days::new(n)).unwrap().to_string()
}

fn stamp(seconds: u32) -> String {
    format!("{}T08:00:{seconds:02}+09:00", today())
}

/// (date, kind) → value, of a dump's records.
fn values(dump: &Value) -> BTreeMap<(String, String), f64> {
    dump["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let rec = &r["record"];
            (
                (
                    rec["date"].as_str().unwrap().to_owned(),
                    rec["kind"].as_str().unwrap().to_owned(),
                ),
                rec["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn server_values(world: &World) -> BTreeMap<(String, String), f64> {
    let list = world
        .server_get(&format!("/records?from=2019-01-01&to={}", today()))
        .await;
    assert!(list["records"].is_array(), "{list}");
    values(
        &json!({"records": list["records"].as_array().unwrap().iter().map(|r| json!({"record": r})).collect::<Vec<_>>()}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_pages_and_batches_at_their_edges() {
    let world = World::start("sync_edges").await;
    world.device("origin").await;
    for day in 0..7 {
        world
            .save(
                "origin",
                &days_ago(day),
                "steps",
                &format!("{}", 1000 + day),
                &stamp(1),
            )
            .await;
    }
    let report = world.sync("origin", 500, 500).await;
    assert_eq!(report["pushed"], 7);
    let origin = world.dump("origin").await;
    assert_eq!(origin["balance"], 1000 + 7 * 10);
    // The feed now holds 15 changes: registration, and a record and a grant a day.
    let feed = origin["ledger"].as_array().unwrap().len() + 7;
    assert_eq!(feed, 15);
    for (i, (batch, page)) in [(1, 1), (2, 2), (3, 14), (4, 15), (5, 16), (500, 1000)]
        .into_iter()
        .enumerate()
    {
        let profile = format!("device-{i}");
        world.device(&profile).await;
        // Each device brings 4 days long past (kept, no points) of its own.
        for n in 0..4 {
            let date = format!("2020-0{}-1{n}", i + 1);
            world
                .save(&profile, &date, "weight", "60.5", &stamp(2))
                .await;
        }
        let report = world.sync(&profile, batch, page).await;
        assert_eq!(report["pushed"], 4, "batch {batch}");
        let dump = world.dump(&profile).await;
        assert_eq!(dump["pending"], 0);
        assert_eq!(
            dump["balance"], 1070,
            "page {page}: every ledger entry once"
        );
        assert_eq!(
            dump["ledger"], origin["ledger"],
            "page {page}: the same ledger"
        );
        assert_eq!(
            values(&dump),
            server_values(&world).await,
            "page {page}: what the server has, no more, no less"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_made_offline_go_up_once_the_server_answers() {
    let world = World::start("sync_offline").await;
    world.device("pc").await;
    world
        .save("pc", &days_ago(0), "steps", "8123", &stamp(1))
        .await;
    world
        .save("pc", &days_ago(0), "weight", "65.4", &stamp(1))
        .await;
    // Nothing listens here: the network is down.
    let dead = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("http://127.0.0.1:{port}")
    };
    let (ok, report) = world.run_on("pc", &dead, &["sync"]).await;
    assert!(!ok);
    assert_eq!(report["error"], "offline");
    let dump = world.dump("pc").await;
    assert_eq!(dump["pending"], 2, "kept on this PC");
    assert!(
        dump["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["pending"] == true)
    );

    let report = world.sync("pc", 500, 500).await;
    assert_eq!(report["pushed"], 2);
    let dump = world.dump("pc").await;
    assert_eq!(dump["pending"], 0);
    assert_eq!(dump["balance"], 1020);
    let report = world.sync("pc", 500, 500).await;
    assert_eq!(report["pushed"], 0);
    assert_eq!(
        world.server_get("/points").await["balance"],
        1020,
        "granted once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_day_edited_on_two_devices_ends_newer_on_both() {
    let world = World::start("sync_two_devices").await;
    world.device("desk").await;
    world.device("laptop").await;
    let (day1, day2) = (days_ago(1), days_ago(2));
    // Day 1: the laptop's edit is newer, and syncs first.
    world.save("desk", &day1, "steps", "1000", &stamp(10)).await;
    world
        .save("laptop", &day1, "steps", "2000", &stamp(20))
        .await;
    // Day 2: the desk's edit is newer, and syncs first.
    world
        .save("laptop", &day2, "steps", "4000", &stamp(30))
        .await;
    world.save("desk", &day2, "steps", "3000", &stamp(40)).await;
    world.sync("laptop", 500, 500).await;
    world.sync("desk", 500, 500).await;
    world.sync("laptop", 500, 500).await;
    let want = BTreeMap::from([
        ((day2.clone(), "steps".to_owned()), 3000.0),
        ((day1.clone(), "steps".to_owned()), 2000.0),
    ]);
    for device in ["desk", "laptop"] {
        let dump = world.dump(device).await;
        assert_eq!(values(&dump), want, "{device}");
        assert_eq!(dump["pending"], 0);
    }
    assert_eq!(server_values(&world).await, want);
    assert_eq!(
        world.server_get("/points").await["balance"],
        1020,
        "one steps grant per day, whoever wrote it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_fifty_times_mid_sync_nothing_is_lost_or_granted_twice() {
    let world = World::start("sync_kill9").await;
    world.device("pc").await;
    let mut last_saved: HashMap<(String, String), String> = HashMap::new();
    let mut syncs = 0;
    let mut seed: u64 = 0x006b_656e_706f;
    for round in 0..50u64 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let mut child = world
            .agent("pc", &world.base, &["churn", &(seed >> 16).to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let mut out = String::new();
            let mut stdout = stdout;
            let _ = stdout.read_to_string(&mut out).await;
            out
        });
        // 40–440 ms: before, inside and after pushes and pulls.
        tokio::time::sleep(Duration::from_millis(40 + (seed >> 20) % 400)).await;
        child.start_kill().unwrap();
        let status = child.wait().await.unwrap();
        assert!(!status.success(), "round {round}: killed, not finished");
        for line in reader.await.unwrap().lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["saved", date, kind, _value, at] => {
                    last_saved.insert(((*date).to_owned(), (*kind).to_owned()), (*at).to_owned());
                }
                ["synced"] => syncs += 1,
                _ => {}
            }
        }
    }
    assert!(
        last_saved.len() > 20,
        "the rounds did work: {} records",
        last_saved.len()
    );
    assert!(syncs > 10, "and synced in between: {syncs}");

    // One last, undisturbed sync: then server and PC agree.
    world.sync("pc", 500, 500).await;
    let dump = world.dump("pc").await;
    assert_eq!(dump["pending"], 0);
    let local = values(&dump);
    assert_eq!(
        local,
        server_values(&world).await,
        "the same records on both"
    );
    // Every edit the PC confirmed is there, as it was or newer.
    let stamps: HashMap<(String, String), String> = dump["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let rec = &r["record"];
            (
                (
                    rec["date"].as_str().unwrap().to_owned(),
                    rec["kind"].as_str().unwrap().to_owned(),
                ),
                rec["updated_at"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (key, saved_at) in &last_saved {
        let kept = stamps
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} was lost"));
        let kept = chrono::DateTime::parse_from_rfc3339(kept).unwrap();
        let saved = chrono::DateTime::parse_from_rfc3339(saved_at).unwrap();
        assert!(
            kept >= saved,
            "{key:?}: {kept} older than the saved {saved}"
        );
    }
    // Points: registration, then 10 per kind and day inside the 30-day window.
    let earning = local
        .keys()
        .filter(|(date, _)| date.as_str() >= days_ago(29).as_str())
        .count() as i64;
    let server_balance = world.server_get("/points").await["balance"]
        .as_i64()
        .unwrap();
    assert_eq!(
        server_balance,
        1000 + 10 * earning,
        "no grant twice, none missing"
    );
    assert_eq!(dump["balance"].as_i64().unwrap(), server_balance);
    let ledger = world.server_get("/points/ledger?limit=500").await;
    assert_eq!(
        dump["ledger"], ledger["entries"],
        "the PC's ledger is the server's"
    );
}
