//! What members do after registration: records and goals, points, checkups,
//! reports, exchanges, notices and the change feed.
//!
//! The rules are kenpo-domain's: callers pass in the grants that
//! [`kenpo_domain::points::grants_due`] found due, and spending is allocated
//! by [`kenpo_domain::ledger::allocate`]. The store makes them stick: one
//! transaction per member operation, the member's row locked first, unique
//! keys that refuse a second grant, and checks that keep every balance and
//! stock at zero or above.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate};
use kenpo_domain::api::{
    Change, ExchangeCreated, ExchangeInfo, ExchangeStatus, FaqEntry, InquiryRequest,
    LedgerEntryInfo, Notice, PointsGranted, RecordResult, RecordsResponse, ShippingAddress,
};
use kenpo_domain::entry::{EntryValue, Goal, GoalId, GoalLabel, Weight};
use kenpo_domain::health::{Bmi, Height};
use kenpo_domain::ledger::Lot;
use kenpo_domain::points::{Grant, ReportKind, RuleCode};

use super::{ImportSummary, StoreResult};

/// An `Idempotency-Key` and a hash of the request body it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

/// One record of a batch, as the handler judged it.
#[derive(Debug, Clone)]
pub enum RecordItem {
    /// Refused before the store saw it; reported as is.
    Rejected(RecordResult),
    /// Valid: saved when newer than the stored one, and then granted `grants`.
    Valid {
        date: NaiveDate,
        value: EntryValue,
        updated_at: DateTime<FixedOffset>,
        grants: Vec<Grant>,
    },
}

/// A checkup result, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckupResult {
    pub date: NaiveDate,
    pub height: Height,
    pub weight: Weight,
    pub bmi: Bmi,
    pub smoker: bool,
    pub health_age: Option<u32>,
}

/// A member's report, checked.
#[derive(Debug, Clone, Copy)]
pub struct NewReport<'a> {
    pub kind: ReportKind,
    pub date: NaiveDate,
    pub clinic: Option<&'a str>,
}

/// One row of a checkup import, its person found and its grants computed.
#[derive(Debug, Clone)]
pub struct CheckupImport {
    pub roster_id: i64,
    pub result: CheckupResult,
    /// When the person has an active account: what goes to their feed and
    /// the grants due.
    pub member: Option<CheckupMember>,
}

#[derive(Debug, Clone)]
pub struct CheckupMember {
    pub account_id: i64,
    pub checkup: kenpo_domain::api::Checkup,
    pub grants: Vec<Grant>,
    /// The rules a checkup earns: what the feed's checkup lists as earned.
    pub earning_codes: Vec<RuleCode>,
}

/// Where a reader of the change feed is: past the member's own entry
/// `member_seq` and past notice `notice_id`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedCursor {
    pub member_seq: i64,
    pub notice_id: i64,
}

impl FeedCursor {
    /// The opaque form handed to clients.
    pub fn encode(self) -> String {
        format!("v1.{}.{}", self.member_seq, self.notice_id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.strip_prefix("v1.")?.split('.');
        let member_seq = parts.next()?.parse().ok().filter(|n: &i64| *n >= 0)?;
        let notice_id = parts.next()?.parse().ok().filter(|n: &i64| *n >= 0)?;
        parts.next().is_none().then_some(Self {
            member_seq,
            notice_id,
        })
    }
}

/// A page of the change feed.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub changes: Vec<Change>,
    pub cursor: FeedCursor,
    pub has_more: bool,
}

/// What a member orders.
#[derive(Debug, Clone, Copy)]
pub struct NewExchange<'a> {
    pub item_id: &'a str,
    pub quantity: u32,
    /// Already checked ([`ShippingAddress::checked`]).
    pub address: &'a ShippingAddress,
}

/// An order as the insurer's staff see it.
#[derive(Debug, Clone)]
pub struct ExchangeOrder {
    pub info: ExchangeInfo,
    pub login_id: String,
    pub address: ShippingAddress,
}

/// An inquiry as stored.
#[derive(Debug, Clone)]
pub struct StoredInquiry {
    pub id: i64,
    pub request: InquiryRequest,
    pub created_at: i64,
}

/// What the expiry job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpirySummary {
    pub members: u64,
    pub points: i64,
}

#[async_trait]
pub trait ActivityStore: Send + Sync {
    // ---- goals and records
    async fn goals_of(&self, account_id: i64) -> StoreResult<Vec<Goal>>;
    /// Makes `goals` the member's active list, in order: entries with an id
    /// keep it (it must be the member's, else [`super::StoreError::NotFound`]),
    /// the others are new, and goals left out are deactivated.
    async fn goals_replace(
        &self,
        account_id: i64,
        goals: &[(Option<GoalId>, GoalLabel)],
        now: i64,
    ) -> StoreResult<Vec<Goal>>;
    /// Saves a batch: each valid record is upserted when newer than the
    /// stored one, and its grants made once. With a key, a repeat of the same
    /// body answers the first response and changes nothing.
    async fn records_write(
        &self,
        account_id: i64,
        items: &[RecordItem],
        idempotency: Option<&IdempotencyKey>,
        now: i64,
    ) -> StoreResult<RecordsResponse>;
    async fn records_between(
        &self,
        account_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<kenpo_domain::api::Record>>;

    // ---- points
    /// Makes the grants not made before; returns those made now.
    async fn grants_apply(
        &self,
        account_id: i64,
        grants: &[Grant],
        note: Option<&str>,
        now: i64,
    ) -> StoreResult<Vec<Grant>>;
    /// Empties this member's lots whose last day is before `today`.
    async fn points_expire_member(
        &self,
        account_id: i64,
        today: NaiveDate,
        now: i64,
    ) -> StoreResult<i64>;
    /// The expiry job: every member's lots whose last day is before `today`.
    async fn points_expire_all(&self, today: NaiveDate, now: i64) -> StoreResult<ExpirySummary>;
    /// The member's lots that still hold points.
    async fn lots_of(&self, account_id: i64) -> StoreResult<Vec<Lot>>;
    /// The sum of the member's ledger entries.
    async fn balance_of(&self, account_id: i64) -> StoreResult<i64>;
    /// (sum of ledger entries, sum of lot remainders): equal when all is well.
    async fn points_audit(&self, account_id: i64) -> StoreResult<(i64, i64)>;
    /// Ledger entries before entry `before` (newest first).
    async fn ledger_page(
        &self,
        account_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<LedgerEntryInfo>>;

    // ---- checkups and reports
    /// Inserts or replaces (per person and day) every row, and makes their
    /// grants, in one transaction: all or nothing.
    async fn checkups_import(&self, rows: &[CheckupImport], now: i64)
    -> StoreResult<ImportSummary>;
    async fn checkups_of(&self, roster_id: i64) -> StoreResult<Vec<CheckupResult>>;
    /// The grants of `codes` (the rules a checkup earns) dated one of
    /// `dates` (checkup days).
    async fn checkup_grants(
        &self,
        account_id: i64,
        dates: &[NaiveDate],
        codes: &[RuleCode],
    ) -> StoreResult<Vec<PointsGranted>>;
    /// Keeps a report and makes its grants; `AlreadyReported` when one of
    /// the same kind is in for the same fiscal year.
    async fn report_create(
        &self,
        account_id: i64,
        report: &NewReport<'_>,
        grants: &[Grant],
        now: i64,
    ) -> StoreResult<(i64, Vec<Grant>)>;

    // ---- exchanges (the catalog itself is `CatalogStore`'s)
    /// Orders `quantity` of an item: the stock and the member's soonest-
    /// expiring points usable on `today` are taken, or nothing is.
    async fn exchange_create(
        &self,
        account_id: i64,
        order: &NewExchange<'_>,
        idempotency: Option<&IdempotencyKey>,
        today: NaiveDate,
        now: i64,
    ) -> StoreResult<ExchangeCreated>;
    /// Cancels an order not yet shipped: points back to their lots, stock back.
    async fn exchange_cancel(
        &self,
        account_id: i64,
        exchange_id: i64,
        today: NaiveDate,
        now: i64,
    ) -> StoreResult<ExchangeInfo>;
    /// Moves an order on (staff: shipped, delivered).
    async fn exchange_advance(
        &self,
        exchange_id: i64,
        status: ExchangeStatus,
        now: i64,
    ) -> StoreResult<ExchangeInfo>;
    async fn exchanges_of(&self, account_id: i64) -> StoreResult<Vec<ExchangeInfo>>;
    async fn exchange_orders(
        &self,
        status: Option<ExchangeStatus>,
    ) -> StoreResult<Vec<ExchangeOrder>>;

    // ---- notices, FAQ, inquiries
    async fn notice_post(&self, title: &str, body: &str, now: i64) -> StoreResult<i64>;
    async fn notices(&self) -> StoreResult<Vec<Notice>>;
    /// Replaces the whole FAQ.
    async fn faq_replace(&self, entries: &[FaqEntry]) -> StoreResult<u64>;
    async fn faq(&self) -> StoreResult<Vec<FaqEntry>>;
    async fn inquiry_create(&self, inquiry: &InquiryRequest, now: i64) -> StoreResult<i64>;
    async fn inquiries(&self) -> StoreResult<Vec<StoredInquiry>>;

    // ---- the change feed
    async fn changes_since(
        &self,
        account_id: i64,
        cursor: FeedCursor,
        limit: u32,
    ) -> StoreResult<FeedPage>;
}
