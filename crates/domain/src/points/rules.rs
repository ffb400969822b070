//! The rules file: its format, its defaults and its validation.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{Frequency, RuleCode};
use crate::entry::RecordKind;
use crate::error::Coded;
use crate::health::Bmi;
use crate::member::Relationship;

/// The default rules file: the table of DOMAIN.md.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../rules/default.toml");

/// Most points a single rule may grant; a guard against a slipped digit.
const MAX_RULE_POINTS: i64 = 1_000_000;

/// A rules file that cannot be used. Each variant names the rule (by its code
/// as written, or its position when the code itself is the problem) and the
/// field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("the rules file cannot be read: {message}")]
    Syntax { message: String },
    #[error("rule {rule}: field {field} is not a valid code")]
    InvalidCode { rule: String, field: &'static str },
    #[error("rule {rule}: field code is used by another rule")]
    DuplicateCode { rule: String, field: &'static str },
    #[error("rule {rule}: field {field} must be from 1 to 1,000,000")]
    InvalidPoints { rule: String, field: &'static str },
    #[error("rule {rule}: field {field} must name at least one relationship")]
    NoEligibleRelationship { rule: String, field: &'static str },
    #[error("rule {rule}: field {field} must not be empty")]
    EmptyLabel { rule: String, field: &'static str },
    #[error("rule {rule}: field {field} names a relationship the rule does not make eligible")]
    IneligibleRelationship { rule: String, field: String },
    #[error("rule {rule}: field {field} is not valid here: {reason}")]
    InvalidWay {
        rule: String,
        field: String,
        reason: &'static str,
    },
}

impl RulesError {
    /// The rule the error is about (empty for a syntax error).
    pub fn rule(&self) -> &str {
        match self {
            Self::Syntax { .. } => "",
            Self::InvalidCode { rule, .. }
            | Self::DuplicateCode { rule, .. }
            | Self::InvalidPoints { rule, .. }
            | Self::NoEligibleRelationship { rule, .. }
            | Self::EmptyLabel { rule, .. }
            | Self::IneligibleRelationship { rule, .. }
            | Self::InvalidWay { rule, .. } => rule,
        }
    }

    /// The field the error is about, e.g. `label_en` or `ways[1].age`.
    pub fn field(&self) -> &str {
        match self {
            Self::Syntax { .. } => "",
            Self::InvalidCode { field, .. }
            | Self::DuplicateCode { field, .. }
            | Self::InvalidPoints { field, .. }
            | Self::NoEligibleRelationship { field, .. }
            | Self::EmptyLabel { field, .. } => field,
            Self::IneligibleRelationship { field, .. } | Self::InvalidWay { field, .. } => field,
        }
    }
}

impl Coded for RulesError {
    fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "rules_syntax",
            Self::InvalidCode { .. } => "invalid_code",
            Self::DuplicateCode { .. } => "duplicate_code",
            Self::InvalidPoints { .. } => "invalid_points",
            Self::NoEligibleRelationship { .. } => "no_eligible_relationship",
            Self::EmptyLabel { .. } => "empty_label",
            Self::IneligibleRelationship { .. } => "ineligible_relationship",
            Self::InvalidWay { .. } => "invalid_way",
        }
    }
}

/// Kinds of checkup, for the spouse checkup's age bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CheckupKind {
    /// 人間ドック, a full checkup.
    Dock,
    /// 巡回健診, a circuit checkup.
    Circuit,
    /// An at-home test kit (スマホdeドック).
    HomeKit,
    /// A result sheet from elsewhere (work, a part-time job, abroad) that the
    /// member submitted and the insurer accepted. Imported results whose kind
    /// is not known are of this kind.
    Submitted,
}

/// What the member reports in the app (`POST /api/v1/reports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// A flu vaccination.
    FluVaccine,
    /// A doctor's visit after a nurse's referral (二次検査).
    SecondaryExam,
}

impl ReportKind {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "flu_vaccine" => Some(Self::FluVaccine),
            "secondary_exam" => Some(Self::SecondaryExam),
            _ => None,
        }
    }

    const fn as_str(self) -> &'static str {
        match self {
            Self::FluVaccine => "flu_vaccine",
            Self::SecondaryExam => "secondary_exam",
        }
    }
}

/// What a checkup result must show for a way to earn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CheckupCondition {
    /// Any result: the checkup was taken.
    #[default]
    Taken,
    /// The printed BMI is at least `min` and below `below`.
    BmiInRange { min: Bmi, below: Bmi },
    /// The questionnaire says the member does not smoke.
    NonSmoker,
    /// The insurer's health age is at least `years` below the real age on the
    /// checkup day.
    HealthAgeYounger { years: u32 },
}

/// An inclusive age band, on the age at the end of the fiscal year of the
/// activity (年度末年齢).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

impl AgeBand {
    /// Whether `age` is inside the band.
    pub fn contains(self, age: u32) -> bool {
        self.min.is_none_or(|min| age >= min) && self.max.is_none_or(|max| age <= max)
    }
}

/// What the member does to earn a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// The first registration.
    Registration,
    /// The login of the day (`POST /api/v1/check-ins`).
    CheckIn,
    /// A daily record of this kind.
    Record(RecordKind),
    /// A checkup result of one of `kinds` (any kind when empty) meeting `condition`.
    Checkup {
        kinds: Vec<CheckupKind>,
        condition: CheckupCondition,
    },
    /// A web survey answer saying the member does not smoke.
    NonSmokerSurvey,
    /// A report by the member.
    Report(ReportKind),
}

/// One way to earn a rule: a trigger, optionally narrowed to some of the
/// rule's relationships and to an age band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawWay", into = "RawWay")]
pub struct Way {
    pub trigger: Trigger,
    /// Empty: everyone the rule makes eligible.
    pub relationships: Vec<Relationship>,
    pub age: Option<AgeBand>,
}

/// A way as written in the rules file: one flat table, checked on loading.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWay {
    on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    kinds: Vec<CheckupKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    condition: Option<CheckupCondition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    relationships: Vec<Relationship>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age: Option<AgeBand>,
}

/// Why a raw way is not a way: the field and the reason.
type WayProblem = (&'static str, &'static str);

impl RawWay {
    fn into_way(self) -> Result<Way, WayProblem> {
        let no_extras = |raw: &RawWay, kind_allowed: bool| -> Result<(), WayProblem> {
            if !kind_allowed && raw.kind.is_some() {
                return Err(("kind", "only record and report ways have a kind"));
            }
            if !raw.kinds.is_empty() {
                return Err(("kinds", "only checkup ways have checkup kinds"));
            }
            if raw.condition.is_some() {
                return Err(("condition", "only checkup ways have a condition"));
            }
            Ok(())
        };
        let trigger = match self.on.as_str() {
            "registration" => no_extras(&self, false).map(|()| Trigger::Registration)?,
            "check_in" => no_extras(&self, false).map(|()| Trigger::CheckIn)?,
            "non_smoker_survey" => no_extras(&self, false).map(|()| Trigger::NonSmokerSurvey)?,
            "record" => {
                no_extras(&self, true)?;
                let kind = match self.kind.as_deref() {
                    Some("steps") => RecordKind::Steps,
                    Some("weight") => RecordKind::Weight,
                    Some("goal") => RecordKind::Goal,
                    _ => return Err(("kind", "a record way needs kind steps, weight or goal")),
                };
                Trigger::Record(kind)
            }
            "report" => {
                no_extras(&self, true)?;
                let kind = self.kind.as_deref().and_then(ReportKind::parse).ok_or((
                    "kind",
                    "a report way needs kind flu_vaccine or secondary_exam",
                ))?;
                Trigger::Report(kind)
            }
            "checkup" => {
                if self.kind.is_some() {
                    return Err(("kind", "checkup ways use kinds, a list"));
                }
                let condition = self.condition.unwrap_or_default();
                if let CheckupCondition::BmiInRange { min, below } = condition
                    && min >= below
                {
                    return Err(("condition", "the BMI range is empty"));
                }
                Trigger::Checkup {
                    kinds: self.kinds,
                    condition,
                }
            }
            _ => return Err(("on", "not a known trigger")),
        };
        if let Some(AgeBand {
            min: Some(min),
            max: Some(max),
        }) = self.age
            && min > max
        {
            return Err(("age", "min is above max"));
        }
        Ok(Way {
            trigger,
            relationships: self.relationships,
            age: self.age,
        })
    }
}

impl TryFrom<RawWay> for Way {
    type Error = String;

    fn try_from(raw: RawWay) -> Result<Self, Self::Error> {
        raw.into_way()
            .map_err(|(field, reason)| format!("{field}: {reason}"))
    }
}

impl From<Way> for RawWay {
    fn from(way: Way) -> Self {
        let mut raw = RawWay {
            on: String::new(),
            kind: None,
            kinds: Vec::new(),
            condition: None,
            relationships: way.relationships,
            age: way.age,
        };
        raw.on = match way.trigger {
            Trigger::Registration => "registration",
            Trigger::CheckIn => "check_in",
            Trigger::NonSmokerSurvey => "non_smoker_survey",
            Trigger::Record(kind) => {
                raw.kind = Some(kind.as_str().to_owned());
                "record"
            }
            Trigger::Report(kind) => {
                raw.kind = Some(kind.as_str().to_owned());
                "report"
            }
            Trigger::Checkup { kinds, condition } => {
                raw.kinds = kinds;
                raw.condition = (condition != CheckupCondition::Taken).then_some(condition);
                "checkup"
            }
        }
        .to_owned();
        raw
    }
}

/// One item of the points table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointRule {
    pub code: RuleCode,
    pub label_ja: String,
    pub label_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_ja: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_en: Option<String>,
    /// Points per grant, above zero.
    pub points: i64,
    pub frequency: Frequency,
    /// Who may earn it; never empty.
    pub eligible: Vec<Relationship>,
    /// How it is earned; empty when only the insurer grants it.
    pub ways: Vec<Way>,
}

impl PointRule {
    /// Whether a member of this relationship can earn the rule at all.
    pub fn is_eligible(&self, relationship: Relationship) -> bool {
        self.eligible.contains(&relationship)
    }
}

/// A rule as written in the file, before its checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    code: String,
    label_ja: String,
    label_en: String,
    #[serde(default)]
    condition_ja: Option<String>,
    #[serde(default)]
    condition_en: Option<String>,
    points: i64,
    frequency: Frequency,
    eligible: Vec<Relationship>,
    #[serde(default)]
    ways: Vec<RawWay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleFile {
    rules: Vec<RawRule>,
}

/// A checked table of point rules: unique codes, positive points, at least
/// one eligible relationship, non-empty labels, and ways that make sense.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRuleFile")]
pub struct RuleSet {
    rules: Vec<PointRule>,
}

impl TryFrom<RawRuleFile> for RuleSet {
    type Error = RulesError;

    fn try_from(file: RawRuleFile) -> Result<Self, Self::Error> {
        let mut codes = HashSet::new();
        let mut rules = Vec::with_capacity(file.rules.len());
        for (index, raw) in file.rules.into_iter().enumerate() {
            let code = RuleCode::parse(&raw.code).map_err(|_| RulesError::InvalidCode {
                rule: format!("#{}", index + 1),
                field: "code",
            })?;
            let rule = code.to_string();
            if !codes.insert(code.clone()) {
                return Err(RulesError::DuplicateCode {
                    rule,
                    field: "code",
                });
            }
            if !(1..=MAX_RULE_POINTS).contains(&raw.points) {
                return Err(RulesError::InvalidPoints {
                    rule,
                    field: "points",
                });
            }
            if raw.eligible.is_empty() {
                return Err(RulesError::NoEligibleRelationship {
                    rule,
                    field: "eligible",
                });
            }
            let labels = [
                ("label_ja", Some(&raw.label_ja)),
                ("label_en", Some(&raw.label_en)),
                ("condition_ja", raw.condition_ja.as_ref()),
                ("condition_en", raw.condition_en.as_ref()),
            ];
            if let Some((field, _)) = labels
                .iter()
                .find(|(_, text)| text.is_some_and(|t| t.trim().is_empty()))
            {
                return Err(RulesError::EmptyLabel { rule, field });
            }
            let mut ways = Vec::with_capacity(raw.ways.len());
            for (way_index, raw_way) in raw.ways.into_iter().enumerate() {
                let way = raw_way
                    .into_way()
                    .map_err(|(field, reason)| RulesError::InvalidWay {
                        rule: rule.clone(),
                        field: format!("ways[{way_index}].{field}"),
                        reason,
                    })?;
                if way.relationships.iter().any(|r| !raw.eligible.contains(r)) {
                    return Err(RulesError::IneligibleRelationship {
                        rule,
                        field: format!("ways[{way_index}].relationships"),
                    });
                }
                ways.push(way);
            }
            rules.push(PointRule {
                code,
                label_ja: raw.label_ja.trim().to_owned(),
                label_en: raw.label_en.trim().to_owned(),
                condition_ja: raw.condition_ja.map(|t| t.trim().to_owned()),
                condition_en: raw.condition_en.map(|t| t.trim().to_owned()),
                points: raw.points,
                frequency: raw.frequency,
                eligible: raw.eligible,
                ways,
            });
        }
        Ok(Self { rules })
    }
}

impl RuleSet {
    /// Reads and checks a rules file in TOML.
    pub fn from_toml(text: &str) -> Result<Self, RulesError> {
        let file: RawRuleFile = toml::from_str(text).map_err(|e| RulesError::Syntax {
            message: e.to_string(),
        })?;
        Self::try_from(file)
    }

    /// Reads and checks a rules file in JSON (the same fields as the TOML).
    pub fn from_json(text: &str) -> Result<Self, RulesError> {
        let file: RawRuleFile = serde_json::from_str(text).map_err(|e| RulesError::Syntax {
            message: e.to_string(),
        })?;
        Self::try_from(file)
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[PointRule] {
        &self.rules
    }

    /// The rule with this code.
    pub fn get(&self, code: &str) -> Option<&PointRule> {
        self.rules.iter().find(|rule| rule.code == code)
    }
}

static DEFAULT_RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    RuleSet::from_toml(DEFAULT_RULES_TOML).expect("the shipped default rules file is valid")
});

impl Default for RuleSet {
    /// The table of DOMAIN.md (`rules/default.toml`), read once.
    fn default() -> Self {
        DEFAULT_RULES.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::assert_snake_case;

    #[test]
    fn the_default_table_is_domain_md() {
        use Frequency::{Daily, FiscalYear, Once};
        use Relationship::{DependentSpouse as S, Insured as I};
        let rules = RuleSet::default();
        let expected: [(&str, i64, Frequency, &[Relationship]); 12] = [
            ("registration", 1_000, Once, &[I, S]),
            ("spouse_checkup", 1_000, FiscalYear, &[S]),
            ("login", 5, Daily, &[I, S]),
            ("weight", 10, Daily, &[I, S]),
            ("steps", 10, Daily, &[I, S]),
            ("behaviour_goals", 5, Daily, &[I, S]),
            ("checkup_bmi", 500, FiscalYear, &[I, S]),
            ("non_smoker", 500, FiscalYear, &[I, S]),
            ("health_age", 500, FiscalYear, &[I]),
            ("smoking_cessation", 1_000, Once, &[I]),
            ("flu_vaccine", 300, FiscalYear, &[I, S]),
            ("secondary_exam", 500, FiscalYear, &[I]),
        ];
        assert_eq!(
            rules.rules().len(),
            expected.len(),
            "one rule per row of the table"
        );
        for (code, points, frequency, eligible) in expected {
            let rule = rules
                .get(code)
                .unwrap_or_else(|| panic!("rule {code} is in the default file"));
            assert_eq!((rule.points, rule.frequency), (points, frequency), "{code}");
            assert_eq!(rule.eligible, eligible, "{code} eligibility");
            assert!(
                !rule.label_ja.is_empty() && !rule.label_en.is_empty(),
                "{code} labels"
            );
        }
        assert_eq!(
            rules.get("checkup_bmi").unwrap().label_ja,
            "健診結果（BMI）",
            "leaflet wording"
        );
        assert!(
            rules.get("smoking_cessation").unwrap().ways.is_empty(),
            "granted by the insurer"
        );
    }

    #[test]
    fn the_default_table_survives_json() {
        let rules = RuleSet::default();
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(
            RuleSet::from_json(&json).unwrap(),
            rules,
            "written rules read back the same"
        );
    }

    fn one_rule(body: &str) -> Result<RuleSet, RulesError> {
        RuleSet::from_toml(&format!(
            "[[rules]]\ncode = \"walk\"\nlabel_ja = \"歩く\"\nlabel_en = \"Walk\"\n{body}"
        ))
    }

    #[test]
    fn invalid_files_name_the_rule_and_field() {
        let base = "points = 10\nfrequency = \"daily\"\neligible = [\"insured\"]\n";
        let cases: Vec<(String, &str, &str, &str)> = vec![
            (
                "points = 0\nfrequency = \"daily\"\neligible = [\"insured\"]".into(),
                "invalid_points",
                "walk",
                "points",
            ),
            (
                "points = -5\nfrequency = \"daily\"\neligible = [\"insured\"]".into(),
                "invalid_points",
                "walk",
                "points",
            ),
            (
                "points = 10\nfrequency = \"daily\"\neligible = []".into(),
                "no_eligible_relationship",
                "walk",
                "eligible",
            ),
            (
                format!("{base}ways = [{{ on = \"record\" }}]"),
                "invalid_way",
                "walk",
                "ways[0].kind",
            ),
            (
                format!("{base}ways = [{{ on = \"walking\" }}]"),
                "invalid_way",
                "walk",
                "ways[0].on",
            ),
            (
                format!("{base}ways = [{{ on = \"check_in\", age = {{ min = 40, max = 30 }} }}]"),
                "invalid_way",
                "walk",
                "ways[0].age",
            ),
            (
                format!(
                    "{base}ways = [{{ on = \"checkup\", condition = {{ kind = \"bmi_in_range\", min = 25.0, below = 18.5 }} }}]"
                ),
                "invalid_way",
                "walk",
                "ways[0].condition",
            ),
            (
                format!(
                    "{base}ways = [{{ on = \"check_in\", condition = {{ kind = \"non_smoker\" }} }}]"
                ),
                "invalid_way",
                "walk",
                "ways[0].condition",
            ),
            (
                format!(
                    "{base}ways = [{{ on = \"check_in\", relationships = [\"dependent_spouse\"] }}]"
                ),
                "ineligible_relationship",
                "walk",
                "ways[0].relationships",
            ),
        ];
        for (body, code, rule, field) in cases {
            let error = one_rule(&body).expect_err(&body);
            assert_eq!(
                (error.code(), error.rule(), error.field()),
                (code, rule, field),
                "{body}: {error}"
            );
            assert!(
                error.to_string().contains(rule),
                "the message names the rule: {error}"
            );
        }
    }

    #[test]
    fn labels_codes_and_duplicates() {
        let rule = |code: &str, label_en: &str| {
            format!(
                "[[rules]]\ncode = \"{code}\"\nlabel_ja = \"歩く\"\nlabel_en = \"{label_en}\"\n\
                 points = 10\nfrequency = \"daily\"\neligible = [\"insured\"]\n"
            )
        };
        let empty = RuleSet::from_toml(&rule("walk", " ")).unwrap_err();
        assert_eq!(
            (empty.code(), empty.rule(), empty.field()),
            ("empty_label", "walk", "label_en")
        );
        let bad_code = RuleSet::from_toml(&format!(
            "{}{}",
            rule("walk", "Walk"),
            rule("Walk-2", "Walk")
        ))
        .unwrap_err();
        assert_eq!(
            (bad_code.code(), bad_code.rule(), bad_code.field()),
            ("invalid_code", "#2", "code")
        );
        let twice =
            RuleSet::from_toml(&format!("{}{}", rule("walk", "Walk"), rule("walk", "Walk")))
                .unwrap_err();
        assert_eq!((twice.code(), twice.rule()), ("duplicate_code", "walk"));
        let typo =
            RuleSet::from_toml(&format!("{}pionts = 3\n", rule("walk", "Walk"))).unwrap_err();
        assert_eq!(
            typo.code(),
            "rules_syntax",
            "unknown fields are refused, not ignored"
        );
        let frequency =
            RuleSet::from_toml(&rule("walk", "Walk").replace("daily", "weekly")).unwrap_err();
        assert_eq!(frequency.code(), "rules_syntax");
    }

    #[test]
    fn error_codes_are_snake_case() {
        let rule = String::from("r");
        let errors = [
            RulesError::Syntax {
                message: String::new(),
            },
            RulesError::InvalidCode {
                rule: rule.clone(),
                field: "code",
            },
            RulesError::DuplicateCode {
                rule: rule.clone(),
                field: "code",
            },
            RulesError::InvalidPoints {
                rule: rule.clone(),
                field: "points",
            },
            RulesError::NoEligibleRelationship {
                rule: rule.clone(),
                field: "eligible",
            },
            RulesError::EmptyLabel {
                rule: rule.clone(),
                field: "label_ja",
            },
            RulesError::IneligibleRelationship {
                rule: rule.clone(),
                field: String::new(),
            },
            RulesError::InvalidWay {
                rule,
                field: String::new(),
                reason: "",
            },
        ];
        for error in errors {
            assert_snake_case(error.code());
        }
    }

    #[test]
    fn age_bands() {
        let band = AgeBand {
            min: Some(35),
            max: None,
        };
        assert!(band.contains(35) && !band.contains(34));
        let band = AgeBand {
            min: None,
            max: Some(34),
        };
        assert!(band.contains(34) && !band.contains(35));
        assert!(
            AgeBand::default().contains(0),
            "an empty band holds every age"
        );
    }
}
