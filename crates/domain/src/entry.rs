//! The daily check-in: steps, weight and behaviour goals, and which days may
//! be entered.
//!
//! One record per member, kind (and goal) and Japanese calendar day. Future
//! days are refused. Past days inside the insurer's [`EntryWindow`] earn
//! points; older days are kept in the history but earn nothing.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Coded;
use crate::id::is_hidden_character;
use crate::time::sub_days;

/// Why an entry was refused. Messages state the rule, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("steps must be a whole number from 0 to 100,000")]
    StepsOutOfRange,
    #[error("weight must be from 20.0 to 300.0 kg")]
    WeightOutOfRange,
    #[error("weight is entered in steps of 0.1 kg")]
    WeightPrecision,
    #[error("the value is not a number")]
    NotANumber,
    #[error("the value does not fit the kind of record")]
    WrongValueType,
    #[error("a goal record needs a goal_id")]
    MissingGoalId,
    #[error("only goal records carry a goal_id")]
    UnexpectedGoalId,
    #[error("days in the future cannot be entered")]
    FutureDate,
    #[error("a goal label must not be empty")]
    GoalLabelEmpty,
    #[error("a goal label has at most {max} characters")]
    GoalLabelTooLong { max: usize },
    #[error("a goal label contains a character that is not allowed")]
    GoalLabelForbiddenCharacter,
    #[error("a member has at most {max} active goals")]
    TooManyGoals { max: usize },
    #[error("the goal list names the same goal twice")]
    DuplicateGoal,
    #[error("the entry window is from {min} to {max} days")]
    EntryWindowOutOfRange { min: u16, max: u16 },
}

impl Coded for EntryError {
    fn code(&self) -> &'static str {
        match self {
            Self::StepsOutOfRange => "steps_out_of_range",
            Self::WeightOutOfRange => "weight_out_of_range",
            Self::WeightPrecision => "weight_precision",
            Self::NotANumber => "not_a_number",
            Self::WrongValueType => "wrong_value_type",
            Self::MissingGoalId => "missing_goal_id",
            Self::UnexpectedGoalId => "unexpected_goal_id",
            Self::FutureDate => "future_date",
            Self::GoalLabelEmpty => "goal_label_empty",
            Self::GoalLabelTooLong { .. } => "goal_label_too_long",
            Self::GoalLabelForbiddenCharacter => "goal_label_forbidden_character",
            Self::TooManyGoals { .. } => "too_many_goals",
            Self::DuplicateGoal => "duplicate_goal",
            Self::EntryWindowOutOfRange { .. } => "entry_window_out_of_range",
        }
    }
}

/// Steps walked in one day: 0 to 100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "u32", into = "u32")]
pub struct Steps(u32);

impl Steps {
    /// Most steps accepted for one day.
    pub const MAX: u32 = 100_000;

    /// Steps from a count.
    pub fn new(count: u32) -> Result<Self, EntryError> {
        if count <= Self::MAX {
            Ok(Self(count))
        } else {
            Err(EntryError::StepsOutOfRange)
        }
    }

    /// Steps from a JSON number, which must be whole.
    pub fn from_f64(value: f64) -> Result<Self, EntryError> {
        if !value.is_finite() {
            return Err(EntryError::NotANumber);
        }
        if value.fract() != 0.0 || !(0.0..=f64::from(Self::MAX)).contains(&value) {
            return Err(EntryError::StepsOutOfRange);
        }
        Self::new(value as u32)
    }

    /// The count.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Steps {
    type Error = EntryError;

    fn try_from(count: u32) -> Result<Self, Self::Error> {
        Self::new(count)
    }
}

impl From<Steps> for u32 {
    fn from(steps: Steps) -> u32 {
        steps.0
    }
}

impl fmt::Display for Steps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Body weight from 20.0 to 300.0 kg in steps of 0.1 kg, held as a whole
/// number of hectograms (100 g) so that no rounding ever creeps in.
/// On the wire it is a number of kilograms (`65.4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
// `specta(type = i32)` makes it a plain `number` in TypeScript (an f64 would be `number | null`).
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = i32))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = f64,
        minimum = 20.0,
        maximum = 300.0,
        examples(65.4),
        description = "Body weight in kilograms, with at most one decimal."
    )
)]
#[serde(try_from = "f64", into = "f64")]
pub struct Weight(i32);

impl Weight {
    /// 20.0 kg.
    pub const MIN_HECTOGRAMS: i32 = 200;
    /// 300.0 kg.
    pub const MAX_HECTOGRAMS: i32 = 3_000;

    /// A weight from a number of hectograms (654 is 65.4 kg).
    pub fn from_hectograms(hectograms: i32) -> Result<Self, EntryError> {
        if (Self::MIN_HECTOGRAMS..=Self::MAX_HECTOGRAMS).contains(&hectograms) {
            Ok(Self(hectograms))
        } else {
            Err(EntryError::WeightOutOfRange)
        }
    }

    /// A weight from kilograms, which must be a multiple of 0.1 (up to the
    /// error of binary floating point).
    pub fn from_kg(kg: f64) -> Result<Self, EntryError> {
        if !kg.is_finite() {
            return Err(EntryError::NotANumber);
        }
        let tenths = kg * 10.0;
        let rounded = tenths.round();
        if !(f64::from(Self::MIN_HECTOGRAMS)..=f64::from(Self::MAX_HECTOGRAMS)).contains(&rounded) {
            return Err(EntryError::WeightOutOfRange);
        }
        if (tenths - rounded).abs() > 1e-6 {
            return Err(EntryError::WeightPrecision);
        }
        Self::from_hectograms(rounded as i32)
    }

    /// The weight in hectograms.
    pub const fn hectograms(self) -> i32 {
        self.0
    }

    /// The weight in kilograms.
    pub fn kg(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl TryFrom<f64> for Weight {
    type Error = EntryError;

    fn try_from(kg: f64) -> Result<Self, Self::Error> {
        Self::from_kg(kg)
    }
}

impl From<Weight> for f64 {
    fn from(weight: Weight) -> f64 {
        weight.kg()
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl FromStr for Weight {
    type Err = EntryError;

    /// Reads a decimal number of kilograms such as `65.4`, exactly (no
    /// floating point): `65`, `65.4` and `65.40` are accepted, `65.45` is not.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 4 || !digits(whole) || !digits(fraction) {
            return Err(EntryError::NotANumber);
        }
        let mut fraction = fraction.trim_end_matches('0').bytes();
        let tenth = fraction.next().map_or(0, |b| i32::from(b - b'0'));
        if fraction.next().is_some() {
            return Err(EntryError::WeightPrecision);
        }
        let whole: i32 = whole.parse().map_err(|_| EntryError::NotANumber)?;
        Self::from_hectograms(whole * 10 + tenth)
    }
}

/// A behaviour goal's identifier, assigned by the insurer's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
#[serde(transparent)]
pub struct GoalId(#[cfg_attr(feature = "specta", specta(type = i32))] pub i64);

impl fmt::Display for GoalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a behaviour goal says, e.g. 「夜9時以降は間食しない」: trimmed, 1 to
/// 40 characters, no control or invisible formatting characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, min_length = 1, max_length = 40, examples("夜9時以降は間食しない"))
)]
#[serde(try_from = "String", into = "String")]
pub struct GoalLabel(String);

impl GoalLabel {
    /// Most characters in a goal label.
    pub const MAX_CHARS: usize = 40;

    /// Parses a goal label.
    pub fn parse(input: &str) -> Result<Self, EntryError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(EntryError::GoalLabelEmpty);
        }
        if text.chars().any(is_hidden_character) {
            return Err(EntryError::GoalLabelForbiddenCharacter);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(EntryError::GoalLabelTooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GoalLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for GoalLabel {
    type Error = EntryError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<GoalLabel> for String {
    fn from(label: GoalLabel) -> String {
        label.0
    }
}

/// A member's behaviour goal. A goal the member drops is deactivated, not
/// deleted, so its history stays readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goal {
    pub id: GoalId,
    pub label: GoalLabel,
    pub active: bool,
}

/// One goal of the member's new list (`PUT /api/v1/goals`): without an id it
/// is a new goal. The label is kept as typed so that a bad one is reported
/// as such rather than as unreadable JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub id: Option<GoalId>,
    pub label: String,
}

/// Most goals a member can have active at once ("a few goals").
pub const MAX_ACTIVE_GOALS: usize = 5;

/// Checks a member's whole new goal list: at most [`MAX_ACTIVE_GOALS`], valid
/// labels, no goal id or label twice.
pub fn check_goal_list(
    goals: &[GoalInput],
) -> Result<Vec<(Option<GoalId>, GoalLabel)>, EntryError> {
    if goals.len() > MAX_ACTIVE_GOALS {
        return Err(EntryError::TooManyGoals {
            max: MAX_ACTIVE_GOALS,
        });
    }
    let mut ids = HashSet::new();
    let mut labels = HashSet::new();
    let mut checked = Vec::with_capacity(goals.len());
    for goal in goals {
        let label = GoalLabel::parse(&goal.label)?;
        if goal.id.is_some_and(|id| !ids.insert(id)) || !labels.insert(label.clone()) {
            return Err(EntryError::DuplicateGoal);
        }
        checked.push((goal.id, label));
    }
    Ok(checked)
}

/// Whether the member achieved one goal on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalResult {
    pub goal_id: GoalId,
    pub achieved: bool,
}

/// The kinds of daily record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Steps,
    Weight,
    Goal,
}

impl RecordKind {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Steps => "steps",
            Self::Weight => "weight",
            Self::Goal => "goal",
        }
    }
}

/// A validated value of one daily record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryValue {
    Steps(Steps),
    Weight(Weight),
    Goal(GoalResult),
}

impl EntryValue {
    /// The kind of record this value belongs to.
    pub const fn kind(self) -> RecordKind {
        match self {
            Self::Steps(_) => RecordKind::Steps,
            Self::Weight(_) => RecordKind::Weight,
            Self::Goal(_) => RecordKind::Goal,
        }
    }

    /// The value as two integers, as the server and the desktop store it:
    /// (goal id, or 0 for steps and weight; steps, weight in hectograms, or
    /// a goal's 1 / 0).
    pub fn to_stored(self) -> (i64, i64) {
        match self {
            Self::Steps(steps) => (0, i64::from(steps.get())),
            Self::Weight(weight) => (0, i64::from(weight.hectograms())),
            Self::Goal(goal) => (goal.goal_id.0, i64::from(goal.achieved)),
        }
    }

    /// The value back from [`Self::to_stored`] and its kind's wire name;
    /// `None` when the numbers are not a valid value of that kind.
    pub fn from_stored(kind: &str, goal_id: i64, number: i64) -> Option<Self> {
        match kind {
            "steps" => u32::try_from(number)
                .ok()
                .and_then(|n| Steps::new(n).ok())
                .map(Self::Steps),
            "weight" => i32::try_from(number)
                .ok()
                .and_then(|n| Weight::from_hectograms(n).ok())
                .map(Self::Weight),
            "goal" => Some(Self::Goal(GoalResult {
                goal_id: GoalId(goal_id),
                achieved: number != 0,
            })),
            _ => None,
        }
    }
}

/// How far back a member may fill in days and still earn points: today and
/// the `days − 1` days before it. Set by the insurer; 30 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = u16, minimum = 1, maximum = 366, examples(30))
)]
#[serde(try_from = "u16", into = "u16")]
pub struct EntryWindow(u16);

impl EntryWindow {
    /// The default window.
    pub const DEFAULT_DAYS: u16 = 30;
    /// A window must include today.
    pub const MIN_DAYS: u16 = 1;
    /// At most a year (leap year included).
    pub const MAX_DAYS: u16 = 366;

    /// A window of `days` days, today included.
    pub fn new(days: u16) -> Result<Self, EntryError> {
        if (Self::MIN_DAYS..=Self::MAX_DAYS).contains(&days) {
            Ok(Self(days))
        } else {
            Err(EntryError::EntryWindowOutOfRange {
                min: Self::MIN_DAYS,
                max: Self::MAX_DAYS,
            })
        }
    }

    /// The number of days in the window.
    pub const fn days(self) -> u16 {
        self.0
    }

    /// The oldest day that still earns points when it is `today`.
    pub fn first_earning_day(self, today: NaiveDate) -> NaiveDate {
        sub_days(today, u64::from(self.0) - 1)
    }

    /// What may be done with an entry for `date` when it is `today` (JST).
    pub fn classify(self, date: NaiveDate, today: NaiveDate) -> EntryDay {
        if date > today {
            EntryDay::Future
        } else if date >= self.first_earning_day(today) {
            EntryDay::Earning
        } else {
            EntryDay::KeptOnly
        }
    }

    /// Refuses future days; otherwise says whether the day earns.
    pub fn check(self, date: NaiveDate, today: NaiveDate) -> Result<EntryDay, EntryError> {
        match self.classify(date, today) {
            EntryDay::Future => Err(EntryError::FutureDate),
            day => Ok(day),
        }
    }
}

impl Default for EntryWindow {
    fn default() -> Self {
        Self(Self::DEFAULT_DAYS)
    }
}

impl TryFrom<u16> for EntryWindow {
    type Error = EntryError;

    fn try_from(days: u16) -> Result<Self, Self::Error> {
        Self::new(days)
    }
}

impl From<EntryWindow> for u16 {
    fn from(window: EntryWindow) -> u16 {
        window.0
    }
}

/// What an entry for a given day is allowed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EntryDay {
    /// After today: refused.
    Future,
    /// Inside the entry window: saved and earns points.
    Earning,
    /// Before the window: saved in the history, earns nothing.
    KeptOnly,
}

#[cfg(test)]
mod stored_tests {
    use super::*;

    #[test]
    fn stored_values_round_trip_and_bad_ones_are_refused() {
        let values = [
            EntryValue::Steps(Steps::new(8123).unwrap()),
            EntryValue::Weight(Weight::from_kg(65.4).unwrap()),
            EntryValue::Goal(GoalResult {
                goal_id: GoalId(7),
                achieved: true,
            }),
        ];
        for value in values {
            let (goal_id, number) = value.to_stored();
            assert_eq!(
                EntryValue::from_stored(value.kind().as_str(), goal_id, number),
                Some(value)
            );
        }
        assert_eq!(EntryValue::from_stored("steps", 0, -1), None);
        assert_eq!(EntryValue::from_stored("weight", 0, 10), None);
        assert_eq!(EntryValue::from_stored("sleep", 0, 1), None);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::error::assert_snake_case;
    use crate::time::d;

    #[test]
    fn steps_range() {
        assert_eq!(Steps::new(0).map(Steps::get), Ok(0));
        assert_eq!(Steps::new(100_000).map(Steps::get), Ok(100_000));
        assert_eq!(Steps::new(100_001), Err(EntryError::StepsOutOfRange));
        assert_eq!(Steps::from_f64(8_000.0).map(Steps::get), Ok(8_000));
        assert_eq!(
            Steps::from_f64(8_000.5),
            Err(EntryError::StepsOutOfRange),
            "whole steps only"
        );
        assert_eq!(Steps::from_f64(-1.0), Err(EntryError::StepsOutOfRange));
        assert_eq!(Steps::from_f64(f64::NAN), Err(EntryError::NotANumber));
        assert!(
            serde_json::from_str::<Steps>("100001").is_err(),
            "serde runs the range check"
        );
    }

    #[test]
    fn weights() {
        let cases = [
            (20.0, Ok(200)),
            (300.0, Ok(3_000)),
            (65.4, Ok(654)),
            (0.1 + 0.2 + 65.1, Ok(654)),
            (19.9, Err(EntryError::WeightOutOfRange)),
            (300.1, Err(EntryError::WeightOutOfRange)),
            (65.45, Err(EntryError::WeightPrecision)),
            (f64::INFINITY, Err(EntryError::NotANumber)),
        ];
        for (kg, expected) in cases {
            assert_eq!(
                Weight::from_kg(kg).map(Weight::hectograms),
                expected,
                "{kg} kg"
            );
        }
        let text_cases = [
            ("65.4", Ok(654)),
            ("65", Ok(650)),
            ("65.40", Ok(654)),
            (" 300.0 ", Ok(3_000)),
            ("65.45", Err(EntryError::WeightPrecision)),
            ("-65", Err(EntryError::NotANumber)),
            ("65,4", Err(EntryError::NotANumber)),
            ("", Err(EntryError::NotANumber)),
            ("1e2", Err(EntryError::NotANumber)),
            ("19.9", Err(EntryError::WeightOutOfRange)),
        ];
        for (text, expected) in text_cases {
            assert_eq!(
                text.parse::<Weight>().map(Weight::hectograms),
                expected,
                "{text:?}"
            );
        }
        let weight = Weight::from_hectograms(654).unwrap();
        assert_eq!(weight.to_string(), "65.4");
        assert_eq!(serde_json::to_string(&weight).unwrap(), "65.4");
        assert_eq!(serde_json::from_str::<Weight>("65.4").unwrap(), weight);
        assert_eq!(Weight::from_hectograms(700).unwrap().to_string(), "70.0");
    }

    #[test]
    fn entry_window_default_is_thirty_days_including_today() {
        let window = EntryWindow::default();
        let today = d(2026, 11, 21);
        let cases = [
            (d(2026, 11, 22), EntryDay::Future),
            (d(2026, 11, 21), EntryDay::Earning),
            (d(2026, 10, 23), EntryDay::Earning),
            (d(2026, 10, 22), EntryDay::KeptOnly),
            (d(2020, 1, 1), EntryDay::KeptOnly),
        ];
        for (date, day) in cases {
            assert_eq!(window.classify(date, today), day, "{date} seen on {today}");
        }
        assert_eq!(
            window.check(d(2026, 11, 22), today),
            Err(EntryError::FutureDate)
        );
        assert_eq!(
            EntryWindow::new(1)
                .unwrap()
                .classify(d(2026, 11, 20), today),
            EntryDay::KeptOnly
        );
        assert!(EntryWindow::new(0).is_err(), "a window must include today");
        assert!(serde_json::from_str::<EntryWindow>("400").is_err());
        assert_eq!(serde_json::to_string(&window).unwrap(), "30");
    }

    #[test]
    fn goal_lists() {
        let input = |id: Option<i64>, label: &str| GoalInput {
            id: id.map(GoalId),
            label: label.into(),
        };
        let ok = check_goal_list(&[
            input(Some(1), " 8,000歩あるく "),
            input(None, "夜9時以降は間食しない"),
        ])
        .unwrap();
        assert_eq!(ok[0].1.as_str(), "8,000歩あるく", "labels are trimmed");
        let six: Vec<_> = (0..6).map(|i| input(None, &format!("goal {i}"))).collect();
        assert_eq!(
            check_goal_list(&six),
            Err(EntryError::TooManyGoals { max: 5 })
        );
        assert_eq!(
            check_goal_list(&[input(Some(1), "a"), input(Some(1), "b")]),
            Err(EntryError::DuplicateGoal)
        );
        assert_eq!(
            check_goal_list(&[input(None, "a"), input(None, "a ")]),
            Err(EntryError::DuplicateGoal)
        );
        assert_eq!(
            check_goal_list(&[input(None, " ")]),
            Err(EntryError::GoalLabelEmpty)
        );
        assert_eq!(
            check_goal_list(&[input(None, &"あ".repeat(41))]),
            Err(EntryError::GoalLabelTooLong { max: 40 })
        );
        assert!(
            check_goal_list(&[]).unwrap().is_empty(),
            "a member may drop every goal"
        );
    }

    #[test]
    fn error_codes_are_snake_case() {
        let errors = [
            EntryError::StepsOutOfRange,
            EntryError::WeightOutOfRange,
            EntryError::WeightPrecision,
            EntryError::NotANumber,
            EntryError::WrongValueType,
            EntryError::MissingGoalId,
            EntryError::UnexpectedGoalId,
            EntryError::FutureDate,
            EntryError::GoalLabelEmpty,
            EntryError::GoalLabelTooLong { max: 1 },
            EntryError::GoalLabelForbiddenCharacter,
            EntryError::TooManyGoals { max: 1 },
            EntryError::DuplicateGoal,
            EntryError::EntryWindowOutOfRange { min: 1, max: 2 },
        ];
        for error in errors {
            assert_snake_case(error.code());
        }
    }

    proptest! {
        #[test]
        fn weights_round_trip(hectograms in 200i32..=3_000) {
            let weight = Weight::from_hectograms(hectograms).unwrap();
            prop_assert_eq!(weight.to_string().parse::<Weight>(), Ok(weight));
            prop_assert_eq!(Weight::from_kg(weight.kg()), Ok(weight));
            let json = serde_json::to_string(&weight).unwrap();
            prop_assert_eq!(serde_json::from_str::<Weight>(&json).unwrap(), weight);
        }
    }
}
