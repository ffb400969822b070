//! 商品交換 through kenpo-core's `Desk`, against a real kenpo-insurer with
//! the demo catalog and its pictures: the confirmation names the expiry
//! days an order draws from, a double press orders once, the pending
//! order and its key survive a relaunch, a cancel gives the points back
//! with their expiry, the expiry planner, and the catalog offline.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use kenpo_core::desk::{Desk, DeskError, DeskOptions};
use kenpo_core::error::Coded;
use kenpo_core::keychain::Keychain;
use kenpo_core::scheduler::{NoEvents, Plan};
use kenpo_domain::api::{ExchangeStatus, Secret, ShippingAddress};
use kenpo_domain::ledger::Expiring;
use kenpo_domain::time::{FixedClock, expiry_of_grant};
use kenpo_insurer::admin::{self, GrantOrder};

mod common;

use common::{Insurer, PASSWORD};

async fn desk(data: &std::path::Path, keychain: &Keychain) -> Desk {
    Desk::open(DeskOptions {
        data_dir: data.to_owned(),
        keychain: Ok(keychain.clone()),
        clock: Arc::new(FixedClock::new(Utc::now())),
        events: Arc::new(NoEvents),
        plan: Plan::default(),
    })
    .await
}

fn address(postal_code: &str) -> ShippingAddress {
    ShippingAddress {
        name: "山田 太郎".into(),
        postal_code: postal_code.into(),
        prefecture: "東京都".into(),
        city: "千代田区".into(),
        line1: "千代田1-1".into(),
        line2: None,
        phone: "03-1234-5678".into(),
    }
}

fn refusal(result: Result<impl std::fmt::Debug, DeskError>) -> (String, Option<String>) {
    let err = result.expect_err("refused");
    (err.code().to_string(), err.field())
}

/// The demo catalog, and two lots with two expiry days: 1,500 points
/// (registration and a campaign) granted today, and 1,000 granted a year
/// on (the sandbox clock moved).
async fn insurer_with_points() -> (Insurer, NaiveDate, NaiveDate) {
    let insurer = Insurer::start().await;
    let state = &insurer.server.state;
    admin::load_demo_content(state).await.unwrap();
    let campaign = |code: &str, points| GrantOrder {
        login_id: "U100001".into(),
        code: code.into(),
        points: Some(points),
        date: None,
        note: None,
    };
    admin::grant_points(state, &campaign("spring_campaign", 500))
        .await
        .unwrap();
    let (_, today) = state.clock.today().await.unwrap();
    let res = insurer
        .http
        .post(format!("{}/api/v1/sandbox/clock", insurer.base))
        .json(&serde_json::json!({"advance_seconds": 366 * 86_400}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    admin::grant_points(state, &campaign("autumn_campaign", 1000))
        .await
        .unwrap();
    let (_, year_on) = state.clock.today().await.unwrap();
    (insurer, expiry_of_grant(today), expiry_of_grant(year_on))
}

#[tokio::test]
async fn an_order_is_confirmed_by_lot_placed_once_and_cancelled_with_its_expiry() {
    let (insurer, sooner, later) = insurer_with_points().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let desk = desk(data.path(), &keychain).await;
    desk.login(&insurer.base, "U100001", &Secret::new(PASSWORD.to_owned()))
        .await
        .unwrap();

    let view = desk.catalog().await.unwrap();
    assert!(!view.offline);
    assert_eq!(view.balance, 2500);
    assert_eq!(view.items.len(), 5);
    for entry in &view.items {
        let picture = entry
            .picture
            .as_deref()
            .expect("each demo item has a picture");
        assert!(
            picture.starts_with("data:image/png;base64,"),
            "{}",
            entry.item.id
        );
    }
    let affordable: Vec<(&str, bool)> = view
        .items
        .iter()
        .map(|e| (e.item.id.as_str(), e.affordable))
        .collect();
    assert_eq!(
        affordable,
        [
            ("coffee-gift", true),
            ("pedometer", false),
            ("rice-5kg", false),
            ("tea-set", true),
            ("towel", false)
        ],
        "the pedometer and rice cost more than 2,500; the towel is out of stock"
    );
    assert_eq!(view.pending, None);
    assert_eq!(view.address, None);

    // Refusals come with their code and field, before anything is kept.
    assert_eq!(
        refusal(
            desk.exchange_quote("pedometer", 1, &address("1000001"))
                .await
        ),
        ("insufficient_points".into(), None)
    );
    assert_eq!(
        refusal(desk.exchange_quote("towel", 1, &address("1000001")).await),
        ("out_of_stock".into(), None)
    );
    assert_eq!(
        refusal(
            desk.exchange_quote("coffee-gift", 11, &address("1000001"))
                .await
        ),
        ("validation".into(), Some("quantity".into()))
    );
    assert_eq!(
        refusal(
            desk.exchange_quote("coffee-gift", 1, &address("100-001"))
                .await
        ),
        ("validation".into(), Some("postal_code".into()))
    );
    assert_eq!(
        refusal(
            desk.exchange_quote("no-such-item", 1, &address("1000001"))
                .await
        ),
        ("unknown_item".into(), None)
    );

    // The confirmation: last year's points first, then this year's.
    let quote = desk
        .exchange_quote("coffee-gift", 1, &address("１００－０００１"))
        .await
        .unwrap();
    assert_eq!(quote.points, 1895);
    assert_eq!(
        quote.lots,
        [
            Expiring {
                expires_on: sooner,
                points: 1500
            },
            Expiring {
                expires_on: later,
                points: 395
            }
        ]
    );
    assert_eq!((quote.balance, quote.balance_after), (2500, 605));
    assert_eq!(quote.address.postal_code, "100-0001");
    let again = desk
        .exchange_quote("coffee-gift", 1, &address("1000001"))
        .await
        .unwrap();
    assert_eq!(
        again.key, quote.key,
        "the same order confirmed again keeps its key"
    );

    // A double press, and a third press later: one order.
    let (a, b) = tokio::join!(
        desk.exchange_place(&quote.key),
        desk.exchange_place(&quote.key)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert_eq!(a.balance, 605);
    assert_eq!(desk.exchange_place(&quote.key).await.unwrap(), a);
    assert_eq!(
        refusal(desk.exchange_place("kx-unknown").await),
        ("exchange_not_prepared".into(), None)
    );
    let orders = desk.orders().await.unwrap();
    assert_eq!(orders.orders.len(), 1, "one order on the server");
    assert_eq!(orders.orders[0].exchange_id, a.exchange_id);
    assert_eq!(orders.orders[0].status, ExchangeStatus::Ordered);

    // The address is offered next time; the balance follows.
    let view = desk.catalog().await.unwrap();
    assert_eq!(view.balance, 605);
    assert_eq!(view.pending, None);
    assert_eq!(
        view.address.as_ref().map(|a| a.postal_code.as_str()),
        Some("100-0001")
    );

    // Cancelled: the points come back to their lots, with their expiry.
    let orders = desk.exchange_cancel(a.exchange_id).await.unwrap();
    assert_eq!(orders.orders[0].status, ExchangeStatus::Cancelled);
    desk.sync().await.unwrap();
    let points = desk.points().await.unwrap();
    assert_eq!(points.balance, 2500);
    let plan = points.next_expiry.expect("points expire");
    assert_eq!((plan.expires_on, plan.points), (sooner, 1500));
    let reach: Vec<&str> = plan.within_reach.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(reach, ["tea-set"], "what 1,500 points still buy, in stock");
    let kinds: Vec<_> = points.ledger.iter().take(3).map(|l| l.kind).collect();
    use kenpo_domain::statement::LineKind::{Returned, Spent};
    assert_eq!(
        kinds,
        [Returned, Returned, Spent],
        "returned to each lot it drew from"
    );
    assert!(points.fiscal_years.len() >= 2, "{:?}", points.fiscal_years);
    let cancelled_again = desk.exchange_cancel(a.exchange_id).await;
    assert_eq!(
        cancelled_again.expect_err("refused").api_code(),
        Some(kenpo_domain::api::ErrorCode::NotCancellable)
    );
    desk.shutdown().await;
}

#[tokio::test]
async fn a_confirmed_order_and_its_key_survive_a_relaunch_and_the_catalog_shows_offline() {
    let (insurer, _, _) = insurer_with_points().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let key = {
        let desk = desk(data.path(), &keychain).await;
        desk.login(&insurer.base, "U100001", &Secret::new(PASSWORD.to_owned()))
            .await
            .unwrap();
        let quote = desk
            .exchange_quote("tea-set", 2, &address("1000001"))
            .await
            .unwrap();
        desk.shutdown().await;
        quote.key
    };
    let desk = desk(data.path(), &keychain).await;
    let (profiles, _) = desk.profiles().unwrap();
    desk.open_profile(&profiles[0].id).await.unwrap();
    let pending = desk.catalog().await.unwrap().pending.expect("kept");
    assert_eq!(
        (pending.quote.key.as_str(), pending.sent),
        (key.as_str(), false)
    );
    let created = desk.exchange_place(&key).await.unwrap();
    assert_eq!(created.points_spent, 2400);

    // With the insurer gone: the catalog, its pictures and the balance of
    // the last sync; no order can be prepared.
    desk.sync().await.unwrap();
    drop(insurer);
    let view = desk.catalog().await.unwrap();
    assert!(view.offline);
    assert_eq!(view.items.len(), 5);
    assert!(view.items.iter().all(|e| e.picture.is_some()));
    assert_eq!(view.balance, 100);
    assert_eq!(
        refusal(desk.exchange_quote("tea-set", 1, &address("1000001")).await).0,
        "offline"
    );
    let orders = desk.orders().await.unwrap();
    assert!(orders.offline);
    assert_eq!(orders.orders.len(), 1, "the order as last synced");
    desk.shutdown().await;
}
