//! A real server on 127.0.0.1:0, asked over HTTP.

use kenpo_insurer::db::{Database, default_sqlite_url};

async fn start(db: Database) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(kenpo_insurer::serve(listener, db, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

#[tokio::test]
async fn healthz_answers_ok_on_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&default_sqlite_url(dir.path()))
        .await
        .unwrap();
    let (base, _stop) = start(db).await;
    let res = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert!(
        dir.path().join("insurer.sqlite3").exists(),
        "the default database is a file in the data folder"
    );
}

#[tokio::test]
async fn unknown_database_scheme_is_refused_with_a_code() {
    let err = Database::connect("mysql://localhost/test")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "database_url_unsupported");
}

#[tokio::test]
async fn healthz_is_503_with_an_error_body_when_the_database_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&default_sqlite_url(dir.path()))
        .await
        .unwrap();
    db.close().await;
    let (base, _stop) = start(db).await;
    let res = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");
}
