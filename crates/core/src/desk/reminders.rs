//! The reminders of the profile in use, as the settings screen, the
//! notifications' buttons and the tray ask of them.

use kenpo_domain::ledger::Expiring;
use kenpo_domain::reminder::{Reminder, Schedule};
use serde::Serialize;

use super::{Desk, DeskResult};

/// What the tray shows beside its menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrayStatus {
    /// Edits waiting to go up.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub pending: i64,
    /// The soonest points to expire within 30 days, if any.
    pub expiring: Option<Expiring>,
}

/// Points expiring within this many days are shown in the tray.
const TRAY_EXPIRY_DAYS: i64 = 30;

impl Desk {
    /// The member's reminder schedule.
    pub async fn reminders(&self) -> DeskResult<Schedule> {
        Ok(self.gate.open()?.reminders.schedule().await?)
    }

    /// Keeps a new schedule (normalised) and decides again at once.
    pub async fn set_reminders(&self, schedule: Schedule) -> DeskResult<Schedule> {
        Ok(self.gate.open()?.reminders.set_schedule(schedule).await?)
    }

    /// Snoozes the check-in reminder. Allowed while locked: the
    /// notification's button is pressed without unlocking.
    pub async fn snooze_reminder(&self, minutes: u32) -> DeskResult<()> {
        let active = self.gate.any().ok_or(super::DeskError::NoProfile)?;
        Ok(active.reminders.snooze(minutes).await?)
    }

    /// Decides the reminders now and answers those shown (the tests, after
    /// setting the clock); none when no profile is open.
    pub async fn check_reminders(&self) -> DeskResult<Vec<Reminder>> {
        match self.gate.any() {
            Some(active) => Ok(active
                .reminders
                .check()
                .await
                .map_err(crate::reminders::RemindersError::from)?),
            None => Ok(Vec::new()),
        }
    }

    /// The clock moved (the tests set it): decide again now.
    pub fn clock_moved(&self) {
        if let Some(active) = self.gate.any() {
            active.reminders.poke();
        }
    }

    /// Unsynced edits and the nearest expiry, for the tray; `None` when no
    /// profile is open or the app is locked (nothing private in the tray).
    pub async fn tray_status(&self) -> Option<TrayStatus> {
        let active = self.gate.open().ok()?;
        let today = self.clock.today();
        let expiring = match active.reminders.expiring().await {
            Ok(all) => all.into_iter().find(|e| {
                e.expires_on >= today && (e.expires_on - today).num_days() <= TRAY_EXPIRY_DAYS
            }),
            Err(err) => {
                tracing::warn!(%err, "expiring points not read for the tray");
                None
            }
        };
        Some(TrayStatus {
            pending: active.syncer.status().pending,
            expiring,
        })
    }
}
