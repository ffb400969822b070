//! Time as the kenpo counts it: Japanese calendar days, fiscal years, point
//! expiry and ages.
//!
//! Every "day" in Kenpo Desk is a calendar day in Asia/Tokyo (UTC+09:00; Japan
//! has no daylight saving time), whatever the zone of the PC or the server.
//! Code never reads the system clock directly: it asks a [`Clock`], so tests
//! can stand at 2027-03-31 23:59:59 JST without sleeping.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Japan Standard Time, UTC+09:00 all year round.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+09:00 is a valid offset"),
};

/// Where "now" comes from. Production code uses [`SystemClock`]; tests and the
/// insurer's sandbox inject a [`FixedClock`] or their own implementation.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Today's Japanese calendar day.
    fn today(&self) -> NaiveDate {
        jst_date(self.now())
    }
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always answers the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(DateTime<Utc>);

impl FixedClock {
    /// A clock standing at `instant`, whatever its zone.
    pub fn new<Tz: TimeZone>(instant: DateTime<Tz>) -> Self {
        Self(instant.with_timezone(&Utc))
    }

    /// A clock standing at the given wall-clock time in Japan, or `None` when
    /// the fields do not name a real time.
    pub fn at_jst(year: i32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<Self> {
        JST.with_ymd_and_hms(year, month, day, hour, min, sec)
            .single()
            .map(Self::new)
    }

    /// The same clock moved by `seconds` (negative moves back).
    #[must_use]
    pub fn advanced(self, seconds: i64) -> Self {
        Self(self.0 + chrono::Duration::seconds(seconds))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// The Japanese calendar day of an instant, whatever zone it is expressed in.
pub fn jst_date<Tz: TimeZone>(instant: DateTime<Tz>) -> NaiveDate {
    instant.with_timezone(&JST).date_naive()
}

/// The first instant (00:00:00 JST) of a Japanese calendar day.
pub fn start_of_jst_day(date: NaiveDate) -> DateTime<FixedOffset> {
    date.and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(JST).single())
        .expect("a fixed offset has exactly one midnight per day")
}

/// A fiscal year (年度): 1 April to 31 March, named by the calendar year it
/// starts in. FY2026 runs from 2026-04-01 to 2027-03-31.
///
/// Serialized as its start year (`2026`); printed as `FY2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct FiscalYear(i32);

impl FiscalYear {
    /// The fiscal year that starts in April of `start_year`.
    pub const fn new(start_year: i32) -> Self {
        Self(start_year)
    }

    /// The fiscal year a day belongs to.
    pub fn of(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            Self(date.year())
        } else {
            Self(date.year() - 1)
        }
    }

    /// The calendar year this fiscal year starts in.
    pub const fn start_year(self) -> i32 {
        self.0
    }

    /// 1 April of the start year (saturating at the ends of chrono's calendar).
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(if self.0 < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
    }

    /// 31 March of the following calendar year (saturating at the ends of
    /// chrono's calendar).
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0.saturating_add(1), 3, 31).unwrap_or(if self.0 < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
    }

    /// Whether `date` falls in this fiscal year.
    pub fn contains(self, date: NaiveDate) -> bool {
        Self::of(date) == self
    }

    /// The fiscal year after this one.
    #[must_use]
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }

    /// The fiscal year before this one.
    #[must_use]
    pub const fn previous(self) -> Self {
        Self(self.0 - 1)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}

/// A fiscal year written other than `FY` followed by a year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a fiscal year is written FY followed by its start year, e.g. FY2026")]
pub struct FiscalYearParseError;

impl crate::error::Coded for FiscalYearParseError {
    fn code(&self) -> &'static str {
        "invalid_fiscal_year"
    }
}

impl FromStr for FiscalYear {
    type Err = FiscalYearParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix("FY").ok_or(FiscalYearParseError)?;
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FiscalYearParseError);
        }
        digits.parse().map(Self).map_err(|_| FiscalYearParseError)
    }
}

/// The last day on which points granted on `granted_on` can be used: the end
/// of the fiscal year after the one they were granted in. The points are gone
/// from 00:00 JST of the next day.
///
/// ```
/// use chrono::NaiveDate;
/// use kenpo_domain::time::expiry_of_grant;
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(expiry_of_grant(d(2026, 11, 21)), d(2028, 3, 31));
/// assert_eq!(expiry_of_grant(d(2027, 4, 1)), d(2029, 3, 31));
/// ```
pub fn expiry_of_grant(granted_on: NaiveDate) -> NaiveDate {
    FiscalYear::of(granted_on).next().last_day()
}

/// Age in completed years during the whole of `on`, by the Japanese legal
/// rule (年齢計算ニ関スル法律 with 民法 143 条): a year is gained at the end
/// of the day before the birthday, so the new age holds for all of the
/// birthday. Someone born on 29 February gains the year at the end of
/// 28 February in common years. `None` when `on` is before the birth.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < birth_date {
        return None;
    }
    let mut years = on.year() - birth_date.year();
    if (on.month(), on.day()) < anniversary_in(birth_date, on.year()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Age at the very end of `on` (24:00 JST): one more than [`age_on`] when the
/// next day is a birthday.
pub fn age_at_end_of(birth_date: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < birth_date {
        return None;
    }
    age_on(birth_date, on.succ_opt()?)
}

/// Age at the end of a fiscal year (年度末年齢), the age that health insurance
/// programmes use for their age bands. Someone born on 1 April gains the
/// year at the end of 31 March and so counts as one year older than a
/// classmate born on 2 April.
pub fn age_at_fiscal_year_end(birth_date: NaiveDate, fiscal_year: FiscalYear) -> Option<u32> {
    age_at_end_of(birth_date, fiscal_year.last_day())
}

/// The (month, day) from which the age of someone born on `birth` counts one
/// more year in `year`. A 29 February birthday falls on 1 March in common
/// years, because the year was completed at the end of 28 February.
fn anniversary_in(birth: NaiveDate, year: i32) -> (u32, u32) {
    if birth.month() == 2 && birth.day() == 29 && NaiveDate::from_ymd_opt(year, 2, 29).is_none() {
        (3, 1)
    } else {
        (birth.month(), birth.day())
    }
}

/// `date` plus `days` calendar days, saturating at chrono's last date.
pub(crate) fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` minus `days` calendar days, saturating at chrono's first date.
pub(crate) fn sub_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("test dates are real dates")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jst_day_of_instants() {
        let cases = [
            // 15:30 UTC is already 00:30 on the next day in Japan.
            ("2026-11-21T15:30:00Z", d(2026, 11, 22)),
            ("2026-11-21T14:59:59Z", d(2026, 11, 21)),
            ("2026-11-21T15:00:00Z", d(2026, 11, 22)),
            ("2027-03-31T23:59:59+09:00", d(2027, 3, 31)),
            ("2027-04-01T00:00:00+09:00", d(2027, 4, 1)),
            // A PC in New York at 20:00 on the 21st is at 10:00 on the 22nd in Japan.
            ("2026-11-21T20:00:00-05:00", d(2026, 11, 22)),
        ];
        for (instant, expected) in cases {
            let instant = DateTime::parse_from_rfc3339(instant).expect("valid RFC 3339");
            assert_eq!(
                jst_date(instant),
                expected,
                "{instant} is {expected} in Japan"
            );
        }
    }

    #[test]
    fn fixed_clock_today_is_the_japanese_day() {
        let before = FixedClock::at_jst(2027, 3, 31, 23, 59, 59).expect("real time");
        let after = before.advanced(1);
        assert_eq!(before.today(), d(2027, 3, 31));
        assert_eq!(
            after.today(),
            d(2027, 4, 1),
            "one second later is a new day and a new FY"
        );
        assert_eq!(FiscalYear::of(before.today()), FiscalYear::new(2026));
        assert_eq!(FiscalYear::of(after.today()), FiscalYear::new(2027));
        assert_eq!(
            expiry_of_grant(before.today()),
            d(2028, 3, 31),
            "granted in FY2026"
        );
        assert_eq!(
            expiry_of_grant(after.today()),
            d(2029, 3, 31),
            "granted in FY2027"
        );
        let utc = FixedClock::new(DateTime::parse_from_rfc3339("2026-11-21T15:30:00Z").unwrap());
        assert_eq!(utc.today(), d(2026, 11, 22));
    }

    #[test]
    fn system_clock_answers_a_plausible_day() {
        assert!(
            SystemClock.today() > d(2024, 1, 1),
            "the system clock is not in the past"
        );
    }

    #[test]
    fn start_of_day_is_midnight_in_japan() {
        let start = start_of_jst_day(d(2027, 4, 1));
        assert_eq!(start.to_rfc3339(), "2027-04-01T00:00:00+09:00");
        assert_eq!(
            start.with_timezone(&Utc).to_rfc3339(),
            "2027-03-31T15:00:00+00:00"
        );
    }

    #[test]
    fn fiscal_years() {
        let cases = [
            (d(2026, 4, 1), 2026),
            (d(2026, 5, 10), 2026),
            (d(2026, 11, 21), 2026),
            (d(2027, 1, 1), 2026),
            (d(2027, 3, 31), 2026),
            (d(2027, 4, 1), 2027),
        ];
        for (date, year) in cases {
            assert_eq!(
                FiscalYear::of(date),
                FiscalYear::new(year),
                "{date} is in FY{year}"
            );
        }
        let fy = FiscalYear::new(2026);
        assert_eq!(fy.first_day(), d(2026, 4, 1));
        assert_eq!(fy.last_day(), d(2027, 3, 31));
        assert!(fy.contains(d(2027, 3, 31)) && !fy.contains(d(2027, 4, 1)));
        assert_eq!(fy.to_string(), "FY2026");
        assert_eq!("FY2026".parse::<FiscalYear>(), Ok(fy));
        assert!(
            "2026".parse::<FiscalYear>().is_err(),
            "the FY prefix is required"
        );
        assert!(
            "FY26".parse::<FiscalYear>().is_err(),
            "the year has four digits"
        );
        assert_eq!(serde_json::to_string(&fy).unwrap(), "2026");
        assert_eq!(
            FiscalYear::new(i32::MAX).last_day(),
            NaiveDate::MAX,
            "no panic at the edge"
        );
        assert_eq!(expiry_of_grant(NaiveDate::MAX), NaiveDate::MAX);
    }

    #[test]
    fn expiry_is_the_end_of_the_next_fiscal_year() {
        let cases = [
            (d(2026, 5, 10), d(2028, 3, 31)),
            (d(2026, 11, 21), d(2028, 3, 31)),
            (d(2027, 3, 31), d(2028, 3, 31)),
            (d(2027, 4, 1), d(2029, 3, 31)),
            (d(2026, 4, 1), d(2028, 3, 31)),
            (d(2028, 2, 29), d(2029, 3, 31)),
        ];
        for (granted, expires) in cases {
            assert_eq!(expiry_of_grant(granted), expires, "granted {granted}");
        }
    }

    #[test]
    fn ages_by_the_legal_rule() {
        let cases = [
            // (birth, on, age during that day)
            (d(1990, 6, 15), d(2026, 6, 14), 35),
            (d(1990, 6, 15), d(2026, 6, 15), 36),
            (d(2000, 2, 29), d(2001, 2, 28), 0),
            (d(2000, 2, 29), d(2001, 3, 1), 1),
            (d(2000, 2, 29), d(2004, 2, 28), 3),
            (d(2000, 2, 29), d(2004, 2, 29), 4),
            (d(2000, 2, 29), d(2004, 3, 1), 4),
            (d(2026, 1, 1), d(2026, 1, 1), 0),
        ];
        for (birth, on, age) in cases {
            assert_eq!(age_on(birth, on), Some(age), "born {birth}, on {on}");
        }
        assert_eq!(age_on(d(2026, 1, 2), d(2026, 1, 1)), None, "not born yet");
        // The year is gained at the end of the day before the birthday.
        assert_eq!(age_at_end_of(d(1990, 6, 15), d(2026, 6, 14)), Some(36));
        assert_eq!(age_at_end_of(d(2000, 2, 29), d(2001, 2, 28)), Some(1));
        assert_eq!(
            age_at_end_of(d(2000, 2, 29), d(2004, 2, 28)),
            Some(4),
            "leap year: the 28th ends it"
        );
    }

    #[test]
    fn age_at_fiscal_year_end_counts_the_april_first_birthday() {
        let fy = FiscalYear::new(2026);
        let cases = [
            // Born 1 April 1992: 35 at the end of 31 March 2027.
            (d(1992, 4, 1), 35),
            // Born 2 April 1992: still 34 at the end of FY2026.
            (d(1992, 4, 2), 34),
            (d(1992, 3, 31), 35),
            (d(1991, 4, 2), 35),
            // 29 February births in a common fiscal-year end.
            (d(1992, 2, 29), 35),
            (d(2000, 2, 29), 27),
        ];
        for (birth, age) in cases {
            assert_eq!(
                age_at_fiscal_year_end(birth, fy),
                Some(age),
                "born {birth}, FY2026 end"
            );
        }
    }
}
