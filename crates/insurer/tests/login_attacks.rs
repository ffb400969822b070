//! Logins under attack, on SQLite and PostgreSQL alike (issue 15's "seen"):
//! a burst of parallel guesses checks at most the limit of passwords; an
//! address full of others' failures asks for a captcha but never refuses
//! the member with the right password; login fields are bounded.

mod common;

use common::{Backend, MEMBER_PASSWORD, TestServer};
use serde_json::{Value, json};

async fn login_with(s: &TestServer, body: Value) -> (u16, Value) {
    let (status, body) = s.post("/sessions", body).await;
    (status.as_u16(), body)
}

async fn parallel_guesses_reach_argon2_at_most_the_limit(backend: Backend) {
    let s = TestServer::start(backend).await;
    let before = s.server.state.hasher.verified();
    // U100002's initial password is a birth date: about 20,000 likely values.
    let guesses = (0..200).map(|i| {
        let s = &s;
        async move {
            login_with(
                s,
                json!({"login_id": "U100002", "password": format!("1990{:04}", 100 + i)}),
            )
            .await
            .0
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let verified = s.server.state.hasher.verified() - before;
    let refused = statuses.iter().filter(|s| **s == 429).count();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    println!("{backend:?}: {verified} of 200 parallel guesses reached argon2");
    assert!(verified <= 5, "{verified} passwords checked of 200");
    assert_eq!(checked as u64, verified);
    assert_eq!(refused + checked, 200, "{statuses:?}");
    // The right one now waits too: the account is the one being guessed.
    let (status, body) =
        login_with(&s, json!({"login_id": "U100002", "password": "19920229"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("rate_limited"))
    );
    s.finish().await;
}

async fn an_address_full_of_failures_asks_a_captcha_and_never_locks_out(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    drop(token);
    for i in 0..30 {
        let (status, _) = login_with(
            &s,
            json!({"login_id": format!("nobody{i}@example.jp"), "password": "typo typo typo"}),
        )
        .await;
        assert_eq!(status, 401);
    }
    let right = json!({"login_id": "U100001", "password": MEMBER_PASSWORD});
    let (status, body) = login_with(&s, right.clone()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("captcha_required")),
        "asked, not refused: {body}"
    );
    let (_, captcha) = s.get("/captcha").await;
    let id = captcha["captcha_id"].as_str().unwrap().to_owned();
    let (_, answer) = s.get(&format!("/sandbox/captcha/{id}")).await;
    let mut solved = right.clone();
    solved["captcha_id"] = json!(id);
    solved["captcha_answer"] = answer["answer"].clone();
    let (status, body) = login_with(&s, solved.clone()).await;
    assert_eq!(
        status, 200,
        "the member with the right password gets in: {body}"
    );
    let (status, body) = login_with(&s, solved).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("captcha_mismatch")),
        "a captcha is good once"
    );
    s.finish().await;
}

async fn login_fields_are_bounded(backend: Backend) {
    let s = TestServer::start(backend).await;
    let long = "x".repeat(1025);
    for body in [
        json!({"login_id": long, "password": "p"}),
        json!({"login_id": "U100001", "password": long}),
    ] {
        let (status, body) = login_with(&s, body).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("validation"))
        );
    }
    s.finish().await;
}

async fn captchas_are_counted_per_address(backend: Backend) {
    let s = TestServer::start(backend).await;
    let asks = (0..80).map(|_| s.get("/captcha"));
    let statuses: Vec<u16> = futures_util::future::join_all(asks)
        .await
        .into_iter()
        .map(|(status, _)| status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        60,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 20);
    s.finish().await;
}

stories!(
    captchas_are_counted_per_address,
    parallel_guesses_reach_argon2_at_most_the_limit,
    an_address_full_of_failures_asks_a_captcha_and_never_locks_out,
    login_fields_are_bounded,
);
