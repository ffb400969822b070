//! A checkup result as the member reads it: for each rule a checkup can
//! earn, whether this checkup earned it, and when not, why not (the BMI
//! outside its range, a smoker, a health age not young enough, …).

use serde::Serialize;

use crate::api::{Checkup, PointRuleInfo};
use crate::health::{Bmi, BmiClass, health_age_is_younger_by};
use crate::member::Relationship;
use crate::points::{CheckupCondition, RuleCode};
use crate::time::FiscalYear;

/// Why a checkup did not earn a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Earned by this checkup.
    Earned {
        #[cfg_attr(feature = "specta", specta(type = i32))]
        points: i64,
    },
    /// Earned this fiscal year by the checkup of `date` (once a year).
    EarnedByAnother { date: chrono::NaiveDate },
    /// The rule is not for this member (e.g. employees only).
    NotEligible,
    /// The BMI was outside `[min, below)`.
    BmiOutOfRange { bmi: Bmi, min: Bmi, below: Bmi },
    /// The questionnaire says the member smokes.
    Smoker,
    /// The result has no health age.
    NoHealthAge,
    /// The health age was not `years` below the real age.
    HealthAgeNotYounger {
        health_age: u32,
        real_age: u32,
        years: u32,
    },
    /// The result meets the condition, but the rule's other terms (an age
    /// band, a kind of checkup, a date outside the years that earn) did not
    /// let it earn.
    OtherTerms,
}

/// One rule, as a checkup's detail lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RuleReview {
    pub code: RuleCode,
    pub label_ja: String,
    pub label_en: String,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
    pub outcome: Outcome,
}

/// The BMI's class (JASSO) of a checkup.
pub fn bmi_class(checkup: &Checkup) -> BmiClass {
    checkup.bmi.class()
}

/// Each rule a checkup can earn, reviewed for `checkup`. `all` are the
/// member's checkups (a rule earned by another checkup of the same fiscal
/// year is said so); `relationship` is the member's.
pub fn review(
    checkup: &Checkup,
    all: &[Checkup],
    rules: &[PointRuleInfo],
    relationship: Relationship,
) -> Vec<RuleReview> {
    let year = FiscalYear::of(checkup.date);
    rules
        .iter()
        .filter(|rule| !rule.checkup_conditions.is_empty())
        .map(|rule| {
            let earned_here = checkup.points_granted.iter().find(|g| g.code == rule.code);
            let earned_by = all
                .iter()
                .filter(|other| other.date != checkup.date && FiscalYear::of(other.date) == year)
                .find(|other| other.points_granted.iter().any(|g| g.code == rule.code));
            let outcome = if let Some(grant) = earned_here {
                Outcome::Earned {
                    points: grant.points,
                }
            } else if let Some(other) = earned_by {
                Outcome::EarnedByAnother { date: other.date }
            } else if !rule.eligible.contains(&relationship) {
                Outcome::NotEligible
            } else {
                shortfall(checkup, &rule.checkup_conditions)
            };
            RuleReview {
                code: rule.code.clone(),
                label_ja: rule.label_ja.clone(),
                label_en: rule.label_en.clone(),
                points: rule.points,
                outcome,
            }
        })
        .collect()
}

/// Why none of `conditions` was met, by the first that fails; `OtherTerms`
/// when one of them is met.
fn shortfall(checkup: &Checkup, conditions: &[CheckupCondition]) -> Outcome {
    let mut first = None;
    for condition in conditions {
        let failed = match *condition {
            CheckupCondition::Taken => None,
            CheckupCondition::BmiInRange { min, below } => {
                (checkup.bmi < min || checkup.bmi >= below).then_some(Outcome::BmiOutOfRange {
                    bmi: checkup.bmi,
                    min,
                    below,
                })
            }
            CheckupCondition::NonSmoker => checkup.smoker.then_some(Outcome::Smoker),
            CheckupCondition::HealthAgeYounger { years } => match checkup.health_age {
                None => Some(Outcome::NoHealthAge),
                Some(health_age)
                    if !health_age_is_younger_by(checkup.real_age, health_age, years) =>
                {
                    Some(Outcome::HealthAgeNotYounger {
                        health_age,
                        real_age: checkup.real_age,
                        years,
                    })
                }
                Some(_) => None,
            },
        };
        match failed {
            None => return Outcome::OtherTerms,
            Some(outcome) => {
                first.get_or_insert(outcome);
            }
        }
    }
    first.unwrap_or(Outcome::OtherTerms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PointsGranted;
    use crate::points::RuleSet;

    fn checkup(
        date: &str,
        bmi: &str,
        smoker: bool,
        health_age: Option<u32>,
        earned: &[&str],
    ) -> Checkup {
        let date = date.parse().unwrap();
        Checkup {
            date,
            height_cm: "170.0".parse().unwrap(),
            weight_kg: "65.0".parse().unwrap(),
            bmi: bmi.parse().unwrap(),
            smoker,
            health_age,
            real_age: 47,
            points_granted: earned
                .iter()
                .map(|code| PointsGranted {
                    date,
                    code: RuleCode::parse(code).unwrap(),
                    points: 500,
                })
                .collect(),
        }
    }

    fn rules() -> Vec<PointRuleInfo> {
        RuleSet::default()
            .rules()
            .iter()
            .map(PointRuleInfo::from)
            .collect()
    }

    fn outcomes(reviews: &[RuleReview]) -> Vec<(&str, Outcome)> {
        reviews
            .iter()
            .map(|r| (r.code.as_str(), r.outcome))
            .collect()
    }

    #[test]
    fn each_checkup_rule_says_earned_or_why_not() {
        let june = checkup("2026-06-01", "26.1", true, Some(45), &[]);
        let reviews = review(
            &june,
            std::slice::from_ref(&june),
            &rules(),
            Relationship::Insured,
        );
        assert_eq!(
            outcomes(&reviews),
            [
                ("spouse_checkup", Outcome::NotEligible),
                (
                    "checkup_bmi",
                    Outcome::BmiOutOfRange {
                        bmi: "26.1".parse().unwrap(),
                        min: "18.5".parse().unwrap(),
                        below: "25.0".parse().unwrap()
                    }
                ),
                ("non_smoker", Outcome::Smoker),
                (
                    "health_age",
                    Outcome::HealthAgeNotYounger {
                        health_age: 45,
                        real_age: 47,
                        years: 5
                    }
                ),
            ]
        );
        assert_eq!(bmi_class(&june), BmiClass::Obesity1);
    }

    #[test]
    fn a_rule_earned_by_another_checkup_of_the_year_says_which() {
        let june = checkup(
            "2026-06-01",
            "22.5",
            false,
            None,
            &["checkup_bmi", "non_smoker"],
        );
        let sept = checkup("2026-09-01", "22.8", false, None, &[]);
        let next_year = checkup("2027-05-01", "22.0", false, Some(40), &[]);
        let all = [june.clone(), sept.clone(), next_year.clone()];
        let rules = rules();
        let of = |c: &Checkup| {
            review(c, &all, &rules, Relationship::Insured)
                .into_iter()
                .map(|r| (r.code.as_str().to_owned(), r.outcome))
                .collect::<Vec<_>>()
        };
        let june_date = june.date;
        assert_eq!(
            of(&june)[1],
            ("checkup_bmi".into(), Outcome::Earned { points: 500 })
        );
        assert_eq!(of(&june)[3], ("health_age".into(), Outcome::NoHealthAge));
        assert_eq!(
            of(&sept)[1],
            (
                "checkup_bmi".into(),
                Outcome::EarnedByAnother { date: june_date }
            )
        );
        assert_eq!(
            of(&next_year)[3],
            ("health_age".into(), Outcome::OtherTerms),
            "met, yet not granted: another term held it back"
        );
    }
}
