//! 設定 and ヘルプ through kenpo-core's `Desk`, against a real
//! kenpo-insurer: the nickname kept across a restart, a new address only
//! with the password, another device's session ended, the FAQ searched
//! and an inquiry sent logged out (with the wait when there were too
//! many), and a profile removed leaving no file and no keychain entry.

use std::sync::Arc;

use chrono::Utc;
use kenpo_core::desk::{Desk, DeskOptions};
use kenpo_core::error::Coded;
use kenpo_core::keychain::Keychain;
use kenpo_core::scheduler::{NoEvents, Plan};
use kenpo_domain::api::{ErrorCode, InquiryCategory, InquiryRequest, Secret};
use kenpo_domain::time::FixedClock;

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

fn secret(text: &str) -> Secret {
    Secret::new(text.to_owned())
}

#[tokio::test]
async fn the_account_is_managed_and_a_removed_profile_leaves_nothing() {
    let insurer = Insurer::start().await;
    kenpo_insurer::admin::load_demo_content(&insurer.server.state)
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let id = {
        let desk = desk(data.path(), &keychain).await;
        let logged = desk
            .login(&insurer.base, "U100001", &secret(PASSWORD))
            .await
            .unwrap();
        let view = desk.set_nickname("  たろう ").await.unwrap();
        assert_eq!(
            view.account.nickname.as_ref().map(ToString::to_string),
            Some("たろう".into())
        );
        let wrong = desk
            .set_notification_email("taro@example.jp", &secret("not my password"))
            .await
            .expect_err("the password is asked again");
        assert_eq!(
            (wrong.api_code(), wrong.field().as_deref()),
            (
                Some(ErrorCode::InvalidCredentials),
                Some("current_password")
            )
        );
        let view = desk
            .set_notification_email("taro@example.jp", &secret(PASSWORD))
            .await
            .unwrap();
        assert_eq!(
            view.account
                .notification_email
                .as_ref()
                .map(ToString::to_string),
            Some("taro@example.jp".into())
        );

        // Another device logs in; this one ends it.
        let _other = insurer.token("U100001", PASSWORD).await;
        let view = desk.account().await.unwrap();
        let before = view.sessions.len();
        assert!(before >= 2, "{:?}", view.sessions);
        assert!(view.sessions[0].current, "this device first");
        let other = view.sessions[1].id;
        let view = desk.end_session(other).await.unwrap();
        assert_eq!(view.sessions.len(), before - 1);
        assert!(view.sessions.iter().all(|s| s.id != other));

        // よくある質問, half-width forms found alike.
        let faq = desk.faq(None, "ﾛｸﾞｲﾝ").await.unwrap();
        assert!(!faq.offline);
        assert!(faq.total >= 4);
        assert!(!faq.entries.is_empty());
        assert!(faq.entries.iter().all(|e| {
            format!("{:?}{}{}", e.category, e.question, e.answer).contains("ログイン")
        }));
        desk.shutdown().await;
        logged.profile.id
    };

    // After a restart, the header's nickname is the new one.
    let desk = desk(data.path(), &keychain).await;
    let (profiles, _) = desk.profiles().unwrap();
    assert_eq!(profiles[0].nickname.as_deref(), Some("たろう"));
    desk.open_profile(&id).await.unwrap();
    let about = desk
        .insurer_about()
        .await
        .unwrap()
        .expect("a profile is open");
    assert_eq!(about.insurer_number.len(), 8);

    let removal = desk.profile_removal(&id).await.unwrap();
    assert_eq!(removal.login_id, "U100001");
    assert!(!removal.files.is_empty(), "the database is named");
    let removed = desk.remove_profile(&id).await.unwrap();
    assert_eq!(removed.files.len(), removal.files.len());
    for file in &removal.files {
        assert!(!std::path::Path::new(file).exists(), "{file} is gone");
    }
    assert!(desk.profiles().unwrap().0.is_empty());
    for name in ["access", "refresh", "db-key"] {
        let entry = kenpo_core::keychain::account(&id, name);
        assert_eq!(keychain.get(&entry).await.unwrap(), None, "{name}");
    }
    let leftovers: Vec<_> = walk(data.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&id))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Logged out, the start screen's insurer answers the FAQ and inquiries.
    let faq = desk.faq(Some(&insurer.base), "").await.unwrap();
    assert_eq!(faq.entries.len() as u32, faq.total);
    let inquiry = InquiryRequest {
        category: InquiryCategory::ForgotPassword,
        body: "パスワードを忘れました".into(),
        contact_email: "taro@example.jp".into(),
    };
    let mut last = None;
    for _ in 0..6 {
        last = Some(desk.inquiry(Some(&insurer.base), &inquiry).await);
    }
    let refused = last.unwrap().expect_err("too many in an hour");
    assert_eq!(refused.api_code(), Some(ErrorCode::RateLimited));
    assert!(refused.retry_after().is_some_and(|s| s > 0 && s <= 3600));
    assert_eq!(
        desk.faq(None, "")
            .await
            .expect_err("no insurer named")
            .code()
            .as_str(),
        "no_profile"
    );
    desk.shutdown().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
