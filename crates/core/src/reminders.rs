//! The reminders of the profile in use: a background task asks
//! kenpo-domain's [`due`] at the start of every minute (and at once when
//! the schedule, a snooze or the clock changes), notes what it shows, and
//! sends each reminder to the shell as a [`DeskEvent::Reminder`]. It runs
//! while the app is locked too; the shell words a locked app's reminders
//! generically.

use std::sync::Arc;
use std::time::Duration;

use kenpo_domain::entry::EntryWindow;
use kenpo_domain::ledger::{Expiring, remaining_by_expiry};
use kenpo_domain::reminder::{
    Reminder, ReminderError, ReminderLog, SNOOZE_MINUTES, Schedule, Situation, TodayHolds, due,
};
use kenpo_domain::time::Clock;
use tokio::sync::{Notify, watch};

use crate::scheduler::{DeskEvent, EventSink};
use crate::store::{LocalResult, LocalStore};
use crate::views::day_view;

const SCHEDULE: &str = "reminders";
const LOG: &str = "reminder_log";

/// Why a reminder setting was refused.
#[derive(Debug, thiserror::Error)]
pub enum RemindersError {
    #[error(transparent)]
    Local(#[from] crate::store::LocalError),
    #[error(transparent)]
    Schedule(#[from] ReminderError),
    #[error("a snooze is 15, 30 or 60 minutes")]
    Snooze,
}

pub struct Reminders {
    store: LocalStore,
    window: EntryWindow,
    clock: Arc<dyn Clock>,
    events: Arc<dyn EventSink>,
    /// One decision at a time: two at once could both show one slot.
    turn: tokio::sync::Mutex<()>,
    poke: Notify,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Reminders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reminders").finish_non_exhaustive()
    }
}

impl Reminders {
    pub fn new(
        store: LocalStore,
        window: EntryWindow,
        clock: Arc<dyn Clock>,
        events: Arc<dyn EventSink>,
    ) -> Arc<Self> {
        Arc::new(Self {
            store,
            window,
            clock,
            events,
            turn: tokio::sync::Mutex::new(()),
            poke: Notify::new(),
            stop: watch::Sender::new(false),
        })
    }

    /// The member's schedule (the default until they change it).
    pub async fn schedule(&self) -> LocalResult<Schedule> {
        Ok(self.store.setting(SCHEDULE).await?.unwrap_or_default())
    }

    /// Keeps a new schedule, as kenpo-domain normalises it, and decides again.
    pub async fn set_schedule(&self, schedule: Schedule) -> Result<Schedule, RemindersError> {
        let schedule = schedule.normalised()?;
        self.store.set_setting(SCHEDULE, &schedule).await?;
        self.poke();
        Ok(schedule)
    }

    /// No check-in reminder for `minutes`, then one if still needed.
    pub async fn snooze(&self, minutes: u32) -> Result<(), RemindersError> {
        if !SNOOZE_MINUTES.contains(&minutes) {
            return Err(RemindersError::Snooze);
        }
        let _turn = self.turn.lock().await;
        let mut log = self.log().await?;
        log.snooze(self.clock.now(), minutes);
        self.store.set_setting(LOG, &log).await?;
        drop(_turn);
        self.poke();
        Ok(())
    }

    /// Decide again now (the clock or the data changed).
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// The points still to expire, per expiry day, from the mirrored ledger.
    pub async fn expiring(&self) -> LocalResult<Vec<Expiring>> {
        Ok(remaining_by_expiry(&self.store.ledger_lines().await?))
    }

    async fn log(&self) -> LocalResult<ReminderLog> {
        Ok(self.store.setting(LOG).await?.unwrap_or_default())
    }

    /// Decides, notes what is shown, then sends it: a reminder noted but
    /// not shown (the app stopped between) is better than one shown twice.
    pub async fn check(&self) -> LocalResult<Vec<Reminder>> {
        let _turn = self.turn.lock().await;
        let now = self.clock.now();
        let today = self.clock.today();
        let schedule = self.schedule().await?;
        let mut log = self.log().await?;
        let day = day_view(&self.store, self.window, today, today).await?;
        let holds = TodayHolds {
            steps: day.steps.is_some(),
            weight: day.weight_kg.is_some(),
            goals: u32::try_from(day.goals.len()).unwrap_or(u32::MAX),
            goals_answered: u32::try_from(
                day.goals.iter().filter(|g| g.achieved.is_some()).count(),
            )
            .unwrap_or(u32::MAX),
        };
        let notice_ids = self.store.notice_ids().await?;
        let before = log.clone();
        // Notices that were there at the first sync are not news.
        if self.store.last_sync().await?.is_some() {
            log.baseline_notices(&notice_ids);
        }
        let expiring = self.expiring().await?;
        let shown = due(&Situation {
            schedule: &schedule,
            now,
            today: holds,
            log: &log,
            expiring: &expiring,
            notice_ids: &notice_ids,
        });
        for reminder in &shown {
            log.record(reminder, now);
        }
        if log != before {
            self.store.set_setting(LOG, &log).await?;
        }
        for reminder in &shown {
            self.events.emit(DeskEvent::Reminder(reminder.clone()));
        }
        Ok(shown)
    }

    /// Starts the background task; it runs until [`Reminders::stop`].
    pub fn start(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move { me.background().await })
    }

    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    async fn background(self: Arc<Self>) {
        let mut stop = self.stop.subscribe();
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(err) = self.check().await {
                tracing::warn!(%err, "reminders could not be decided");
            }
            // Slots are whole minutes: wake just after the next one begins.
            let into_minute = self.clock.now().timestamp_millis().rem_euclid(60_000);
            let wait = Duration::from_millis((60_000 - into_minute) as u64 + 20);
            tokio::select! {
                _ = stop.changed() => return,
                () = tokio::time::sleep(wait) => {}
                () = self.poke.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
