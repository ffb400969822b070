//! The member's own settings, on SQLite and PostgreSQL alike: a nickname
//! changes with the token alone; the notification address (where password
//! resets go) only with the current password.

mod common;

use common::{Backend, MEMBER_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn patch(s: &TestServer, token: &str, body: Value) -> (StatusCode, Value) {
    let res = s
        .client
        .patch(s.url("/account"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn a_new_address_needs_the_current_password(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let (status, body) = patch(&s, &token, json!({"nickname": "たろう"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["nickname"], "たろう");

    for denied in [
        json!({"notification_email": "thief@example.com"}),
        json!({"notification_email": "thief@example.com", "current_password": "guess"}),
    ] {
        let (status, body) = patch(&s, &token, denied).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"]["code"], "invalid_credentials");
        assert_eq!(body["error"]["field"], "current_password");
    }
    let (_, account) = s.get_auth("/account", &token).await;
    assert_ne!(account["notification_email"], "thief@example.com");

    let (status, body) = patch(
        &s,
        &token,
        json!({"notification_email": "taro@example.jp", "current_password": MEMBER_PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["notification_email"], "taro@example.jp");
    let (status, body) = patch(
        &s,
        &token,
        json!({"notification_email": "taro@kenpo.example.jp", "current_password": MEMBER_PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The old address hears of the change.
    let notice = s.mail("taro@example.jp", "通知先メールアドレス変更").await;
    assert!(
        !notice["body"]
            .as_str()
            .unwrap()
            .contains("taro@kenpo.example.jp")
    );
    s.finish().await;
}

async fn current_password_checks_are_throttled(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let (status, _) = s
            .put_auth(
                "/account/password",
                &token,
                json!({"current_password": "a guess at it", "new_password": "another long one 2026"}),
            )
            .await;
        statuses.push(status.as_u16());
    }
    assert_eq!(&statuses[..5], [401; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let (status, _) = patch(
        &s,
        &token,
        json!({"notification_email": "thief@example.com", "current_password": MEMBER_PASSWORD}),
    )
    .await;
    assert_eq!(status, 429, "the address change waits as well");
    s.finish().await;
}

stories!(
    a_new_address_needs_the_current_password,
    current_password_checks_are_throttled
);
