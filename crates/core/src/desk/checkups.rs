//! 健診結果 and the member's reports: each checkup with its BMI class and,
//! rule by rule, what it earned or why not (kenpo-domain's review); the
//! flu vaccination and secondary exam reports with the points they earn.

use chrono::NaiveDate;
use kenpo_domain::api::{Change, Checkup, PointRuleInfo, ReportCreated, ReportRequest};
use kenpo_domain::checkup_review::{RuleReview, bmi_class, review};
use kenpo_domain::health::BmiClass;
use kenpo_domain::member::Relationship;
use kenpo_domain::points::ReportKind;
use kenpo_domain::time::FiscalYear;
use serde::Serialize;

use super::{Desk, DeskError, DeskResult};
use crate::error::Coded;

/// The insurer's point rules as last fetched (for offline reviews).
const RULES: &str = "insurer_rules";
/// The member's relationship as the insurer last said.
const KIND: &str = "member_kind";

/// One checkup as its detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckupDetail {
    pub checkup: Checkup,
    /// By its starting year (2026 = 2026年度).
    pub fiscal_year: i32,
    pub bmi_class: BmiClass,
    pub rules: Vec<RuleReview>,
}

/// The 健診結果 screen, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckupsView {
    pub checkups: Vec<CheckupDetail>,
    pub offline: bool,
}

impl Desk {
    /// The member's checkups, reviewed: from the insurer when it answers,
    /// else as last synced.
    pub async fn checkups(&self) -> DeskResult<CheckupsView> {
        let active = self.gate.open()?;
        let fresh = match &active.session {
            Some(session) => {
                let client = session.client();
                let fetched = async {
                    let list = session
                        .authorized(|access| async move { client.checkups(&access).await })
                        .await?;
                    let account = session
                        .authorized(|access| async move { client.account(&access).await })
                        .await?;
                    let insurer = client.insurer().await?;
                    Ok::<_, DeskError>((list.checkups, account.kind, insurer.point_rules))
                }
                .await;
                match fetched {
                    Ok(fresh) => Some(fresh),
                    Err(err) => {
                        tracing::info!(code = %err.code(), "checkups shown as last synced");
                        None
                    }
                }
            }
            None => None,
        };
        let offline = fresh.is_none();
        let (mut checkups, kind, rules) = match fresh {
            Some((checkups, kind, rules)) => {
                active.store.set_setting(RULES, &rules).await?;
                active.store.set_setting(KIND, &kind).await?;
                (checkups, kind, rules)
            }
            None => {
                let mirrored = active
                    .store
                    .mirrored("checkup")
                    .await?
                    .into_iter()
                    .filter_map(|change| match change {
                        Change::Checkup(checkup) => Some(checkup),
                        _ => None,
                    })
                    .collect();
                let rules: Vec<PointRuleInfo> =
                    active.store.setting(RULES).await?.unwrap_or_default();
                let kind = active
                    .store
                    .setting(KIND)
                    .await?
                    .unwrap_or(Relationship::Insured);
                (mirrored, kind, rules)
            }
        };
        checkups.sort_by_key(|c| std::cmp::Reverse(c.date));
        let details = checkups
            .iter()
            .map(|checkup| CheckupDetail {
                fiscal_year: FiscalYear::of(checkup.date).start_year(),
                bmi_class: bmi_class(checkup),
                rules: review(checkup, &checkups, &rules, kind),
                checkup: checkup.clone(),
            })
            .collect();
        Ok(CheckupsView {
            checkups: details,
            offline,
        })
    }

    /// Reports a flu vaccination or a secondary exam (with its clinic);
    /// answers the points it earned at once.
    pub async fn report(
        &self,
        kind: ReportKind,
        date: NaiveDate,
        clinic: Option<String>,
    ) -> DeskResult<ReportCreated> {
        if date > self.clock.today() {
            return Err(DeskError::Entry(
                kenpo_domain::entry::EntryError::FutureDate,
            ));
        }
        let request = ReportRequest { kind, date, clinic };
        if request.checked_clinic().is_err() {
            return Err(DeskError::Clinic);
        }
        let active = self.gate.open()?;
        let session = active.session()?;
        let client = session.client();
        let created = session
            .authorized(|access| {
                let request = &request;
                async move { client.report(&access, request).await }
            })
            .await?;
        active.syncer.soon();
        Ok(created)
    }
}
