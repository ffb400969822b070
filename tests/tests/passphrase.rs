//! kenpo-core's `Desk` on a PC where no keychain answers, against a real
//! kenpo-insurer on 127.0.0.1:0: the copy's key wrapped with the member's
//! passphrase and the session in memory; wrong passphrases counted on
//! disk and slowed; a keychain arriving later taking the key; a copy whose
//! key is in a keychain that does not answer now not taken for lost.

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use kenpo_core::desk::{Desk, DeskError, DeskOptions};
use kenpo_core::error::Coded;
use kenpo_core::keychain::{Keychain, KeychainError};
use kenpo_core::scheduler::{NoEvents, Plan};
use kenpo_core::views::PassphraseStep;
use kenpo_domain::api::{RecordValue, Secret};
use kenpo_domain::entry::RecordKind;
use kenpo_domain::time::FixedClock;

mod common;

use common::{Insurer, PASSWORD, contains, desk_today, every_file};

const PHRASE: &str = "春の朝、駅から会社まで歩く";

fn no_keychain() -> Result<Keychain, KeychainError> {
    Err(KeychainError::Unavailable(
        "Platform failure: zbus error: Failed to connect".into(),
    ))
}

async fn desk_at(
    data: &Path,
    keychain: Result<Keychain, KeychainError>,
    clock: FixedClock,
) -> Desk {
    Desk::open(DeskOptions {
        data_dir: data.to_owned(),
        keychain,
        clock: Arc::new(clock),
        events: Arc::new(NoEvents),
        plan: Plan::default(),
    })
    .await
}

async fn desk(data: &Path, keychain: Result<Keychain, KeychainError>) -> Desk {
    desk_at(data, keychain, FixedClock::new(Utc::now())).await
}

fn secret(text: &str) -> Secret {
    Secret::new(text.to_owned())
}

fn code(result: Result<impl std::fmt::Debug, DeskError>) -> String {
    result.expect_err("refused").code().to_string()
}

/// Logs in on a desk with no keychain and chooses [`PHRASE`]: the
/// profile's id.
async fn first_copy(desk: &Desk, insurer: &Insurer) -> String {
    let answer = desk
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    assert_eq!(answer.passphrase, Some(PassphraseStep::Choose));
    let id = answer.profile.id;
    assert!(desk.passphrase_choose(&id, &secret(PHRASE)).await.unwrap());
    id
}

/// [`first_copy`] on a desk of its own, closed again.
async fn first_copy_closed(data: &Path, insurer: &Insurer) -> String {
    let desk = desk(data, no_keychain()).await;
    let id = first_copy(&desk, insurer).await;
    desk.shutdown().await;
    id
}

#[tokio::test]
async fn without_a_keychain_the_copy_opens_with_its_passphrase_and_the_member_logs_in_each_start() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let first = desk(data.path(), no_keychain()).await;
    assert!(first.keychain_status().is_err());
    let answer = first
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    assert_eq!(answer.passphrase, Some(PassphraseStep::Choose));
    assert!(
        first.active_profile().is_none(),
        "nothing opens before the passphrase"
    );
    let id = answer.profile.id;
    for (phrase, refused) in [
        ("short", "passphrase_too_short"),
        ("my U100001 long walk", "passphrase_contains_login_id"),
        ("password1234", "passphrase_common"),
        ("two\tlines and more", "passphrase_characters"),
    ] {
        assert_eq!(
            code(first.passphrase_choose(&id, &secret(phrase)).await),
            refused
        );
    }
    assert!(
        !data
            .path()
            .join("profiles")
            .join(format!("{id}.key"))
            .exists(),
        "a refused passphrase writes nothing"
    );
    assert!(
        first.passphrase_choose(&id, &secret(PHRASE)).await.unwrap(),
        "the login's session waited for the passphrase"
    );
    assert_eq!(
        code(
            first
                .passphrase_choose(&id, &secret("another phrase of mine"))
                .await
        ),
        "passphrase_not_needed",
        "a copy keeps the key it has"
    );
    let today = desk_today();
    first
        .save(today, RecordKind::Steps, RecordValue::Number(4321.0), None)
        .await
        .unwrap();
    first.sync().await.unwrap();
    first.shutdown().await;
    drop(first);

    let wrapped: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data.path().join("profiles").join(format!("{id}.key"))).unwrap(),
    )
    .unwrap();
    assert_eq!(wrapped["kdf"]["algorithm"], "argon2id");
    assert!(wrapped["kdf"]["memory_kib"].as_u64().unwrap() >= 19 * 1024);
    for (path, bytes) in every_file(data.path()) {
        assert!(
            !contains(&bytes, PHRASE.as_bytes()),
            "{path} holds the passphrase"
        );
        assert!(
            !contains(&bytes, b"SQLite format 3"),
            "{path} is a plain database"
        );
        assert!(
            !contains(&bytes, b"U100001") || path.ends_with("profiles.json"),
            "{path}"
        );
    }

    // A relaunch: no session (it was in memory), the copy waits for the passphrase.
    let second = desk(data.path(), no_keychain()).await;
    assert_eq!(code(second.open_profile(&id).await), "passphrase_required");
    let wrong = second
        .passphrase_enter(&id, &secret("春の朝、駅から会社まで走る"))
        .await;
    assert!(
        matches!(wrong, Err(DeskError::PassphraseMismatch { wait_secs: 0 })),
        "a typo costs no wait: {wrong:?}"
    );
    assert!(second.active_profile().is_none());
    assert!(
        !second.passphrase_enter(&id, &secret(PHRASE)).await.unwrap(),
        "the copy opens, the session does not: the member logs in"
    );
    assert_eq!(second.day(today).await.unwrap().steps, Some(4321));
    let again = second
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    assert_eq!(again.passphrase, None, "entered once per run");
    second.sync().await.unwrap();
    second.shutdown().await;
}

#[tokio::test]
async fn wrong_passphrases_are_counted_on_disk_and_then_slowed() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let id = first_copy_closed(data.path(), &insurer).await;
    let now = Utc::now();
    let desk1 = desk_at(data.path(), no_keychain(), FixedClock::new(now)).await;
    for _ in 0..3 {
        assert!(matches!(
            desk1
                .passphrase_enter(&id, &secret("not my phrase at all"))
                .await,
            Err(DeskError::PassphraseMismatch { wait_secs: 0 })
        ));
    }
    assert!(matches!(
        desk1
            .passphrase_enter(&id, &secret("not my phrase at all"))
            .await,
        Err(DeskError::PassphraseMismatch { wait_secs: 30 })
    ));
    assert!(
        matches!(
            desk1.passphrase_enter(&id, &secret(PHRASE)).await,
            Err(DeskError::PassphraseWait { wait_secs: 30 })
        ),
        "not even the right one is tried during the wait"
    );
    desk1.shutdown().await;
    drop(desk1);

    let later = FixedClock::new(now + Duration::seconds(20));
    let desk2 = desk_at(data.path(), no_keychain(), later).await;
    assert!(
        matches!(
            desk2.passphrase_enter(&id, &secret(PHRASE)).await,
            Err(DeskError::PassphraseWait { wait_secs: 10 })
        ),
        "a relaunch gives no new tries"
    );
    desk2.shutdown().await;
    let after = FixedClock::new(now + Duration::seconds(31));
    let desk3 = desk_at(data.path(), no_keychain(), after).await;
    assert!(!desk3.passphrase_enter(&id, &secret(PHRASE)).await.unwrap());
    desk3.shutdown().await;
    let desk4 = desk_at(
        data.path(),
        no_keychain(),
        FixedClock::new(now + Duration::seconds(32)),
    )
    .await;
    assert!(
        matches!(
            desk4
                .passphrase_enter(&id, &secret("not my phrase at all"))
                .await,
            Err(DeskError::PassphraseMismatch { wait_secs: 0 })
        ),
        "the right one starts the count again"
    );
    desk4.shutdown().await;
}

#[tokio::test]
async fn a_keychain_arriving_later_takes_the_key_and_the_wrapped_file_goes() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let first = desk(data.path(), no_keychain()).await;
    let id = first_copy(&first, &insurer).await;
    let today = desk_today();
    first
        .save(today, RecordKind::Steps, RecordValue::Number(6789.0), None)
        .await
        .unwrap();
    first.shutdown().await;
    drop(first);
    let wrapped = data.path().join("profiles").join(format!("{id}.key"));
    assert!(wrapped.exists());

    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let second = desk(data.path(), Ok(keychain.clone())).await;
    assert!(second.keychain_status().is_ok());
    let answer = second
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        answer.passphrase,
        Some(PassphraseStep::Enter),
        "the passphrase is asked once more, to move the key"
    );
    assert!(second.passphrase_enter(&id, &secret(PHRASE)).await.unwrap());
    assert!(!wrapped.exists(), "the wrapped copy is gone");
    assert!(keychain.existing_db_key(&id).await.unwrap().is_some());
    second.shutdown().await;
    drop(second);

    let third = desk(data.path(), Ok(keychain.clone())).await;
    assert!(
        third.open_profile(&id).await.unwrap(),
        "no passphrase now: key and session are in the keychain"
    );
    assert_eq!(third.day(today).await.unwrap().steps, Some(6789));
    third.shutdown().await;
}

#[tokio::test]
async fn a_copy_whose_key_is_in_a_keychain_that_does_not_answer_is_not_taken_for_lost() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let first = desk(data.path(), Ok(keychain.clone())).await;
    let id = first
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap()
        .profile
        .id;
    first.shutdown().await;
    drop(first);

    let second = desk(data.path(), no_keychain()).await;
    assert_eq!(
        code(second.open_profile(&id).await),
        "local_key_in_keychain"
    );
    assert_eq!(
        code(second.passphrase_choose(&id, &secret(PHRASE)).await),
        "local_key_in_keychain",
        "no second key for a copy that has one"
    );
    second.shutdown().await;
    drop(second);
    let third = desk(data.path(), Ok(keychain)).await;
    assert!(
        third.open_profile(&id).await.unwrap(),
        "the keychain is back: the copy opens as before"
    );
    third.shutdown().await;
}

#[tokio::test]
async fn a_damaged_wrapped_key_is_said_so_and_the_copy_can_be_set_aside() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let id = first_copy_closed(data.path(), &insurer).await;
    let wrapped = data.path().join("profiles").join(format!("{id}.key"));
    std::fs::write(&wrapped, b"{\"format\":\"kenpo-desk-wrapped-key\"").unwrap();
    let desk2 = desk(data.path(), no_keychain()).await;
    assert_eq!(
        code(desk2.passphrase_enter(&id, &secret(PHRASE)).await),
        "wrapped_key_damaged"
    );
    desk2.set_aside_local(&id).await.unwrap();
    let aside: Vec<_> = std::fs::read_dir(data.path().join("profiles").join("set-aside"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(aside.iter().any(|f| f.ends_with(".key")), "{aside:?}");
    assert!(aside.iter().any(|f| f.ends_with(".db")), "{aside:?}");
    assert_eq!(code(desk2.open_profile(&id).await), "passphrase_not_set");
    assert!(
        !desk2
            .passphrase_choose(&id, &secret("a new phrase for a new copy"))
            .await
            .unwrap()
    );
    desk2.shutdown().await;
}

#[tokio::test]
async fn two_choices_at_once_leave_one_key_that_opens_the_copy() {
    let insurer = Insurer::start().await;
    let data = tempfile::tempdir().unwrap();
    let first = desk(data.path(), no_keychain()).await;
    let id = first
        .login(&insurer.base, "U100001", &secret(PASSWORD))
        .await
        .unwrap()
        .profile
        .id;
    let (a, b) = (secret(PHRASE), secret("another phrase of mine"));
    let (one, two) = tokio::join!(
        first.passphrase_choose(&id, &a),
        first.passphrase_choose(&id, &b),
    );
    let (chosen, other) = match (&one, &two) {
        (Ok(_), Err(err)) => (PHRASE, err),
        (Err(err), Ok(_)) => ("another phrase of mine", err),
        _ => panic!("exactly one choice is taken: {one:?} {two:?}"),
    };
    assert_eq!(other.code().to_string(), "passphrase_not_needed");
    first
        .save(
            desk_today(),
            RecordKind::Steps,
            RecordValue::Number(1234.0),
            None,
        )
        .await
        .unwrap();
    first.shutdown().await;
    drop(first);
    let second = desk(data.path(), no_keychain()).await;
    second.passphrase_enter(&id, &secret(chosen)).await.unwrap();
    assert_eq!(second.day(desk_today()).await.unwrap().steps, Some(1234));
    second.shutdown().await;
}
