//! The member profiles on this PC: `profiles.json` in the app-data folder.
//!
//! A profile is one member at one insurer: its own encrypted database
//! (`profiles/<id>.db`), its own keychain entries (database key, tokens).
//! The list holds nothing secret or health-related (the insurer's address,
//! the login ID, the nickname, an app-lock PIN hash and its failure count),
//! so the profile chooser and the lock screen work before anything is
//! decrypted. Wrong PINs are counted here, so that quitting the app gives
//! nobody new tries.
//!
//! A profile's id names its file and keychain entries, so it must never
//! change: [`profile_id`] is SHA-256 of the normalised server address and
//! the member id. Profiles made by earlier versions (named with std's
//! `DefaultHasher`, which is not stable across Rust releases) are moved to
//! their stable id by [`ProfileBook::migrate`], file and keychain entries
//! with them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::keychain::{Keychain, KeychainError};

/// One member at one insurer, as listed on this PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Profile {
    pub id: String,
    /// The insurer's server, e.g. `https://kenpo.example.jp`.
    pub server: String,
    pub insurer_name: String,
    pub login_id: String,
    pub nickname: Option<String>,
    /// The insurer's id of the member (absent in lists of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub member_id: Option<i64>,
    /// The insurer wants the initial password changed before anything else;
    /// kept so that it holds across a restart.
    #[serde(default)]
    pub password_change_required: bool,
    /// An argon2id hash of the app-lock PIN, when the member set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub pin_hash: Option<String>,
    /// PIN attempts that did not unlock, counted before each check.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub pin_failures: u32,
    /// The insurer's entry window in days, as it said at the last login,
    /// so that a profile opens without asking the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub entry_window_days: Option<u16>,
    /// Passphrase attempts that did not open the copy, counted before
    /// each check (where no keychain answers).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub passphrase_failures: u32,
    /// When the last of them was made (Unix seconds): the next waits from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub passphrase_failed_at: Option<i64>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ProfileList {
    pub(crate) profiles: Vec<Profile>,
    /// The profile in use when the app last closed.
    pub(crate) last: Option<String>,
}

impl ProfileList {
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Profile> {
        self.profiles.iter_mut().find(|p| p.id == id)
    }
}

/// The address as it names a profile: what `url` makes of it (scheme and
/// host in lower case, no default port), without a trailing `/`, query or
/// fragment. An address that is not a URL is taken as written.
pub fn normalised_server(server: &str) -> String {
    match url::Url::parse(server.trim()) {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            url.as_str().trim_end_matches('/').to_owned()
        }
        Err(_) => server.trim().trim_end_matches('/').to_owned(),
    }
}

/// A profile's stable id: `p` and the first 32 hex digits of
/// SHA-256(`<normalised server>` `\n` `<member id in decimal>`).
///
/// ```
/// use kenpo_core::profiles::profile_id;
/// assert_eq!(profile_id("http://127.0.0.1:8787/", 1), "p9b89d041171369a3414941653b2db39e");
/// ```
pub fn profile_id(server: &str, member_id: i64) -> String {
    let digest = Sha256::digest(format!("{}\n{member_id}", normalised_server(server)));
    format!("p{}", &hex::encode(digest)[..32])
}

/// The member id inside an id of an earlier version (`m<member>-<16 hex>`).
fn legacy_member(id: &str) -> Option<i64> {
    let (member, hash) = id.strip_prefix('m')?.split_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| member.parse().ok())
        .flatten()
}

#[derive(Debug, thiserror::Error)]
#[error("the profile list cannot be read or written: {0}")]
pub struct ProfilesIo(pub String);

/// `profiles.json`, read and written whole, one change at a time.
#[derive(Debug)]
pub struct ProfileBook {
    dir: PathBuf,
    lock: Mutex<()>,
}

impl ProfileBook {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.to_owned(),
            lock: Mutex::new(()),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("profiles.json")
    }

    /// Where a profile's database lives.
    pub fn db_path(&self, id: &str) -> PathBuf {
        self.dir.join("profiles").join(format!("{id}.db"))
    }

    /// Where a profile's passphrase-wrapped database key lives, when no
    /// keychain holds it ([`crate::keywrap`]).
    pub fn key_path(&self, id: &str) -> PathBuf {
        self.dir.join("profiles").join(format!("{id}.key"))
    }

    /// A profile's files: the database with its journal, and the wrapped key.
    fn files(&self, id: &str) -> Vec<(PathBuf, &'static str)> {
        let db = self.db_path(id);
        let mut files: Vec<_> = ["", "-wal", "-shm"]
            .into_iter()
            .map(|suffix| (PathBuf::from(format!("{}{suffix}", db.display())), suffix))
            .collect();
        files.push((self.key_path(id), ".key"));
        files
    }

    fn read_unlocked(&self) -> Result<ProfileList, ProfilesIo> {
        match std::fs::read_to_string(self.path()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| ProfilesIo(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfileList::default()),
            Err(e) => Err(ProfilesIo(e.to_string())),
        }
    }

    fn write_unlocked(&self, list: &ProfileList) -> Result<(), ProfilesIo> {
        let io = |e: std::io::Error| ProfilesIo(e.to_string());
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let tmp = self.dir.join("profiles.json.tmp");
        let text = serde_json::to_string_pretty(list).map_err(|e| ProfilesIo(e.to_string()))?;
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&tmp).map_err(io)?;
            file.write_all(text.as_bytes()).map_err(io)?;
            // A PIN failure must be on disk before the PIN is checked.
            file.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, self.path()).map_err(io)
    }

    /// The list as it is now.
    pub(crate) fn read(&self) -> Result<ProfileList, ProfilesIo> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.read_unlocked()
    }

    /// Reads, changes and writes the list, with no other change between.
    pub(crate) fn update<T>(
        &self,
        change: impl FnOnce(&mut ProfileList) -> T,
    ) -> Result<T, ProfilesIo> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut list = self.read_unlocked()?;
        let out = change(&mut list);
        self.write_unlocked(&list)?;
        Ok(out)
    }

    /// One profile, if it is on this PC.
    pub fn get(&self, id: &str) -> Result<Option<Profile>, ProfilesIo> {
        Ok(self.read()?.profiles.into_iter().find(|p| p.id == id))
    }

    /// Counts one more PIN attempt of `id`, on disk, before it is checked;
    /// the count after it.
    pub fn count_pin_attempt(&self, id: &str) -> Result<u32, ProfilesIo> {
        self.update(|list| {
            list.get_mut(id).map_or(0, |p| {
                p.pin_failures = p.pin_failures.saturating_add(1);
                p.pin_failures
            })
        })
    }

    pub fn reset_pin_failures(&self, id: &str) -> Result<(), ProfilesIo> {
        self.update(|list| {
            if let Some(p) = list.get_mut(id) {
                p.pin_failures = 0;
            }
        })
    }

    pub fn set_password_change_required(&self, id: &str, due: bool) -> Result<(), ProfilesIo> {
        self.update(|list| {
            if let Some(p) = list.get_mut(id) {
                p.password_change_required = due;
            }
        })
    }

    /// Moves profiles named by an earlier version to their stable id: the
    /// keychain entries first (each read back), then the database files,
    /// then the list. Every step can be run again after a crash.
    pub async fn migrate(&self, keychain: &Keychain) -> Result<usize, MigrateError> {
        let list = self.read()?;
        let mut moved = 0;
        for profile in list.profiles {
            let Some(member) = profile.member_id.or_else(|| legacy_member(&profile.id)) else {
                continue;
            };
            let stable = profile_id(&profile.server, member);
            if stable == profile.id {
                continue;
            }
            keychain.move_profile(&profile.id, &stable).await?;
            self.move_files(&profile.id, &stable)?;
            let old = profile.id.clone();
            self.update(|list| {
                if let Some(p) = list.get_mut(&old) {
                    p.id = stable.clone();
                    p.member_id = Some(member);
                }
                if list.last.as_deref() == Some(old.as_str()) {
                    list.last = Some(stable.clone());
                }
            })?;
            tracing::info!("a profile moved to its stable id");
            moved += 1;
        }
        Ok(moved)
    }

    fn move_files(&self, from: &str, to: &str) -> Result<(), ProfilesIo> {
        for ((src, _), (dst, _)) in self.files(from).into_iter().zip(self.files(to)) {
            if src.exists() && !dst.exists() {
                std::fs::rename(&src, &dst).map_err(|e| ProfilesIo(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// Deletes a profile's files (its database and wrapped key) and takes
    /// it off the list. Answers the files that were there.
    pub fn remove(&self, id: &str) -> Result<Vec<PathBuf>, ProfilesIo> {
        let mut removed = Vec::new();
        for (path, _) in self.files(id) {
            match std::fs::remove_file(&path) {
                Ok(()) => removed.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ProfilesIo(e.to_string())),
            }
        }
        self.update(|list| {
            list.profiles.retain(|p| p.id != id);
            if list.last.as_deref() == Some(id) {
                list.last = None;
            }
        })?;
        Ok(removed)
    }

    /// Moves a profile's database, and its wrapped key if it has one, out
    /// of the way (into `profiles/set-aside/`, never deleted) so that a new
    /// one can be made and filled from the insurer. `stamp` names the copy.
    pub fn set_aside_files(&self, id: &str, stamp: &str) -> Result<(), ProfilesIo> {
        let io = |e: std::io::Error| ProfilesIo(e.to_string());
        let aside = self.dir.join("profiles").join("set-aside");
        std::fs::create_dir_all(&aside).map_err(io)?;
        for (src, suffix) in self.files(id) {
            if src.exists() {
                let name = match suffix {
                    ".key" => format!("{id}-{stamp}.key"),
                    _ => format!("{id}-{stamp}.db{suffix}"),
                };
                std::fs::rename(&src, aside.join(name)).map_err(io)?;
            }
        }
        Ok(())
    }

    /// Counts one more passphrase attempt of `id` at `now` (Unix seconds),
    /// on disk, before it is checked, unless the last wrong ones still
    /// make it wait: then nothing is counted and the seconds left come back.
    pub fn count_passphrase_attempt(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Result<u32, u32>, ProfilesIo> {
        self.update(|list| {
            let Some(p) = list.get_mut(id) else {
                return Ok(0);
            };
            let since = p
                .passphrase_failed_at
                .map_or(i64::MAX, |at| now.saturating_sub(at));
            let since = std::time::Duration::from_secs(u64::try_from(since).unwrap_or(0));
            let wait = kenpo_domain::passphrase::seconds_to_wait(p.passphrase_failures, since);
            if wait > 0 {
                return Err(u32::try_from(wait).unwrap_or(u32::MAX));
            }
            p.passphrase_failures = p.passphrase_failures.saturating_add(1);
            p.passphrase_failed_at = Some(now);
            Ok(p.passphrase_failures)
        })
    }

    pub fn reset_passphrase_failures(&self, id: &str) -> Result<(), ProfilesIo> {
        self.update(|list| {
            if let Some(p) = list.get_mut(id) {
                p.passphrase_failures = 0;
                p.passphrase_failed_at = None;
            }
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Io(#[from] ProfilesIo),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_ids_are_sha256_of_the_normalised_server_and_member() {
        // Test vectors: never change them, or members lose their data.
        assert_eq!(
            profile_id("http://127.0.0.1:8787", 1),
            "p9b89d041171369a3414941653b2db39e"
        );
        assert_eq!(
            profile_id("https://kenpo.example.jp/api", 42),
            "p5b3143386afe4d1df6b1591f3ed434ac"
        );
        let a = profile_id("http://127.0.0.1:8787", 1);
        for same in [
            "http://127.0.0.1:8787/",
            "HTTP://127.0.0.1:8787",
            " http://127.0.0.1:8787/?x=1 ",
        ] {
            assert_eq!(profile_id(same, 1), a, "{same}");
        }
        assert_eq!(
            profile_id("https://kenpo.example.jp:443/api/", 42),
            profile_id("https://KENPO.example.jp/api", 42)
        );
        assert_ne!(a, profile_id("http://127.0.0.1:8787", 2));
        assert_ne!(a, profile_id("https://kenpo.example", 1));
    }

    #[test]
    fn legacy_ids_give_their_member() {
        assert_eq!(legacy_member("m12-00ff00ff00ff00ff"), Some(12));
        assert_eq!(legacy_member("p9b89d041171369a3414941653b2db39e"), None);
        assert_eq!(legacy_member("m12-xyz"), None);
    }

    #[test]
    fn pin_attempts_are_counted_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let book = ProfileBook::new(dir.path());
        book.update(|list| {
            list.profiles.push(Profile {
                id: "p1".into(),
                server: "http://127.0.0.1:1".into(),
                insurer_name: "x".into(),
                login_id: "U1".into(),
                nickname: None,
                member_id: Some(1),
                password_change_required: false,
                pin_hash: None,
                pin_failures: 0,
                entry_window_days: None,
                passphrase_failures: 0,
                passphrase_failed_at: None,
            });
        })
        .unwrap();
        assert_eq!(book.count_pin_attempt("p1").unwrap(), 1);
        assert_eq!(book.count_pin_attempt("p1").unwrap(), 2);
        let again = ProfileBook::new(dir.path());
        assert_eq!(again.get("p1").unwrap().unwrap().pin_failures, 2);
        again.reset_pin_failures("p1").unwrap();
        assert_eq!(book.get("p1").unwrap().unwrap().pin_failures, 0);
    }
}
