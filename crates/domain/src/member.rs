//! Who a member is, as far as the rules care: sex, relationship to the
//! insured person, and birth date.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Coded;

/// Sex as printed on the insurance card and asked by the identity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The wire and roster spelling: `male` or `female`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// The Japanese label of the identity form: 男 or 女.
    pub const fn label_ja(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no sex, relationship or other member attribute.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be one of: {allowed}")]
pub struct UnknownValue {
    /// What was being read, e.g. "sex".
    pub what: &'static str,
    /// The accepted spellings.
    pub allowed: &'static str,
}

impl Coded for UnknownValue {
    fn code(&self) -> &'static str {
        "unknown_value"
    }
}

impl FromStr for Sex {
    type Err = UnknownValue;

    /// Accepts `male`/`female` in any case and 男/女.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "male" | "男" => Ok(Self::Male),
            "female" | "女" => Ok(Self::Female),
            _ => Err(UnknownValue {
                what: "sex",
                allowed: "male, female",
            }),
        }
    }
}

/// How a member is related to the insurance, for those who take part in the
/// points programme: the insured person or the dependent spouse. Other
/// dependants have no account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// 被保険者.
    Insured,
    /// 被扶養配偶者.
    DependentSpouse,
}

impl Relationship {
    /// The wire spelling: `insured` or `dependent_spouse`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Insured => "insured",
            Self::DependentSpouse => "dependent_spouse",
        }
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Relationship {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "insured" => Ok(Self::Insured),
            "dependent_spouse" => Ok(Self::DependentSpouse),
            _ => Err(UnknownValue {
                what: "relationship",
                allowed: "insured, dependent_spouse",
            }),
        }
    }
}

/// The relationship column of the insurer's roster: every person on the
/// roster, including dependants who cannot take part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RosterRelationship {
    Insured,
    Spouse,
    Other,
}

impl RosterRelationship {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Insured => "insured",
            Self::Spouse => "spouse",
            Self::Other => "other",
        }
    }

    /// The relationship in the points programme, if this person takes part.
    /// On the roster "spouse" is always a dependent spouse: an employed
    /// spouse is insured in their own right.
    pub const fn participant(self) -> Option<Relationship> {
        match self {
            Self::Insured => Some(Relationship::Insured),
            Self::Spouse => Some(Relationship::DependentSpouse),
            Self::Other => None,
        }
    }
}

impl FromStr for RosterRelationship {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "insured" => Ok(Self::Insured),
            "spouse" => Ok(Self::Spouse),
            "other" => Ok(Self::Other),
            _ => Err(UnknownValue {
                what: "relationship",
                allowed: "insured, spouse, other",
            }),
        }
    }
}

/// What the points rules need to know about a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub relationship: Relationship,
    pub birth_date: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_reads_the_roster_and_the_form() {
        for (text, sex) in [
            ("male", Sex::Male),
            ("Female", Sex::Female),
            ("男", Sex::Male),
            ("女", Sex::Female),
        ] {
            assert_eq!(text.parse::<Sex>(), Ok(sex), "{text}");
        }
        assert!("m".parse::<Sex>().is_err(), "abbreviations are not guessed");
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"female\"");
        assert_eq!(Sex::Male.label_ja(), "男");
    }

    #[test]
    fn relationships() {
        assert_eq!(
            serde_json::to_string(&Relationship::DependentSpouse).unwrap(),
            "\"dependent_spouse\""
        );
        assert_eq!(
            "dependent_spouse".parse::<Relationship>(),
            Ok(Relationship::DependentSpouse)
        );
        assert_eq!(
            "spouse"
                .parse::<RosterRelationship>()
                .unwrap()
                .participant(),
            Some(Relationship::DependentSpouse)
        );
        assert_eq!(
            "other".parse::<RosterRelationship>().unwrap().participant(),
            None,
            "other dependants do not take part"
        );
        assert!("child".parse::<RosterRelationship>().is_err());
    }
}
