//! Two `kenpo-insurer serve` processes on one PostgreSQL database, as behind
//! a load balancer: the concurrency stories, with requests spread over both
//! processes, end exactly as they do with one.

mod common;

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kenpo_insurer::admin;
use kenpo_insurer::{Server, ServerOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A server process, killed when dropped.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn spawn(database: &str, dir: &std::path::Path) -> Process {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_kenpo-insurer"))
        .args([
            "serve",
            "--sandbox",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("KENPO_DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("kenpo-insurer starts");
    let process = Process {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(res) = client.get(format!("{}/healthz", process.base)).send().await
            && res.status() == 200
        {
            return process;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("kenpo-insurer did not answer on port {port}");
}

struct Cluster {
    client: reqwest::Client,
    processes: [Process; 2],
}

impl Cluster {
    /// Request `i` goes to process `i % 2`.
    async fn call(
        &self,
        i: usize,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let base = &self.processes[i % 2].base;
        let mut req = self.client.request(method, format!("{base}/api/v1{path}"));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// An issued member logged in on one process, password set on the other.
    async fn member(&self, i: usize, login_id: &str, birth: &str) -> String {
        let (status, body) = self
            .call(
                i,
                reqwest::Method::POST,
                "/sessions",
                None,
                None,
                Some(json!({"login_id": login_id, "password": birth})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let token = body["access_token"].as_str().unwrap().to_owned();
        let (status, _) = self
            .call(
                i + 1,
                reqwest::Method::PUT,
                "/account/password",
                Some(&token),
                None,
                Some(json!({"current_password": birth, "new_password": common::MEMBER_PASSWORD})),
            )
            .await;
        assert_eq!(status, 204);
        token
    }

    async fn balance(&self, i: usize, token: &str) -> i64 {
        let (_, body) = self
            .call(i, reqwest::Method::GET, "/points", Some(token), None, None)
            .await;
        body["balance"].as_i64().unwrap()
    }
}

fn order(item: &str) -> Value {
    json!({"item_id": item, "quantity": 1, "shipping_address": {
        "name": "山田 太郎", "postal_code": "100-0001", "prefecture": "東京都",
        "city": "千代田区", "line1": "千代田1-1", "phone": "0312345678"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_keep_every_count_exact() {
    let (url, name) = common::fresh_postgres_database().await;
    let dir = tempfile::tempdir().unwrap();
    // Staff work (roster, catalog) goes through the library on the same database.
    let mut options = ServerOptions::sqlite_in(dir.path());
    options.database_url = url.clone();
    let staff = Server::open(options).await.unwrap().state;
    admin::import_roster(&staff, &common::demo_entries(), false)
        .await
        .unwrap();
    let mut csv = kenpo_insurer::roster::HEADER.join(",");
    for i in 1..=20 {
        csv.push_str(&format!(
            "\n06273494,30,{},00,insured,E{i:04},試験,{i}号,1985-04-10,male",
            5000 + i
        ));
    }
    let buyers = kenpo_insurer::roster::parse(&csv).unwrap();
    admin::import_roster(&staff, &buyers, false).await.unwrap();
    admin::import_catalog(
        &staff,
        "id,name,description,points,stock\npen,ボールペン,,100,1000\nrice-5kg,お米 5kg,,100,3\n",
        &admin::no_pictures,
    )
    .await
    .unwrap();

    let cluster = Cluster {
        client: reqwest::Client::new(),
        processes: [spawn(&url, dir.path()).await, spawn(&url, dir.path()).await],
    };

    // 200 exchanges on a balance for 10.
    let taro = cluster.member(0, "U100001", "19800101").await;
    assert_eq!(cluster.balance(1, &taro).await, 1000);
    let tries = (0..200).map(|i| {
        let key = format!("order-{i}");
        let taro = &taro;
        let cluster = &cluster;
        async move {
            cluster
                .call(
                    i,
                    reqwest::Method::POST,
                    "/exchanges",
                    Some(taro),
                    Some(&key),
                    Some(order("pen")),
                )
                .await
        }
    });
    let answers = futures_util::future::join_all(tries).await;
    let ok = answers.iter().filter(|(s, _)| *s == 201).count();
    let short = answers
        .iter()
        .filter(|(s, b)| *s == 409 && b["error"]["code"] == "insufficient_points")
        .count();
    assert_eq!((ok, short), (10, 190));
    assert_eq!(cluster.balance(0, &taro).await, 0);

    // The same key 20 times, over both processes: one exchange.
    let makoto = cluster.member(1, "U100002", "19920229").await;
    let sends = (0..20).map(|i| {
        cluster.call(
            i,
            reqwest::Method::POST,
            "/exchanges",
            Some(&makoto),
            Some("the-one"),
            Some(order("pen")),
        )
    });
    let answers = futures_util::future::join_all(sends).await;
    let ids: HashSet<String> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, 201, "{body}");
            body["exchange_id"].to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(cluster.balance(0, &makoto).await, 900);

    // 20 buyers for 3 in stock.
    let mut tokens = Vec::new();
    for (i, buyer) in buyers.iter().enumerate() {
        let login = format!("U{}", buyer.employee_number.as_deref().unwrap());
        tokens.push(cluster.member(i, &login, "19850410").await);
    }
    let buys = tokens.iter().enumerate().map(|(i, token)| {
        cluster.call(
            i,
            reqwest::Method::POST,
            "/exchanges",
            Some(token),
            None,
            Some(order("rice-5kg")),
        )
    });
    let answers = futures_util::future::join_all(buys).await;
    let ok = answers.iter().filter(|(s, _)| *s == 201).count();
    let out = answers
        .iter()
        .filter(|(s, b)| *s == 409 && b["error"]["code"] == "out_of_stock")
        .count();
    assert_eq!((ok, out), (3, 17));

    // Every member's books balance, and nothing is below zero.
    let logins = ["U100001", "U100002"].into_iter().map(str::to_owned).chain(
        buyers
            .iter()
            .map(|b| format!("U{}", b.employee_number.as_deref().unwrap())),
    );
    for login in logins {
        let account = staff.store.account_by_login(&login).await.unwrap().unwrap();
        let (ledger, lots) = staff.store.points_audit(account.id).await.unwrap();
        assert_eq!(ledger, lots, "{login}");
        assert!(ledger >= 0, "{login}");
    }
    let stock: Vec<(String, u32)> = staff
        .store
        .catalog()
        .await
        .unwrap()
        .into_iter()
        .map(|item| (item.id, item.stock))
        .collect();
    assert_eq!(stock, [("pen".to_owned(), 989), ("rice-5kg".to_owned(), 0)]);

    drop(cluster);
    staff.store.close().await;
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::PgConnection::connect(&common::postgres_admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}
