//! Which grants are due for what a member did.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rules::{CheckupCondition, CheckupKind, PointRule, ReportKind, RuleSet, Trigger, Way};
use super::{GrantKey, Period, RuleCode};
use crate::entry::{EntryDay, EntryWindow, RecordKind};
use crate::health::{Bmi, health_age_is_younger_by};
use crate::member::Member;
use crate::time::{FiscalYear, age_at_fiscal_year_end, age_on};

/// What a checkup result says, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckupFacts {
    /// The day the checkup was taken.
    pub date: NaiveDate,
    pub kind: CheckupKind,
    pub bmi: Option<Bmi>,
    pub smoker: Option<bool>,
    /// The insurer-supplied health age, when there is one.
    pub health_age: Option<u32>,
}

/// Something a member did (or the insurer recorded for them) that may earn
/// points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// The member completed the first registration today.
    Registered,
    /// The member logged in today.
    CheckedIn,
    /// The member saved a record of `kind` for `date` (new or edited).
    Recorded { date: NaiveDate, kind: RecordKind },
    /// The insurer imported a checkup result.
    Checkup(CheckupFacts),
    /// The member answered the smoking survey.
    SmokingSurvey { date: NaiveDate, smoker: bool },
    /// The member reported something done on `date`.
    Reported { date: NaiveDate, kind: ReportKind },
    /// The insurer grants the rule `code` by hand for an activity on `date`
    /// (e.g. a smoking cessation success). Only the rule's eligibility and
    /// frequency apply; its ways and age bands are the insurer's to judge.
    Awarded { code: RuleCode, date: NaiveDate },
}

/// A grant that is due: who gets it is the caller's; what, for which period
/// and on which day is here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub code: RuleCode,
    pub period: Period,
    pub points: i64,
    /// The day of the activity that earned it.
    pub activity_date: NaiveDate,
    /// The day the points enter the ledger (today); their expiry follows from it.
    pub granted_on: NaiveDate,
}

impl Grant {
    /// The key that keeps this grant from being made twice.
    pub fn key(&self) -> GrantKey {
        GrantKey {
            code: self.code.clone(),
            period: self.period,
        }
    }
}

/// The grants due for `activity` of `member`, seen on `today` (JST), given
/// the grants already made: at most one per rule and period, never one that
/// `already_granted` holds.
///
/// Dates decide too: nothing is due for a day after `today`; records earn
/// only inside the entry `window`; checkups, surveys and reports earn only
/// when dated in the current or the previous fiscal year.
///
/// ```
/// use kenpo_domain::entry::{EntryWindow, RecordKind};
/// use kenpo_domain::member::{Member, Relationship};
/// use kenpo_domain::points::{Activity, RuleSet, grants_due};
/// use chrono::NaiveDate;
///
/// let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
/// let member = Member {
///     relationship: Relationship::Insured,
///     birth_date: NaiveDate::from_ymd_opt(1990, 6, 15).unwrap(),
/// };
/// let activity = Activity::Recorded { date: today, kind: RecordKind::Steps };
/// let rules = RuleSet::default();
/// let due = grants_due(&rules, &member, &activity, today, EntryWindow::default(), &[]);
/// assert_eq!(due.len(), 1);
/// assert_eq!((due[0].code.as_str(), due[0].points), ("steps", 10));
/// // Editing the same day again earns nothing more.
/// let again = grants_due(&rules, &member, &activity, today, EntryWindow::default(), &[due[0].key()]);
/// assert!(again.is_empty());
/// ```
pub fn grants_due(
    rules: &RuleSet,
    member: &Member,
    activity: &Activity,
    today: NaiveDate,
    window: EntryWindow,
    already_granted: &[GrantKey],
) -> Vec<Grant> {
    let Some(date) = earning_date(activity, today, window) else {
        return Vec::new();
    };
    let mut due: Vec<Grant> = Vec::new();
    for rule in rules.rules() {
        if !rule.is_eligible(member.relationship) || !earns(rule, member, activity, date) {
            continue;
        }
        let grant = Grant {
            code: rule.code.clone(),
            period: rule.frequency.period_of(date),
            points: rule.points,
            activity_date: date,
            granted_on: today,
        };
        let key = grant.key();
        if !already_granted.contains(&key) && !due.iter().any(|g| g.key() == key) {
            due.push(grant);
        }
    }
    due
}

/// The date the activity counts for, or `None` when its date earns nothing.
fn earning_date(activity: &Activity, today: NaiveDate, window: EntryWindow) -> Option<NaiveDate> {
    let recent = |date: NaiveDate| {
        let fiscal_year = FiscalYear::of(date);
        let this_year = FiscalYear::of(today);
        (date <= today && (fiscal_year == this_year || fiscal_year == this_year.previous()))
            .then_some(date)
    };
    match activity {
        Activity::Registered | Activity::CheckedIn => Some(today),
        Activity::Recorded { date, .. } => {
            (window.classify(*date, today) == EntryDay::Earning).then_some(*date)
        }
        Activity::Checkup(facts) => recent(facts.date),
        Activity::SmokingSurvey { date, .. } | Activity::Reported { date, .. } => recent(*date),
        Activity::Awarded { date, .. } => (*date <= today).then_some(*date),
    }
}

/// Whether `rule` is earned by `activity` of `member` on `date`.
fn earns(rule: &PointRule, member: &Member, activity: &Activity, date: NaiveDate) -> bool {
    if let Activity::Awarded { code, .. } = activity {
        return rule.code == *code;
    }
    rule.ways
        .iter()
        .any(|way| way_matches(way, member, activity, date))
}

fn way_matches(way: &Way, member: &Member, activity: &Activity, date: NaiveDate) -> bool {
    if !way.relationships.is_empty() && !way.relationships.contains(&member.relationship) {
        return false;
    }
    if let Some(band) = way.age {
        let age = age_at_fiscal_year_end(member.birth_date, FiscalYear::of(date));
        if !age.is_some_and(|age| band.contains(age)) {
            return false;
        }
    }
    match (&way.trigger, activity) {
        (Trigger::Registration, Activity::Registered) | (Trigger::CheckIn, Activity::CheckedIn) => {
            true
        }
        (Trigger::Record(wanted), Activity::Recorded { kind, .. }) => wanted == kind,
        (Trigger::Report(wanted), Activity::Reported { kind, .. }) => wanted == kind,
        (Trigger::NonSmokerSurvey, Activity::SmokingSurvey { smoker, .. }) => !smoker,
        (Trigger::Checkup { kinds, condition }, Activity::Checkup(facts)) => {
            (kinds.is_empty() || kinds.contains(&facts.kind))
                && checkup_meets(*condition, facts, member)
        }
        _ => false,
    }
}

fn checkup_meets(condition: CheckupCondition, facts: &CheckupFacts, member: &Member) -> bool {
    match condition {
        CheckupCondition::Taken => true,
        CheckupCondition::BmiInRange { min, below } => {
            facts.bmi.is_some_and(|bmi| min <= bmi && bmi < below)
        }
        CheckupCondition::NonSmoker => facts.smoker == Some(false),
        CheckupCondition::HealthAgeYounger { years } => {
            match (age_on(member.birth_date, facts.date), facts.health_age) {
                (Some(real_age), Some(health_age)) => {
                    health_age_is_younger_by(real_age, health_age, years)
                }
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::Relationship;
    use crate::time::d;

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 21) {
        Some(date) => date,
        None => panic!("a real date"),
    };

    fn insured(birth: NaiveDate) -> Member {
        Member {
            relationship: Relationship::Insured,
            birth_date: birth,
        }
    }

    fn spouse(birth: NaiveDate) -> Member {
        Member {
            relationship: Relationship::DependentSpouse,
            birth_date: birth,
        }
    }

    /// The codes and points due on TODAY with nothing granted yet.
    fn due(member: &Member, activity: &Activity) -> Vec<(String, i64)> {
        due_on(member, activity, TODAY)
    }

    fn due_on(member: &Member, activity: &Activity, today: NaiveDate) -> Vec<(String, i64)> {
        grants_due(
            &RuleSet::default(),
            member,
            activity,
            today,
            EntryWindow::default(),
            &[],
        )
        .into_iter()
        .map(|g| (g.code.to_string(), g.points))
        .collect()
    }

    fn codes(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|(c, p)| ((*c).to_owned(), *p)).collect()
    }

    fn checkup(date: NaiveDate) -> CheckupFacts {
        CheckupFacts {
            date,
            kind: CheckupKind::Submitted,
            bmi: None,
            smoker: None,
            health_age: None,
        }
    }

    fn bmi(text: &str) -> Option<Bmi> {
        Some(text.parse().expect("a printed BMI"))
    }

    #[test]
    fn the_daily_rules() {
        let member = insured(d(1990, 6, 15));
        let cases = [
            (Activity::Registered, vec![("registration", 1_000)]),
            (Activity::CheckedIn, vec![("login", 5)]),
            (
                Activity::Recorded {
                    date: TODAY,
                    kind: RecordKind::Weight,
                },
                vec![("weight", 10)],
            ),
            (
                Activity::Recorded {
                    date: TODAY,
                    kind: RecordKind::Steps,
                },
                vec![("steps", 10)],
            ),
            (
                Activity::Recorded {
                    date: TODAY,
                    kind: RecordKind::Goal,
                },
                vec![("behaviour_goals", 5)],
            ),
        ];
        for (activity, expected) in cases {
            assert_eq!(due(&member, &activity), codes(&expected), "{activity:?}");
            assert_eq!(
                due(&spouse(d(1990, 6, 15)), &activity),
                codes(&expected),
                "spouse: {activity:?}"
            );
        }
    }

    #[test]
    fn records_earn_only_inside_the_entry_window() {
        let member = insured(d(1990, 6, 15));
        let on = |date| Activity::Recorded {
            date,
            kind: RecordKind::Steps,
        };
        assert_eq!(
            due(&member, &on(d(2026, 10, 23))),
            codes(&[("steps", 10)]),
            "29 days back earns"
        );
        assert!(
            due(&member, &on(d(2026, 10, 22))).is_empty(),
            "30 days back is kept, earns nothing"
        );
        assert!(
            due(&member, &on(d(2026, 11, 22))).is_empty(),
            "a future day earns nothing"
        );
        let grant = &grants_due(
            &RuleSet::default(),
            &member,
            &on(d(2026, 11, 1)),
            TODAY,
            EntryWindow::default(),
            &[],
        )[0];
        assert_eq!(
            grant.period,
            Period::Day(d(2026, 11, 1)),
            "the period is the recorded day"
        );
        assert_eq!(grant.granted_on, TODAY, "the points enter the ledger today");
    }

    #[test]
    fn a_day_is_earned_once_however_often_it_is_edited() {
        let rules = RuleSet::default();
        let member = insured(d(1990, 6, 15));
        let mut granted: Vec<GrantKey> = Vec::new();
        let mut total = 0;
        for _edit in 0..3 {
            for kind in [
                RecordKind::Steps,
                RecordKind::Weight,
                RecordKind::Goal,
                RecordKind::Goal,
            ] {
                let activity = Activity::Recorded { date: TODAY, kind };
                for grant in grants_due(
                    &rules,
                    &member,
                    &activity,
                    TODAY,
                    EntryWindow::default(),
                    &granted,
                ) {
                    total += grant.points;
                    granted.push(grant.key());
                }
            }
        }
        assert_eq!(
            total, 25,
            "steps 10 + weight 10 + goals 5, once for the day"
        );
        let tomorrow = d(2026, 11, 22);
        let next_day = Activity::Recorded {
            date: tomorrow,
            kind: RecordKind::Steps,
        };
        let due = grants_due(
            &rules,
            &member,
            &next_day,
            tomorrow,
            EntryWindow::default(),
            &granted,
        );
        assert_eq!(due.len(), 1, "the next day earns again");
    }

    #[test]
    fn spouse_checkup_by_age_band_at_fiscal_year_end() {
        // FY2026 ends 2027-03-31. Born 1992-04-01: 35 at its end; 1992-04-02: 34.
        let thirty_five = spouse(d(1992, 4, 1));
        let thirty_four = spouse(d(1992, 4, 2));
        let with = |kind| {
            Activity::Checkup(CheckupFacts {
                kind,
                ..checkup(d(2026, 10, 1))
            })
        };
        let cases = [
            (&thirty_five, CheckupKind::Dock, true),
            (&thirty_five, CheckupKind::Circuit, true),
            (&thirty_five, CheckupKind::Submitted, true),
            (&thirty_five, CheckupKind::HomeKit, false),
            (&thirty_four, CheckupKind::HomeKit, true),
            (&thirty_four, CheckupKind::Submitted, true),
            (&thirty_four, CheckupKind::Dock, false),
            (&thirty_four, CheckupKind::Circuit, false),
        ];
        for (member, kind, earns) in cases {
            let got = due(member, &with(kind)).contains(&("spouse_checkup".to_owned(), 1_000));
            assert_eq!(got, earns, "born {}, {kind:?}", member.birth_date);
        }
        assert!(
            !due(&insured(d(1992, 4, 1)), &with(CheckupKind::Dock))
                .iter()
                .any(|(c, _)| c == "spouse_checkup"),
            "the insured do not earn the spouse checkup"
        );
    }

    #[test]
    fn checkup_results() {
        let member = insured(d(1980, 5, 1)); // 46 on 2026-10-01
        let result = |bmi_text: &str, smoker: bool, health_age: Option<u32>| {
            Activity::Checkup(CheckupFacts {
                bmi: bmi(bmi_text),
                smoker: Some(smoker),
                health_age,
                ..checkup(d(2026, 10, 1))
            })
        };
        let cases = [
            (
                result("22.0", false, Some(40)),
                vec![
                    ("checkup_bmi", 500),
                    ("non_smoker", 500),
                    ("health_age", 500),
                ],
            ),
            (
                result("18.5", true, Some(41)),
                vec![("checkup_bmi", 500), ("health_age", 500)],
            ),
            (result("18.4", true, Some(42)), vec![]),
            (result("25.0", false, None), vec![("non_smoker", 500)]),
            (result("24.9", true, Some(46)), vec![("checkup_bmi", 500)]),
        ];
        for (activity, expected) in cases {
            assert_eq!(due(&member, &activity), codes(&expected), "{activity:?}");
        }
        let spouse_result = result("22.0", false, Some(30));
        assert_eq!(
            due(&spouse(d(1980, 5, 1)), &spouse_result),
            codes(&[
                ("spouse_checkup", 1_000),
                ("checkup_bmi", 500),
                ("non_smoker", 500)
            ]),
            "health age is for employees only"
        );
        let unknown = Activity::Checkup(checkup(d(2026, 10, 1)));
        assert!(
            due(&member, &unknown).is_empty(),
            "unknown BMI and smoking earn nothing"
        );
    }

    #[test]
    fn non_smoker_web_survey_is_for_employees_up_to_34() {
        let survey = |smoker| Activity::SmokingSurvey {
            date: d(2026, 7, 1),
            smoker,
        };
        let young = insured(d(1992, 4, 2)); // 34 at the end of FY2026
        let older = insured(d(1992, 4, 1)); // 35 at the end of FY2026
        assert_eq!(due(&young, &survey(false)), codes(&[("non_smoker", 500)]));
        assert!(
            due(&young, &survey(true)).is_empty(),
            "smokers earn nothing"
        );
        assert!(
            due(&older, &survey(false)).is_empty(),
            "35 and over answer at the checkup"
        );
        assert!(
            due(&spouse(d(1992, 4, 2)), &survey(false)).is_empty(),
            "the survey is for employees"
        );
    }

    #[test]
    fn reports_and_fiscal_years() {
        let member = insured(d(1990, 6, 15));
        let flu = |date| Activity::Reported {
            date,
            kind: ReportKind::FluVaccine,
        };
        let exam = |date| Activity::Reported {
            date,
            kind: ReportKind::SecondaryExam,
        };
        assert_eq!(
            due(&member, &flu(d(2026, 10, 20))),
            codes(&[("flu_vaccine", 300)])
        );
        assert_eq!(
            due(&member, &exam(d(2026, 9, 1))),
            codes(&[("secondary_exam", 500)])
        );
        assert!(
            due(&spouse(d(1990, 6, 15)), &exam(d(2026, 9, 1))).is_empty(),
            "employees only"
        );
        assert_eq!(
            due(&member, &flu(d(2025, 4, 1))),
            codes(&[("flu_vaccine", 300)]),
            "last FY still counts"
        );
        assert!(
            due(&member, &flu(d(2025, 3, 31))).is_empty(),
            "two fiscal years back is too old"
        );
        assert!(
            due(&member, &flu(d(2026, 11, 22))).is_empty(),
            "a future report earns nothing"
        );

        let rules = RuleSet::default();
        let first = grants_due(
            &rules,
            &member,
            &flu(d(2026, 10, 20)),
            TODAY,
            EntryWindow::default(),
            &[],
        );
        let keys: Vec<GrantKey> = first.iter().map(Grant::key).collect();
        assert!(
            grants_due(
                &rules,
                &member,
                &flu(d(2027, 1, 15)),
                d(2027, 1, 15),
                EntryWindow::default(),
                &keys
            )
            .is_empty(),
            "once per fiscal year"
        );
        let next_year = d(2027, 4, 1);
        assert_eq!(
            grants_due(
                &rules,
                &member,
                &flu(next_year),
                next_year,
                EntryWindow::default(),
                &keys
            )
            .len(),
            1,
            "a new fiscal year earns again"
        );
    }

    #[test]
    fn registration_is_once() {
        let rules = RuleSet::default();
        let member = spouse(d(1990, 6, 15));
        let first = grants_due(
            &rules,
            &member,
            &Activity::Registered,
            TODAY,
            EntryWindow::default(),
            &[],
        );
        assert_eq!(first[0].period, Period::Once);
        let keys = [first[0].key()];
        let later = d(2030, 1, 1);
        assert!(
            grants_due(
                &rules,
                &member,
                &Activity::Registered,
                later,
                EntryWindow::default(),
                &keys
            )
            .is_empty()
        );
    }

    #[test]
    fn insurer_awards_respect_eligibility_and_frequency() {
        let rules = RuleSet::default();
        let award = Activity::Awarded {
            code: RuleCode::parse("smoking_cessation").unwrap(),
            date: TODAY,
        };
        let employee = insured(d(1990, 6, 15));
        let granted = grants_due(
            &rules,
            &employee,
            &award,
            TODAY,
            EntryWindow::default(),
            &[],
        );
        assert_eq!(
            granted
                .iter()
                .map(|g| (g.code.as_str(), g.points))
                .collect::<Vec<_>>(),
            [("smoking_cessation", 1_000)]
        );
        let keys = [granted[0].key()];
        assert!(
            grants_due(
                &rules,
                &employee,
                &award,
                TODAY,
                EntryWindow::default(),
                &keys
            )
            .is_empty(),
            "once"
        );
        assert!(
            due(&spouse(d(1990, 6, 15)), &award).is_empty(),
            "employees only"
        );
        let unknown = Activity::Awarded {
            code: RuleCode::parse("summer_campaign").unwrap(),
            date: TODAY,
        };
        assert!(
            due(&employee, &unknown).is_empty(),
            "codes outside the rules file are not rule grants"
        );
        let future = Activity::Awarded {
            code: RuleCode::parse("flu_vaccine").unwrap(),
            date: d(2026, 12, 1),
        };
        assert!(due(&employee, &future).is_empty());
    }

    #[test]
    fn two_ways_to_one_rule_grant_once() {
        let rules = RuleSet::from_toml(
            r#"
            [[rules]]
            code = "any_checkup"
            label_ja = "健診"
            label_en = "Checkup"
            points = 100
            frequency = "fiscal_year"
            eligible = ["insured"]
            ways = [{ on = "checkup" }, { on = "checkup", kinds = ["dock"] }]
            "#,
        )
        .unwrap();
        let activity = Activity::Checkup(CheckupFacts {
            kind: CheckupKind::Dock,
            ..checkup(d(2026, 10, 1))
        });
        let due = grants_due(
            &rules,
            &insured(d(1990, 1, 1)),
            &activity,
            TODAY,
            EntryWindow::default(),
            &[],
        );
        assert_eq!(due.len(), 1, "at most one grant per rule and period");
    }

    #[test]
    fn the_window_setting_is_honoured() {
        let rules = RuleSet::default();
        let member = insured(d(1990, 6, 15));
        let activity = Activity::Recorded {
            date: d(2026, 11, 20),
            kind: RecordKind::Weight,
        };
        let narrow = EntryWindow::new(1).unwrap();
        assert!(
            grants_due(&rules, &member, &activity, TODAY, narrow, &[]).is_empty(),
            "a 1-day window is today only"
        );
        let wide = EntryWindow::new(60).unwrap();
        let old = Activity::Recorded {
            date: d(2026, 9, 30),
            kind: RecordKind::Weight,
        };
        assert_eq!(grants_due(&rules, &member, &old, TODAY, wide, &[]).len(), 1);
    }

    #[test]
    fn fiscal_year_edges_of_an_age_band() {
        // Born 1992-04-01: 34 at the end of FY2025 (2026-03-31), 35 at the end of FY2026.
        let member = insured(d(1992, 4, 1));
        let survey = |date| Activity::SmokingSurvey {
            date,
            smoker: false,
        };
        assert_eq!(
            due_on(&member, &survey(d(2026, 3, 31)), d(2026, 3, 31)),
            codes(&[("non_smoker", 500)])
        );
        assert!(
            due_on(&member, &survey(d(2026, 4, 1)), d(2026, 4, 1)).is_empty(),
            "35 by the end of FY2026"
        );
    }

    fn record_kind() -> impl proptest::strategy::Strategy<Value = RecordKind> {
        proptest::prop_oneof![
            proptest::strategy::Just(RecordKind::Steps),
            proptest::strategy::Just(RecordKind::Weight),
            proptest::strategy::Just(RecordKind::Goal),
        ]
    }

    proptest::proptest! {
        #[test]
        fn records_never_earn_twice_or_outside_the_window(
            entries in proptest::collection::vec((0u64..45, record_kind()), 1..80),
        ) {
            let rules = RuleSet::default();
            let member = insured(d(1990, 6, 15));
            let window = EntryWindow::default();
            let mut granted: Vec<Grant> = Vec::new();
            for (days_back, kind) in entries {
                let date = crate::time::sub_days(TODAY, days_back);
                let keys: Vec<GrantKey> = granted.iter().map(Grant::key).collect();
                let activity = Activity::Recorded { date, kind };
                for grant in grants_due(&rules, &member, &activity, TODAY, window, &keys) {
                    proptest::prop_assert!(days_back < 30, "only the 30-day window earns");
                    proptest::prop_assert!(!keys.contains(&grant.key()), "no grant twice");
                    granted.push(grant);
                }
            }
            let mut per_day = std::collections::BTreeMap::<NaiveDate, i64>::new();
            for grant in &granted {
                *per_day.entry(grant.activity_date).or_default() += grant.points;
            }
            proptest::prop_assert!(per_day.values().all(|points| *points <= 25), "a day earns 25 at most");
        }
    }
}
