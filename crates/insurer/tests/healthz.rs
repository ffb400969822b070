//! A real server on 127.0.0.1:0, asked over HTTP whether its database answers.

mod common;

use common::{Backend, TestServer};

async fn healthz_answers_while_the_database_does(backend: Backend) {
    let s = TestServer::start(backend).await;
    let res = reqwest::get(format!("{}/healthz", s.base)).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    s.server.state.store.close().await;
    let res = reqwest::get(format!("{}/healthz", s.base)).await.unwrap();
    assert_eq!(res.status(), 503, "a closed database is not healthy");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "service_unavailable");
    s.finish().await;
}

#[tokio::test]
async fn the_default_database_is_a_file_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let options = kenpo_insurer::ServerOptions::sqlite_in(dir.path());
    kenpo_insurer::Server::open(options).await.unwrap();
    assert!(dir.path().join("insurer.sqlite3").exists());
}

#[tokio::test]
async fn unknown_database_schemes_are_refused_with_a_code() {
    let err = kenpo_insurer::store::open("mysql://localhost/test")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "database_url_unsupported");
}

stories!(healthz_answers_while_the_database_does);
