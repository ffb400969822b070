//! kenpo-core's `Desk` (the facade the shell calls) and its session and
//! sync, against a real kenpo-insurer on 127.0.0.1:0, with an in-memory
//! keychain (keyring-core's mock store) and a fixed clock: the lock and
//! its PIN count across restarts, nothing passing the lock, profile ids
//! moved from the earlier version, one refresh for concurrent callers, a
//! refused batch that holds nothing back, the background sync, and the
//! way out when the keychain lost a profile's key.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Days, Utc};
use kenpo_core::desk::{Desk, DeskError, DeskOptions};
use kenpo_core::error::Coded;
use kenpo_core::keychain::Keychain;
use kenpo_core::scheduler::{DeskEvent, EventSink, Plan, SyncState};
use kenpo_core::session::Session;
use kenpo_core::store::{DbKey, LocalStore};
use kenpo_core::sync::{SyncOptions, sync_once};
use kenpo_domain::api::{RecordValue, Secret};
use kenpo_domain::entry::{EntryValue, RecordKind, Steps};
use kenpo_domain::time::{Clock, FixedClock};
use serde_json::{Value, json};

mod common;

use common::{Insurer, PASSWORD, desk_today};

#[derive(Default)]
struct Collected(Mutex<Vec<DeskEvent>>);

impl EventSink for Collected {
    fn emit(&self, event: DeskEvent) {
        self.0.lock().unwrap().push(event);
    }
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(Utc::now()))
}

async fn desk_on(data: &Path, keychain: &Keychain, events: Arc<dyn EventSink>, plan: Plan) -> Desk {
    Desk::open(DeskOptions {
        data_dir: data.to_owned(),
        keychain: Ok(keychain.clone()),
        clock: clock(),
        events,
        plan,
    })
    .await
}

async fn desk(data: &Path, keychain: &Keychain) -> Desk {
    desk_on(
        data,
        keychain,
        Arc::new(Collected::default()),
        Plan::default(),
    )
    .await
}

fn secret(text: &str) -> Secret {
    Secret::new(text.to_owned())
}

fn code(result: Result<impl std::fmt::Debug, DeskError>) -> String {
    result.expect_err("refused").code().to_string()
}

#[tokio::test]
async fn wrong_pins_are_counted_across_restarts_and_reopening() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let first = desk(data.path(), &keychain).await;
    let id = first
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap()
        .profile
        .id;
    first.set_pin(Some("2468")).await.unwrap();
    assert!(first.lock());
    for _ in 0..2 {
        assert_eq!(code(first.unlock("0000").await), "pin_mismatch");
    }
    first.shutdown().await;
    drop(first);

    // A relaunch: the same folder, the same keychain, a new Desk.
    let second = desk(data.path(), &keychain).await;
    second.open_profile(&id).await.unwrap();
    assert!(second.is_locked(), "a profile with a PIN opens locked");
    for _ in 0..2 {
        assert_eq!(code(second.unlock("1111").await), "pin_mismatch");
    }
    assert_eq!(
        code(second.unlock("2222").await),
        "pin_attempts_exceeded",
        "the fifth wrong PIN in all, not the fifth since the relaunch"
    );
    assert!(second.active_profile().is_none(), "the session ended");
    assert_eq!(
        code(second.open_profile(&id).await),
        "pin_attempts_exceeded",
        "reopening gives no new tries"
    );
    second.shutdown().await;
    let third = desk(data.path(), &keychain).await;
    assert_eq!(code(third.open_profile(&id).await), "pin_attempts_exceeded");
    // The password opens it, and the count starts again.
    third
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    assert!(!third.is_locked());
    assert!(third.lock());
    third.unlock("2468").await.unwrap();
    third.shutdown().await;
}

#[tokio::test]
async fn nothing_passes_the_lock() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let desk = desk(data.path(), &keychain).await;
    let id = desk
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap()
        .profile
        .id;
    desk.set_pin(Some("2468")).await.unwrap();
    assert!(desk.lock());
    let today = desk_today();
    assert_eq!(
        code(
            desk.login(&insurer.base, "U100001", &secret(PASSWORD))
                .await
        ),
        "locked",
        "a login does not unlock"
    );
    assert_eq!(
        code(desk.login(&insurer.base, "U100002", &secret("x")).await),
        "locked"
    );
    assert_eq!(code(desk.open_profile(&id).await), "locked", "no switch");
    assert_eq!(code(desk.logout().await), "locked");
    assert_eq!(code(desk.set_pin(None).await), "locked");
    assert_eq!(code(desk.day(today).await), "locked");
    assert_eq!(
        code(
            desk.save(today, RecordKind::Steps, RecordValue::Number(10.0), None)
                .await
        ),
        "locked"
    );
    assert_eq!(code(desk.sync().await), "locked");
    assert_eq!(code(desk.points().await), "locked");
    assert!(desk.is_locked());
    desk.unlock("2468").await.unwrap();
    assert!(desk.day(today).await.is_ok());
    desk.shutdown().await;
}

#[tokio::test]
async fn profiles_of_the_earlier_version_move_to_their_stable_id_with_their_data() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let desk1 = desk(data.path(), &keychain).await;
    let stable = desk1
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap()
        .profile
        .id;
    let today = desk_today();
    desk1
        .save(today, RecordKind::Steps, RecordValue::Number(4321.0), None)
        .await
        .unwrap();
    desk1.shutdown().await;
    drop(desk1);

    // Make it look as the earlier version left it: a DefaultHasher id
    // naming the file and the keychain entries, and no member id listed.
    let legacy = "m1-0123456789abcdef";
    let profiles = data.path().join("profiles");
    for suffix in ["", "-wal", "-shm"] {
        let from = profiles.join(format!("{stable}.db{suffix}"));
        if from.exists() {
            std::fs::rename(&from, profiles.join(format!("{legacy}.db{suffix}"))).unwrap();
        }
    }
    keychain.move_profile(&stable, legacy).await.unwrap();
    let list_path = data.path().join("profiles.json");
    let mut list: Value =
        serde_json::from_str(&std::fs::read_to_string(&list_path).unwrap()).unwrap();
    list["profiles"][0]["id"] = json!(legacy);
    list["profiles"][0]
        .as_object_mut()
        .unwrap()
        .remove("member_id");
    list["last"] = json!(legacy);
    std::fs::write(&list_path, list.to_string()).unwrap();

    let desk2 = desk(data.path(), &keychain).await;
    let (listed, last) = desk2.profiles().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, stable, "moved to the stable id");
    assert_eq!(last.as_deref(), Some(stable.as_str()));
    assert!(profiles.join(format!("{stable}.db")).exists());
    assert!(!profiles.join(format!("{legacy}.db")).exists());
    assert!(
        desk2.open_profile(&stable).await.unwrap(),
        "the session's tokens moved with it"
    );
    let day = desk2.day(today).await.unwrap();
    assert_eq!(day.steps, Some(4321), "nothing lost");
    assert_eq!(
        keychain.get(&format!("{legacy}/db-key")).await.unwrap(),
        None
    );
    desk2.shutdown().await;
}

#[tokio::test]
async fn concurrent_calls_after_expiry_make_one_refresh_and_all_succeed() {
    let insurer = Insurer::start().await;
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let client = kenpo_core::client::InsurerClient::new(&insurer.base).unwrap();
    let (session, _) = Session::login(
        client.clone(),
        keychain.clone(),
        "p1",
        "U100001",
        &secret(PASSWORD),
    )
    .await
    .unwrap();
    let refresh_before = keychain.get("p1/refresh").await.unwrap();
    // The access token lives 15 minutes.
    insurer.server.state.clock.advance(16 * 60).await.unwrap();
    let calls = (0..8).map(|_| {
        session.authorized(|access| {
            let client = client.clone();
            async move { client.points(&access).await }
        })
    });
    // Polled together on this task: they race for the token lock.
    let answers = futures_util::future::join_all(calls).await;
    for answer in &answers {
        assert!(answer.is_ok(), "every caller gets its answer: {answer:?}");
    }
    // The session is still alive (a refresh token used twice would have ended it).
    let again = session
        .authorized(|access| {
            let client = client.clone();
            async move { client.points(&access).await }
        })
        .await;
    assert!(again.is_ok(), "{again:?}");
    assert_ne!(
        keychain.get("p1/refresh").await.unwrap(),
        refresh_before,
        "the new pair was kept"
    );
}

#[tokio::test]
async fn a_batch_refused_as_a_whole_is_set_aside_and_later_edits_still_go_up() {
    let insurer = Insurer::start().await;
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let client = kenpo_core::client::InsurerClient::new(&insurer.base).unwrap();
    let (session, _) = Session::login(client, keychain, "p1", "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(&dir.path().join("p1.db"), &DbKey::generate())
        .await
        .unwrap();
    let clock = FixedClock::new(Utc::now());
    let today = clock.today();
    let at = clock
        .now()
        .with_timezone(&kenpo_domain::time::JST)
        .fixed_offset();
    // 1,001 days of steps: one more than the insurer takes in a batch.
    for back in 1..=1001u64 {
        store
            .save(
                today.checked_sub_days(Days::new(back)).unwrap(),
                EntryValue::Steps(Steps::new(1000).unwrap()),
                at,
            )
            .await
            .unwrap();
    }
    let options = SyncOptions {
        batch: 1001,
        page: 500,
    };
    let frozen = store.next_batch(options.batch).await.unwrap().unwrap();
    assert_eq!(frozen.records.len(), 1001);
    // The member's edit of today, after that batch.
    store
        .save(today, EntryValue::Steps(Steps::new(9000).unwrap()), at)
        .await
        .unwrap();
    let report = sync_once(&store, &session, options, &clock).await.unwrap();
    assert_eq!(report.set_aside, 1001);
    assert_eq!(report.pushed, 1, "today's edit went up");
    assert_eq!(store.pending().await.unwrap(), 0);
    assert_eq!(store.refused().await.unwrap(), 1001);
    let server: Vec<_> = insurer.records().await;
    assert_eq!(server.len(), 1);
    assert_eq!(server[0]["value"], json!(9000.0));
    // And the next sync has nothing stuck.
    let next = sync_once(&store, &session, options, &clock).await.unwrap();
    assert_eq!((next.pushed, next.set_aside), (0, 0));
}

#[tokio::test]
async fn the_core_syncs_a_save_by_itself_and_tells_the_shell() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let events = Arc::new(Collected::default());
    let plan = Plan {
        after_save: Duration::from_millis(100),
        ..Plan::default()
    };
    let desk = desk_on(data.path(), &keychain, events.clone(), plan).await;
    desk.login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    let today = desk_today();
    desk.save(today, RecordKind::Steps, RecordValue::Number(7777.0), None)
        .await
        .unwrap();
    // Nobody calls sync: the background engine does.
    let mut on_server = Vec::new();
    for _ in 0..100 {
        on_server = insurer.records().await;
        if !on_server.is_empty() && desk.sync_status().unwrap().state == SyncState::Synced {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(on_server.len(), 1, "the save reached the insurer");
    assert_eq!(desk.sync_status().unwrap().state, SyncState::Synced);
    let told = events.0.lock().unwrap().clone();
    assert!(
        told.iter()
            .any(|e| matches!(e, DeskEvent::SyncStatus(s) if s.state == SyncState::SavedLocally)),
        "the save was told at once: {told:?}"
    );
    assert!(
        told.iter()
            .any(|e| matches!(e, DeskEvent::SyncStatus(s) if s.state == SyncState::Synced))
    );
    assert!(
        told.contains(&DeskEvent::PointsChanged),
        "the points for the steps came down: {told:?}"
    );
    desk.shutdown().await;
}

#[tokio::test]
async fn a_copy_whose_key_was_lost_is_set_aside_and_filled_again_from_the_insurer() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let desk1 = desk(data.path(), &keychain).await;
    let id = desk1
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap()
        .profile
        .id;
    let today = desk_today();
    desk1
        .save(today, RecordKind::Steps, RecordValue::Number(5555.0), None)
        .await
        .unwrap();
    desk1.sync().await.unwrap();
    desk1.shutdown().await;
    drop(desk1);

    keychain.delete(&format!("{id}/db-key")).await.unwrap();
    let desk2 = desk(data.path(), &keychain).await;
    assert_eq!(
        code(desk2.open_profile(&id).await),
        "local_key_lost",
        "no new key is made for a file it could not open"
    );
    desk2.set_aside_local(&id).await.unwrap();
    let aside: Vec<_> = std::fs::read_dir(data.path().join("profiles").join("set-aside"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        aside
            .iter()
            .any(|f| f.starts_with(&id) && f.ends_with(".db")),
        "{aside:?}"
    );
    assert!(desk2.open_profile(&id).await.unwrap());
    desk2.sync().await.unwrap();
    assert_eq!(
        desk2.day(today).await.unwrap().steps,
        Some(5555),
        "the data came back from the insurer"
    );
    desk2.shutdown().await;
}

#[tokio::test]
async fn notices_come_with_the_sync_and_stay_read_across_a_restart() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let first = kenpo_insurer::admin::post_notice(&insurer.server.state, "健診のご案内", "本文1")
        .await
        .unwrap();
    let second =
        kenpo_insurer::admin::post_notice(&insurer.server.state, "ポイント交換のお知らせ", "本文2")
            .await
            .unwrap();
    {
        let desk = desk(data.path(), &keychain).await;
        desk.login(&insurer.base, "U100001", &secret(PASSWORD))
            .await
            .unwrap();
        desk.sync().await.unwrap();
        let view = desk.notices().await.unwrap();
        let ids: Vec<i64> = view.notices.iter().map(|n| n.notice.id).collect();
        assert_eq!(ids, vec![second, first], "newest first");
        assert_eq!(view.unread, 2);
        // Opened twice at once: read once, both answers agree.
        let (a, b) = tokio::join!(desk.notice_read(first), desk.notice_read(first));
        assert_eq!(a.unwrap().unread, 1);
        assert_eq!(b.unwrap().unread, 1);
        desk.shutdown().await;
    }
    let desk = desk(data.path(), &keychain).await;
    let (profiles, _) = desk.profiles().unwrap();
    desk.open_profile(&profiles[0].id).await.unwrap();
    let view = desk.notices().await.unwrap();
    assert_eq!(view.unread, 1);
    assert!(view.notices.iter().any(|n| n.notice.id == first && n.read));
    assert!(
        view.notices
            .iter()
            .any(|n| n.notice.id == second && !n.read)
    );
    desk.shutdown().await;
}
