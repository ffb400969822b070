//! The app's model of the PC: the member profiles on it, the one in use,
//! and what the screens ask of it. The Tauri shell calls these methods and
//! nothing else.
//!
//! A profile is one member at one insurer: its own encrypted database
//! (`profiles/<id>.db`), its own keychain entries (database key, tokens).
//! `profiles.json` lists them with nothing secret or health-related in it
//! (the insurer's address, the login ID, the nickname, an app-lock PIN
//! hash), so the profile chooser and the lock screen work before anything
//! is decrypted.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use kenpo_domain::api::{CheckInResponse, LedgerEntryInfo, PointsSummary, RecordValue, Secret};
use kenpo_domain::entry::{EntryDay, EntryError, EntryValue, EntryWindow, Goal};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};

use crate::client::{ClientError, InsurerClient};
use crate::keychain::{Keychain, KeychainError};
use crate::store::{LocalError, LocalStore};
use crate::sync::{Session, SyncError, SyncOptions, sync_with_retry};

/// The keychain service name of the app's entries.
pub const KEYCHAIN_SERVICE: &str = "jp.kenpodesk.desktop";

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("no member is logged in on this PC")]
    NoProfile,
    #[error("no such profile on this PC")]
    UnknownProfile,
    #[error("the app is locked")]
    Locked,
    #[error("the PIN is 4 to 12 digits")]
    PinFormat,
    #[error("the PIN is wrong")]
    PinMismatch,
    #[error("too many wrong PINs: log in with the password")]
    PinAttemptsExceeded,
    #[error("the profile list cannot be read or written: {0}")]
    ProfilesIo(String),
}

impl DeskError {
    /// A stable code for the UI.
    pub fn code(&self) -> String {
        match self {
            Self::Keychain(err) => err.code().to_owned(),
            Self::Local(err) => err.code().to_owned(),
            Self::Client(ClientError::Offline(_)) => "offline".to_owned(),
            Self::Client(err) => err
                .api_code()
                .map_or("protocol".to_owned(), |c| c.as_str().to_owned()),
            Self::Sync(err) => err.code(),
            Self::Entry(_) => "validation".to_owned(),
            Self::NoProfile => "no_profile".to_owned(),
            Self::UnknownProfile => "unknown_profile".to_owned(),
            Self::Locked => "locked".to_owned(),
            Self::PinFormat => "pin_format".to_owned(),
            Self::PinMismatch => "pin_mismatch".to_owned(),
            Self::PinAttemptsExceeded => "pin_attempts_exceeded".to_owned(),
            Self::ProfilesIo(_) => "profiles_io".to_owned(),
        }
    }

    /// The field a validation error belongs to, for the form.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Client(ClientError::Api { detail, .. }) => detail.field.clone(),
            Self::Entry(EntryError::FutureDate) => Some("date".to_owned()),
            Self::Entry(_) => Some("value".to_owned()),
            Self::PinFormat | Self::PinMismatch => Some("pin".to_owned()),
            _ => None,
        }
    }
}

pub type DeskResult<T> = Result<T, DeskError>;

/// One member at one insurer, as listed on this PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Profile {
    pub id: String,
    /// The insurer's server, e.g. `http://127.0.0.1:8787`.
    pub server: String,
    pub insurer_name: String,
    pub login_id: String,
    pub nickname: Option<String>,
    /// An argon2id hash of the app-lock PIN, when the member set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub pin_hash: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfileList {
    profiles: Vec<Profile>,
    /// The profile in use when the app last closed.
    last: Option<String>,
}

/// Where the member's data stands with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum SyncState {
    /// Everything saved here is on the server too.
    Synced,
    /// Saved on this PC; it goes up at the next sync.
    SavedLocally,
    /// The server could not be reached; `reason` says why.
    Offline { reason: String },
    /// The session is over: log in again to sync.
    LoggedOut,
    /// Sync failed for another reason (its code).
    Failed { code: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    #[serde(flatten)]
    pub state: SyncState,
    /// Edits waiting to go up.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub pending: i64,
    pub last_sync: Option<DateTime<FixedOffset>>,
}

/// One day of the Today screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayView {
    pub date: NaiveDate,
    /// Whether the day still earns points, or is only kept.
    pub earns: bool,
    pub steps: Option<u32>,
    /// Kilograms, one decimal.
    pub weight_kg: Option<f64>,
    pub goals: Vec<GoalDay>,
    /// Some edit of this day has not reached the server yet.
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalDay {
    pub goal: Goal,
    pub achieved: Option<bool>,
}

/// The Points screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PointsView {
    /// From the server when it answered; else the last synced ledger.
    pub summary: Option<PointsSummary>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance: i64,
    pub ledger: Vec<LedgerEntryInfo>,
    pub offline: bool,
}

/// What a login found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoggedIn {
    pub profile: Profile,
    pub password_change_required: bool,
}

struct Active {
    profile: Profile,
    store: LocalStore,
    session: Option<Session>,
    window: EntryWindow,
}

/// The app's state on this PC.
pub struct Desk {
    data_dir: PathBuf,
    keychain: Result<Keychain, KeychainError>,
    list: Mutex<()>,
    active: RwLock<Option<Active>>,
    locked: RwLock<bool>,
    pin_failures: Mutex<u32>,
}

/// Wrong PINs in a row before the app asks for the password instead.
pub const PIN_ATTEMPTS: u32 = 5;

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

fn profile_id(server: &str, member_id: i64) -> String {
    use std::hash::{Hash, Hasher};
    // Stable across runs (not a security boundary: a file name).
    let mut h = std::collections::hash_map::DefaultHasher::new();
    server.trim_end_matches('/').hash(&mut h);
    format!("m{member_id}-{:016x}", h.finish())
}

impl Desk {
    /// The desk for `data_dir`. The keychain is looked for now; when there
    /// is none, every step that needs it fails with `keychain_unavailable`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            keychain: Keychain::os(KEYCHAIN_SERVICE),
            list: Mutex::new(()),
            active: RwLock::new(None),
            locked: RwLock::new(false),
            pin_failures: Mutex::new(0),
        }
    }

    fn keychain(&self) -> DeskResult<&Keychain> {
        self.keychain.as_ref().map_err(|e| e.clone().into())
    }

    /// Whether the OS keychain answers (the UI explains when it does not).
    pub fn keychain_status(&self) -> Result<(), KeychainError> {
        self.keychain.as_ref().map(drop).map_err(Clone::clone)
    }

    fn list_path(&self) -> PathBuf {
        self.data_dir.join("profiles.json")
    }

    fn read_list(&self) -> DeskResult<ProfileList> {
        match std::fs::read_to_string(self.list_path()) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| DeskError::ProfilesIo(e.to_string()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfileList::default()),
            Err(e) => Err(DeskError::ProfilesIo(e.to_string())),
        }
    }

    fn write_list(&self, list: &ProfileList) -> DeskResult<()> {
        let io = |e: std::io::Error| DeskError::ProfilesIo(e.to_string());
        std::fs::create_dir_all(&self.data_dir).map_err(io)?;
        let tmp = self.data_dir.join("profiles.json.tmp");
        let text =
            serde_json::to_string_pretty(list).map_err(|e| DeskError::ProfilesIo(e.to_string()))?;
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, self.list_path()).map_err(io)
    }

    /// The profiles on this PC, and the one used last.
    pub fn profiles(&self) -> DeskResult<(Vec<Profile>, Option<String>)> {
        let list = self.read_list()?;
        Ok((list.profiles, list.last))
    }

    async fn open_store(&self, profile: &Profile) -> DeskResult<LocalStore> {
        let (key, _) = self.keychain()?.db_key(&profile.id).await?;
        let path = self
            .data_dir
            .join("profiles")
            .join(format!("{}.db", profile.id));
        Ok(LocalStore::open(&path, &key).await?)
    }

    /// Logs in at `server` and makes that member's profile the active one
    /// (created on the first login on this PC).
    pub async fn login(
        &self,
        server: &str,
        login_id: &str,
        password: &Secret,
    ) -> DeskResult<LoggedIn> {
        let keychain = self.keychain()?.clone();
        let client = InsurerClient::new(server)?;
        let insurer = client.insurer().await?;
        let answer = client.login(login_id, password).await?;
        let id = profile_id(server, answer.member.member_id.0);
        let session = Session::adopt(client, keychain, &id, &answer).await?;
        let _guard = self.list.lock().await;
        let mut list = self.read_list()?;
        let profile = match list.profiles.iter_mut().find(|p| p.id == id) {
            Some(known) => {
                known.nickname = answer.member.nickname.as_ref().map(ToString::to_string);
                known.login_id = login_id.to_owned();
                known.clone()
            }
            None => {
                let profile = Profile {
                    id: id.clone(),
                    server: server.to_owned(),
                    insurer_name: insurer.name.clone(),
                    login_id: login_id.to_owned(),
                    nickname: answer.member.nickname.as_ref().map(ToString::to_string),
                    pin_hash: None,
                };
                list.profiles.push(profile.clone());
                profile
            }
        };
        let store = self.open_store(&profile).await?;
        list.last = Some(id);
        self.write_list(&list)?;
        // The password was just typed: no PIN is asked on top.
        self.activate(
            Active {
                profile: profile.clone(),
                store,
                session: Some(session),
                window: insurer.entry_window_days,
            },
            false,
        )
        .await;
        Ok(LoggedIn {
            profile,
            password_change_required: answer.password_change_required,
        })
    }

    /// Refuses while the app is locked: nothing may switch, log in or out,
    /// or change the PIN behind the lock screen.
    async fn ensure_unlocked(&self) -> DeskResult<()> {
        if *self.locked.read().await {
            Err(DeskError::Locked)
        } else {
            Ok(())
        }
    }

    /// Makes `active` the profile in use; `locked` when it must wait for
    /// its PIN (opened without the password).
    async fn activate(&self, active: Active, locked: bool) {
        let mut slot = self.active.write().await;
        if let Some(old) = slot.take() {
            old.store.close().await;
        }
        *slot = Some(active);
        *self.locked.write().await = locked;
        *self.pin_failures.lock().await = 0;
    }

    /// Opens a profile kept on this PC: its data, and its session if the
    /// keychain still holds one (else the member logs in again).
    /// A profile with a PIN opens locked.
    pub async fn open_profile(&self, id: &str) -> DeskResult<bool> {
        self.ensure_unlocked().await?;
        let profile = self
            .read_list()?
            .profiles
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(DeskError::UnknownProfile)?;
        let store = self.open_store(&profile).await?;
        let client = InsurerClient::new(&profile.server)?;
        let session = Session::resume(client.clone(), self.keychain()?.clone(), id).await?;
        let window = match client.insurer().await {
            Ok(info) => info.entry_window_days,
            Err(_) => EntryWindow::default(),
        };
        let logged_in = session.is_some();
        let locked = profile.pin_hash.is_some();
        self.activate(
            Active {
                profile,
                store,
                session,
                window,
            },
            locked,
        )
        .await;
        let _guard = self.list.lock().await;
        let mut list = self.read_list()?;
        list.last = Some(id.to_owned());
        self.write_list(&list)?;
        Ok(logged_in)
    }

    /// The active profile, if any.
    pub async fn active_profile(&self) -> Option<Profile> {
        self.active.read().await.as_ref().map(|a| a.profile.clone())
    }

    /// Logs out: the session ends on the server, its tokens leave the
    /// keychain, and no profile is active. The data stays, encrypted.
    pub async fn logout(&self) -> DeskResult<()> {
        self.ensure_unlocked().await?;
        self.end_session().await
    }

    async fn end_session(&self) -> DeskResult<()> {
        let mut slot = self.active.write().await;
        if let Some(active) = slot.take() {
            if let Some(session) = &active.session {
                session.logout().await?;
            }
            active.store.close().await;
        }
        Ok(())
    }

    async fn with_active<T>(&self, f: impl AsyncFnOnce(&Active) -> DeskResult<T>) -> DeskResult<T> {
        if *self.locked.read().await {
            return Err(DeskError::Locked);
        }
        let guard = self.active.read().await;
        let active = guard.as_ref().ok_or(DeskError::NoProfile)?;
        f(active).await
    }

    /// Saves one value of one day on this PC at once; sync takes it up.
    /// Future days are refused; days before the window are kept, unearning.
    pub async fn save(&self, date: NaiveDate, value: EntryValue) -> DeskResult<()> {
        self.with_active(async |active| {
            let now = chrono::Utc::now().with_timezone(&kenpo_domain::time::JST);
            active
                .window
                .check(date, kenpo_domain::time::jst_date(now))?;
            active.store.save(date, value, now).await?;
            Ok(())
        })
        .await
    }

    /// One day as the Today screen shows it.
    pub async fn day(&self, date: NaiveDate) -> DeskResult<DayView> {
        self.with_active(async |active| {
            let today = kenpo_domain::time::jst_date(chrono::Utc::now());
            let records = active.store.records_between(date, date).await?;
            let goals = active.store.goals().await?;
            let mut view = DayView {
                date,
                earns: active.window.classify(date, today) == EntryDay::Earning,
                steps: None,
                weight_kg: None,
                goals: goals
                    .into_iter()
                    .filter(|g| g.active)
                    .map(|goal| GoalDay {
                        goal,
                        achieved: None,
                    })
                    .collect(),
                pending: records.iter().any(|r| r.pending),
            };
            for local in records {
                match (local.record.kind, local.record.value) {
                    (kenpo_domain::entry::RecordKind::Steps, RecordValue::Number(n)) => {
                        view.steps = Some(n as u32);
                    }
                    (kenpo_domain::entry::RecordKind::Weight, RecordValue::Number(n)) => {
                        view.weight_kg = Some(n);
                    }
                    (kenpo_domain::entry::RecordKind::Goal, RecordValue::Flag(done)) => {
                        if let Some(goal) = view
                            .goals
                            .iter_mut()
                            .find(|g| Some(g.goal.id) == local.record.goal_id)
                        {
                            goal.achieved = Some(done);
                        }
                    }
                    _ => {}
                }
            }
            Ok(view)
        })
        .await
    }

    /// Pushes and pulls now; the outcome as the sync indicator shows it.
    pub async fn sync(&self) -> DeskResult<SyncStatus> {
        self.with_active(async |active| {
            let state = match &active.session {
                None => SyncState::LoggedOut,
                Some(session) => {
                    // A dropped connection or a busy server gets two more
                    // tries (0.5 s, then 1 s) before the member is told.
                    let retried = sync_with_retry(
                        &active.store,
                        session,
                        SyncOptions::default(),
                        3,
                        std::time::Duration::from_millis(500),
                        std::time::Duration::from_secs(2),
                    );
                    match retried.await {
                        Ok(_) => SyncState::Synced,
                        Err(SyncError::Client(ClientError::Offline(reason))) => {
                            SyncState::Offline { reason }
                        }
                        Err(SyncError::LoggedOut) => SyncState::LoggedOut,
                        Err(err) => SyncState::Failed { code: err.code() },
                    }
                }
            };
            let pending = active.store.pending().await?;
            let state = match state {
                SyncState::Synced if pending > 0 => SyncState::SavedLocally,
                other => other,
            };
            Ok(SyncStatus {
                state,
                pending,
                last_sync: active.store.last_sync().await?,
            })
        })
        .await
    }

    /// Changes the member's password (an issued ID's first login must).
    pub async fn change_password(&self, current: &Secret, new: &Secret) -> DeskResult<()> {
        self.with_active(async |active| {
            let session = active.session.as_ref().ok_or(SyncError::LoggedOut)?;
            let client = session.client().clone();
            let request = kenpo_domain::api::PasswordChangeRequest {
                current_password: current.clone(),
                new_password: new.clone(),
            };
            session
                .authorized(|access| {
                    let client = client.clone();
                    let request = &request;
                    async move { client.change_password(&access, request).await }
                })
                .await?;
            Ok(())
        })
        .await
    }

    /// Sets the member's behaviour goals (the whole list, at most 5): the
    /// server assigns the ids, so this needs the network.
    pub async fn set_goals(&self, labels: &[String]) -> DeskResult<Vec<Goal>> {
        let goals = kenpo_domain::entry::check_goal_list(
            &labels
                .iter()
                .map(|label| kenpo_domain::entry::GoalInput {
                    id: None,
                    label: label.clone(),
                })
                .collect::<Vec<_>>(),
        )?;
        self.with_active(async |active| {
            let session = active.session.as_ref().ok_or(SyncError::LoggedOut)?;
            // Labels already in use keep their goal (and its history).
            let known = active.store.goals().await?;
            let update = kenpo_domain::api::GoalsUpdate {
                goals: goals
                    .iter()
                    .map(|(_, label)| kenpo_domain::entry::GoalInput {
                        id: known.iter().find(|g| g.label == *label).map(|g| g.id),
                        label: label.as_str().to_owned(),
                    })
                    .collect(),
            };
            let client = session.client().clone();
            let list = session
                .authorized(|access| {
                    let client = client.clone();
                    let update = &update;
                    async move { client.put_goals(&access, update).await }
                })
                .await?;
            active.store.set_goals(&list.goals).await?;
            Ok(list.goals)
        })
        .await
    }

    /// The daily login point.
    pub async fn check_in(&self) -> DeskResult<CheckInResponse> {
        self.with_active(async |active| {
            let session = active.session.as_ref().ok_or(SyncError::LoggedOut)?;
            let client = session.client().clone();
            Ok(session
                .authorized(|access| {
                    let client = client.clone();
                    async move { client.check_in(&access).await }
                })
                .await?)
        })
        .await
    }

    /// Balance, expiring points and the ledger: from the server when it
    /// answers, from the last sync when it does not.
    pub async fn points(&self) -> DeskResult<PointsView> {
        self.with_active(async |active| {
            let summary = match &active.session {
                Some(session) => {
                    let client = session.client().clone();
                    session
                        .authorized(|access| {
                            let client = client.clone();
                            async move { client.points(&access).await }
                        })
                        .await
                        .ok()
                }
                None => None,
            };
            let ledger = active.store.ledger(200).await?;
            let balance = match &summary {
                Some(s) => s.balance,
                None => active.store.balance().await?,
            };
            Ok(PointsView {
                offline: summary.is_none(),
                summary,
                balance,
                ledger,
            })
        })
        .await
    }

    /// Sets (or, with `None`, removes) the app-lock PIN of the active profile.
    pub async fn set_pin(&self, pin: Option<&str>) -> DeskResult<()> {
        self.ensure_unlocked().await?;
        let hash = match pin {
            Some(pin) => {
                if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(DeskError::PinFormat);
                }
                Some(hash_pin(pin)?)
            }
            None => None,
        };
        let id = self.active_profile().await.ok_or(DeskError::NoProfile)?.id;
        let _guard = self.list.lock().await;
        let mut list = self.read_list()?;
        let profile = list
            .profiles
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or(DeskError::UnknownProfile)?;
        profile.pin_hash = hash.clone();
        self.write_list(&list)?;
        if let Some(active) = self.active.write().await.as_mut() {
            active.profile.pin_hash = hash;
        }
        Ok(())
    }

    /// Locks the app (a shared PC): nothing of the member shows until the
    /// PIN is entered. Only a profile with a PIN can be locked.
    pub async fn lock(&self) -> DeskResult<bool> {
        let has_pin = self
            .active_profile()
            .await
            .is_some_and(|p| p.pin_hash.is_some());
        if has_pin {
            *self.locked.write().await = true;
        }
        Ok(has_pin)
    }

    pub async fn is_locked(&self) -> bool {
        *self.locked.read().await
    }

    /// Whether the active profile has an app-lock PIN.
    pub async fn has_pin(&self) -> bool {
        self.active_profile()
            .await
            .is_some_and(|p| p.pin_hash.is_some())
    }

    pub async fn unlock(&self, pin: &str) -> DeskResult<()> {
        let hash = self
            .active_profile()
            .await
            .and_then(|p| p.pin_hash)
            .ok_or(DeskError::NoProfile)?;
        let pin = pin.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_pin(&pin, &hash))
            .await
            .unwrap_or(false);
        if !ok {
            let mut failures = self.pin_failures.lock().await;
            *failures += 1;
            if *failures >= PIN_ATTEMPTS {
                // Guessing stops here: the session ends, the password is needed.
                *failures = 0;
                drop(failures);
                *self.locked.write().await = false;
                self.end_session().await?;
                return Err(DeskError::PinAttemptsExceeded);
            }
            return Err(DeskError::PinMismatch);
        }
        *self.pin_failures.lock().await = 0;
        *self.locked.write().await = false;
        Ok(())
    }
}

fn hash_pin(pin: &str) -> DeskResult<String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DeskError::ProfilesIo(e.to_string()))
}

fn verify_pin(pin: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_hashed_and_checked() {
        let hash = hash_pin("2468").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_pin("2468", &hash));
        assert!(!verify_pin("2469", &hash));
    }

    #[test]
    fn profile_ids_are_stable_per_server_and_member() {
        let a = profile_id("http://127.0.0.1:8787", 1);
        assert_eq!(a, profile_id("http://127.0.0.1:8787/", 1));
        assert_ne!(a, profile_id("http://127.0.0.1:8787", 2));
        assert_ne!(a, profile_id("https://kenpo.example", 1));
    }
}
