//! The app's model of the PC, as one facade over the core's parts: the
//! profiles on it ([`crate::profiles`]), the one in use and its lock
//! ([`crate::lock`]), its store, session and background sync
//! ([`crate::scheduler`]), and what the screens ask of them
//! ([`crate::views`]). The Tauri shell calls these methods and nothing else.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use kenpo_domain::api::{CheckInResponse, ErrorCode as ApiErrorCode, Record, RecordValue, Secret};
use kenpo_domain::entry::{EntryError, EntryWindow, Goal, GoalId, RecordKind};
use kenpo_domain::time::{Clock, SystemClock};

use crate::client::{ClientError, InsurerClient};
use crate::error::{Coded, ErrorCode};
use crate::keychain::{Keychain, KeychainError};
use crate::lock::{Closed, Gate, PIN_ATTEMPTS, hash_pin, pin_format_ok, verify_pin};
use crate::profiles::{MigrateError, Profile, ProfileBook, ProfilesIo, profile_id};
use crate::scheduler::{EventSink, NoEvents, Plan, SyncStatus, Syncer, now_jst};
use crate::session::Session;
use crate::store::{LocalError, LocalStore};
use crate::sync::SyncError;
use crate::views::{DayView, LoggedIn, PointsView, day_view};

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
    #[error(transparent)]
    ProfilesIo(#[from] ProfilesIo),
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
}

impl Coded for DeskError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Keychain(err) => err.code(),
            Self::Local(err) => err.code(),
            Self::Client(err) => err.code(),
            Self::Sync(err) => err.code(),
            Self::Entry(_) => ErrorCode::Validation,
            Self::ProfilesIo(_) => ErrorCode::ProfilesIo,
            Self::NoProfile => ErrorCode::NoProfile,
            Self::UnknownProfile => ErrorCode::UnknownProfile,
            Self::Locked => ErrorCode::Locked,
            Self::PinFormat => ErrorCode::PinFormat,
            Self::PinMismatch => ErrorCode::PinMismatch,
            Self::PinAttemptsExceeded => ErrorCode::PinAttemptsExceeded,
        }
    }
}

impl From<Closed> for DeskError {
    fn from(closed: Closed) -> Self {
        match closed {
            Closed::Locked => Self::Locked,
            Closed::NoProfile => Self::NoProfile,
        }
    }
}

impl DeskError {
    fn client(&self) -> Option<&ClientError> {
        match self {
            Self::Client(err) | Self::Sync(SyncError::Client(err)) => Some(err),
            _ => None,
        }
    }

    /// The insurer's own code, when the insurer refused.
    pub fn api_code(&self) -> Option<ApiErrorCode> {
        self.client().and_then(ClientError::api_code)
    }

    /// Why the insurer could not be reached, when it could not.
    pub fn offline_reason(&self) -> Option<crate::error::OfflineReason> {
        match self.client() {
            Some(ClientError::Offline(reason)) => Some(*reason),
            _ => None,
        }
    }

    /// The field a validation error belongs to, for the form.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Client(ClientError::Api { detail, .. })
            | Self::Sync(SyncError::Client(ClientError::Api { detail, .. })) => {
                detail.field.clone()
            }
            Self::Entry(EntryError::FutureDate) => Some("date".to_owned()),
            Self::Entry(_) => Some("value".to_owned()),
            Self::PinFormat | Self::PinMismatch => Some("pin".to_owned()),
            _ => None,
        }
    }
}

impl From<MigrateError> for DeskError {
    fn from(err: MigrateError) -> Self {
        match err {
            MigrateError::Io(err) => err.into(),
            MigrateError::Keychain(err) => err.into(),
        }
    }
}

pub type DeskResult<T> = Result<T, DeskError>;

/// What a [`Desk`] is made of; [`DeskOptions::new`] gives the real ones.
pub struct DeskOptions {
    pub data_dir: PathBuf,
    pub keychain: Result<Keychain, KeychainError>,
    pub clock: Arc<dyn Clock>,
    pub events: Arc<dyn EventSink>,
    pub plan: Plan,
}

impl DeskOptions {
    /// The OS keychain, the system clock, no events, the default plan.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            keychain: Keychain::os(KEYCHAIN_SERVICE),
            clock: Arc::new(SystemClock),
            events: Arc::new(NoEvents),
            plan: Plan::default(),
        }
    }
}

/// The profile in use.
struct Active {
    id: String,
    store: LocalStore,
    session: Option<Arc<Session>>,
    window: EntryWindow,
    syncer: Arc<Syncer>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Active {
    fn session(&self) -> DeskResult<&Session> {
        self.session
            .as_deref()
            .ok_or(DeskError::Sync(SyncError::LoggedOut))
    }
}

/// The app's state on this PC.
pub struct Desk {
    keychain: Result<Keychain, KeychainError>,
    clock: Arc<dyn Clock>,
    events: Arc<dyn EventSink>,
    plan: Plan,
    book: ProfileBook,
    gate: Gate<Active>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").finish_non_exhaustive()
    }
}

impl Desk {
    /// The desk for `options.data_dir`. Profiles of earlier versions move
    /// to their stable ids now; where there is no keychain, every step that
    /// needs one fails with `keychain_unavailable`.
    pub async fn open(options: DeskOptions) -> Self {
        let desk = Self {
            book: ProfileBook::new(&options.data_dir),
            keychain: options.keychain,
            clock: options.clock,
            events: options.events,
            plan: options.plan,
            gate: Gate::default(),
        };
        if let Ok(keychain) = &desk.keychain
            && let Err(err) = desk.book.migrate(keychain).await
        {
            tracing::error!(%err, "profiles of an earlier version could not be moved yet");
        }
        desk
    }

    fn keychain(&self) -> DeskResult<&Keychain> {
        self.keychain.as_ref().map_err(|e| e.clone().into())
    }

    /// Whether the keychain answers (the UI explains when it does not).
    pub fn keychain_status(&self) -> Result<(), KeychainError> {
        self.keychain.as_ref().map(drop).map_err(Clone::clone)
    }

    /// The profiles on this PC, and the one used last.
    pub fn profiles(&self) -> DeskResult<(Vec<Profile>, Option<String>)> {
        let list = self.book.read()?;
        Ok((list.profiles, list.last))
    }

    /// Opens a profile's database. A file whose key the keychain lost is
    /// `local_key_lost`: a new key could never open it.
    async fn open_store(&self, id: &str) -> DeskResult<LocalStore> {
        let keychain = self.keychain()?;
        let path = self.book.db_path(id);
        let key = if path.exists() {
            keychain
                .existing_db_key(id)
                .await?
                .ok_or(LocalError::KeyLost)?
        } else {
            keychain.db_key(id).await?.0
        };
        Ok(LocalStore::open(&path, &key).await?)
    }

    /// Makes `active` the profile in use and starts its background sync;
    /// refused while the app is locked.
    async fn activate(
        &self,
        id: String,
        store: LocalStore,
        session: Option<Session>,
        window: EntryWindow,
        locked: bool,
    ) -> DeskResult<()> {
        let session = session.map(Arc::new);
        let syncer = Syncer::new(
            store.clone(),
            session.clone(),
            self.clock.clone(),
            self.events.clone(),
            self.plan,
        );
        let active = Arc::new(Active {
            id,
            store,
            session,
            window,
            syncer: syncer.clone(),
            task: Mutex::new(None),
        });
        match self.gate.replace(active.clone(), locked) {
            Ok(old) => {
                if let Some(old) = old {
                    retire(&old).await;
                }
                *active.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(syncer.start());
                Ok(())
            }
            Err(refused) => {
                refused.store.close().await;
                Err(DeskError::Locked)
            }
        }
    }

    /// Logs in at `server` and makes that member's profile the active one
    /// (created on the first login on this PC).
    pub async fn login(
        &self,
        server: &str,
        login_id: &str,
        password: &Secret,
    ) -> DeskResult<LoggedIn> {
        self.gate.ensure_unlocked()?;
        let keychain = self.keychain()?.clone();
        let client = InsurerClient::new(server)?;
        let insurer = client.insurer().await?;
        let answer = client.login(login_id, password).await?;
        let id = profile_id(server, answer.member.member_id.0);
        let session = Session::adopt(client, keychain, &id, &answer).await?;
        let nickname = answer.member.nickname.as_ref().map(ToString::to_string);
        let window_days = u16::from(insurer.entry_window_days);
        let profile = self.book.update(|list| {
            let profile = match list.get_mut(&id) {
                Some(known) => known,
                None => {
                    list.profiles.push(Profile {
                        id: id.clone(),
                        server: server.trim().to_owned(),
                        insurer_name: insurer.name.clone(),
                        login_id: String::new(),
                        nickname: None,
                        member_id: Some(answer.member.member_id.0),
                        password_change_required: false,
                        pin_hash: None,
                        pin_failures: 0,
                        entry_window_days: None,
                    });
                    list.profiles.last_mut().expect("just pushed")
                }
            };
            profile.login_id = login_id.to_owned();
            profile.nickname = nickname;
            profile.insurer_name = insurer.name.clone();
            profile.entry_window_days = Some(window_days);
            profile.password_change_required = answer.password_change_required;
            // The password was just typed: the PIN's count starts again.
            profile.pin_failures = 0;
            let profile = profile.clone();
            list.last = Some(id.clone());
            profile
        })?;
        let store = self.open_store(&id).await?;
        // The password was just typed: no PIN is asked on top.
        self.activate(id, store, Some(session), insurer.entry_window_days, false)
            .await?;
        Ok(LoggedIn {
            profile,
            password_change_required: answer.password_change_required,
        })
    }

    /// Opens a profile kept on this PC: its data, and its session if the
    /// keychain still holds one (else the member logs in again). A profile
    /// with a PIN opens locked; one whose PIN guesses ran out needs the
    /// password.
    pub async fn open_profile(&self, id: &str) -> DeskResult<bool> {
        self.gate.ensure_unlocked()?;
        let profile = self.book.get(id)?.ok_or(DeskError::UnknownProfile)?;
        if profile.pin_hash.is_some() && profile.pin_failures >= PIN_ATTEMPTS {
            return Err(DeskError::PinAttemptsExceeded);
        }
        let store = self.open_store(id).await?;
        let client = InsurerClient::new(&profile.server)?;
        let session = Session::resume(client, self.keychain()?.clone(), id).await?;
        let logged_in = session.is_some();
        let window = profile
            .entry_window_days
            .and_then(|days| EntryWindow::new(days).ok())
            .unwrap_or_default();
        self.activate(
            id.to_owned(),
            store,
            session,
            window,
            profile.pin_hash.is_some(),
        )
        .await?;
        self.book.update(|list| list.last = Some(id.to_owned()))?;
        Ok(logged_in)
    }

    /// The way out for a copy this PC cannot open (its key lost, or not the
    /// one that opens it): the file is set aside, never deleted, with its
    /// key, and a new copy fills from the insurer at the next login.
    /// Edits that had not reached the insurer stay in the set-aside file.
    pub async fn set_aside_local(&self, id: &str) -> DeskResult<()> {
        self.gate.ensure_unlocked()?;
        self.book.get(id)?.ok_or(DeskError::UnknownProfile)?;
        if self.gate.any().is_some_and(|a| a.id == id) {
            // Its data is open, so it can be read: nothing to set aside.
            return Ok(());
        }
        let keychain = self.keychain()?;
        let stamp = now_jst(self.clock.as_ref())
            .format("%Y%m%d%H%M%S")
            .to_string();
        if let Some(key) = keychain.existing_db_key(id).await? {
            // Kept beside the file: it may open it after all (support).
            keychain
                .set_checked(&format!("set-aside/{id}-{stamp}"), &key.to_hex())
                .await?;
        }
        self.book.set_aside_files(id, &stamp)?;
        keychain.delete(&format!("{id}/db-key")).await?;
        tracing::info!("a local copy that could not be opened was set aside");
        Ok(())
    }

    /// The active profile, if any.
    pub fn active_profile(&self) -> Option<Profile> {
        let active = self.gate.any()?;
        self.book.get(&active.id).ok().flatten()
    }

    /// Logs out: the session ends on the server, its tokens leave the
    /// keychain, and no profile is active. The data stays, encrypted.
    pub async fn logout(&self) -> DeskResult<()> {
        let Some(active) = self.gate.take_open()? else {
            return Ok(());
        };
        retire(&active).await;
        if let Some(session) = &active.session {
            session.logout().await?;
        }
        Ok(())
    }

    /// Stops the background work and closes the data (the app is quitting).
    pub async fn shutdown(&self) {
        if let Some(active) = self.gate.any() {
            retire(&active).await;
        }
    }

    /// Saves one value of one day on this PC at once, and the background
    /// sync takes it up soon. Checked by kenpo-domain: future days are
    /// refused; days before the window are kept, unearning.
    pub async fn save(
        &self,
        date: NaiveDate,
        kind: RecordKind,
        value: RecordValue,
        goal_id: Option<GoalId>,
    ) -> DeskResult<DayView> {
        let active = self.gate.open()?;
        let now = now_jst(self.clock.as_ref());
        let entry = Record {
            date,
            kind,
            goal_id,
            value,
            updated_at: now,
        }
        .entry()?;
        active.window.check(date, self.clock.today())?;
        active.store.save(date, entry, now).await?;
        active.syncer.saved().await;
        Ok(day_view(&active.store, active.window, date, self.clock.today()).await?)
    }

    /// One day as the Today screen shows it.
    pub async fn day(&self, date: NaiveDate) -> DeskResult<DayView> {
        let active = self.gate.open()?;
        Ok(day_view(&active.store, active.window, date, self.clock.today()).await?)
    }

    /// Syncs now (after the background sync under way, if any).
    pub async fn sync(&self) -> DeskResult<SyncStatus> {
        let active = self.gate.open()?;
        Ok(active.syncer.run().await)
    }

    /// The sync indicator's state as last told.
    pub fn sync_status(&self) -> DeskResult<SyncStatus> {
        Ok(self.gate.open()?.syncer.status())
    }

    /// Keeps what the insurer's answer says of the profile: an initial
    /// password still to change holds across a restart.
    fn noted<T>(&self, active: &Active, result: DeskResult<T>) -> DeskResult<T> {
        if let Err(err) = &result
            && err.api_code() == Some(ApiErrorCode::PasswordChangeRequired)
            && let Err(io) = self.book.set_password_change_required(&active.id, true)
        {
            tracing::warn!(%io, "the password-change flag was not kept");
        }
        result
    }

    /// Changes the member's password (an issued ID's first login must).
    pub async fn change_password(&self, current: &Secret, new: &Secret) -> DeskResult<()> {
        let active = self.gate.open()?;
        let session = active.session()?;
        let request = kenpo_domain::api::PasswordChangeRequest {
            current_password: current.clone(),
            new_password: new.clone(),
        };
        let client = session.client();
        session
            .authorized(|access| {
                let request = &request;
                async move { client.change_password(&access, request).await }
            })
            .await?;
        self.book.set_password_change_required(&active.id, false)?;
        Ok(())
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
        let active = self.gate.open()?;
        let result = async {
            let session = active.session()?;
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
            let client = session.client();
            let list = session
                .authorized(|access| {
                    let update = &update;
                    async move { client.put_goals(&access, update).await }
                })
                .await?;
            active.store.set_goals(&list.goals).await?;
            Ok(list.goals)
        }
        .await;
        self.noted(&active, result)
    }

    /// The daily login point.
    pub async fn check_in(&self) -> DeskResult<CheckInResponse> {
        let active = self.gate.open()?;
        let result = async {
            let session = active.session()?;
            let client = session.client();
            Ok(session
                .authorized(|access| async move { client.check_in(&access).await })
                .await?)
        }
        .await;
        self.noted(&active, result)
    }

    /// Balance, expiring points and the ledger: from the server when it
    /// answers, from the last sync when it does not.
    pub async fn points(&self) -> DeskResult<PointsView> {
        let active = self.gate.open()?;
        let summary = match &active.session {
            Some(session) => {
                let client = session.client();
                session
                    .authorized(|access| async move { client.points(&access).await })
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
    }

    /// Sets (or, with `None`, removes) the app-lock PIN of the active profile.
    pub async fn set_pin(&self, pin: Option<&str>) -> DeskResult<()> {
        let active = self.gate.open()?;
        let hash = match pin {
            Some(pin) if !pin_format_ok(pin) => return Err(DeskError::PinFormat),
            Some(pin) => {
                let pin = pin.to_owned();
                let hashed = tokio::task::spawn_blocking(move || hash_pin(&pin))
                    .await
                    .map_err(|e| ProfilesIo(e.to_string()))?;
                Some(hashed.map_err(ProfilesIo)?)
            }
            None => None,
        };
        self.book.update(|list| {
            if let Some(profile) = list.get_mut(&active.id) {
                profile.pin_hash = hash;
                profile.pin_failures = 0;
            }
        })?;
        Ok(())
    }

    /// Locks the app (a shared PC): nothing of the member shows until the
    /// PIN is entered. Only a profile with a PIN can be locked.
    pub fn lock(&self) -> bool {
        self.has_pin() && self.gate.lock()
    }

    pub fn is_locked(&self) -> bool {
        self.gate.is_locked()
    }

    /// Whether the active profile has an app-lock PIN.
    pub fn has_pin(&self) -> bool {
        self.active_profile().is_some_and(|p| p.pin_hash.is_some())
    }

    /// Opens the lock with the PIN. Each attempt is counted on disk before
    /// it is checked; the fifth wrong one ends the session, and from then
    /// on only the password opens the profile, across restarts too.
    pub async fn unlock(&self, pin: &str) -> DeskResult<()> {
        let active = self.gate.any().ok_or(DeskError::NoProfile)?;
        if !self.gate.is_locked() {
            return Ok(());
        }
        let hash = self
            .book
            .get(&active.id)?
            .and_then(|p| p.pin_hash)
            .ok_or(DeskError::NoProfile)?;
        let attempt = self.book.count_pin_attempt(&active.id)?;
        if attempt > PIN_ATTEMPTS {
            self.end(&active).await;
            return Err(DeskError::PinAttemptsExceeded);
        }
        let pin = pin.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_pin(&pin, &hash))
            .await
            .unwrap_or(false);
        if ok {
            self.book.reset_pin_failures(&active.id)?;
            self.gate.unlock(&active);
            return Ok(());
        }
        if attempt >= PIN_ATTEMPTS {
            // Guessing stops here: the session ends, the password is needed.
            self.end(&active).await;
            return Err(DeskError::PinAttemptsExceeded);
        }
        Err(DeskError::PinMismatch)
    }

    /// Ends `active`'s session and takes it out of use, whatever its lock.
    async fn end(&self, active: &Arc<Active>) {
        if self.gate.take(active) {
            retire(active).await;
        }
        if let Some(session) = &active.session
            && let Err(err) = session.logout().await
        {
            tracing::warn!(code = %err.code(), "the ended session's tokens were not all removed");
        }
    }
}

/// Stops a profile's background sync (letting a sync under way finish,
/// for a while) and closes its data.
async fn retire(active: &Active) {
    active.syncer.stop();
    let task = active.task.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(mut task) = task
        && tokio::time::timeout(Duration::from_secs(3), &mut task)
            .await
            .is_err()
    {
        task.abort();
    }
    active.store.close().await;
}
