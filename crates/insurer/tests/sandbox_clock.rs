//! The sandbox clock on SQLite and PostgreSQL alike: moved at most 20
//! years in all, and a refused move leaves the server answering.

mod common;

use common::{Backend, TestServer};
use serde_json::json;

async fn a_huge_move_is_refused_and_breaks_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    for seconds in [i64::MAX, 21 * 366 * 86_400] {
        let (status, body) = s
            .post("/sandbox/clock", json!({"advance_seconds": seconds}))
            .await;
        assert_eq!(status, 422, "{seconds}: {body}");
        assert_eq!(body["error"]["field"], "advance_seconds");
    }
    let (status, _) = s.get_auth("/points", &token).await;
    assert_eq!(status, 200, "the server still answers");
    let (status, body) = s
        .post(
            "/sandbox/clock",
            json!({"advance_seconds": 19 * 366 * 86_400}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = s
        .post(
            "/sandbox/clock",
            json!({"advance_seconds": 2 * 366 * 86_400}),
        )
        .await;
    assert_eq!(status, 422, "20 years in all: {body}");
    let (status, _) = s.get("/insurer").await;
    assert_eq!(status, 200);
    s.finish().await;
}

stories!(a_huge_move_is_refused_and_breaks_nothing);
