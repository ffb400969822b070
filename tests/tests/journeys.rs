//! Members' journeys through the real window, against a real kenpo-insurer
//! on 127.0.0.1: the issued ID's first login with its forced password
//! change, a check-in, records and the points they earn; a check-in made
//! while the server is down that syncs once it is back. A PC without a
//! keychain has its own journey (`no_keychain.rs`).

use std::net::SocketAddr;

use kenpo_e2e::{App, Desktop};
use kenpo_insurer::{Server, ServerOptions, roster};
use serde_json::{Value, json};

const PASSWORD: &str = "a long walk every day";

/// A kenpo-insurer serving `dir` on `addr` (port 0: any) until dropped.
struct Insurer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<()>>,
}

impl Insurer {
    async fn start(dir: &std::path::Path, addr: SocketAddr) -> Self {
        let server = Server::open(ServerOptions::sqlite_in(dir)).await.unwrap();
        let now = server.state.clock.now().await.unwrap();
        server
            .state
            .store
            .roster_import(&roster::parse(roster::DEMO_CSV).unwrap(), false, now)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let done = tokio::spawn(async move {
            let _ = server
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            addr,
            stop: Some(stop),
            done: Some(done),
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving; the port is free again when this returns.
    async fn stop(mut self) -> SocketAddr {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), done).await;
        }
        self.addr
    }

    async fn get(&self, path: &str, login_id: &str, password: &str) -> Value {
        let http = reqwest::Client::new();
        let session: Value = http
            .post(format!("{}/api/v1/sessions", self.base()))
            .json(&json!({"login_id": login_id, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        http.get(format!("{}/api/v1{path}", self.base()))
            .bearer_auth(session["access_token"].as_str().unwrap_or_default())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn today() -> String {
    kenpo_domain::time::jst_date(chrono::Utc::now()).to_string()
}

async fn login(app: &App, server: &str, login_id: &str, password: &str) -> anyhow::Result<()> {
    app.testid("login-form").await?;
    app.fill("login-server", server).await?;
    app.fill("login-id", login_id).await?;
    app.fill("password", password).await?;
    app.click("login-submit").await
}

/// Types into a record field and commits it with Enter.
async fn enter(app: &App, id: &str, value: &str) -> anyhow::Result<()> {
    app.fill(id, &format!("{value}\u{E007}")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_id_first_login_then_check_in_records_and_points() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let insurer = Insurer::start(dir.path(), "127.0.0.1:0".parse()?).await;
    let desktop = Desktop::start("journey_issued_id")?;
    let app = desktop.launch().await?;
    app.screenshot("journey_login").await?;

    // 山田 太郎: U + employee number, the birth date as the first password.
    login(&app, &insurer.base(), "U100001", "19800101").await?;
    app.testid("password-change").await?;
    app.screenshot("journey_password_change").await?;
    app.fill("current-password", "19800101").await?;
    app.fill("new-password", PASSWORD).await?;
    app.fill("new-password-confirm", PASSWORD).await?;
    app.click("password-change-submit").await?;

    app.testid("today").await?;
    app.wait_contains("login-points", "5").await?;
    enter(&app, "steps", "8123").await?;
    enter(&app, "weight", "65.4").await?;
    // A behaviour goal, set and achieved.
    app.click("goals-edit").await?;
    app.testid("goals-editor").await?;
    let deadline = std::time::Instant::now() + kenpo_e2e::PATIENCE;
    while app
        .web()
        .find_all(kenpo_e2e::thirtyfour::By::Css("[data-testid='goal-label']"))
        .await?
        .is_empty()
    {
        anyhow::ensure!(std::time::Instant::now() < deadline, "no goal field");
        app.click("goal-add").await?;
    }
    app.fill("goal-label", "1日8,000歩あるく").await?;
    app.click("goals-save").await?;
    app.click("goal").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;
    app.screenshot("journey_today").await?;

    let records = insurer
        .get(
            &format!("/records?from={0}&to={0}", today()),
            "U100001",
            PASSWORD,
        )
        .await;
    let kinds: Vec<(&str, f64)> = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["value"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("goal", -1.0), ("steps", 8123.0), ("weight", 65.4)],
        "on the server (the goal's value is a flag)"
    );

    app.click("tab-points").await?;
    // Registration 1,000, login 5, steps 10, weight 10, the goal 5.
    app.wait_contains("points-balance", "1,030").await?;
    app.wait_contains("ledger", "2028").await?;
    app.screenshot("journey_points").await?;
    app.quit().await?;
    insurer.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_made_offline_syncs_once_the_server_is_back() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let insurer = Insurer::start(dir.path(), "127.0.0.1:0".parse()?).await;
    // 高橋 誠 has set his own password already.
    set_password(&insurer, "U100002", "19920229").await?;

    let desktop = Desktop::start("journey_offline")?;
    let app = desktop.launch().await?;
    let base = insurer.base();
    login(&app, &base, "U100002", PASSWORD).await?;
    app.testid("today").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;

    // The server goes away; the member checks in anyway.
    let addr = insurer.stop().await;
    enter(&app, "steps", "4321").await?;
    app.wait_attr("sync-state", "data-state", "offline").await?;
    app.wait_contains("sync-pending", "1").await?;
    app.screenshot("journey_offline_saved_here").await?;

    // Back on the same address: the waiting edit goes up.
    let insurer = Insurer::start(dir.path(), addr).await;
    app.click("sync-now").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;
    app.screenshot("journey_offline_synced").await?;
    let records = insurer
        .get(
            &format!("/records?from={0}&to={0}", today()),
            "U100002",
            PASSWORD,
        )
        .await;
    assert_eq!(records["records"][0]["value"], 4321.0, "{records}");
    app.quit().await?;
    insurer.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_insurer_runs_beside_the_app_and_stops_with_it() -> anyhow::Result<()> {
    let desktop = Desktop::start("journey_demo")?;
    let app = desktop.launch().await?;
    let default = app.testid("login-server").await?.prop("value").await?;
    app.click("demo-start").await?;
    let deadline = std::time::Instant::now() + kenpo_e2e::PATIENCE;
    let server = loop {
        let value = app.testid("login-server").await?.prop("value").await?;
        if value != default {
            break value.unwrap_or_default();
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the demo insurer did not start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    // A separate process: the sidecar, serving the demo roster in sandbox mode.
    let demo_data = desktop.app_data_dir().join("demo-insurer");
    let running = || {
        std::process::Command::new("pgrep")
            .args(["-f", &format!("{}.*serve --sandbox", demo_data.display())])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    assert!(running(), "kenpo-insurer runs as its own process");
    let insurer: Value = reqwest::get(format!("{server}/api/v1/insurer"))
        .await?
        .json()
        .await?;
    assert_eq!(insurer["sandbox"], true);
    app.fill("login-id", "U100001").await?;
    app.fill("password", "19800101").await?;
    app.click("login-submit").await?;
    app.testid("password-change").await?;
    app.screenshot("journey_demo_first_login").await?;
    app.quit().await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while running() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!running(), "the demo insurer stopped with the app");
    Ok(())
}

/// Sets an issued member's own password over HTTP (their first login).
async fn set_password(insurer: &Insurer, login_id: &str, initial: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let first: Value = http
        .post(format!("{}/api/v1/sessions", insurer.base()))
        .json(&json!({"login_id": login_id, "password": initial}))
        .send()
        .await?
        .json()
        .await?;
    http.put(format!("{}/api/v1/account/password", insurer.base()))
        .bearer_auth(first["access_token"].as_str().unwrap_or_default())
        .json(&json!({"current_password": initial, "new_password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_members_on_one_pc_never_see_each_others_data() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let insurer = Insurer::start(dir.path(), "127.0.0.1:0".parse()?).await;
    set_password(&insurer, "U100001", "19800101").await?;
    set_password(&insurer, "U100002", "19920229").await?;
    let desktop = Desktop::start("journey_two_members")?;
    let app = desktop.launch().await?;

    login(&app, &insurer.base(), "U100001", PASSWORD).await?;
    app.testid("today").await?;
    enter(&app, "steps", "1111").await?;
    app.wait_attr("sync-state", "data-state", "synced").await?;
    app.click("logout").await?;

    login(&app, &insurer.base(), "U100002", PASSWORD).await?;
    app.wait_contains("member-name", "U100002").await?;
    let steps = app.testid("steps").await?.prop("value").await?;
    assert_eq!(
        steps.as_deref(),
        Some(""),
        "the second member sees none of the first's"
    );
    app.screenshot("journey_second_member").await?;
    app.click("logout").await?;

    // Each has a profile on this PC, with its own encrypted database.
    let profiles = std::fs::read_dir(desktop.app_data_dir().join("profiles"))?
        .filter_map(Result::ok)
        .filter(|f| f.path().extension().is_some_and(|e| e == "db"))
        .count();
    assert_eq!(profiles, 2, "one database per member");
    login(&app, &insurer.base(), "U100001", PASSWORD).await?;
    app.wait_contains("member-name", "U100001").await?;
    let deadline = std::time::Instant::now() + kenpo_e2e::PATIENCE;
    loop {
        let steps = app.testid("steps").await?.prop("value").await?;
        if steps.as_deref() == Some("1111") {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the first member's steps: {steps:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.quit().await?;
    insurer.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_syncs_in_the_background_while_points_is_open_and_today_is_not()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let insurer = Insurer::start(dir.path(), "127.0.0.1:0".parse()?).await;
    set_password(&insurer, "U100002", "19920229").await?;
    let http = reqwest::Client::new();

    let desktop = Desktop::start("journey_background_sync")?;
    let app = desktop
        .launch_with(&[("KENPO_DESK_SYNC_EVERY_SECS", "2")])
        .await?;
    login(&app, &insurer.base(), "U100002", PASSWORD).await?;
    app.testid("today").await?;
    app.click("tab-points").await?;
    app.testid("points-balance").await?;
    let balance_before = app
        .eval("document.querySelector(\"[data-testid='points-balance']\").dataset.points")
        .await?;
    let mounted = app
        .eval("document.querySelectorAll(\"[data-testid='today']\").length")
        .await?;
    assert_eq!(mounted, 0, "Today is not mounted behind Points");

    // The member's other device records today's steps: 10 points.
    let session: Value = http
        .post(format!("{}/api/v1/sessions", insurer.base()))
        .json(&json!({"login_id": "U100002", "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    http.post(format!("{}/api/v1/records", insurer.base()))
        .bearer_auth(session["access_token"].as_str().unwrap_or_default())
        .json(
            &json!({"records": [{"date": today(), "kind": "steps", "value": 6000,
            "updated_at": chrono::Utc::now().to_rfc3339()}]}),
        )
        .send()
        .await?
        .error_for_status()?;
    let before: i64 = balance_before
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    // Nobody presses anything: the core's next sync brings the points, and
    // the Points screen follows its event.
    app.wait_attr("points-balance", "data-points", &(before + 10).to_string())
        .await?;
    app.screenshot("journey_background_sync_points").await?;
    app.quit().await?;
    insurer.stop().await;
    Ok(())
}
