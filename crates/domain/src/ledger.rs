//! The arithmetic of the points ledger.
//!
//! Points are granted in lots; each lot remembers the day it was granted and
//! the last day it can be used ([`expiry_of_grant`]). Spending draws from the
//! lots that expire soonest (ties: the oldest grant, then the first lot) and
//! is refused, with nothing changed, when the usable points do not suffice.
//! Cancelling a spend puts each point back into the lot it came from, with
//! that lot's original expiry. Expiry on a day empties every lot whose last
//! day has passed.
//!
//! The balance is the sum of the ledger's entries and always equals the sum
//! of the lots' remainders; neither ever goes below zero.
//!
//! The insurer's server keeps lots and entries in its database; the pure
//! functions [`allocate`] and [`expiring_soon`] work on its rows, and
//! [`Ledger`] is the reference model that the property tests exercise.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Coded;
use crate::points::RuleCode;
use crate::time::{add_days, expiry_of_grant};

/// Most points one grant or one spend may move: a guard against a slipped digit.
pub const MAX_POINTS_PER_OPERATION: i64 = 100_000_000;

/// A lot's identifier, unique within a member's ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LotId(pub u64);

/// A spend's identifier, unique within a member's ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpendId(pub u64);

/// An entry's identifier, in the order the entries were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub u64);

/// Why the ledger refused an operation. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("points must be from 1 to 100,000,000")]
    InvalidAmount,
    #[error("not enough usable points: {requested} requested, {available} available")]
    InsufficientPoints { requested: i64, available: i64 },
    #[error("no such spend")]
    UnknownSpend,
    #[error("the spend was already cancelled")]
    AlreadyCancelled,
}

impl Coded for LedgerError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidAmount => "invalid_amount",
            Self::InsufficientPoints { .. } => "insufficient_points",
            Self::UnknownSpend => "unknown_spend",
            Self::AlreadyCancelled => "already_cancelled",
        }
    }
}

/// Points granted together, with the same expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub id: LotId,
    pub granted_on: NaiveDate,
    /// The last day the points can be used (end of day JST).
    pub expires_on: NaiveDate,
    pub granted: i64,
    pub remaining: i64,
}

impl Lot {
    /// Whether the lot's points can still be used on `date`.
    pub fn is_usable_on(&self, date: NaiveDate) -> bool {
        date <= self.expires_on
    }

    /// The order in which lots are spent: soonest expiry, then oldest grant,
    /// then the first lot.
    fn spending_order(&self) -> (NaiveDate, NaiveDate, LotId) {
        (self.expires_on, self.granted_on, self.id)
    }
}

/// Points drawn from (or returned to) one lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub lot: LotId,
    pub points: i64,
}

/// Which lots a spend of `points` on `date` draws from, soonest-expiring
/// first; refused when the lots usable on that day hold too little.
pub fn allocate(
    lots: &[Lot],
    points: i64,
    date: NaiveDate,
) -> Result<Vec<Allocation>, LedgerError> {
    if !(1..=MAX_POINTS_PER_OPERATION).contains(&points) {
        return Err(LedgerError::InvalidAmount);
    }
    let mut usable: Vec<&Lot> = lots
        .iter()
        .filter(|lot| lot.remaining > 0 && lot.is_usable_on(date))
        .collect();
    let available: i64 = usable.iter().map(|lot| lot.remaining).sum();
    if available < points {
        return Err(LedgerError::InsufficientPoints {
            requested: points,
            available,
        });
    }
    usable.sort_by_key(|lot| lot.spending_order());
    let mut left = points;
    let mut allocations = Vec::new();
    for lot in usable {
        if left == 0 {
            break;
        }
        let take = left.min(lot.remaining);
        allocations.push(Allocation {
            lot: lot.id,
            points: take,
        });
        left -= take;
    }
    Ok(allocations)
}

/// Points that expire on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Expiring {
    pub expires_on: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
}

/// The points that expire within `within_days` days of `today` (today
/// included), summed per expiry day, soonest first.
pub fn expiring_soon(lots: &[Lot], today: NaiveDate, within_days: u32) -> Vec<Expiring> {
    let last = add_days(today, u64::from(within_days));
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for lot in lots.iter().filter(|lot| lot.remaining > 0) {
        if (today..=last).contains(&lot.expires_on) {
            *per_day.entry(lot.expires_on).or_default() += lot.remaining;
        }
    }
    per_day
        .into_iter()
        .map(|(expires_on, points)| Expiring { expires_on, points })
        .collect()
}

/// What an entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// Points granted for a rule or a campaign.
    Grant { code: RuleCode, lot: LotId },
    /// Points spent on an exchange.
    Spend { spend: SpendId },
    /// A spend cancelled: its points returned to their lots.
    Cancel { spend: SpendId },
    /// A lot's remaining points expired.
    Expiry { lot: LotId },
}

impl EntryKind {
    /// The code shown in the ledger: the rule's code for a grant, otherwise
    /// `exchange`, `exchange_cancelled` or `expiry`.
    pub fn code(&self) -> &str {
        match self {
            Self::Grant { code, .. } => code.as_str(),
            Self::Spend { .. } => "exchange",
            Self::Cancel { .. } => "exchange_cancelled",
            Self::Expiry { .. } => "expiry",
        }
    }
}

/// One line of the ledger: grants and returns positive, spending and expiry
/// negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: EntryId,
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub points: i64,
}

/// A spend as made: what it drew from which lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spend {
    pub id: SpendId,
    pub date: NaiveDate,
    pub points: i64,
    pub allocations: Vec<Allocation>,
    pub cancelled: bool,
}

/// What a cancellation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    /// Every allocation of the spend, returned to its lot.
    pub returned: Vec<Allocation>,
    /// The part of `returned` that went back to lots already past their
    /// expiry, and so expired again at once.
    pub expired_at_once: Vec<Allocation>,
}

/// A member's points ledger, in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    lots: Vec<Lot>,
    entries: Vec<LedgerEntry>,
    spends: Vec<Spend>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// The lots, in the order they were granted.
    pub fn lots(&self) -> &[Lot] {
        &self.lots
    }

    /// The entries, in the order they were written.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// The spends, in the order they were made.
    pub fn spends(&self) -> &[Spend] {
        &self.spends
    }

    /// The balance: the sum of the ledger.
    pub fn balance(&self) -> i64 {
        self.entries.iter().map(|entry| entry.points).sum()
    }

    /// The points that can be spent on `date`: the balance less lots past
    /// their expiry that the expiry run has not yet emptied.
    pub fn available_on(&self, date: NaiveDate) -> i64 {
        self.lots
            .iter()
            .filter(|lot| lot.is_usable_on(date))
            .map(|lot| lot.remaining)
            .sum()
    }

    /// Whether the invariants hold: the balance equals the sum of the lots,
    /// no lot is negative or holds more than it was granted.
    pub fn is_consistent(&self) -> bool {
        let in_lots: i64 = self.lots.iter().map(|lot| lot.remaining).sum();
        let lots_ok = self
            .lots
            .iter()
            .all(|lot| (0..=lot.granted).contains(&lot.remaining));
        lots_ok && in_lots == self.balance() && in_lots >= 0
    }

    fn write(&mut self, date: NaiveDate, kind: EntryKind, points: i64) {
        let id = EntryId(self.entries.len() as u64 + 1);
        self.entries.push(LedgerEntry {
            id,
            date,
            kind,
            points,
        });
    }

    fn lot_mut(&mut self, id: LotId) -> &mut Lot {
        self.lots
            .iter_mut()
            .find(|lot| lot.id == id)
            .expect("allocations name lots of this ledger")
    }

    /// Grants `points` for `code` on `granted_on`, in a new lot that expires
    /// at the end of the next fiscal year.
    pub fn grant(
        &mut self,
        code: RuleCode,
        points: i64,
        granted_on: NaiveDate,
    ) -> Result<LotId, LedgerError> {
        if !(1..=MAX_POINTS_PER_OPERATION).contains(&points) {
            return Err(LedgerError::InvalidAmount);
        }
        let id = LotId(self.lots.len() as u64 + 1);
        self.lots.push(Lot {
            id,
            granted_on,
            expires_on: expiry_of_grant(granted_on),
            granted: points,
            remaining: points,
        });
        self.write(granted_on, EntryKind::Grant { code, lot: id }, points);
        Ok(id)
    }

    /// Spends `points` on `date`, soonest-expiring lots first.
    pub fn spend(&mut self, points: i64, date: NaiveDate) -> Result<Spend, LedgerError> {
        let allocations = allocate(&self.lots, points, date)?;
        for allocation in &allocations {
            self.lot_mut(allocation.lot).remaining -= allocation.points;
        }
        let id = SpendId(self.spends.len() as u64 + 1);
        self.write(date, EntryKind::Spend { spend: id }, -points);
        let spend = Spend {
            id,
            date,
            points,
            allocations,
            cancelled: false,
        };
        self.spends.push(spend.clone());
        Ok(spend)
    }

    /// Cancels a spend on `date`: each allocated point goes back to its
    /// original lot with the lot's original expiry. Points returned to a lot
    /// whose last day is before `date` are not revived: they expire again at
    /// once, and the ledger shows both the return and the expiry.
    pub fn cancel(&mut self, spend: SpendId, date: NaiveDate) -> Result<Cancellation, LedgerError> {
        let record = self
            .spends
            .iter_mut()
            .find(|s| s.id == spend)
            .ok_or(LedgerError::UnknownSpend)?;
        if record.cancelled {
            return Err(LedgerError::AlreadyCancelled);
        }
        record.cancelled = true;
        let returned = record.allocations.clone();
        let total: i64 = returned.iter().map(|a| a.points).sum();
        for allocation in &returned {
            self.lot_mut(allocation.lot).remaining += allocation.points;
        }
        self.write(date, EntryKind::Cancel { spend }, total);
        let mut expired_at_once = Vec::new();
        for allocation in &returned {
            let lot = self.lot_mut(allocation.lot);
            if !lot.is_usable_on(date) {
                lot.remaining -= allocation.points;
                let lot = lot.id;
                self.write(date, EntryKind::Expiry { lot }, -allocation.points);
                expired_at_once.push(*allocation);
            }
        }
        Ok(Cancellation {
            returned,
            expired_at_once,
        })
    }

    /// The expiry run on `date`: empties every lot whose last day is before
    /// `date`, with one expiry entry per lot. Running it twice changes nothing.
    pub fn expire(&mut self, date: NaiveDate) -> Vec<Allocation> {
        let expired: Vec<Allocation> = self
            .lots
            .iter()
            .filter(|lot| lot.remaining > 0 && !lot.is_usable_on(date))
            .map(|lot| Allocation {
                lot: lot.id,
                points: lot.remaining,
            })
            .collect();
        for allocation in &expired {
            self.lot_mut(allocation.lot).remaining = 0;
            self.write(
                date,
                EntryKind::Expiry {
                    lot: allocation.lot,
                },
                -allocation.points,
            );
        }
        expired
    }

    /// The points expiring within `within_days` days of `today`, per day.
    pub fn expiring_soon(&self, today: NaiveDate, within_days: u32) -> Vec<Expiring> {
        expiring_soon(&self.lots, today, within_days)
    }
}

/// What is left to expire, per expiry day, replayed from the ledger's lines
/// as the insurer lists them (oldest first): a line with an expiry adds to
/// or takes from the points of that day (grants, returns of a cancelled
/// exchange, expiry); an exchange (no expiry) draws from the soonest
/// expiring points still usable on its day, as [`allocate`] did on the
/// server. Days left with nothing are left out.
pub fn remaining_by_expiry(lines: &[crate::api::LedgerEntryInfo]) -> Vec<Expiring> {
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for line in lines {
        match line.expires_on {
            Some(day) => {
                let left = per_day.entry(day).or_default();
                *left = (*left + line.points).max(0);
            }
            None if line.points < 0 => {
                let mut owed = -line.points;
                for (_, left) in per_day.range_mut(line.date..) {
                    let take = owed.min(*left);
                    *left -= take;
                    owed -= take;
                    if owed == 0 {
                        break;
                    }
                }
            }
            None => {}
        }
    }
    per_day
        .into_iter()
        .filter(|(_, points)| *points > 0)
        .map(|(expires_on, points)| Expiring { expires_on, points })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::error::assert_snake_case;
    use crate::time::d;

    fn code(text: &str) -> RuleCode {
        RuleCode::parse(text).unwrap()
    }

    #[test]
    fn grants_expire_at_the_end_of_the_next_fiscal_year() {
        let mut ledger = Ledger::new();
        let lot = ledger.grant(code("steps"), 10, d(2026, 5, 10)).unwrap();
        assert_eq!(ledger.lots()[0].expires_on, d(2028, 3, 31));
        assert_eq!(ledger.lots()[0].id, lot);
        assert!(
            ledger.expire(d(2028, 3, 31)).is_empty(),
            "still usable on its last day"
        );
        assert_eq!(
            ledger.expire(d(2028, 4, 1)),
            [Allocation { lot, points: 10 }]
        );
        assert_eq!(ledger.balance(), 0);
        assert!(
            ledger.expire(d(2028, 4, 2)).is_empty(),
            "expiry runs once per lot"
        );
        assert_eq!(ledger.entries().last().unwrap().kind.code(), "expiry");
        assert!(ledger.is_consistent());
    }

    #[test]
    fn spending_takes_the_soonest_expiring_points_first() {
        let mut ledger = Ledger::new();
        let fy2027 = ledger
            .grant(code("registration"), 1_000, d(2027, 4, 1))
            .unwrap(); // expires 2029-03-31
        let fy2026_late = ledger.grant(code("login"), 300, d(2027, 3, 31)).unwrap(); // 2028-03-31
        let fy2026_early = ledger.grant(code("weight"), 200, d(2026, 5, 10)).unwrap(); // 2028-03-31
        let spend = ledger.spend(600, d(2027, 4, 2)).unwrap();
        assert_eq!(
            spend.allocations,
            [
                Allocation {
                    lot: fy2026_early,
                    points: 200
                },
                Allocation {
                    lot: fy2026_late,
                    points: 300
                },
                Allocation {
                    lot: fy2027,
                    points: 100
                },
            ],
            "soonest expiry first; on a tie, the oldest grant"
        );
        assert_eq!(ledger.balance(), 900);
        assert!(ledger.is_consistent());
    }

    #[test]
    fn spending_is_refused_below_zero_and_changes_nothing() {
        let mut ledger = Ledger::new();
        ledger
            .grant(code("registration"), 1_000, d(2026, 11, 21))
            .unwrap();
        let before = ledger.clone();
        assert_eq!(
            ledger.spend(1_895 + 2_600, d(2026, 11, 22)),
            Err(LedgerError::InsufficientPoints {
                requested: 4_495,
                available: 1_000
            })
        );
        assert_eq!(
            ledger, before,
            "a refused spend leaves the ledger as it was"
        );
        assert_eq!(
            ledger.spend(0, d(2026, 11, 22)),
            Err(LedgerError::InvalidAmount)
        );
        assert_eq!(
            ledger.spend(-5, d(2026, 11, 22)),
            Err(LedgerError::InvalidAmount)
        );
        assert_eq!(
            ledger.grant(code("steps"), 0, d(2026, 11, 22)),
            Err(LedgerError::InvalidAmount)
        );
        assert_eq!(
            ledger.spend(1_000, d(2026, 11, 22)).map(|s| s.points),
            Ok(1_000),
            "all of it is fine"
        );
        assert_eq!(ledger.balance(), 0);
    }

    #[test]
    fn lots_past_their_expiry_are_not_spent_even_before_the_expiry_run() {
        let mut ledger = Ledger::new();
        ledger.grant(code("steps"), 500, d(2026, 5, 10)).unwrap(); // 2028-03-31
        ledger.grant(code("steps"), 100, d(2027, 5, 10)).unwrap(); // 2029-03-31
        assert_eq!(ledger.available_on(d(2028, 4, 1)), 100);
        assert_eq!(
            ledger.spend(200, d(2028, 4, 1)),
            Err(LedgerError::InsufficientPoints {
                requested: 200,
                available: 100
            })
        );
    }

    #[test]
    fn cancelling_returns_points_to_their_lots_with_their_expiry() {
        let mut ledger = Ledger::new();
        let old = ledger
            .grant(code("registration"), 1_000, d(2026, 5, 10))
            .unwrap(); // 2028-03-31
        let new = ledger
            .grant(code("flu_vaccine"), 300, d(2027, 5, 10))
            .unwrap(); // 2029-03-31
        let spend = ledger.spend(1_200, d(2027, 6, 1)).unwrap();
        let cancellation = ledger.cancel(spend.id, d(2027, 6, 3)).unwrap();
        assert_eq!(cancellation.returned, spend.allocations);
        assert!(cancellation.expired_at_once.is_empty());
        let lot = |id| ledger.lots().iter().find(|l| l.id == id).unwrap().clone();
        assert_eq!(
            (lot(old).remaining, lot(old).expires_on),
            (1_000, d(2028, 3, 31))
        );
        assert_eq!(
            (lot(new).remaining, lot(new).expires_on),
            (300, d(2029, 3, 31))
        );
        assert_eq!(
            ledger.cancel(spend.id, d(2027, 6, 4)),
            Err(LedgerError::AlreadyCancelled)
        );
        assert_eq!(
            ledger.cancel(SpendId(99), d(2027, 6, 4)),
            Err(LedgerError::UnknownSpend)
        );
        assert_eq!(ledger.balance(), 1_300);
        assert!(ledger.is_consistent());
    }

    #[test]
    fn points_returned_to_an_expired_lot_are_not_revived() {
        let mut ledger = Ledger::new();
        let old = ledger
            .grant(code("registration"), 1_000, d(2026, 5, 10))
            .unwrap(); // 2028-03-31
        let new = ledger.grant(code("steps"), 100, d(2027, 5, 10)).unwrap(); // 2029-03-31
        let spend = ledger.spend(1_050, d(2028, 3, 30)).unwrap();
        ledger.expire(d(2028, 4, 1));
        let cancellation = ledger.cancel(spend.id, d(2028, 4, 2)).unwrap();
        assert_eq!(
            cancellation.expired_at_once,
            [Allocation {
                lot: old,
                points: 1_000
            }]
        );
        assert_eq!(
            ledger.balance(),
            100,
            "only the still-valid lot's 50 + 50 remain"
        );
        let lot = ledger.lots().iter().find(|l| l.id == new).unwrap();
        assert_eq!(lot.remaining, 100);
        let kinds: Vec<&str> = ledger.entries().iter().map(|e| e.kind.code()).collect();
        assert_eq!(
            kinds,
            [
                "registration",
                "steps",
                "exchange",
                "exchange_cancelled",
                "expiry"
            ]
        );
        assert!(ledger.is_consistent());
    }

    #[test]
    fn expiring_soon_sums_points_per_day() {
        let mut ledger = Ledger::new();
        ledger.grant(code("steps"), 10, d(2026, 5, 10)).unwrap(); // 2028-03-31
        ledger.grant(code("weight"), 20, d(2026, 11, 21)).unwrap(); // 2028-03-31
        ledger.grant(code("login"), 5, d(2027, 4, 1)).unwrap(); // 2029-03-31
        let today = d(2028, 3, 1);
        assert_eq!(
            ledger.expiring_soon(today, 30),
            [Expiring {
                expires_on: d(2028, 3, 31),
                points: 30
            }]
        );
        assert!(
            ledger.expiring_soon(today, 29).is_empty(),
            "the 31st is 30 days away"
        );
        assert_eq!(ledger.expiring_soon(today, 400).len(), 2);
        assert!(
            ledger.expiring_soon(d(2028, 4, 1), 30).is_empty(),
            "expired lots are not 'soon'"
        );
    }

    #[test]
    fn error_codes_are_snake_case() {
        for error in [
            LedgerError::InvalidAmount,
            LedgerError::InsufficientPoints {
                requested: 1,
                available: 0,
            },
            LedgerError::UnknownSpend,
            LedgerError::AlreadyCancelled,
        ] {
            assert_snake_case(error.code());
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Grant(i64),
        Spend(i64),
        Cancel(usize),
        Expire,
    }

    fn op() -> impl Strategy<Value = (Op, u64)> {
        let op = prop_oneof![
            4 => (1i64..2_000).prop_map(Op::Grant),
            4 => (1i64..3_000).prop_map(Op::Spend),
            2 => any::<usize>().prop_map(Op::Cancel),
            1 => Just(Op::Expire),
        ];
        (op, 0u64..120)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn the_ledger_never_lies(ops in prop::collection::vec(op(), 1..60)) {
            let mut ledger = Ledger::new();
            let mut date = d(2026, 4, 1);
            for (op, days) in ops {
                date = add_days(date, days);
                match op {
                    Op::Grant(points) => {
                        ledger.grant(code("steps"), points, date).unwrap();
                    }
                    Op::Spend(points) => {
                        let before = ledger.clone();
                        match ledger.spend(points, date) {
                            Ok(spend) => check_soonest_first(&before, &spend)?,
                            Err(LedgerError::InsufficientPoints { available, .. }) => {
                                prop_assert_eq!(available, before.available_on(date));
                                prop_assert!(available < points);
                                prop_assert_eq!(&ledger, &before, "a refused spend changes nothing");
                            }
                            Err(other) => prop_assert!(false, "unexpected refusal {other}"),
                        }
                    }
                    Op::Cancel(index) => {
                        if !ledger.spends().is_empty() {
                            let spend = ledger.spends()[index % ledger.spends().len()].clone();
                            let balance = ledger.balance();
                            match ledger.cancel(spend.id, date) {
                                Ok(cancellation) => {
                                    let revived: i64 = cancellation.returned.iter().map(|a| a.points).sum::<i64>()
                                        - cancellation.expired_at_once.iter().map(|a| a.points).sum::<i64>();
                                    prop_assert_eq!(ledger.balance(), balance + revived);
                                }
                                Err(error) => {
                                    prop_assert!(spend.cancelled);
                                    prop_assert_eq!(error, LedgerError::AlreadyCancelled);
                                }
                            }
                        }
                    }
                    Op::Expire => {
                        ledger.expire(date);
                        prop_assert_eq!(ledger.available_on(date), ledger.balance(), "nothing stale is left");
                    }
                }
                prop_assert!(ledger.balance() >= 0, "the balance never goes below zero");
                prop_assert!(ledger.is_consistent(), "balance == sum of entries == sum of lots");
            }
        }
    }

    /// The spend drew whole lots in spending order, and only the last lot it
    /// touched may have points left; no usable lot it skipped expires sooner.
    fn check_soonest_first(before: &Ledger, spend: &Spend) -> Result<(), TestCaseError> {
        let lot = |id: LotId| before.lots().iter().find(|l| l.id == id).unwrap();
        let keys: Vec<_> = spend
            .allocations
            .iter()
            .map(|a| lot(a.lot).spending_order())
            .collect();
        prop_assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "allocations follow the spending order"
        );
        let (last, whole) = spend
            .allocations
            .split_last()
            .expect("a spend draws from some lot");
        for allocation in whole {
            prop_assert_eq!(
                allocation.points,
                lot(allocation.lot).remaining,
                "earlier lots are emptied"
            );
        }
        prop_assert!(last.points <= lot(last.lot).remaining);
        let latest_used = keys.last().copied().unwrap();
        for skipped in before.lots().iter().filter(|l| {
            l.remaining > 0
                && l.is_usable_on(spend.date)
                && !spend.allocations.iter().any(|a| a.lot == l.id)
        }) {
            prop_assert!(
                skipped.spending_order() > latest_used,
                "a sooner-expiring lot was skipped"
            );
        }
        prop_assert_eq!(
            spend.allocations.iter().map(|a| a.points).sum::<i64>(),
            spend.points
        );
        Ok(())
    }

    #[test]
    fn what_is_left_to_expire_replays_grants_exchanges_and_returns() {
        use crate::api::LedgerEntryInfo;
        let line =
            |id: i64, date: NaiveDate, c: &str, points: i64, expires_on: Option<NaiveDate>| {
                LedgerEntryInfo {
                    id,
                    date,
                    code: code(c),
                    points,
                    expires_on,
                    note: None,
                }
            };
        let lines = [
            line(1, d(2025, 6, 1), "steps", 300, Some(d(2027, 3, 31))),
            line(2, d(2026, 5, 1), "steps", 500, Some(d(2028, 3, 31))),
            // Drawn from the 2027 lot first, then 100 from 2028.
            line(3, d(2026, 6, 1), "exchange", -400, None),
            // The cancel returns 100 to 2028 and 300 to 2027.
            line(
                4,
                d(2026, 6, 2),
                "exchange_cancelled",
                100,
                Some(d(2028, 3, 31)),
            ),
            line(
                5,
                d(2026, 6, 2),
                "exchange_cancelled",
                300,
                Some(d(2027, 3, 31)),
            ),
            line(6, d(2026, 7, 1), "exchange", -50, None),
        ];
        assert_eq!(
            remaining_by_expiry(&lines),
            vec![
                Expiring {
                    expires_on: d(2027, 3, 31),
                    points: 250
                },
                Expiring {
                    expires_on: d(2028, 3, 31),
                    points: 500
                },
            ]
        );
        let mut expired = lines.to_vec();
        expired.push(line(7, d(2027, 4, 1), "expiry", -250, Some(d(2027, 3, 31))));
        assert_eq!(
            remaining_by_expiry(&expired),
            vec![Expiring {
                expires_on: d(2028, 3, 31),
                points: 500
            }]
        );
    }
}
