//! The database key never reaches a log line, at any level: everything the
//! core and its libraries (sqlx, keyring-core) log at TRACE is captured
//! while a profile's key is made, its database created, written and opened
//! again, and the key's hex is looked for in all of it.

use std::io::Write;
use std::sync::{Arc, Mutex};

use kenpo_core::keychain::Keychain;
use kenpo_core::store::LocalStore;
use kenpo_domain::entry::{EntryValue, Steps};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_key_in_any_log_at_trace() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    tracing::trace!(canary = "log-capture-works", "the capture sees TRACE");

    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let (key, created) = keychain.db_key("p1").await.unwrap();
    assert!(created);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p1.db");
    let store = LocalStore::open(&path, &key).await.unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-02T09:00:00+09:00").unwrap();
    store
        .save(
            now.date_naive(),
            EntryValue::Steps(Steps::new(8000).unwrap()),
            now,
        )
        .await
        .unwrap();
    store.close().await;
    let again = LocalStore::open(
        &path,
        &keychain.existing_db_key("p1").await.unwrap().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(again.pending().await.unwrap(), 1);
    again.close().await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("log-capture-works"),
        "the capture works:\n{text}"
    );
    let hex = key.to_hex();
    assert!(
        !text.to_ascii_lowercase().contains(&hex[..16]),
        "the database key appears in the log:\n{text}"
    );
}
