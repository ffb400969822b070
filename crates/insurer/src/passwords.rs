//! Password hashing: argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1),
//! on blocking threads, at most a few at once so that a burst of logins
//! cannot take every core or exhaust memory. Unknown login IDs are checked
//! against a dummy hash, so they cost the same time as a wrong password.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// OWASP's first recommended argon2id configuration.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, Some(32))
        .expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified when the login ID is unknown.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    argon2()
        .hash_password(b"kenpo-desk: no such account")
        .expect("hashing a constant succeeds")
        .to_string()
});

#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Passwords verified so far (the security tests count what got
    /// through the throttles).
    verified: Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError;

impl Hasher {
    /// At most `concurrency` hashes at once (each takes 19 MiB and a core).
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            verified: Arc::default(),
        }
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_owned();
        self.blocking(move || {
            argon2()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|_| HashError)
        })
        .await
    }

    /// True when `password` matches `stored`; with no stored hash, does the
    /// same work against a dummy and answers false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        self.verified
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let password = password.to_owned();
        let stored = stored.map_or_else(|| DUMMY_HASH.clone(), str::to_owned);
        self.blocking(move || {
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return Ok(false);
            };
            Ok(argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await
        .unwrap_or(false)
    }

    /// How many passwords were verified since the start.
    pub fn verified(&self) -> u64 {
        self.verified.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self.permits.acquire().await.map_err(|_| HashError)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|_| HashError)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hasher = Hasher::new(2);
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "OWASP parameters: {hash}"
        );
        assert!(hasher.verify("correct horse battery", Some(&hash)).await);
        assert!(!hasher.verify("wrong", Some(&hash)).await);
        assert!(
            !hasher.verify("anything", None).await,
            "unknown IDs never match"
        );
        assert!(!hasher.verify("anything", Some("not a hash")).await);
    }
}
