//! The points statement as a member reads it: what kind each ledger line
//! is, its fiscal year (for the filters), and the next points to expire.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::api::{LedgerEntryInfo, LotInfo};
use crate::ledger::Expiring;
use crate::time::FiscalYear;

/// What a ledger line is, for the statement's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Points granted (a rule, a campaign, registration).
    Earned,
    /// Points spent on an exchange.
    Spent,
    /// The points of a cancelled exchange, back.
    Returned,
    /// Points written off at their expiry.
    Expired,
}

impl LineKind {
    /// The kind of a line by its code (the server's reserved codes for
    /// exchanges and expiry; anything else is a grant).
    pub fn of(line: &LedgerEntryInfo) -> Self {
        match line.code.as_str() {
            "exchange" => Self::Spent,
            "exchange_cancelled" => Self::Returned,
            "expiry" => Self::Expired,
            _ => Self::Earned,
        }
    }
}

/// The fiscal year (its starting calendar year) a line belongs to.
pub fn fiscal_year_of(line: &LedgerEntryInfo) -> i32 {
    FiscalYear::of(line.date).start_year()
}

/// The remaining points per expiry day, soonest first.
pub fn by_expiry(lots: &[LotInfo]) -> Vec<Expiring> {
    let mut days: std::collections::BTreeMap<NaiveDate, i64> = std::collections::BTreeMap::new();
    for lot in lots.iter().filter(|lot| lot.remaining > 0) {
        *days.entry(lot.expires_on).or_default() += lot.remaining;
    }
    days.into_iter()
        .map(|(expires_on, points)| Expiring { expires_on, points })
        .collect()
}

/// The next points to expire (still usable on `today`).
pub fn next_expiry(by_day: &[Expiring], today: NaiveDate) -> Option<Expiring> {
    by_day
        .iter()
        .filter(|e| e.points > 0 && e.expires_on >= today)
        .min_by_key(|e| e.expires_on)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::RuleCode;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn line(date: &str, code: &str, points: i64) -> LedgerEntryInfo {
        LedgerEntryInfo {
            id: 1,
            date: day(date),
            code: RuleCode::parse(code).unwrap(),
            points,
            expires_on: None,
            note: None,
        }
    }

    #[test]
    fn lines_have_a_kind_and_a_fiscal_year() {
        assert_eq!(
            LineKind::of(&line("2026-05-01", "walk_8000", 5)),
            LineKind::Earned
        );
        assert_eq!(
            LineKind::of(&line("2026-05-01", "exchange", -1895)),
            LineKind::Spent
        );
        assert_eq!(
            LineKind::of(&line("2026-05-01", "exchange_cancelled", 1895)),
            LineKind::Returned
        );
        assert_eq!(
            LineKind::of(&line("2026-05-01", "expiry", -3)),
            LineKind::Expired
        );
        assert_eq!(fiscal_year_of(&line("2026-03-31", "walk_8000", 5)), 2025);
        assert_eq!(fiscal_year_of(&line("2026-04-01", "walk_8000", 5)), 2026);
    }

    #[test]
    fn the_next_expiry_sums_the_lots_of_its_day() {
        let lot = |granted: &str, expires: &str, remaining| LotInfo {
            granted_on: day(granted),
            expires_on: day(expires),
            remaining,
        };
        let days = by_expiry(&[
            lot("2026-05-01", "2028-03-31", 500),
            lot("2025-06-01", "2027-03-31", 1000),
            lot("2025-09-01", "2027-03-31", 240),
            lot("2025-10-01", "2027-03-31", 0),
        ]);
        assert_eq!(
            next_expiry(&days, day("2026-12-03")),
            Some(Expiring {
                expires_on: day("2027-03-31"),
                points: 1240
            })
        );
        assert_eq!(next_expiry(&days, day("2028-04-01")), None);
    }
}
