//! When Kenpo Desk reminds a member, as one pure decision: [`due`] takes
//! the member's [`Schedule`], the instant, what today is still missing,
//! what was already shown ([`ReminderLog`]) and the points about to
//! expire, and returns the reminders to show now. The core asks it once a
//! minute and after every change; the shell only shows what it returns.
//!
//! The rules:
//! - A check-in reminder goes out at a slot (a time of a reminder day)
//!   only while one of the chosen entries for today is missing, at most
//!   once per slot, and never for a past day.
//! - After sleep, a start past a slot or quiet hours, one catch-up for the
//!   latest slot passed today, not one per missed slot.
//! - A snooze replaces the slots until it ends, then reminds once.
//! - Points expiring are announced 30 and 7 days before (JST days), each
//!   once per expiry day; a PC that was off on that day announces on the
//!   next day it runs, with the nearer of the two.
//! - Nothing is shown during quiet hours.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::ledger::Expiring;
use crate::time::{JST, jst_date};

/// Whether `date` is a Japanese public holiday (国民の祝日, 振替休日 and
/// 国民の休日), by the rules of the holiday law.
pub fn is_holiday(date: NaiveDate) -> bool {
    jpholiday::jpholiday::JPHoliday::new().is_holiday(&date)
}

/// A time of day, to the minute, written `"HH:MM"` (as an `<input
/// type="time">` gives it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayTime(u16);

impl DayTime {
    /// `hour:minute`, or `None` outside 00:00–23:59.
    pub const fn new(hour: u16, minute: u16) -> Option<Self> {
        if hour < 24 && minute < 60 {
            Some(Self(hour * 60 + minute))
        } else {
            None
        }
    }

    pub const fn minutes(self) -> u16 {
        self.0
    }

    fn naive(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.0 / 60), u32::from(self.0 % 60), 0)
            .unwrap_or(NaiveTime::MIN)
    }

    /// The time of day of an instant in Japan, to the minute.
    pub fn of<Tz: TimeZone>(instant: &DateTime<Tz>) -> Self {
        let local = instant.with_timezone(&JST);
        Self((local.hour() * 60 + local.minute()) as u16)
    }
}

impl std::fmt::Display for DayTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl std::str::FromStr for DayTime {
    type Err = ReminderError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (h, m) = s.split_once(':').ok_or(ReminderError::BadTime)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(ReminderError::BadTime);
        }
        let h: u16 = h.parse().map_err(|_| ReminderError::BadTime)?;
        let m: u16 = m.parse().map_err(|_| ReminderError::BadTime)?;
        Self::new(h, m).ok_or(ReminderError::BadTime)
    }
}

impl Serialize for DayTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DayTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "specta")]
impl specta::Type for DayTime {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <String as specta::Type>::definition(types)
    }
}

/// A schedule that cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReminderError {
    #[error("a reminder time is HH:MM, 00:00 to 23:59")]
    BadTime,
    #[error("at most {MAX_TIMES} reminder times a day")]
    TooManyTimes,
    #[error("weekdays are numbered 1 (Monday) to 7 (Sunday)")]
    BadWeekday,
    #[error("quiet hours need two different times")]
    EmptyQuiet,
}

impl crate::error::Coded for ReminderError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadTime => "reminder_bad_time",
            Self::TooManyTimes => "reminder_too_many_times",
            Self::BadWeekday => "reminder_bad_weekday",
            Self::EmptyQuiet => "reminder_empty_quiet",
        }
    }
}

/// The most reminder times a day.
pub const MAX_TIMES: usize = 6;

/// Hours in which nothing is shown, e.g. 22:00–07:00 (`to` not included;
/// it may be on the next day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Quiet {
    pub from: DayTime,
    pub to: DayTime,
}

impl Quiet {
    pub fn contains(self, time: DayTime) -> bool {
        if self.from <= self.to {
            self.from <= time && time < self.to
        } else {
            time >= self.from || time < self.to
        }
    }
}

/// Which entries a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Entries {
    pub steps: bool,
    pub weight: bool,
    pub goals: bool,
}

impl Entries {
    pub const ALL: Self = Self {
        steps: true,
        weight: true,
        goals: true,
    };

    pub fn is_empty(self) -> bool {
        !(self.steps || self.weight || self.goals)
    }

    /// Those of `self` that are also in `other`.
    pub fn and(self, other: Self) -> Self {
        Self {
            steps: self.steps && other.steps,
            weight: self.weight && other.weight,
            goals: self.goals && other.goals,
        }
    }
}

/// A member's reminders, kept per profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Schedule {
    /// Check-in reminders at all.
    pub enabled: bool,
    /// The slots of a reminder day, sorted, without repeats.
    pub times: Vec<DayTime>,
    /// ISO numbers: 1 Monday … 7 Sunday.
    pub weekdays: Vec<u8>,
    /// Which of today's entries are reminded about.
    pub entries: Entries,
    /// No check-in reminder on public holidays.
    pub skip_holidays: bool,
    pub quiet: Option<Quiet>,
    /// Warnings 30 and 7 days before points expire.
    pub points_expiry: bool,
    /// A notice when the insurer posts a new お知らせ.
    pub notices: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            enabled: true,
            times: vec![DayTime(12 * 60 + 30), DayTime(17 * 60 + 30)],
            weekdays: vec![1, 2, 3, 4, 5],
            entries: Entries::ALL,
            skip_holidays: true,
            quiet: None,
            points_expiry: true,
            notices: true,
        }
    }
}

impl Schedule {
    /// The schedule as it is kept: times sorted and unique, weekdays too;
    /// refused when it names what cannot be.
    pub fn normalised(mut self) -> Result<Self, ReminderError> {
        self.times.sort_unstable();
        self.times.dedup();
        if self.times.len() > MAX_TIMES {
            return Err(ReminderError::TooManyTimes);
        }
        if self.weekdays.iter().any(|d| !(1..=7).contains(d)) {
            return Err(ReminderError::BadWeekday);
        }
        self.weekdays.sort_unstable();
        self.weekdays.dedup();
        if self.quiet.is_some_and(|q| q.from == q.to) {
            return Err(ReminderError::EmptyQuiet);
        }
        Ok(self)
    }

    /// Whether `date` has check-in reminders: a chosen weekday, and not a
    /// holiday when holidays are skipped.
    pub fn is_reminder_day(&self, date: NaiveDate) -> bool {
        let weekday = date.weekday().number_from_monday() as u8;
        self.weekdays.contains(&weekday) && !(self.skip_holidays && is_holiday(date))
    }

    fn quiet_at(&self, now: DateTime<Utc>) -> bool {
        self.quiet.is_some_and(|q| q.contains(DayTime::of(&now)))
    }
}

/// What today holds of the entries a reminder can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TodayHolds {
    pub steps: bool,
    pub weight: bool,
    /// Active goals, and how many of them today has an answer for.
    pub goals: u32,
    pub goals_answered: u32,
}

impl TodayHolds {
    /// The entries of `chosen` still missing today. Goals are missing
    /// while one active goal has no answer (a member without goals has
    /// none missing).
    pub fn missing(self, chosen: Entries) -> Entries {
        Entries {
            steps: !self.steps,
            weight: !self.weight,
            goals: self.goals_answered < self.goals,
        }
        .and(chosen)
    }
}

/// Expiry warnings are shown this many days before points expire.
pub const EXPIRY_WARNINGS: [u32; 2] = [30, 7];

/// An expiry warning already shown: for the points expiring on
/// `expires_on`, `days_before` days ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryWarned {
    pub expires_on: NaiveDate,
    pub days_before: u32,
}

/// What was already shown, kept per profile beside the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReminderLog {
    /// When the last check-in reminder was shown.
    pub last_check_in: Option<DateTime<Utc>>,
    /// A snooze: no check-in reminder before this instant, then one.
    pub snoozed_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub expiry_warned: Vec<ExpiryWarned>,
    /// The newest notice id the member was told of (or that was there
    /// when reminders began: old notices are not announced).
    pub notices_seen: Option<u64>,
}

impl ReminderLog {
    /// Notes that `reminder` was shown at `now`.
    pub fn record(&mut self, reminder: &Reminder, now: DateTime<Utc>) {
        match reminder {
            Reminder::CheckIn { .. } => {
                self.last_check_in = Some(now);
                self.snoozed_until = None;
            }
            Reminder::PointsExpiring {
                expires_on,
                days_before,
                ..
            } => {
                // Warnings for days long past are of no more use.
                let today = jst_date(now);
                self.expiry_warned.retain(|w| w.expires_on >= today);
                self.expiry_warned.push(ExpiryWarned {
                    expires_on: *expires_on,
                    days_before: *days_before,
                });
            }
            Reminder::NewNotices { newest, .. } => self.notices_seen = Some(*newest),
        }
    }

    /// The member asked to be reminded again `minutes` from `now`.
    pub fn snooze(&mut self, now: DateTime<Utc>, minutes: u32) {
        self.snoozed_until = Some(now + chrono::Duration::minutes(i64::from(minutes)));
    }

    /// Takes the notices there are now as seen without announcing them,
    /// when none were seen before (the first sync of a profile).
    pub fn baseline_notices(&mut self, notice_ids: &[u64]) {
        if self.notices_seen.is_none() {
            self.notices_seen = Some(notice_ids.iter().copied().max().unwrap_or(0));
        }
    }
}

/// The snoozes a member can choose, in minutes.
pub const SNOOZE_MINUTES: [u32; 3] = [15, 30, 60];

/// A reminder to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reminder {
    /// Today's chosen entries that are still missing.
    CheckIn {
        missing: Entries,
        /// A slot (or snooze) passed while nothing could be shown.
        catch_up: bool,
    },
    /// Points expiring on `expires_on`, `days_before` days ahead.
    PointsExpiring {
        #[cfg_attr(feature = "specta", specta(type = i32))]
        points: i64,
        expires_on: NaiveDate,
        days_before: u32,
    },
    /// Notices the member was not told of yet.
    NewNotices {
        count: u32,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        newest: u64,
    },
}

/// What [`due`] decides from.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    pub schedule: &'a Schedule,
    pub now: DateTime<Utc>,
    pub today: TodayHolds,
    pub log: &'a ReminderLog,
    /// Points still to expire, per expiry day.
    pub expiring: &'a [Expiring],
    /// The ids of the insurer's notices this PC has.
    pub notice_ids: &'a [u64],
}

/// A slot later than this after its time is a catch-up.
const LATE_MINUTES: i64 = 5;

/// The reminders to show at `s.now`.
pub fn due(s: &Situation<'_>) -> Vec<Reminder> {
    if s.schedule.quiet_at(s.now) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(check_in) = check_in_due(s) {
        out.push(check_in);
    }
    if s.schedule.points_expiry {
        out.extend(expiry_due(s));
    }
    if s.schedule.notices
        && let Some(seen) = s.log.notices_seen
    {
        let new: Vec<u64> = s
            .notice_ids
            .iter()
            .copied()
            .filter(|id| *id > seen)
            .collect();
        if let Some(newest) = new.iter().copied().max() {
            out.push(Reminder::NewNotices {
                count: u32::try_from(new.len()).unwrap_or(u32::MAX),
                newest,
            });
        }
    }
    out
}

/// The instant of `time` on the JST day `date`.
fn at(date: NaiveDate, time: DayTime) -> DateTime<Utc> {
    date.and_time(time.naive())
        .and_local_timezone(JST)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn check_in_due(s: &Situation<'_>) -> Option<Reminder> {
    let schedule = s.schedule;
    let today = jst_date(s.now);
    let missing = s.today.missing(schedule.entries);
    if !schedule.enabled || missing.is_empty() {
        return None;
    }
    if s.log.snoozed_until.is_some_and(|until| s.now < until) {
        return None;
    }
    // The latest slot passed today, and a snooze that ended today.
    let slot = schedule
        .is_reminder_day(today)
        .then(|| {
            schedule
                .times
                .iter()
                .map(|t| at(today, *t))
                .filter(|t| *t <= s.now)
                .max()
        })
        .flatten();
    let snooze = s
        .log
        .snoozed_until
        .filter(|until| *until <= s.now && jst_date(*until) == today);
    let pending = slot.max(snooze)?;
    if s.log.last_check_in.is_some_and(|shown| shown >= pending) {
        return None;
    }
    Some(Reminder::CheckIn {
        missing,
        catch_up: s.now - pending > chrono::Duration::minutes(LATE_MINUTES),
    })
}

fn expiry_due(s: &Situation<'_>) -> Vec<Reminder> {
    let today = jst_date(s.now);
    s.expiring
        .iter()
        .filter(|e| e.points > 0 && e.expires_on >= today)
        .filter_map(|e| {
            let left = (e.expires_on - today).num_days();
            // The nearest warning not yet passed: 7 within a week, else 30.
            let days_before = EXPIRY_WARNINGS
                .iter()
                .copied()
                .filter(|d| left <= i64::from(*d))
                .min()?;
            let warned = s
                .log
                .expiry_warned
                .iter()
                .any(|w| w.expires_on == e.expires_on && w.days_before == days_before);
            (!warned).then_some(Reminder::PointsExpiring {
                points: e.points,
                expires_on: e.expires_on,
                days_before,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
