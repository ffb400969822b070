//! Random secrets and how they are kept: tokens of ≥128 random bits,
//! handed out once and stored only as SHA-256 hashes (they are random, so
//! a fast hash is enough). The 8-digit auth key is stored as a hash bound
//! to its confirmation token: its 10⁸ values could be tried against a
//! stolen database, but the key is worthless without the token it must be
//! sent with, and the token itself is never stored.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A new URL-safe token with 192 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How a token is stored and looked up.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new 8-digit auth key (認証キー), uniformly from 00000000 to 99999999.
pub fn new_auth_key() -> String {
    use rand::Rng;
    format!("{:08}", rand::rng().random_range(0..100_000_000u32))
}

/// The stored form of an auth key, bound to the token it belongs to.
pub fn auth_key_hash(token_hash: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token_hash.as_bytes());
    hasher.update(b":");
    hasher.update(key.as_bytes());
    hex::encode(hasher.finalize())
}

/// Compares two stored hashes in constant time.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32, "24 bytes of randomness in base64");
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn auth_keys_are_eight_digits() {
        for _ in 0..1000 {
            let key = new_auth_key();
            assert_eq!(key.len(), 8);
            assert!(key.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn auth_key_hash_depends_on_the_token() {
        assert_ne!(
            auth_key_hash("a", "12345678"),
            auth_key_hash("b", "12345678")
        );
        assert!(same(&auth_key_hash("a", "1"), &auth_key_hash("a", "1")));
        assert!(!same(&auth_key_hash("a", "1"), &auth_key_hash("a", "2")));
    }
}
