//! The core's background work for the profile in use: it syncs at start,
//! every few minutes, soon after a local save (debounced), every minute while the insurer cannot be reached (so that it catches up soon
//! after the network comes back), and at once after the PC wakes from
//! sleep. What it finds reaches the shell as [`DeskEvent`]s; no screen runs
//! a timer for it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use kenpo_domain::time::{Clock, JST};
use serde::Serialize;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use crate::client::ClientError;
use crate::error::{Coded, ErrorCode, OfflineReason};
use crate::session::Session;
use crate::store::{LocalResult, LocalStore};
use crate::sync::{Retry, SyncError, SyncOptions, SyncReport, sync_with_retry};

/// Where the member's data stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum SyncState {
    /// Not synced yet since the profile opened.
    Unknown,
    /// Everything saved here is on the server too.
    Synced,
    /// Saved on this PC; it goes up at the next sync.
    SavedLocally,
    /// The server could not be reached; `reason` says why.
    Offline { reason: OfflineReason },
    /// The session is over: log in again to sync.
    LoggedOut,
    /// Sync failed for another reason (its code).
    Failed { code: ErrorCode },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    #[serde(flatten)]
    pub state: SyncState,
    /// A sync is under way.
    pub running: bool,
    /// Edits waiting to go up.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub pending: i64,
    /// Records the insurer refused, kept on this PC with the reason.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub refused: i64,
    /// Items of the last sync's feed this version could not use.
    pub skipped: u32,
    pub last_sync: Option<DateTime<FixedOffset>>,
}

impl SyncStatus {
    fn starting() -> Self {
        Self {
            state: SyncState::Unknown,
            running: false,
            pending: 0,
            refused: 0,
            skipped: 0,
            last_sync: None,
        }
    }
}

/// What the core tells the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskEvent {
    /// `sync://status`: the sync indicator's state.
    SyncStatus(SyncStatus),
    /// `records://changed`: records came from the server (another device).
    RecordsChanged,
    /// `points://changed`: the ledger moved.
    PointsChanged,
    /// A reminder is due: the shell shows it as a desktop notification.
    Reminder(kenpo_domain::reminder::Reminder),
}

/// Where events go (the shell forwards them to the UI).
pub trait EventSink: Send + Sync {
    fn emit(&self, event: DeskEvent);
}

/// Events to nowhere (tools and tests that do not listen).
#[derive(Debug, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _: DeskEvent) {}
}

/// When the background sync runs.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Between syncs while all is well.
    pub every: Duration,
    /// After a save, so that a burst of edits goes up together.
    pub after_save: Duration,
    /// Between tries while the insurer cannot be reached.
    pub offline_retry: Duration,
    /// How often the clock is compared with the monotonic timer, to see sleep.
    pub tick: Duration,
    /// Retries inside one sync.
    pub retry: Retry,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(5 * 60),
            after_save: Duration::from_secs(2),
            // Nothing in the background wakes more often than once a
            // minute (the app idles in the tray).
            offline_retry: Duration::from_secs(60),
            tick: Duration::from_secs(60),
            retry: Retry::default(),
        }
    }
}

/// One profile's syncing: run by its background task and by "sync now",
/// never two at once.
pub struct Syncer {
    store: LocalStore,
    session: Option<Arc<Session>>,
    clock: Arc<dyn Clock>,
    events: Arc<dyn EventSink>,
    plan: Plan,
    status: Mutex<SyncStatus>,
    one_at_a_time: tokio::sync::Mutex<()>,
    saved: Notify,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Syncer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncer").finish_non_exhaustive()
    }
}

impl Syncer {
    pub fn new(
        store: LocalStore,
        session: Option<Arc<Session>>,
        clock: Arc<dyn Clock>,
        events: Arc<dyn EventSink>,
        plan: Plan,
    ) -> Arc<Self> {
        Arc::new(Self {
            store,
            session,
            clock,
            events,
            plan,
            status: Mutex::new(SyncStatus::starting()),
            one_at_a_time: tokio::sync::Mutex::new(()),
            saved: Notify::new(),
            stop: watch::Sender::new(false),
        })
    }

    /// The last status told.
    pub fn status(&self) -> SyncStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn tell(&self, change: impl FnOnce(&mut SyncStatus)) {
        let status = {
            let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
            change(&mut status);
            status.clone()
        };
        self.events.emit(DeskEvent::SyncStatus(status));
    }

    /// A local save happened: the status shows it at once, and a sync
    /// follows soon.
    pub async fn saved(&self) {
        if let Ok(pending) = self.store.pending().await {
            self.tell(|s| {
                s.pending = pending;
                if s.state == SyncState::Synced || s.state == SyncState::Unknown {
                    s.state = SyncState::SavedLocally;
                }
            });
        }
        self.saved.notify_one();
    }

    /// Asks for a sync soon, without waiting for it (e.g. the insurer now
    /// lets the member sync: the initial password was changed).
    pub fn soon(&self) {
        self.saved.notify_one();
    }

    /// Syncs now (after the one under way, if any); the status after it.
    pub async fn run(&self) -> SyncStatus {
        let _one = self.one_at_a_time.lock().await;
        self.tell(|s| s.running = true);
        let outcome = match &self.session {
            None => Err(SyncError::LoggedOut),
            Some(session) => {
                sync_with_retry(
                    &self.store,
                    session,
                    SyncOptions::default(),
                    self.plan.retry,
                    self.clock.as_ref(),
                )
                .await
            }
        };
        let state = match &outcome {
            Ok(_) => SyncState::Synced,
            Err(SyncError::Client(ClientError::Offline(reason))) => {
                SyncState::Offline { reason: *reason }
            }
            Err(SyncError::LoggedOut) => SyncState::LoggedOut,
            Err(err) => SyncState::Failed { code: err.code() },
        };
        if let Err(err) = &outcome {
            tracing::info!(code = %err.code(), "sync did not complete");
        }
        let report = outcome.as_ref().copied().unwrap_or_default();
        let counts = self.counts().await;
        self.tell(|s| {
            s.running = false;
            s.skipped = u32::try_from(report.unknown + report.invalid).unwrap_or(u32::MAX);
            if let Ok((pending, refused, last_sync)) = counts {
                s.pending = pending;
                s.refused = refused;
                s.last_sync = last_sync;
            }
            s.state = match state {
                SyncState::Synced if s.pending > 0 => SyncState::SavedLocally,
                other => other,
            };
        });
        self.announce(&report);
        self.status()
    }

    async fn counts(&self) -> LocalResult<(i64, i64, Option<DateTime<FixedOffset>>)> {
        Ok((
            self.store.pending().await?,
            self.store.refused().await?,
            self.store.last_sync().await?,
        ))
    }

    fn announce(&self, report: &SyncReport) {
        if report.pulled > 0 || report.set_aside > 0 {
            self.events.emit(DeskEvent::RecordsChanged);
        }
        if report.pulled > 0 {
            self.events.emit(DeskEvent::PointsChanged);
        }
    }

    /// Starts the background task; it runs until [`Syncer::stop`].
    pub fn start(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move { me.background().await })
    }

    /// Asks the background task to end, after the sync under way.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    async fn background(self: Arc<Self>) {
        let mut stop = self.stop.subscribe();
        loop {
            if *stop.borrow() {
                return;
            }
            let status = self.run().await;
            let wait = match status.state {
                SyncState::Offline { .. } => self.plan.offline_retry,
                SyncState::LoggedOut => Duration::MAX,
                _ if status.pending > 0 => self.plan.offline_retry,
                _ => self.plan.every,
            };
            let due = Instant::now().checked_add(wait);
            if self.wait(due, &mut stop).await {
                return;
            }
        }
    }

    /// Waits until `due`, a save (then the debounce), or a wake from sleep;
    /// `true` when asked to stop.
    async fn wait(&self, due: Option<Instant>, stop: &mut watch::Receiver<bool>) -> bool {
        let mut mono = Instant::now();
        let mut wall = self.clock.now();
        loop {
            let tick = tokio::time::sleep(self.plan.tick);
            let deadline = async {
                match due {
                    Some(due) => tokio::time::sleep_until(due).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = stop.changed() => return true,
                () = deadline => return false,
                () = self.saved.notified() => {
                    // More saves inside the debounce go up with this one.
                    tokio::select! {
                        _ = stop.changed() => return true,
                        () = tokio::time::sleep(self.plan.after_save) => return false,
                    }
                }
                () = tick => {
                    // The monotonic timer stands still while the PC sleeps;
                    // the wall clock does not.
                    let slept = (self.clock.now() - wall).to_std().unwrap_or_default();
                    if slept > mono.elapsed() + Duration::from_secs(60) {
                        tracing::info!("the PC woke from sleep: syncing");
                        return false;
                    }
                    mono = Instant::now();
                    wall = self.clock.now();
                }
            }
        }
    }
}

/// The instant `clock` says, in Japan's offset.
pub(crate) fn now_jst(clock: &dyn Clock) -> DateTime<FixedOffset> {
    clock.now().with_timezone(&JST).fixed_offset()
}
