//! What the in-process stories share: a real kenpo-insurer on 127.0.0.1:0.
#![allow(dead_code)] // each test file uses its own part

use chrono::Days;
use kenpo_domain::time::Clock;
use kenpo_insurer::{Server, ServerOptions, roster};
use serde_json::{Value, json};

/// 山田 太郎's own password, set by [`Insurer::start`].
pub const PASSWORD: &str = "a long walk every day";

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir`, whole, with its path.
pub fn every_file(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(every_file(&path));
        } else {
            files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    files
}

/// Today in Japan, by the desk's clock.
pub fn desk_today() -> chrono::NaiveDate {
    kenpo_domain::time::SystemClock.today()
}

pub struct Insurer {
    pub base: String,
    pub server: Server,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Insurer {
    /// A sandbox insurer (its clock can be moved) with the demo roster;
    /// 山田 太郎 (U100001) has set his own password.
    pub async fn start() -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let mut options = ServerOptions::sqlite_in(dir.path());
        options.sandbox = true;
        let server = Server::open(options).await.unwrap();
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
        tokio::spawn(server.clone().serve(listener, async {
            let _ = stopped.await;
        }));
        let insurer = Self {
            base,
            server,
            http: reqwest::Client::new(),
            _dir: dir,
            _stop: stop,
        };
        let token = insurer.token("U100001", "19800101").await;
        let res = insurer
            .http
            .put(format!("{}/api/v1/account/password", insurer.base))
            .bearer_auth(&token)
            .json(&json!({"current_password": "19800101", "new_password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        insurer
    }

    pub async fn token(&self, login_id: &str, password: &str) -> String {
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

    /// The member's records of the last 1,100 days, as the insurer holds them.
    pub async fn records(&self) -> Vec<Value> {
        let token = self.token("U100001", PASSWORD).await;
        let today = desk_today();
        let from = today.checked_sub_days(Days::new(1100)).unwrap();
        let body: Value = self
            .http
            .get(format!(
                "{}/api/v1/records?from={from}&to={today}",
                self.base
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["records"].as_array().cloned().unwrap_or_default()
    }
}
