//! Nothing secret reaches the log: a whole registration, logins (good and
//! bad), a refresh, records, an address and a password change and a
//! password reset run with every log line captured (trace level, sqlx and
//! hyper included), and no password, auth key, token, e-mail address,
//! birth date, card number or health value appears in it. The security
//! events are there, one line each.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{Backend, TestServer};
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_personal_value_is_logged() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .init();

    let s = TestServer::start(Backend::Sqlite).await;
    let mail = "misaki@example.jp";
    let new_mail = "misaki.sato@kenpo.example.jp";
    let password = "sakura-mochi-2026";
    let new_password = "kashiwa-mochi-2027";
    let registration = s.registration_token(mail).await;
    let (status, body) = s.identity(&registration, "1990-07-20", "1002").await;
    assert_eq!(status, 200);
    let key = body["auth_key"].as_str().unwrap().to_owned();
    let confirmation = common::code_in(&s.mail(mail, "本人確認完了").await);
    let (_, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": "00000000"}),
        )
        .await;
    assert_eq!(body["error"]["code"], "auth_key_mismatch");
    let (_, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    let setup = body["setup_token"].as_str().unwrap().to_owned();
    let (status, _) = s
        .post(
            "/registrations/account",
            json!({"setup_token": setup, "login_id": mail, "password": password,
                   "notification_email": mail, "nickname": "みさき"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, _) = s.login(mail, "wrong-password-123").await;
    let (status, session) = s.login(mail, password).await;
    assert_eq!(status, 200);
    let access = session["access_token"].as_str().unwrap().to_owned();
    let refresh = session["refresh_token"].as_str().unwrap().to_owned();
    let (_, refreshed) = s
        .post("/sessions/refresh", json!({"refresh_token": refresh}))
        .await;
    let (_, _) = s
        .post("/sessions/refresh", json!({"refresh_token": refresh}))
        .await;
    let (status, issued) = s.login("U100001", "19800101").await;
    assert_eq!(status, 200);
    // Health values, an address change, a password change.
    let (status, _) = s
        .post_auth(
            "/records",
            &access_now(&s, mail, password).await,
            json!({"records": [
                {"date": "2026-11-21", "kind": "weight", "value": 63.7, "updated_at": "2026-11-22T09:00:00+09:00"},
                {"date": "2026-11-21", "kind": "steps", "value": 8123, "updated_at": "2026-11-22T09:00:00+09:00"}
            ]}),
        )
        .await;
    assert_eq!(status, 200);
    let token = access_now(&s, mail, password).await;
    let res = s
        .client
        .patch(s.url("/account"))
        .bearer_auth(&token)
        .json(&json!({"notification_email": new_mail, "current_password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, _) = s
        .put_auth(
            "/account/password",
            &token,
            json!({"current_password": password, "new_password": new_password}),
        )
        .await;
    assert_eq!(status, 204);
    s.post("/password-resets", json!({"login_id": mail})).await;
    let reset = common::code_in(&s.mail(new_mail, "パスワード再設定").await);
    s.finish().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("account created"),
        "the log was captured:\n{log}"
    );
    for event in [
        "login_failed",
        "login_succeeded",
        "refresh_reused",
        "email_changed",
        "password_changed",
        "password_reset_requested",
    ] {
        assert!(
            log.lines()
                .any(|l| l.contains("security event") && l.contains(&format!("event=\"{event}\""))),
            "the security log has {event}:\n{log}"
        );
    }
    let secrets = [
        password,
        "wrong-password-123",
        "19800101",
        &key,
        &registration,
        &confirmation,
        &setup,
        &access,
        &refresh,
        refreshed["access_token"].as_str().unwrap(),
        issued["access_token"].as_str().unwrap(),
        &reset,
        "1990-07-20",
        "1980-01-01",
        "1002",
        mail,
        new_mail,
        new_password,
        "63.7",
        "8123",
    ];
    for secret in secrets {
        assert!(
            !appears(&log, secret),
            "`{secret}` appears in the log:\n{log}"
        );
    }
}

async fn access_now(s: &TestServer, login_id: &str, password: &str) -> String {
    let (status, session) = s.login(login_id, password).await;
    assert_eq!(status, 200, "{session}");
    session["access_token"].as_str().unwrap().to_owned()
}

/// `needle` as a whole word: a short number like a card number must not
/// match inside a longer one (a port, a duration).
fn appears(log: &str, needle: &str) -> bool {
    log.match_indices(needle).any(|(at, _)| {
        let before = log[..at].chars().next_back();
        let after = log[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[test]
fn appears_matches_whole_words_only() {
    assert!(appears("card 1002 seen", "1002"));
    assert!(appears("number=1002", "1002"));
    assert!(!appears("port 41002 and 10020 ms", "1002"));
}
