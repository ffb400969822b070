//! Points rules as data, and the decision of which grants are due.
//!
//! The rules are a table ([`RuleSet`]) loaded from the insurer's rules file;
//! [`RuleSet::default`] is the table of DOMAIN.md, shipped as
//! `rules/default.toml`. Each rule says what it is worth, how often it can
//! be earned ([`Frequency`]), who can earn it, and the ways to earn it.
//! [`grants_due`] takes what a member did ([`Activity`]) and what was already
//! granted, and answers which grants are due, at most one per rule and
//! [`Period`].

mod grants;
mod rules;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Coded;
use crate::time::FiscalYear;

pub use grants::{Activity, CheckupFacts, Grant, grants_due};
pub use rules::{
    AgeBand, CheckupCondition, CheckupKind, DEFAULT_RULES_TOML, PointRule, ReportKind, RuleSet,
    RulesError, Trigger, Way,
};

/// A rule's code, e.g. `steps`: 1 to 64 lower-case ASCII letters, digits and
/// underscores, starting with a letter. Ledger entries that are not rule
/// grants use codes of the same form (`exchange`, `expiry`, campaign codes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[a-z][a-z0-9_]{0,63}$", examples("steps"))
)]
#[serde(try_from = "String", into = "String")]
pub struct RuleCode(String);

/// A code that is not of the form of [`RuleCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a code has 1 to 64 lower-case letters, digits and underscores, starting with a letter")]
pub struct RuleCodeError;

impl Coded for RuleCodeError {
    fn code(&self) -> &'static str {
        "invalid_code"
    }
}

impl RuleCode {
    /// Parses a code.
    pub fn parse(input: &str) -> Result<Self, RuleCodeError> {
        let well_formed = (1..=64).contains(&input.len())
            && input.starts_with(|c: char| c.is_ascii_lowercase())
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if well_formed {
            Ok(Self(input.to_owned()))
        } else {
            Err(RuleCodeError)
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RuleCode {
    type Err = RuleCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RuleCode {
    type Error = RuleCodeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RuleCode> for String {
    fn from(code: RuleCode) -> String {
        code.0
    }
}

impl PartialEq<str> for RuleCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RuleCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// How often a rule can be earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Once per member, ever.
    Once,
    /// Once per member and Japanese calendar day.
    Daily,
    /// Once per member and fiscal year.
    FiscalYear,
}

impl Frequency {
    /// The period that an activity on `date` counts towards.
    pub fn period_of(self, date: NaiveDate) -> Period {
        match self {
            Self::Once => Period::Once,
            Self::Daily => Period::Day(date),
            Self::FiscalYear => Period::FiscalYear(FiscalYear::of(date)),
        }
    }
}

/// The period in which a rule can be earned once. Printed (and serialized)
/// as a stable key for a unique index: `once`, `2026-11-21`, `FY2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Once,
    Day(NaiveDate),
    FiscalYear(FiscalYear),
}

/// A period key that is none of `once`, a `YYYY-MM-DD` date or `FY` and a year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a period is `once`, a date YYYY-MM-DD, or FY and a year")]
pub struct PeriodError;

impl Coded for PeriodError {
    fn code(&self) -> &'static str {
        "invalid_period"
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Once => f.write_str("once"),
            Self::Day(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Self::FiscalYear(year) => year.fmt(f),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "once" {
            Ok(Self::Once)
        } else if s.starts_with("FY") {
            s.parse().map(Self::FiscalYear).map_err(|_| PeriodError)
        } else if s.len() == 10 {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Self::Day)
                .map_err(|_| PeriodError)
        } else {
            Err(PeriodError)
        }
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(period: Period) -> String {
        period.to_string()
    }
}

/// What makes a grant unique: a rule and a period. The insurer's ledger keeps
/// a unique index on (member, code, period).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GrantKey {
    pub code: RuleCode,
    pub period: Period,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::time::d;

    #[test]
    fn rule_codes() {
        for good in ["steps", "flu_vaccine", "campaign_2026_summer", "a"] {
            assert!(RuleCode::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Steps",
            "2026_campaign",
            "flu-vaccine",
            "_x",
            &"a".repeat(65),
        ] {
            assert_eq!(RuleCode::parse(bad), Err(RuleCodeError), "{bad}");
        }
    }

    #[test]
    fn periods_and_their_keys() {
        let cases = [
            (Frequency::Once, d(2026, 11, 21), "once"),
            (Frequency::Daily, d(2026, 11, 21), "2026-11-21"),
            (Frequency::FiscalYear, d(2026, 11, 21), "FY2026"),
            (Frequency::FiscalYear, d(2027, 3, 31), "FY2026"),
            (Frequency::FiscalYear, d(2027, 4, 1), "FY2027"),
        ];
        for (frequency, date, key) in cases {
            let period = frequency.period_of(date);
            assert_eq!(period.to_string(), key, "{frequency:?} on {date}");
            assert_eq!(key.parse::<Period>(), Ok(period), "the key reads back");
        }
        assert!("2026-13-01".parse::<Period>().is_err());
        assert!("daily".parse::<Period>().is_err());
        let key = GrantKey {
            code: RuleCode::parse("steps").unwrap(),
            period: Period::Day(d(2026, 11, 21)),
        };
        assert_eq!(
            serde_json::to_string(&key).unwrap(),
            r#"{"code":"steps","period":"2026-11-21"}"#
        );
    }

    proptest! {
        #[test]
        fn period_keys_round_trip(days in 0u64..100_000, year in 1900i32..3000) {
            let day = Period::Day(crate::time::add_days(d(1900, 1, 1), days));
            prop_assert_eq!(day.to_string().parse::<Period>(), Ok(day));
            let fy = Period::FiscalYear(FiscalYear::new(year));
            prop_assert_eq!(fy.to_string().parse::<Period>(), Ok(fy));
        }

        #[test]
        fn rule_codes_round_trip(code in "[a-z][a-z0-9_]{0,63}") {
            prop_assert_eq!(RuleCode::parse(&code).unwrap().to_string(), code);
        }
    }
}
