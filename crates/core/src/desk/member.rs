//! What the member's screens ask of the profile in use: the day's records,
//! saves, sync, goals, the login point and points. Each call goes through
//! the lock first.

use chrono::NaiveDate;
use kenpo_domain::api::{
    CatalogItem, CheckInResponse, ErrorCode as ApiErrorCode, PointsSummary, Record, RecordValue,
    Secret,
};
use kenpo_domain::entry::{Goal, GoalId, RecordKind};
use kenpo_domain::exchange::within_reach;
use kenpo_domain::ledger::remaining_by_expiry;
use kenpo_domain::statement::{by_expiry, next_expiry};

use super::{Active, Desk, DeskResult};
use crate::scheduler::{SyncStatus, now_jst};
use crate::views::{DayView, ExpiryPlan, LedgerLine, PointsView, day_view};

impl Desk {
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
        // Syncs refused before (password_change_required) may go now.
        active.syncer.soon();
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

    /// The points summary from the insurer; `None` when it does not answer.
    pub(super) async fn points_summary(&self, active: &Active) -> Option<PointsSummary> {
        let session = active.session.as_ref()?;
        let client = session.client();
        session
            .authorized(|access| async move { client.points(&access).await })
            .await
            .ok()
    }

    /// Balance, expiring points and the ledger: from the server when it
    /// answers, from the last sync when it does not.
    pub async fn points(&self) -> DeskResult<PointsView> {
        let active = self.gate.open()?;
        let summary = self.points_summary(&active).await;
        let lines = active.store.ledger(u32::MAX).await?;
        let balance = match &summary {
            Some(s) => s.balance,
            None => active.store.balance().await?,
        };
        let by_day = match &summary {
            Some(s) => by_expiry(&s.lots),
            None => {
                let mut oldest_first = lines.clone();
                oldest_first.reverse();
                remaining_by_expiry(&oldest_first)
            }
        };
        let catalog: Vec<CatalogItem> = active
            .store
            .setting(super::exchange::CATALOG)
            .await?
            .unwrap_or_default();
        let next_expiry = next_expiry(&by_day, self.clock.today()).map(|e| ExpiryPlan {
            expires_on: e.expires_on,
            points: e.points,
            within_reach: within_reach(&catalog, e.points)
                .into_iter()
                .cloned()
                .collect(),
        });
        let ledger: Vec<LedgerLine> = lines.into_iter().map(LedgerLine::from).collect();
        let mut fiscal_years: Vec<i32> = ledger.iter().map(|l| l.fiscal_year).collect();
        fiscal_years.sort_unstable_by(|a, b| b.cmp(a));
        fiscal_years.dedup();
        Ok(PointsView {
            offline: summary.is_none(),
            summary,
            balance,
            ledger,
            fiscal_years,
            next_expiry,
        })
    }
}
