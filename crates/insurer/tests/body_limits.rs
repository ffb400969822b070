//! Body limits per route, on SQLite and PostgreSQL alike: a form before
//! login is held to 8 KiB, a records batch to 2 MiB, everything else to
//! 64 KiB; past its limit a body answers 413 `payload_too_large` in the
//! API's error format, and the largest body a route takes still passes.

mod common;

use common::{Backend, TestServer};
use serde_json::{Value, json};

fn code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

async fn each_route_takes_its_largest_body_and_no_more(backend: Backend) {
    let s = TestServer::start(backend).await;

    // Before login: 8 KiB. A long field within it is the field's error.
    let (status, body) = s
        .post(
            "/sessions",
            json!({"login_id": "U100001", "password": "x".repeat(2_000)}),
        )
        .await;
    assert_eq!((status.as_u16(), code(&body)), (422, Some("validation")));
    let (status, body) = s
        .post(
            "/sessions",
            json!({"login_id": "U100001", "password": "x".repeat(9_000)}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), code(&body)),
        (413, Some("payload_too_large"))
    );
    let (status, body) = s
        .post("/registrations", json!({"email": "a".repeat(10_000)}))
        .await;
    assert_eq!(
        (status.as_u16(), code(&body)),
        (413, Some("payload_too_large"))
    );

    // An inquiry of its longest text passes; one over 64 KiB does not.
    let inquiry = |text: String| json!({"category": "other", "body": text, "contact_email": "taro@example.com"});
    let (status, body) = s.post("/inquiries", inquiry("あ".repeat(4_000))).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = s.post("/inquiries", inquiry("a".repeat(70_000))).await;
    assert_eq!(
        (status.as_u16(), code(&body)),
        (413, Some("payload_too_large"))
    );

    // A full batch of 1,000 records (over 64 KiB) passes; 3 MiB does not.
    let token = s.taro().await;
    let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let records: Vec<Value> = (0..1_000)
        .map(|i| {
            let date = start + chrono::Days::new(i);
            json!({"date": date.to_string(), "kind": "steps", "value": 8000,
                   "updated_at": "2026-11-22T10:00:00+09:00"})
        })
        .collect();
    let batch = json!({ "records": records });
    assert!(batch.to_string().len() > 64 * 1024);
    let (status, body) = s.post_auth("/records", &token, batch).await;
    assert_eq!(status, 200, "{body}");
    let padded = json!({"records": [], "padding": "x".repeat(3 * 1024 * 1024)});
    let (status, body) = s.post_auth("/records", &token, padded).await;
    assert_eq!(
        (status.as_u16(), code(&body)),
        (413, Some("payload_too_large"))
    );
    // Elsewhere after login: 64 KiB.
    let (status, body) = s
        .put_auth(
            "/goals",
            &token,
            json!({"goals": [], "padding": "x".repeat(70_000)}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), code(&body)),
        (413, Some("payload_too_large"))
    );
    s.finish().await;
}

stories!(each_route_takes_its_largest_body_and_no_more);
