//! The member API after registration, on SQLite and PostgreSQL alike:
//! check-in and records, goals, points and their expiry, checkups,
//! reports, the catalog and exchanges, notices, the change feed and the end
//! of a membership.

mod common;

use std::collections::HashSet;

use common::{Backend, TestServer};
use kenpo_insurer::admin::{self, AdminError, GrantOrder};
use serde_json::{Value, json};

const TODAY: &str = "2026-11-22";
const NOW: &str = "2026-11-22T10:00:00+09:00";

fn record(date: &str, kind: &str, value: Value, updated_at: &str) -> Value {
    json!({"date": date, "kind": kind, "value": value, "updated_at": updated_at})
}

fn goal_record(date: &str, goal_id: i64, achieved: bool, updated_at: &str) -> Value {
    json!({"date": date, "kind": "goal", "goal_id": goal_id, "value": achieved, "updated_at": updated_at})
}

fn statuses(body: &Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

fn granted(body: &Value) -> Vec<(String, i64)> {
    body["points_granted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["code"].as_str().unwrap().to_owned(),
                g["points"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(c, p)| ((*c).to_owned(), *p)).collect()
}

async fn write(s: &TestServer, token: &str, records: Vec<Value>) -> Value {
    let (status, body) = s
        .post_auth("/records", token, json!({"records": records}))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Balance = the ledger's sum = the lots' sum, and never below zero.
async fn assert_books_balance(s: &TestServer, login_id: &str) {
    let store = &s.server.state.store;
    let account = store.account_by_login(login_id).await.unwrap().unwrap();
    let (ledger, lots) = store.points_audit(account.id).await.unwrap();
    assert_eq!(ledger, lots, "ledger sum and lot sum agree");
    assert!(ledger >= 0, "balance {ledger} is not negative");
}

async fn grant(s: &TestServer, login_id: &str, code: &str, points: Option<i64>) {
    admin::grant_points(
        &s.server.state,
        &GrantOrder {
            login_id: login_id.into(),
            code: code.into(),
            points,
            date: None,
            note: None,
        },
    )
    .await
    .unwrap();
}

async fn catalog(s: &TestServer, rows: &str) {
    admin::import_catalog(
        &s.server.state,
        &format!("id,name,description,points,stock\n{rows}"),
        &admin::no_pictures,
    )
    .await
    .unwrap();
}

fn address() -> Value {
    json!({"name": "山田 太郎", "postal_code": "100-0001", "prefecture": "東京都",
           "city": "千代田区", "line1": "千代田1-1", "phone": "03-1234-5678"})
}

async fn check_in_and_records_earn_by_the_rules(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    // Registration points came with the password change.
    assert_eq!(s.balance(&token).await, 1000);

    let (status, body) = s.post_auth("/check-ins", &token, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"date": TODAY, "points_granted": 5}));
    let (_, body) = s.post_auth("/check-ins", &token, json!({})).await;
    assert_eq!(
        body["points_granted"], 0,
        "a second check-in that day earns nothing"
    );

    let (status, goals) = s
        .put_auth(
            "/goals",
            &token,
            json!({"goals": [{"label": "8,000歩あるく"}, {"label": "21時以降は間食しない"}]}),
        )
        .await;
    assert_eq!(status, 200, "{goals}");
    let walk = goals["goals"][0]["id"].as_i64().unwrap();
    let snack = goals["goals"][1]["id"].as_i64().unwrap();

    let body = write(
        &s,
        &token,
        vec![
            record(TODAY, "steps", json!(8000), NOW),
            record(TODAY, "weight", json!(65.3), NOW),
            goal_record(TODAY, walk, true, NOW),
            goal_record(TODAY, snack, false, NOW),
        ],
    )
    .await;
    assert_eq!(statuses(&body), ["accepted"; 4]);
    assert_eq!(
        granted(&body),
        pairs(&[("steps", 10), ("weight", 10), ("behaviour_goals", 5)])
    );

    // The same day again, newer: saved, no points. Older: stale.
    let body = write(
        &s,
        &token,
        vec![
            record(TODAY, "steps", json!(9000), "2026-11-22T11:00:00+09:00"),
            record(TODAY, "weight", json!(64.0), "2026-11-22T09:00:00+09:00"),
        ],
    )
    .await;
    assert_eq!(statuses(&body), ["accepted", "stale"]);
    assert!(granted(&body).is_empty());

    // An old day inside the window earns once; editing it earns nothing more.
    let body = write(
        &s,
        &token,
        vec![record("2026-10-24", "steps", json!(100), NOW)],
    )
    .await;
    assert_eq!(granted(&body), pairs(&[("steps", 10)]));
    let edit = record(
        "2026-10-24",
        "steps",
        json!(200),
        "2026-11-22T12:00:00+09:00",
    );
    let body = write(&s, &token, vec![edit]).await;
    assert_eq!(statuses(&body), ["accepted"]);
    assert!(granted(&body).is_empty());

    // Outside the window: kept, 0 points. Future: rejected. Bad ones do not
    // sink the batch.
    let body = write(
        &s,
        &token,
        vec![
            record("2026-10-23", "steps", json!(5000), NOW),
            record("2026-11-23", "steps", json!(5000), NOW),
            record(TODAY, "weight", json!(65.25), "2026-11-22T13:00:00+09:00"),
            goal_record(TODAY, 999_999, true, NOW),
            record("2026-11-21", "weight", json!(70.0), NOW),
        ],
    )
    .await;
    assert_eq!(
        statuses(&body),
        ["accepted", "rejected", "rejected", "rejected", "accepted"]
    );
    assert_eq!(body["results"][1]["error"]["field"], "date");
    assert_eq!(body["results"][2]["error"]["code"], "validation");
    assert_eq!(body["results"][3]["error"]["field"], "goal_id");
    assert_eq!(granted(&body), pairs(&[("weight", 10)]));

    let (status, list) = s
        .get_auth("/records?from=2026-10-01&to=2026-11-30", &token)
        .await;
    assert_eq!(status, 200, "{list}");
    let records = list["records"].as_array().unwrap();
    assert_eq!(records.len(), 7);
    assert_eq!(
        records[0]["date"], "2026-10-23",
        "kept though it earned nothing"
    );
    let steps_today = records
        .iter()
        .find(|r| r["date"] == TODAY && r["kind"] == "steps")
        .unwrap();
    assert_eq!(steps_today["value"], 9000.0);
    let (status, _) = s
        .get_auth("/records?from=2026-11-30&to=2026-10-01", &token)
        .await;
    assert_eq!(status, 422);

    assert_eq!(s.balance(&token).await, 1000 + 5 + 25 + 10 + 10);
    assert_books_balance(&s, "U100001").await;
    s.finish().await;
}

async fn the_newer_of_one_record_twice_in_a_batch_wins(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let body = write(
        &s,
        &token,
        vec![
            record(TODAY, "weight", json!(70.0), "2026-11-22T09:00:00+09:00"),
            record(TODAY, "weight", json!(71.0), "2026-11-22T09:30:00+09:00"),
            record(TODAY, "weight", json!(69.0), "2026-11-22T08:00:00+09:00"),
        ],
    )
    .await;
    assert_eq!(statuses(&body), ["stale", "accepted", "stale"]);
    assert_eq!(granted(&body), pairs(&[("weight", 10)]));
    let (_, list) = s
        .get_auth(&format!("/records?from={TODAY}&to={TODAY}"), &token)
        .await;
    assert_eq!(list["records"][0]["value"], 71.0);
    s.finish().await;
}

/// Clients that hang up mid-request (a killed app, a dropped network) must
/// not leave a pooled connection inside a transaction for the next request.
async fn clients_that_hang_up_break_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(3))
        .build()
        .unwrap();
    for i in 0..60u32 {
        let records: Vec<Value> = (0..50)
            .map(|d| {
                let date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
                    + chrono::Days::new(u64::from(i * 50 + d));
                record(&date.to_string(), "steps", json!(d), NOW)
            })
            .collect();
        let _ = impatient
            .post(s.url("/records"))
            .bearer_auth(&token)
            .json(&json!({"records": records}))
            .send()
            .await;
    }
    for day in 1..=20 {
        let (status, body) = s
            .post_auth(
                "/records",
                &token,
                json!({"records": [record(&format!("2026-11-{day:02}"), "weight", json!(60.0), NOW)]}),
            )
            .await;
        assert_eq!(status, 200, "request {day} after the hang-ups: {body}");
    }
    assert_books_balance(&s, "U100001").await;
    s.finish().await;
}

async fn goals_keep_their_history(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let (_, body) = s
        .put_auth(
            "/goals",
            &token,
            json!({"goals": [{"label": "歩く"}, {"label": "早寝"}]}),
        )
        .await;
    let walk = body["goals"][0]["id"].as_i64().unwrap();
    let (status, body) = s
        .put_auth(
            "/goals",
            &token,
            json!({"goals": [{"id": walk, "label": "もっと歩く"}, {"label": "野菜"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let goals = body["goals"].as_array().unwrap();
    let labels: Vec<(&str, bool)> = goals
        .iter()
        .map(|g| (g["label"].as_str().unwrap(), g["active"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        labels,
        [("もっと歩く", true), ("野菜", true), ("早寝", false)]
    );

    let six: Vec<Value> = (0..6)
        .map(|i| json!({"label": format!("目標{i}")}))
        .collect();
    let (status, body) = s.put_auth("/goals", &token, json!({"goals": six})).await;
    assert_eq!(
        (status.as_u16(), body["error"]["field"].as_str()),
        (422, Some("goals"))
    );
    let (status, _) = s
        .put_auth(
            "/goals",
            &token,
            json!({"goals": [{"id": 424242, "label": "x"}]}),
        )
        .await;
    assert_eq!(status, 404);
    s.finish().await;
}

async fn an_idempotency_key_answers_once(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let batch = json!({"records": [record(TODAY, "steps", json!(1234), NOW)]});
    let (status, first) = s
        .post_keyed("/records", &token, Some("batch-1"), batch.clone())
        .await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = s
        .post_keyed("/records", &token, Some("batch-1"), batch)
        .await;
    assert_eq!(status, 200);
    assert_eq!(again, first, "the first answer, points included");
    let other = json!({"records": [record(TODAY, "steps", json!(9999), NOW)]});
    let (status, body) = s
        .post_keyed("/records", &token, Some("batch-1"), other)
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (422, &json!("idempotency_conflict"))
    );
    assert_eq!(s.balance(&token).await, 1010);
    s.finish().await;
}

async fn points_expire_at_the_end_of_the_next_fiscal_year(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    catalog(&s, "pen,ボールペン,,100,10").await;
    let (_, points) = s.get_auth("/points", &token).await;
    assert_eq!(
        points["lots"],
        json!([{"granted_on": TODAY, "expires_on": "2028-03-31", "remaining": 1000}])
    );

    // 2028-03-31 23:59:59 JST: still spendable, and shown as expiring.
    s.advance(42_818_399).await;
    let token = s.relogin("U100001").await;
    let (_, points) = s.get_auth("/points", &token).await;
    assert_eq!(points["balance"], 1000);
    assert_eq!(
        points["expiring"],
        json!([{"expires_on": "2028-03-31", "points": 1000}])
    );
    let (status, body) = s
        .post_auth(
            "/exchanges",
            &token,
            json!({"item_id": "pen", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["balance"], 900);

    // One second later, 2028-04-01 00:00:00 JST: gone, even before the job runs.
    s.advance(1).await;
    let (_, points) = s.get_auth("/points", &token).await;
    assert_eq!(points["balance"], 0);
    assert_eq!(points["lots"], json!([]));
    let (status, body) = s
        .post_auth(
            "/exchanges",
            &token,
            json!({"item_id": "pen", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (409, &json!("insufficient_points"))
    );
    let (_, ledger) = s.get_auth("/points/ledger", &token).await;
    assert_eq!(ledger["entries"][0]["code"], "expiry");
    assert_eq!(ledger["entries"][0]["points"], -900);
    assert_eq!(ledger["entries"][0]["date"], "2028-04-01");

    // The job finds nothing more to do, however often it runs.
    for _ in 0..2 {
        let summary = admin::expire_points(&s.server.state).await.unwrap();
        assert_eq!(summary.points, 0);
    }
    let (_, after) = s.get_auth("/points/ledger", &token).await;
    assert_eq!(after, ledger);
    assert_books_balance(&s, "U100001").await;
    s.finish().await;
}

async fn the_expiry_job_writes_off_every_member_once(backend: Backend) {
    let s = TestServer::start(backend).await;
    let _taro = s.taro().await;
    let _makoto = s.issued_member("U100002", "19920229").await;
    s.advance(42_818_400).await;
    let first = admin::expire_points(&s.server.state).await.unwrap();
    assert_eq!((first.members, first.points), (2, 2000));
    let second = admin::expire_points(&s.server.state).await.unwrap();
    assert_eq!((second.members, second.points), (0, 0));
    assert_books_balance(&s, "U100001").await;
    assert_books_balance(&s, "U100002").await;
    s.finish().await;
}

async fn exchanges_spend_the_soonest_points_and_cancel_returns_them(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    catalog(&s, "rice-5kg,お米 5kg,新米,1500,5\ncoffee,コーヒー,,100,1").await;
    // A second lot a fiscal year later, with a later expiry.
    s.advance(11_577_600).await;
    let token2 = s.relogin("U100001").await;
    grant(&s, "U100001", "spring_campaign", Some(1000)).await;
    let (_, points) = s.get_auth("/points", &token2).await;
    assert_eq!(
        points["lots"],
        json!([
            {"granted_on": TODAY, "expires_on": "2028-03-31", "remaining": 1000},
            {"granted_on": "2027-04-05", "expires_on": "2029-03-31", "remaining": 1000}
        ])
    );
    drop(token);
    let (status, created) = s
        .post_auth(
            "/exchanges",
            &token2,
            json!({"item_id": "rice-5kg", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (
            created["points_spent"].as_i64(),
            created["balance"].as_i64()
        ),
        (Some(1500), Some(500))
    );
    let (_, points) = s.get_auth("/points", &token2).await;
    assert_eq!(
        points["lots"],
        json!([{"granted_on": "2027-04-05", "expires_on": "2029-03-31", "remaining": 500}]),
        "the lot expiring first was spent first"
    );

    let id = created["exchange_id"].as_i64().unwrap();
    let (status, cancelled) = s
        .post_auth(&format!("/exchanges/{id}/cancel"), &token2, json!({}))
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (_, points) = s.get_auth("/points", &token2).await;
    assert_eq!(
        points["lots"],
        json!([
            {"granted_on": TODAY, "expires_on": "2028-03-31", "remaining": 1000},
            {"granted_on": "2027-04-05", "expires_on": "2029-03-31", "remaining": 1000}
        ]),
        "each point went back to its own lot"
    );
    let (_, ledger) = s.get_auth("/points/ledger?limit=2", &token2).await;
    let returned: Vec<(&str, i64, &str)> = ledger["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap(),
                e["points"].as_i64().unwrap(),
                e["expires_on"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        returned,
        [
            ("exchange_cancelled", 500, "2029-03-31"),
            ("exchange_cancelled", 1000, "2028-03-31")
        ],
        "one line per expiry day, with that day"
    );
    let (_, catalog_now) = s.get_auth("/catalog", &token2).await;
    assert_eq!(catalog_now["items"][0]["stock"], 5, "the stock came back");
    let (status, _) = s
        .post_auth(&format!("/exchanges/{id}/cancel"), &token2, json!({}))
        .await;
    assert_eq!(status, 409);

    // Shipped orders cannot be cancelled; staff move them on.
    let (_, order) = s
        .post_auth(
            "/exchanges",
            &token2,
            json!({"item_id": "coffee", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    let order = order["exchange_id"].as_i64().unwrap();
    let shipped = admin::advance_exchange(
        &s.server.state,
        order,
        kenpo_domain::api::ExchangeStatus::Shipped,
    )
    .await
    .unwrap();
    assert_eq!(shipped.status, kenpo_domain::api::ExchangeStatus::Shipped);
    let (status, body) = s
        .post_auth(&format!("/exchanges/{order}/cancel"), &token2, json!({}))
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (409, &json!("not_cancellable"))
    );
    assert!(matches!(
        admin::advance_exchange(
            &s.server.state,
            order,
            kenpo_domain::api::ExchangeStatus::Ordered
        )
        .await,
        Err(AdminError::Refused(_))
    ));
    let (status, body) = s
        .post_auth(
            "/exchanges",
            &token2,
            json!({"item_id": "coffee", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (409, &json!("out_of_stock"))
    );
    let (_, list) = s.get_auth("/exchanges", &token2).await;
    assert_eq!(list["exchanges"].as_array().unwrap().len(), 2);
    assert_books_balance(&s, "U100001").await;
    s.finish().await;
}

async fn addresses_are_checked_field_by_field(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    catalog(&s, "pen,ボールペン,,100,10").await;
    for (field, value, expected) in [
        ("postal_code", "123-456", "postal_code"),
        ("prefecture", "東京府", "prefecture"),
        ("phone", "12-34", "phone"),
        ("city", "  ", "city"),
    ] {
        let mut address = address();
        address[field] = json!(value);
        let (status, body) = s
            .post_auth(
                "/exchanges",
                &token,
                json!({"item_id": "pen", "quantity": 1, "shipping_address": address}),
            )
            .await;
        assert_eq!(status, 422, "{field}: {body}");
        assert_eq!(body["error"]["code"], "invalid_address");
        assert_eq!(body["error"]["field"], expected);
    }
    let (status, body) = s
        .post_auth(
            "/exchanges",
            &token,
            json!({"item_id": "pen", "quantity": 0, "shipping_address": address()}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["field"]),
        (422, &json!("quantity"))
    );
    let (status, _) = s
        .post_auth(
            "/exchanges",
            &token,
            json!({"item_id": "nothing", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(s.balance(&token).await, 1000, "nothing was spent");
    s.finish().await;
}

async fn two_hundred_exchanges_on_a_balance_for_ten(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    assert_eq!(s.balance(&token).await, 1000);
    catalog(&s, "pen,ボールペン,,100,1000").await;
    let attempts = (0..200).map(|i| {
        let s = &s;
        let token = token.clone();
        async move {
            s.post_keyed(
                "/exchanges",
                &token,
                Some(&format!("order-{i}")),
                json!({"item_id": "pen", "quantity": 1, "shipping_address": address()}),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let ok = answers.iter().filter(|(s, _)| s.as_u16() == 201).count();
    let short = answers
        .iter()
        .filter(|(s, b)| s.as_u16() == 409 && b["error"]["code"] == "insufficient_points")
        .count();
    assert_eq!(
        (ok, short),
        (10, 190),
        "{:?}",
        answers.iter().find(|(s, _)| s.as_u16() >= 500)
    );
    assert_eq!(s.balance(&token).await, 0);
    assert_books_balance(&s, "U100001").await;
    s.finish().await;
}

async fn twenty_buyers_for_three_in_stock(backend: Backend) {
    let s = TestServer::start(backend).await;
    catalog(&s, "rice-5kg,お米 5kg,,100,3").await;
    let ids = s.add_insured(20).await;
    let mut tokens = Vec::new();
    for id in &ids {
        tokens.push(s.issued_member(id, "19850410").await);
    }
    let buys = tokens.iter().map(|token| {
        s.post_auth(
            "/exchanges",
            token,
            json!({"item_id": "rice-5kg", "quantity": 1, "shipping_address": address()}),
        )
    });
    let answers = futures_util::future::join_all(buys).await;
    let ok = answers.iter().filter(|(s, _)| s.as_u16() == 201).count();
    let out = answers
        .iter()
        .filter(|(s, b)| s.as_u16() == 409 && b["error"]["code"] == "out_of_stock")
        .count();
    assert_eq!((ok, out), (3, 17));
    let (_, items) = s.get_auth("/catalog", &tokens[0]).await;
    assert_eq!(items["items"][0]["stock"], 0);
    for id in &ids {
        assert_books_balance(&s, id).await;
    }
    s.finish().await;
}

async fn one_key_sent_twenty_times_is_one_exchange(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    catalog(&s, "pen,ボールペン,,100,1000").await;
    let body = json!({"item_id": "pen", "quantity": 2, "shipping_address": address()});
    let sends =
        (0..20).map(|_| s.post_keyed("/exchanges", &token, Some("one-order"), body.clone()));
    let answers = futures_util::future::join_all(sends).await;
    let ids: HashSet<String> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(status.as_u16(), 201, "{body}");
            body["exchange_id"].to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every answer names the same exchange");
    assert_eq!(s.balance(&token).await, 800);
    let (_, list) = s.get_auth("/exchanges", &token).await;
    assert_eq!(list["exchanges"].as_array().unwrap().len(), 1);
    assert_books_balance(&s, "U100001").await;
    s.finish().await;
}

/// Reads the feed from `cursor` with pages of `limit` until `has_more` is
/// false: the changes, and the cursor after them.
async fn read_feed(
    s: &TestServer,
    token: &str,
    cursor: &str,
    limit: usize,
) -> (Vec<Value>, String) {
    let mut cursor = cursor.to_owned();
    let mut all = Vec::new();
    for _ in 0..1000 {
        let (status, page) = s
            .get_auth(&format!("/changes?since={cursor}&limit={limit}"), token)
            .await;
        assert_eq!(status, 200, "{page}");
        let changes = page["changes"].as_array().unwrap();
        assert!(changes.len() <= limit);
        all.extend(changes.iter().cloned());
        cursor = page["cursor"].as_str().unwrap().to_owned();
        if !page["has_more"].as_bool().unwrap() {
            return (all, cursor);
        }
        assert_eq!(changes.len(), limit, "only the last page is short");
    }
    panic!("the feed never ended");
}

async fn the_change_feed_pages_without_gaps_or_repeats(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let (start, mut cursor) = read_feed(&s, &token, "", 100).await;
    assert!(
        start
            .iter()
            .any(|c| c["type"] == "ledger" && c["code"] == "registration"),
        "{start:?}"
    );
    let p = 5;
    let mut day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for n in [0, 1, p - 1, p, p + 1, 2 * p + 1] {
        // n changes, about a third of them notices: days long before the
        // window are kept without points, so each record is one change.
        let mut expected = Vec::new();
        for i in 0..n {
            if i % 3 == 2 {
                let title = format!("お知らせ {n}-{i}");
                admin::post_notice(&s.server.state, &title, "本文")
                    .await
                    .unwrap();
                expected.push(title);
            } else {
                day = day.succ_opt().unwrap();
                let date = day.to_string();
                write(&s, &token, vec![record(&date, "steps", json!(i), NOW)]).await;
                expected.push(date);
            }
        }
        let (changes, next) = read_feed(&s, &token, &cursor, p).await;
        let mut got: Vec<String> = changes
            .iter()
            .map(|c| match c["type"].as_str().unwrap() {
                "record" => c["date"].as_str().unwrap().to_owned(),
                "notice" => c["title"].as_str().unwrap().to_owned(),
                other => panic!("unexpected change {other}: {c}"),
            })
            .collect();
        assert_eq!(got.len(), n, "n = {n}: {got:?}");
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "n = {n}");
        let (_, again) = s
            .get_auth(&format!("/changes?since={next}&limit={p}"), &token)
            .await;
        assert_eq!(again["changes"], json!([]));
        assert_eq!(again["has_more"], false);
        cursor = next;
    }
    let (status, body) = s.get_auth("/changes?since=bogus", &token).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["field"]),
        (422, &json!("since"))
    );
    let (status, _) = s.get_auth("/changes?limit=0", &token).await;
    assert_eq!(status, 422);
    s.finish().await;
}

async fn the_feed_mirrors_ledger_exchanges_goals_and_checkups(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let (_, cursor) = read_feed(&s, &token, "", 100).await;
    catalog(&s, "pen,ボールペン,,100,10").await;
    s.put_auth("/goals", &token, json!({"goals": [{"label": "歩く"}]}))
        .await;
    let (_, order) = s
        .post_auth(
            "/exchanges",
            &token,
            json!({"item_id": "pen", "quantity": 1, "shipping_address": address()}),
        )
        .await;
    let id = order["exchange_id"].as_i64().unwrap();
    admin::advance_exchange(
        &s.server.state,
        id,
        kenpo_domain::api::ExchangeStatus::Shipped,
    )
    .await
    .unwrap();
    admin::import_checkups(
        &s.server.state,
        "card_symbol,card_number,branch_number,date,height_cm,weight_kg,bmi,smoker,health_age\n\
         10,1001,00,2026-06-01,170.0,65.0,22.5,no,\n",
    )
    .await
    .unwrap();
    let (changes, _) = read_feed(&s, &token, &cursor, 3).await;
    let kinds: Vec<String> = changes
        .iter()
        .map(|c| match c["type"].as_str().unwrap() {
            "exchange" => format!("exchange:{}", c["status"].as_str().unwrap()),
            "ledger" => format!("ledger:{}", c["code"].as_str().unwrap()),
            other => other.to_owned(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "goal",
            "ledger:exchange",
            "exchange:ordered",
            "exchange:shipped",
            // The checkup follows its grants: it lists what it earned.
            "ledger:checkup_bmi",
            "ledger:non_smoker",
            "checkup"
        ]
    );
    s.finish().await;
}

async fn checkups_earn_once_per_fiscal_year(backend: Backend) {
    let s = TestServer::start(backend).await;
    const HEADER: &str =
        "card_symbol,card_number,branch_number,date,height_cm,weight_kg,bmi,smoker,health_age\n";
    // 高橋 誠 has no account yet: his points wait for his registration.
    admin::import_checkups(
        &s.server.state,
        &format!("{HEADER}10,1003,00,2026-05-10,175.0,70.0,22.9,no,28\n"),
    )
    .await
    .unwrap();
    let token = s.taro().await;
    let summary = admin::import_checkups(
        &s.server.state,
        &format!("{HEADER}10,1001,00,2026-06-01,170.0,65.0,22.5,no,38\n"),
    )
    .await
    .unwrap();
    assert_eq!((summary.inserted, summary.updated), (1, 0));
    // BMI 22.5, non-smoker, health age 38 at 46: 500 each.
    assert_eq!(s.balance(&token).await, 1000 + 1500);
    let again = admin::import_checkups(
        &s.server.state,
        &format!(
            "{HEADER}10,1001,00,2026-06-01,170.0,65.0,22.5,no,38\n10,1001,00,2026-09-01,170.0,66.0,22.8,no,39\n"
        ),
    )
    .await
    .unwrap();
    assert_eq!((again.inserted, again.updated), (1, 1));
    assert_eq!(s.balance(&token).await, 2500, "once per fiscal year");

    // A bad line: nothing of the file is applied.
    let err = admin::import_checkups(
        &s.server.state,
        &format!("{HEADER}10,1001,00,2026-10-01,170.0,65.0,22.5,no,\n99,9999,00,2026-10-01,170.0,65.0,22.5,no,\n"),
    )
    .await
    .unwrap_err();
    match err {
        AdminError::File(file) => assert_eq!(file.0[0].line, 3),
        other => panic!("{other}"),
    }
    let (status, list) = s.get_auth("/checkups", &token).await;
    assert_eq!(status, 200, "{list}");
    let checkups = list["checkups"].as_array().unwrap();
    assert_eq!(checkups.len(), 2);
    assert_eq!(checkups[0]["date"], "2026-09-01");
    assert_eq!(checkups[0]["real_age"], 46);
    assert_eq!(checkups[0]["bmi"], 22.8);
    assert_eq!(checkups[0]["height_cm"], 170.0);
    let earned = |checkup: &Value| -> Vec<(String, i64)> { granted(checkup) };
    assert_eq!(
        earned(&checkups[1]),
        pairs(&[
            ("checkup_bmi", 500),
            ("health_age", 500),
            ("non_smoker", 500)
        ]),
        "each checkup says what it earned"
    );
    assert_eq!(earned(&checkups[0]), [], "the year's points went to June's");
    let (feed, _) = read_feed(&s, &token, "", 1000).await;
    let june = feed
        .iter()
        .rfind(|c| c["type"] == "checkup" && c["date"] == "2026-06-01")
        .unwrap();
    assert_eq!(earned(june).len(), 3, "the feed's checkup too: {june}");

    let makoto = s.issued_member("U100002", "19920229").await;
    // Registration, then BMI and non-smoker; health age 28 at 34 also earns.
    assert_eq!(s.balance(&makoto).await, 1000 + 1500);
    let (_, list) = s.get_auth("/checkups", &makoto).await;
    assert_eq!(
        earned(&list["checkups"][0]).len(),
        3,
        "imported before his registration, earned at it"
    );
    assert_books_balance(&s, "U100002").await;
    s.finish().await;
}

async fn reports_earn_once_per_fiscal_year(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let (status, body) = s
        .post_auth(
            "/reports",
            &token,
            json!({"kind": "flu_vaccine", "date": "2026-11-01"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(granted(&body), pairs(&[("flu_vaccine", 300)]));
    let (status, body) = s
        .post_auth(
            "/reports",
            &token,
            json!({"kind": "flu_vaccine", "date": "2026-11-20"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("already_reported")),
        "one of a kind per fiscal year: {body}"
    );
    // Two at once: one goes in, the other is refused.
    let exam =
        json!({"kind": "secondary_exam", "date": "2026-10-01", "clinic": " 千代田内科クリニック "});
    let (a, b) = tokio::join!(
        s.post_auth("/reports", &token, exam.clone()),
        s.post_auth("/reports", &token, exam.clone())
    );
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let (status, body) = s
        .post_auth(
            "/reports",
            &token,
            json!({"kind": "flu_vaccine", "date": "2025-11-01", "clinic": "どこか"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["field"]),
        (422, &json!("clinic")),
        "a clinic goes with a secondary exam only"
    );
    let long = "あ".repeat(101);
    let (status, _) = s
        .post_auth(
            "/reports",
            &token,
            json!({"kind": "secondary_exam", "date": "2025-10-01", "clinic": long}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, body) = s
        .post_auth(
            "/reports",
            &token,
            json!({"kind": "secondary_exam", "date": "2026-11-23"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["field"]),
        (422, &json!("date"))
    );
    // The flu vaccine, and the secondary exam (taro is insured).
    assert_eq!(s.balance(&token).await, 1300 + 500);
    s.finish().await;
}

async fn staff_grant_rules_and_campaigns(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    let state = &s.server.state;
    let order = |code: &str, points: Option<i64>| GrantOrder {
        login_id: "u100001".into(),
        code: code.into(),
        points,
        date: None,
        note: Some("禁煙プログラム達成".into()),
    };
    let made = admin::grant_points(state, &order("smoking_cessation", None))
        .await
        .unwrap();
    assert_eq!(made.points, 1000);
    for refused in [
        order("smoking_cessation", None),
        order("smoking_cessation", Some(5)),
        order("walking_event", None),
        order("expiry", Some(10)),
        order("walking_event", Some(0)),
    ] {
        assert!(
            matches!(
                admin::grant_points(state, &refused).await,
                Err(AdminError::Refused(_))
            ),
            "{refused:?}"
        );
    }
    admin::grant_points(state, &order("walking_event", Some(300)))
        .await
        .unwrap();
    assert_eq!(s.balance(&token).await, 2300);
    let (_, ledger) = s.get_auth("/points/ledger?limit=2", &token).await;
    assert_eq!(ledger["entries"][0]["code"], "walking_event");
    assert_eq!(ledger["entries"][0]["note"], "禁煙プログラム達成");
    let next = ledger["next_cursor"].as_str().unwrap().to_owned();
    let (_, rest) = s
        .get_auth(&format!("/points/ledger?limit=2&cursor={next}"), &token)
        .await;
    assert_eq!(rest["entries"].as_array().unwrap().len(), 1);
    assert_eq!(rest["entries"][0]["code"], "registration");
    assert_eq!(rest["next_cursor"], Value::Null);
    s.finish().await;
}

async fn a_member_who_leaves_the_roster_keeps_history_but_not_access(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    write(&s, &token, vec![record(TODAY, "steps", json!(5000), NOW)]).await;
    let state = &s.server.state;
    let without_taro: Vec<_> = common::demo_entries()
        .into_iter()
        .filter(|e| e.employee_number.as_deref() != Some("100001"))
        .collect();
    let summary = admin::import_roster(state, &without_taro, true)
        .await
        .unwrap();
    assert_eq!(summary.removed, 1);
    let (status, _) = s.get_auth("/points", &token).await;
    assert_eq!(status, 401, "the session ended");
    let (status, body) = s.login("U100001", common::MEMBER_PASSWORD).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (403, &json!("membership_ended"))
    );
    assert!(matches!(
        admin::grant_points(
            state,
            &GrantOrder {
                login_id: "U100001".into(),
                code: "walking_event".into(),
                points: Some(100),
                date: None,
                note: None
            }
        )
        .await,
        Err(AdminError::Refused(_))
    ));
    let account = state
        .store
        .account_by_login("U100001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        state.store.balance_of(account.id).await.unwrap(),
        1010,
        "history kept"
    );
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    assert_eq!(
        state
            .store
            .records_between(account.id, from, to)
            .await
            .unwrap()
            .len(),
        1
    );

    // Back on the roster: back in.
    admin::import_roster(state, &common::demo_entries(), true)
        .await
        .unwrap();
    let token = s.relogin("U100001").await;
    assert_eq!(s.balance(&token).await, 1010);
    s.finish().await;
}

async fn notices_faq_and_inquiries_need_no_login(backend: Backend) {
    let s = TestServer::start(backend).await;
    admin::load_demo_content(&s.server.state).await.unwrap();
    let (status, notices) = s.get("/notices").await;
    assert_eq!(status, 200);
    assert_eq!(notices["notices"].as_array().unwrap().len(), 2);
    assert_eq!(
        notices["notices"][0]["title"],
        "インフルエンザ予防接種の報告でポイント"
    );
    let (_, faq) = s.get("/faq").await;
    assert_eq!(faq["entries"][0]["category"], "ログイン");
    let (status, _) = s.get("/catalog").await;
    assert_eq!(status, 401, "the catalog is for members");

    let inquiry = json!({"category": "forgot_password", "body": "ログインIDを忘れました。",
                         "contact_email": "taro@example.com"});
    let (status, body) = s.post("/inquiries", inquiry.clone()).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = s
        .post(
            "/inquiries",
            json!({"category": "other", "body": "x", "contact_email": "no"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (422, &json!("invalid_email"))
    );
    let (status, body) = s
        .post(
            "/inquiries",
            json!({"category": "other", "body": "  ", "contact_email": "a@example.com"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["field"]),
        (422, &json!("body"))
    );
    for _ in 0..2 {
        s.post("/inquiries", inquiry.clone()).await;
    }
    let (status, _) = s.post("/inquiries", inquiry).await;
    assert_eq!(status, 429, "five an hour from one address");
    let stored = s.server.state.store.inquiries().await.unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0].request.body, "ログインIDを忘れました。");
    s.finish().await;
}

stories!(
    check_in_and_records_earn_by_the_rules,
    the_newer_of_one_record_twice_in_a_batch_wins,
    clients_that_hang_up_break_nothing,
    goals_keep_their_history,
    an_idempotency_key_answers_once,
    points_expire_at_the_end_of_the_next_fiscal_year,
    the_expiry_job_writes_off_every_member_once,
    exchanges_spend_the_soonest_points_and_cancel_returns_them,
    addresses_are_checked_field_by_field,
    two_hundred_exchanges_on_a_balance_for_ten,
    twenty_buyers_for_three_in_stock,
    one_key_sent_twenty_times_is_one_exchange,
    the_change_feed_pages_without_gaps_or_repeats,
    the_feed_mirrors_ledger_exchanges_goals_and_checkups,
    checkups_earn_once_per_fiscal_year,
    reports_earn_once_per_fiscal_year,
    staff_grant_rules_and_campaigns,
    a_member_who_leaves_the_roster_keeps_history_but_not_access,
    notices_faq_and_inquiries_need_no_login,
);
