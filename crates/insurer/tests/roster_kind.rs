//! The roster decides a member's kind, on SQLite and PostgreSQL alike:
//! with an insurer that lets spouses use the e-mail way, a spouse who
//! registers by e-mail is a dependent spouse, and earns as one.

mod common;

use common::{Backend, TestServer, code_in};
use kenpo_domain::member::Relationship;
use serde_json::json;

const HANAKO: &str = "hanako@example.jp";

async fn a_spouse_by_the_email_way_stays_a_dependent_spouse(backend: Backend) {
    let s = TestServer::start_with(backend, true, |options| {
        options.config.registration.email_identity =
            vec![Relationship::Insured, Relationship::DependentSpouse];
    })
    .await;
    let token = s.registration_token(HANAKO).await;
    let (status, body) = s.identity(&token, "1982-05-15", "1001").await;
    assert_eq!(status, 200, "{body}");
    let key = body["auth_key"].as_str().unwrap().to_owned();
    let confirmation = code_in(&s.mail(HANAKO, "本人確認完了").await);
    let (_, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    let (status, body) = s
        .post(
            "/registrations/account",
            json!({"setup_token": body["setup_token"], "login_id": HANAKO,
                   "password": "a long walk every day", "notification_email": HANAKO,
                   "nickname": "はなこ"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, session) = s.login(HANAKO, "a long walk every day").await;
    assert_eq!(status, 200);
    assert_eq!(session["member"]["kind"], "dependent_spouse");
    let token = session["access_token"].as_str().unwrap();
    let (_, account) = s.get_auth("/account", token).await;
    assert_eq!(account["kind"], "dependent_spouse");
    s.finish().await;
}

stories!(a_spouse_by_the_email_way_stays_a_dependent_spouse);
