//! Logins per second, against argon2id verifying the same hash with the
//! same parameters on the same cores, with nothing else around it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use kenpo_insurer::passwords;
use serde_json::json;

use super::fixture::{Member, PASSWORD};

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(
        passwords::MEMORY_KIB,
        passwords::ITERATIONS,
        passwords::PARALLELISM,
        Some(32),
    )
    .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Verifications per second, one thread per core, for `seconds`.
pub fn raw_argon2_per_s(seconds: f64) -> anyhow::Result<f64> {
    let hash = argon2()?
        .hash_password(PASSWORD.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let (done, hash) = (done.clone(), hash.clone());
            std::thread::spawn(move || -> anyhow::Result<()> {
                let argon2 = argon2()?;
                let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("{e}"))?;
                while Instant::now() < deadline {
                    if argon2
                        .verify_password(PASSWORD.as_bytes(), &parsed)
                        .is_err()
                    {
                        bail!("the password does not verify");
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    for thread in threads {
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("a hashing thread panicked"))??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// Successful logins per second through `POST /api/v1/sessions`, each
/// member logging in again as soon as answered (one try in flight per
/// account, as the throttle expects of a person).
pub async fn logins_per_s(base: &str, members: &[Member], seconds: f64) -> anyhow::Result<f64> {
    let client = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let workers: Vec<_> = members
        .iter()
        .map(|member| {
            let (client, done) = (client.clone(), done.clone());
            let url = format!("{base}/sessions");
            let body = json!({"login_id": member.login_id, "password": PASSWORD});
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let res = client.post(&url).json(&body).send().await?;
                    let status = res.status();
                    let _ = res.bytes().await?;
                    if status != 201 && status != 200 {
                        bail!("a login answered {status}");
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}
