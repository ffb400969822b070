//! A profile's database key wrapped with the member's passphrase, for a PC
//! where no OS keychain answers: `profiles/<id>.key`, the only place the
//! key is written, and never in plain form.
//!
//! The wrapping key is derived from the passphrase by argon2id with a
//! random salt ([`KDF`]: 64 MiB, 3 passes, above OWASP's 19 MiB × 2), and
//! wraps the database key with XChaCha20-Poly1305 under a random nonce.
//! The parameters are recorded beside the wrapped key, so that stronger
//! ones can come later without breaking a file; weaker than OWASP's, or
//! large enough to stall the PC, a file is refused as damaged. The
//! profile id is bound in as associated data: a file copied to another
//! profile does not open.

use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use crate::store::DbKey;

/// The key derivation's cost, as written into new files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// The cost new files are written with (RFC 9106's second choice, one lane).
pub const KDF: KdfCost = KdfCost {
    memory_kib: 64 * 1024,
    iterations: 3,
    parallelism: 1,
};

/// OWASP's least: 19 MiB and 2 passes. A file asking less was not ours.
const LEAST: KdfCost = KdfCost {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

// New files are never weaker than what old ones are held to.
const _: () = assert!(KDF.memory_kib >= LEAST.memory_kib && KDF.iterations >= LEAST.iterations);

/// Beyond this, a file would make the PC stall (or run out of memory).
const MOST_MEMORY_KIB: u32 = 1024 * 1024;
const MOST_ITERATIONS: u32 = 32;
const MOST_PARALLELISM: u32 = 16;

const FORMAT: &str = "kenpo-desk-wrapped-key";
const SALT_LEN: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum WrapError {
    /// The passphrase does not open the key.
    #[error("the passphrase does not open this PC's copy")]
    Mismatch,
    /// The file is not a wrapped key of ours, or was changed.
    #[error("the wrapped key is damaged: {0}")]
    Damaged(String),
    #[error("the wrapped key cannot be read or written: {0}")]
    Io(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct KdfRecord {
    algorithm: String,
    version: u32,
    #[serde(flatten)]
    cost: KdfCost,
    salt: String,
}

/// The file's content: nothing in it opens the data without the passphrase.
#[derive(Debug, Serialize, Deserialize)]
struct WrappedFile {
    format: String,
    version: u32,
    kdf: KdfRecord,
    cipher: String,
    nonce: String,
    wrapped: String,
}

fn aad(profile: &str) -> Vec<u8> {
    format!("{FORMAT} v1\n{profile}").into_bytes()
}

fn derive(passphrase: &str, salt: &[u8], cost: KdfCost) -> Result<Key, WrapError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, Some(32))
        .map_err(|e| WrapError::Damaged(e.to_string()))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|e| WrapError::Damaged(e.to_string()))?;
    Ok(*Key::from_slice(&out))
}

/// Wraps `key` for `profile` with `passphrase` at `cost`: the file's text.
/// Slow on purpose (the key derivation): call it off the async workers.
pub fn wrap(key: &DbKey, profile: &str, passphrase: &str, cost: KdfCost) -> String {
    let salt: [u8; SALT_LEN] = rand::random();
    let nonce: [u8; 24] = rand::random();
    let kek = derive(passphrase, &salt, cost).expect("our own cost is valid");
    let wrapped = XChaCha20Poly1305::new(&kek)
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad: &aad(profile),
            },
        )
        .expect("encrypting 32 bytes cannot fail");
    let file = WrappedFile {
        format: FORMAT.to_owned(),
        version: 1,
        kdf: KdfRecord {
            algorithm: "argon2id".to_owned(),
            version: 0x13,
            cost,
            salt: B64.encode(salt),
        },
        cipher: "xchacha20poly1305".to_owned(),
        nonce: B64.encode(nonce),
        wrapped: B64.encode(wrapped),
    };
    serde_json::to_string_pretty(&file).expect("plain data serialises")
}

fn within_bounds(cost: KdfCost) -> bool {
    (LEAST.memory_kib..=MOST_MEMORY_KIB).contains(&cost.memory_kib)
        && (LEAST.iterations..=MOST_ITERATIONS).contains(&cost.iterations)
        && (1..=MOST_PARALLELISM).contains(&cost.parallelism)
}

/// Opens a wrapped key of `profile` with `passphrase`. Slow on purpose.
pub fn unwrap(text: &str, profile: &str, passphrase: &str) -> Result<DbKey, WrapError> {
    let damaged = |why: &str| WrapError::Damaged(why.to_owned());
    let file: WrappedFile = serde_json::from_str(text).map_err(|e| damaged(&e.to_string()))?;
    if file.format != FORMAT || file.version != 1 {
        return Err(damaged("not a wrapped key of this version"));
    }
    if file.kdf.algorithm != "argon2id"
        || file.kdf.version != 0x13
        || file.cipher != "xchacha20poly1305"
    {
        return Err(damaged("an unknown algorithm"));
    }
    if !within_bounds(file.kdf.cost) {
        return Err(damaged("key derivation cost out of bounds"));
    }
    let decode = |b64: &str| B64.decode(b64).map_err(|e| damaged(&e.to_string()));
    let salt = decode(&file.kdf.salt)?;
    let nonce = decode(&file.nonce)?;
    let wrapped = decode(&file.wrapped)?;
    if salt.len() < argon2::MIN_SALT_LEN || nonce.len() != 24 || wrapped.len() != 32 + 16 {
        return Err(damaged("wrong lengths"));
    }
    let kek = derive(passphrase, &salt, file.kdf.cost)?;
    let plain = XChaCha20Poly1305::new(&kek)
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &wrapped,
                aad: &aad(profile),
            },
        )
        // A wrong passphrase and a changed file look alike here, on purpose.
        .map_err(|_| WrapError::Mismatch)?;
    DbKey::from_bytes(&plain).ok_or_else(|| damaged("wrong key length"))
}

/// Reads a wrapped key file; `None` when there is none.
pub fn read(path: &Path) -> Result<Option<String>, WrapError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(WrapError::Io(e.to_string())),
    }
}

/// Writes a wrapped key file whole or not at all: a temporary file,
/// flushed to disk, renamed over, and the folder flushed too.
pub fn write(path: &Path, text: &str) -> Result<(), WrapError> {
    let io = |e: std::io::Error| WrapError::Io(e.to_string());
    let dir = path
        .parent()
        .ok_or_else(|| WrapError::Io("no folder".into()))?;
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = path.with_extension("key.tmp");
    {
        let mut file = std::fs::File::create(&tmp).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)?;
    sync_dir(dir);
    Ok(())
}

/// Removes a wrapped key file (its key is kept elsewhere now).
pub fn remove(path: &Path) -> Result<(), WrapError> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            if let Some(dir) = path.parent() {
                sync_dir(dir);
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(WrapError::Io(e.to_string())),
    }
}

fn sync_dir(dir: &Path) {
    // Folders cannot be opened for flushing on every system; where they
    // can, a rename is on disk once its folder is.
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheaper than [`KDF`] (tests only): OWASP's least.
    const TEST_COST: KdfCost = LEAST;

    #[test]
    fn the_right_passphrase_opens_the_key_and_a_wrong_one_does_not() {
        let key = DbKey::generate();
        let text = wrap(&key, "p1", "春の朝、駅から会社まで歩く", TEST_COST);
        assert_eq!(
            unwrap(&text, "p1", "春の朝、駅から会社まで歩く").unwrap(),
            key
        );
        assert!(matches!(
            unwrap(&text, "p1", "春の朝、駅から会社まで歩いた"),
            Err(WrapError::Mismatch)
        ));
        assert!(
            matches!(
                unwrap(&text, "p2", "春の朝、駅から会社まで歩く"),
                Err(WrapError::Mismatch)
            ),
            "bound to its profile"
        );
    }

    #[test]
    fn the_file_holds_neither_the_key_nor_the_passphrase() {
        let key = DbKey::generate();
        let text = wrap(&key, "p1", "correct horse battery", TEST_COST);
        assert!(!text.contains(&key.to_hex()));
        assert!(!text.contains(&B64.encode(key.bytes())));
        assert!(!text.contains("correct horse"));
        let file: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(file["kdf"]["algorithm"], "argon2id");
        assert_eq!(file["kdf"]["memory_kib"], 19 * 1024);
    }

    #[test]
    fn new_files_are_at_least_as_costly_as_owasp_asks() {
        assert!(within_bounds(KDF));
    }

    #[test]
    fn a_changed_or_hostile_file_is_refused_without_panicking() {
        let key = DbKey::generate();
        let text = wrap(&key, "p1", "correct horse battery", TEST_COST);
        let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (field, value) in [
            ("memory_kib", serde_json::json!(1024)),
            ("memory_kib", serde_json::json!(u32::MAX)),
            ("iterations", serde_json::json!(1_000_000)),
            ("parallelism", serde_json::json!(0)),
        ] {
            let mut hostile = file.clone();
            hostile["kdf"][field] = value;
            let result = unwrap(&hostile.to_string(), "p1", "correct horse battery");
            assert!(
                matches!(result, Err(WrapError::Damaged(_))),
                "{field}: {result:?}"
            );
        }
        file["wrapped"] = serde_json::json!(B64.encode([0u8; 48]));
        assert!(matches!(
            unwrap(&file.to_string(), "p1", "correct horse battery"),
            Err(WrapError::Mismatch)
        ));
        for text in ["", "{}", "null", "[1,2]", "{\"format\":\"x\"}"] {
            assert!(matches!(
                unwrap(text, "p1", "x"),
                Err(WrapError::Damaged(_))
            ));
        }
    }

    #[test]
    fn a_written_file_replaces_the_old_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles").join("p1.key");
        assert_eq!(read(&path).unwrap(), None);
        write(&path, "one").unwrap();
        write(&path, "two").unwrap();
        assert_eq!(read(&path).unwrap().as_deref(), Some("two"));
        assert!(!path.with_extension("key.tmp").exists());
        remove(&path).unwrap();
        remove(&path).unwrap();
        assert_eq!(read(&path).unwrap(), None);
    }
}
