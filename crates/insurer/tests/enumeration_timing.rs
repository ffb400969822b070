//! The identity check answers a wrong birth date, an unknown card and an
//! already registered member not only with the same status and body (see
//! `ways_in.rs`) but in the same time. Its own test binary, so that no other
//! test competes for the cores while it measures.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestServer};
use serde_json::json;

const SAMPLES: usize = 9;

async fn timed_identity(
    s: &TestServer,
    round: usize,
    case: usize,
    birth: &str,
    number: &str,
) -> Duration {
    let token = s
        .registration_token(&format!("t{round}-{case}@example.jp"))
        .await;
    let (captcha_id, answer) = s.captcha().await;
    let body = json!({"token": token, "birth_date": birth, "sex": "female", "card_number": number,
                      "card_symbol": "10", "captcha_id": captcha_id, "captcha_answer": answer});
    let started = Instant::now();
    let res = s
        .client
        .post(s.url("/registrations/identity"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "identity_mismatch");
    elapsed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatches_take_the_same_time() {
    let s = TestServer::start(Backend::Sqlite).await;
    // 佐藤 美咲 registered, so "already registered" can be asked.
    let (key, confirmation) = s.through_identity("misaki@example.jp").await;
    let (_, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    let (status, _) = s
        .post(
            "/registrations/account",
            json!({"setup_token": body["setup_token"], "login_id": "misaki@example.jp",
                   "password": "sakura-mochi-2026", "notification_email": "misaki@example.jp", "nickname": "m"}),
        )
        .await;
    assert_eq!(status, 201);

    let cases = [
        ("wrong birth date", "1990-07-21", "1002"),
        ("unknown card", "1990-07-20", "9999"),
        ("already registered", "1990-07-20", "1002"),
    ];
    let mut samples = vec![Vec::new(); cases.len()];
    for round in 0..SAMPLES {
        for (i, (_, birth, number)) in cases.iter().enumerate() {
            samples[i].push(timed_identity(&s, round, i, birth, number).await);
        }
        // A new hour: the per-card limit must not be what answers.
        s.advance(3600).await;
    }
    let medians: Vec<Duration> = samples
        .iter_mut()
        .map(|v| {
            v.sort();
            v[v.len() / 2]
        })
        .collect();
    let fastest = *medians.iter().min().unwrap();
    let slowest = *medians.iter().max().unwrap();
    let report: Vec<String> = cases
        .iter()
        .zip(&medians)
        .map(|((case, ..), m)| format!("{case}: {m:?}"))
        .collect();
    // Same work on every path: any gap is noise. The bound is loose enough for
    // a loaded CI machine and far below a difference worth measuring (a
    // password hash or a mail sent in line would be 20+ ms).
    assert!(
        slowest - fastest < Duration::from_millis(10).max(fastest / 2),
        "median times differ: {report:?}"
    );
    eprintln!("identity mismatch medians: {report:?}");
    s.finish().await;
}
