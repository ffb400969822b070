//! Sessions end, on SQLite and PostgreSQL alike: idle when their refresh
//! token expires unused, and 90 days after the login however often they
//! were refreshed.

mod common;

use common::{Backend, MEMBER_PASSWORD, TestServer};
use serde_json::json;

async fn refreshing_never_outlives_ninety_days(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.taro().await;
    let (status, session) = s.login("U100001", MEMBER_PASSWORD).await;
    assert_eq!(status, 200);
    let mut refresh = session["refresh_token"].as_str().unwrap().to_owned();
    for _ in 0..4 {
        s.advance(20 * 24 * 3600).await;
        let (status, pair) = s
            .post("/sessions/refresh", json!({"refresh_token": refresh}))
            .await;
        assert_eq!(status, 200, "refreshed within its lifetime: {pair}");
        refresh = pair["refresh_token"].as_str().unwrap().to_owned();
    }
    s.advance(11 * 24 * 3600).await;
    let (status, body) = s
        .post("/sessions/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(status, 401, "day 91: log in again ({body})");
    s.finish().await;
}

stories!(refreshing_never_outlives_ninety_days);
