//! The hourly purge, on SQLite and PostgreSQL alike: expired captchas,
//! tokens, session tokens, throttle windows and old idempotency answers
//! go; a second run (another replica) finds nothing; live sessions stay.

mod common;

use common::{Backend, TestServer};
use kenpo_insurer::admin;

async fn expired_rows_go_and_a_second_run_finds_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let _ = s.get("/captcha").await;
    let (status, _) = s.login("nobody@example.jp", "wrong password!").await;
    assert_eq!(status, 401);
    let (status, _) = s
        .post_keyed(
            "/records",
            &token,
            Some("k-1"),
            serde_json::json!({"records": []}),
        )
        .await;
    assert!(status.is_success());

    let nothing_yet = admin::purge(&s.server.state).await.unwrap();
    assert_eq!(
        nothing_yet.captchas + nothing_yet.throttles + nothing_yet.idempotency_keys,
        0
    );
    s.advance(8 * 24 * 3600).await;
    let first = admin::purge(&s.server.state).await.unwrap();
    assert!(first.captchas >= 1, "{first:?}");
    assert!(first.throttles >= 1, "{first:?}");
    assert!(first.idempotency_keys >= 1, "{first:?}");
    assert!(
        first.session_tokens >= 1,
        "the access tokens of 8 days ago: {first:?}"
    );
    let second = admin::purge(&s.server.state).await.unwrap();
    assert_eq!(second.total(), 0, "idempotent: {second:?}");
    s.finish().await;
}

stories!(expired_rows_go_and_a_second_run_finds_nothing);
