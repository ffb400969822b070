//! A real server on 127.0.0.1:0 over SQLite or a fresh PostgreSQL
//! database, in sandbox mode with a frozen clock, and a client for it.

#![allow(dead_code)]

use std::time::Duration;

use kenpo_insurer::store::RosterEntry;
use kenpo_insurer::{Server, ServerOptions, roster};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fixed start, 2026-11-22 10:00:00 JST: the clock moves only when told.
pub const START: i64 = 1_795_309_200;

/// The password the tests' members set.
pub const MEMBER_PASSWORD: &str = "a long walk every day";

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub server: Server,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
    pg_database: Option<String>,
}

pub fn postgres_admin_url() -> String {
    std::env::var("KENPO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://kenpo_test:kenpo_test@127.0.0.1:5432/postgres".to_owned())
}

pub async fn fresh_postgres_database() -> (String, String) {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!("no PostgreSQL for the tests ({e}): `cargo xtask test` starts one and sets KENPO_TEST_POSTGRES_URL")
    });
    let name = format!(
        "kenpo_test_{}",
        kenpo_insurer::secrets::new_token()
            .to_lowercase()
            .replace(['-', '_'], "")
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (base, _) = admin
        .rsplit_once('/')
        .expect("the admin URL names a database");
    (format!("{base}/{name}"), name)
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, true, |_| {}).await
    }

    pub async fn start_with(
        backend: Backend,
        sandbox: bool,
        tweak: impl FnOnce(&mut ServerOptions),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut options = ServerOptions::sqlite_in(dir.path());
        let mut pg_database = None;
        if let Backend::Postgres = backend {
            let (url, name) = fresh_postgres_database().await;
            options.database_url = url;
            pg_database = Some(name);
        }
        options.sandbox = sandbox;
        options.frozen_clock = Some(START);
        options.hash_concurrency = 2;
        tweak(&mut options);
        let server = Server::open(options).await.expect("server opens");
        let entries = roster::parse(roster::DEMO_CSV).unwrap();
        server
            .state
            .store
            .roster_import(&entries, false, START)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.clone().serve(listener, async {
            let _ = stopped.await;
        }));
        Self {
            base,
            client: reqwest::Client::new(),
            server,
            _dir: dir,
            _stop: stop,
            pg_database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        read(res).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        read(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> (StatusCode, Value) {
        read(
            self.client
                .get(self.url(path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn put_auth(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        read(
            self.client
                .put(self.url(path))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.post_keyed(path, token, None, body).await
    }

    /// A POST with a bearer token and, when given, an Idempotency-Key.
    pub async fn post_keyed(
        &self,
        path: &str,
        token: &str,
        key: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body);
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        read(req.send().await.unwrap()).await
    }

    /// Logs in as an issued ID (initial password = birth date) and sets a
    /// real password: a member who may use the API, with their token.
    pub async fn issued_member(&self, login_id: &str, birth_yyyymmdd: &str) -> String {
        let (status, body) = self.login(login_id, birth_yyyymmdd).await;
        assert_eq!(status, 200, "{body}");
        let token = body["access_token"].as_str().unwrap().to_owned();
        let res = self
            .client
            .put(self.url("/account/password"))
            .bearer_auth(&token)
            .json(&json!({"current_password": birth_yyyymmdd, "new_password": MEMBER_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        token
    }

    /// 山田 太郎 (insured, born 1980-01-01, issued ID U100001), ready to use.
    pub async fn taro(&self) -> String {
        self.issued_member("U100001", "19800101").await
    }

    /// A fresh token for a member whose password is [`MEMBER_PASSWORD`].
    pub async fn relogin(&self, login_id: &str) -> String {
        let (status, body) = self.login(login_id, MEMBER_PASSWORD).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// `count` more insured people with employee numbers E0001…, as roster
    /// entries (to log in with [`Self::issued_member`], birth 1985-04-10).
    pub async fn add_insured(&self, count: usize) -> Vec<String> {
        let mut csv = roster::HEADER.join(",");
        let mut ids = Vec::new();
        for i in 1..=count {
            csv.push_str(&format!(
                "\n06273494,30,{},00,insured,E{i:04},試験,{i}号,1985-04-10,male",
                5000 + i
            ));
            ids.push(format!("UE{i:04}"));
        }
        let entries = roster::parse(&csv).unwrap();
        self.server
            .state
            .store
            .roster_import(&entries, false, START)
            .await
            .unwrap();
        ids
    }

    pub async fn balance(&self, token: &str) -> i64 {
        let (status, body) = self.get_auth("/points", token).await;
        assert_eq!(status, 200, "{body}");
        body["balance"].as_i64().unwrap()
    }

    pub async fn advance(&self, seconds: i64) {
        let (status, _) = self
            .post("/sandbox/clock", json!({"advance_seconds": seconds}))
            .await;
        assert_eq!(status, 200);
    }

    /// The newest mail to `to` whose subject contains `subject`, waiting
    /// for it (mail is sent in the background).
    pub async fn mail(&self, to: &str, subject: &str) -> Value {
        for _ in 0..100 {
            let (status, body) = self.get(&format!("/sandbox/mail?to={to}")).await;
            assert_eq!(status, 200, "{body}");
            let found = body["messages"]
                .as_array()
                .and_then(|m| {
                    m.iter()
                        .rev()
                        .find(|m| m["subject"].as_str().unwrap_or("").contains(subject))
                })
                .cloned();
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no mail '{subject}' to {to}");
    }

    pub async fn mails_to(&self, to: &str) -> usize {
        let (_, body) = self.get(&format!("/sandbox/mail?to={to}")).await;
        body["messages"].as_array().map_or(0, Vec::len)
    }

    /// A captcha and its answer (read back through the sandbox).
    pub async fn captcha(&self) -> (String, String) {
        let (status, body) = self.get("/captcha").await;
        assert_eq!(status, 200);
        let id = body["captcha_id"].as_str().unwrap().to_owned();
        assert!(!body["image_png"].as_str().unwrap().is_empty());
        let (status, answer) = self.get(&format!("/sandbox/captcha/{id}")).await;
        assert_eq!(status, 200);
        (id, answer["answer"].as_str().unwrap().to_owned())
    }

    /// Step 1: the registration token from the mail.
    pub async fn registration_token(&self, email: &str) -> String {
        let (status, body) = self.post("/registrations", json!({"email": email})).await;
        assert_eq!(status, 202, "{body}");
        code_in(&self.mail(email, "新規利用登録").await)
    }

    /// Step 2 with the identity of 佐藤 美咲 (insured, no employee number).
    pub async fn identity(
        &self,
        token: &str,
        birth_date: &str,
        card_number: &str,
    ) -> (StatusCode, Value) {
        let (captcha_id, answer) = self.captcha().await;
        self.post(
            "/registrations/identity",
            json!({"token": token, "birth_date": birth_date, "sex": "female", "card_number": card_number,
                   "card_symbol": "10", "captcha_id": captcha_id, "captcha_answer": answer}),
        )
        .await
    }

    /// Steps 1–3 for 佐藤 美咲: (auth key, confirmation token).
    pub async fn through_identity(&self, email: &str) -> (String, String) {
        let token = self.registration_token(email).await;
        let (status, body) = self.identity(&token, "1990-07-20", "1002").await;
        assert_eq!(status, 200, "{body}");
        let key = body["auth_key"].as_str().unwrap().to_owned();
        let confirmation = code_in(&self.mail(email, "本人確認完了").await);
        (key, confirmation)
    }

    pub async fn login(&self, login_id: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/sessions",
            json!({"login_id": login_id, "password": password}),
        )
        .await
    }

    pub async fn finish(self) {
        drop(self._stop);
        if let Some(name) = self.pg_database {
            self.server.state.store.close().await;
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

async fn read(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The code a mail gives for pasting (the same token as its deep link).
pub fn code_in(mail: &Value) -> String {
    let body = mail["body"].as_str().expect("mail body");
    let code = body
        .lines()
        .find_map(|l| l.strip_prefix("コード: "))
        .unwrap_or_else(|| panic!("no code in {body}"))
        .trim()
        .to_owned();
    assert!(
        body.contains(&format!("?token={code}")),
        "the deep link carries the same token"
    );
    code
}

/// An 8-digit key that is not `key`.
pub fn other_key(key: &str) -> String {
    if key == "12345678" {
        "87654321"
    } else {
        "12345678"
    }
    .to_owned()
}

pub fn demo_entries() -> Vec<RosterEntry> {
    roster::parse(roster::DEMO_CSV).unwrap()
}

/// Runs each story against SQLite and PostgreSQL.
#[macro_export]
macro_rules! stories {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Backend::Postgres).await })*
        }
    };
}
