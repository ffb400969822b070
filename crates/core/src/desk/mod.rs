//! The app's model of the PC, as one facade over the core's parts: the
//! profiles on it ([`crate::profiles`]), the one in use and its lock
//! ([`crate::lock`]), its store, session and background sync
//! ([`crate::scheduler`]), and what the screens ask of them
//! ([`crate::views`]). The Tauri shell calls these methods and nothing else.
//!
//! This file opens, switches and closes profiles; `keys` finds the key of
//! a profile's copy (and the passphrase where no keychain answers),
//! `member` has the member's calls, `lock` the app lock, `error` the error
//! table.

mod about;
mod account;
mod checkups;
mod error;
mod exchange;
mod history;
mod keys;
mod lock;
mod member;
mod notices;
mod reminders;
mod support;
pub use about::InsurerAbout;
pub use account::{AccountView, ProfileRemoval};
pub use checkups::{CheckupDetail, CheckupsView};
pub use exchange::{CatalogEntry, CatalogView, ExchangeQuote, OrdersView, PendingOrder};
pub use notices::{NoticeItem, NoticesView};
pub use reminders::TrayStatus;
pub use support::FaqView;

pub use error::{DeskError, DeskResult};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kenpo_domain::api::Secret;
use kenpo_domain::entry::EntryWindow;
use kenpo_domain::time::{Clock, SystemClock};

use crate::client::InsurerClient;
use crate::keychain::{Keychain, KeychainError, account};
use crate::lock::{Gate, PIN_ATTEMPTS};
use crate::profiles::{Profile, ProfileBook, profile_id};
use crate::reminders::Reminders;
use crate::scheduler::{EventSink, NoEvents, Plan, Syncer, now_jst};
use crate::session::Session;
use crate::store::LocalStore;
use crate::sync::SyncError;
use crate::views::{LoggedIn, PassphraseStep};

/// The keychain service name of the app's entries.
pub const KEYCHAIN_SERVICE: &str = "jp.kenpodesk.desktop";

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
    reminders: Arc<Reminders>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    reminders_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
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
    /// The OS keychain, or, where none answers, this run's memory (tokens
    /// and entered keys only; the member logs in at each start).
    keychain: Keychain,
    /// Why the OS keychain is not used, when it is not.
    keychain_missing: Option<KeychainError>,
    /// One passphrase step at a time: two choices at once would each make
    /// a key, and the copy could be left with the other's wrapped key.
    passphrase_turn: tokio::sync::Mutex<()>,
    /// One change of the read notices at a time.
    notices_turn: tokio::sync::Mutex<()>,
    /// One step of an exchange at a time: a double press must find the
    /// first press's order, not prepare or send a second.
    exchange_turn: tokio::sync::Mutex<()>,
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
    /// The desk for `options.data_dir`. Where the keychain does not answer,
    /// keys are wrapped with a passphrase and tokens kept in memory.
    /// Profiles of earlier versions move to their stable ids now (with a
    /// keychain: their keys are there).
    pub async fn open(options: DeskOptions) -> Self {
        let answered = match options.keychain {
            Ok(keychain) => keychain.probe().await.map(|()| keychain),
            Err(err) => Err(err),
        };
        let (keychain, keychain_missing) = match answered {
            Ok(keychain) => (keychain, None),
            Err(err) => {
                tracing::warn!(%err, "no keychain answers: keys are kept with a passphrase");
                (Keychain::in_memory(KEYCHAIN_SERVICE), Some(err))
            }
        };
        let desk = Self {
            book: ProfileBook::new(&options.data_dir),
            keychain,
            keychain_missing,
            passphrase_turn: tokio::sync::Mutex::new(()),
            clock: options.clock,
            events: options.events,
            plan: options.plan,
            gate: Gate::default(),
            notices_turn: tokio::sync::Mutex::new(()),
            exchange_turn: tokio::sync::Mutex::new(()),
        };
        if desk.keychain_missing.is_none()
            && let Err(err) = desk.book.migrate(&desk.keychain).await
        {
            tracing::error!(%err, "profiles of an earlier version could not be moved yet");
        }
        desk
    }

    /// Whether the OS keychain is used; when not, why (the UI explains,
    /// and the passphrase keeps the copies).
    pub fn keychain_status(&self) -> Result<(), KeychainError> {
        self.keychain_missing.clone().map_or(Ok(()), Err)
    }

    /// The profiles on this PC, and the one used last.
    pub fn profiles(&self) -> DeskResult<(Vec<Profile>, Option<String>)> {
        let list = self.book.read()?;
        Ok((list.profiles, list.last))
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
        let reminders = Reminders::new(
            store.clone(),
            window,
            self.clock.clone(),
            self.events.clone(),
        );
        let active = Arc::new(Active {
            id,
            store,
            session,
            window,
            syncer: syncer.clone(),
            reminders: reminders.clone(),
            task: Mutex::new(None),
            reminders_task: Mutex::new(None),
        });
        match self.gate.replace(active.clone(), locked) {
            Ok(old) => {
                if let Some(old) = old {
                    retire(&old).await;
                }
                *active.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(syncer.start());
                *active
                    .reminders_task
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(reminders.start());
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
        self.login_with(server, login_id, password, None).await
    }

    /// [`Desk::login`] with the captcha the insurer asked for
    /// (`captcha_required`, after many failures from this address): its id
    /// and answer.
    pub async fn login_with(
        &self,
        server: &str,
        login_id: &str,
        password: &Secret,
        captcha: Option<(&str, &str)>,
    ) -> DeskResult<LoggedIn> {
        self.gate.ensure_unlocked()?;
        let keychain = self.keychain.clone();
        let client = InsurerClient::new(server)?;
        let insurer = client.insurer().await?;
        let answer = client.login_with(login_id, password, captcha).await?;
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
                        passphrase_failures: 0,
                        passphrase_failed_at: None,
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
        let passphrase = match self.open_store(&id).await {
            Ok(store) => {
                // The password was just typed: no PIN is asked on top.
                self.activate(id, store, Some(session), insurer.entry_window_days, false)
                    .await?;
                None
            }
            // The session waits in the keychain (memory) for the passphrase.
            Err(DeskError::PassphraseRequired) => Some(PassphraseStep::Enter),
            Err(DeskError::PassphraseNotSet) => Some(PassphraseStep::Choose),
            Err(err) => return Err(err),
        };
        Ok(LoggedIn {
            profile,
            password_change_required: answer.password_change_required,
            passphrase,
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
        self.resume(&profile, store, profile.pin_hash.is_some())
            .await
    }

    /// Puts an opened profile in use with the session the keychain holds
    /// for it, if any; true when there is one.
    async fn resume(&self, profile: &Profile, store: LocalStore, locked: bool) -> DeskResult<bool> {
        let session = async {
            let client = InsurerClient::new(&profile.server)?;
            Ok::<_, DeskError>(Session::resume(client, self.keychain.clone(), &profile.id).await?)
        };
        let session = match session.await {
            Ok(session) => session,
            Err(err) => {
                store.close().await;
                return Err(err);
            }
        };
        let logged_in = session.is_some();
        let window = profile
            .entry_window_days
            .and_then(|days| EntryWindow::new(days).ok())
            .unwrap_or_default();
        self.activate(profile.id.clone(), store, session, window, locked)
            .await?;
        self.book
            .update(|list| list.last = Some(profile.id.clone()))?;
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
        let keychain = &self.keychain;
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
        keychain.delete(&account(id, "db-key")).await?;
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
}

/// Stops a profile's background sync (letting a sync under way finish,
/// for a while) and closes its data.
async fn retire(active: &Active) {
    active.reminders.stop();
    let reminders = active
        .reminders_task
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(task) = reminders {
        // It only reads and notes: nothing is lost by not waiting long.
        if tokio::time::timeout(Duration::from_secs(1), task)
            .await
            .is_err()
        {
            tracing::warn!("the reminders task did not stop in time");
        }
    }
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
