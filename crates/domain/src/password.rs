//! The password policy, as data in the insurer's settings.
//!
//! Two presets:
//! - [`PasswordPolicy::default`]: 12 to 128 characters, any printable
//!   characters (spaces and Japanese included), refused when on the
//!   common-password list or containing the login ID.
//! - [`PasswordPolicy::legacy`]: the leaflet's rule, 8 or more half-width
//!   lower-case letters and digits, both present (e.g. `kenpo12345`); the
//!   common-password and login-ID checks stay on.
//!
//! Every refusal names its rule ([`PasswordRefusal::code`]); no message ever
//! contains the password.
//!
//! The common-password list is Django's (19,640 entries, BSD-3-Clause; see
//! `data/README.md`), compiled into the crate and matched case-insensitively.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::error::Coded;
use crate::id::LoginId;

static COMMON_PASSWORDS_TEXT: &str = include_str!("../data/common-passwords.txt");

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_PASSWORDS_TEXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether `password` is on the shipped common-password list (case-insensitive).
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS.contains(lower.as_str()) || COMMON_PASSWORDS.contains(lower.trim())
}

/// How many entries the shipped common-password list has.
pub fn common_password_count() -> usize {
    COMMON_PASSWORDS.len()
}

/// Which characters a password may consist of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CharacterRule {
    /// Any printable character: no control characters.
    AnyPrintable,
    /// Only `a`–`z` and `0`–`9`, at least one of each (the leaflet's rule).
    LowercaseAndDigits,
}

/// A password policy. Deserializing validates it, so a policy that allows
/// passwords shorter than [`PasswordPolicy::MIN_LENGTH_FLOOR`] or longer than
/// [`PasswordPolicy::MAX_LENGTH_CEILING`] cannot be loaded; fields left out
/// take the default's values.
///
/// ```
/// use kenpo_domain::password::PasswordPolicy;
///
/// let policy: PasswordPolicy = serde_json::from_str(
///     r#"{"min_length":12,"max_length":128,"characters":"any_printable",
///         "reject_common":true,"reject_login_id":true}"#,
/// ).unwrap();
/// assert_eq!(policy, PasswordPolicy::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "The insurer's password policy, which `password_policy` errors refer to."
    )
)]
pub struct PasswordPolicy {
    /// Fewest characters (Unicode scalar values).
    pub min_length: u16,
    /// Most characters.
    pub max_length: u16,
    /// Which characters are allowed and required.
    pub characters: CharacterRule,
    /// Refuse passwords on the common-password list.
    pub reject_common: bool,
    /// Refuse passwords that contain the login ID.
    pub reject_login_id: bool,
}

/// The policy as written in a settings file; missing fields take the default's.
#[derive(Deserialize)]
struct PolicyFields {
    #[serde(default = "default_min_length")]
    min_length: u16,
    #[serde(default = "default_max_length")]
    max_length: u16,
    #[serde(default = "default_characters")]
    characters: CharacterRule,
    #[serde(default = "yes")]
    reject_common: bool,
    #[serde(default = "yes")]
    reject_login_id: bool,
}

fn default_min_length() -> u16 {
    PasswordPolicy::default().min_length
}

fn default_max_length() -> u16 {
    PasswordPolicy::default().max_length
}

fn default_characters() -> CharacterRule {
    PasswordPolicy::default().characters
}

fn yes() -> bool {
    true
}

// By hand rather than `#[serde(try_from)]`, so that the generated TypeScript
// type is the policy itself and not the helper.
impl<'de> Deserialize<'de> for PasswordPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = PolicyFields::deserialize(deserializer)?;
        Self::new(PasswordPolicy {
            min_length: fields.min_length,
            max_length: fields.max_length,
            characters: fields.characters,
            reject_common: fields.reject_common,
            reject_login_id: fields.reject_login_id,
        })
        .map_err(serde::de::Error::custom)
    }
}

/// A password policy that the app will not enforce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("min_length must be at least {floor}")]
    MinLengthTooSmall { floor: u16 },
    #[error("max_length must be at most {ceiling}")]
    MaxLengthTooLarge { ceiling: u16 },
    #[error("max_length must not be below min_length")]
    LengthsReversed,
}

impl Coded for PolicyError {
    fn code(&self) -> &'static str {
        match self {
            Self::MinLengthTooSmall { .. } => "min_length_too_small",
            Self::MaxLengthTooLarge { .. } => "max_length_too_large",
            Self::LengthsReversed => "lengths_reversed",
        }
    }
}

/// Why a password was refused, one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("the password must have at least {min} characters")]
    TooShort { min: u16 },
    #[error("the password must have at most {max} characters")]
    TooLong { max: u16 },
    #[error("the password contains a character that is not allowed: {allowed}")]
    ForbiddenCharacter { allowed: &'static str },
    #[error("the password must contain a lower-case letter")]
    MissingLetter,
    #[error("the password must contain a digit")]
    MissingDigit,
    #[error("the password is too common")]
    Common,
    #[error("the password must not contain the login ID")]
    ContainsLoginId,
}

impl Coded for PasswordRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::ForbiddenCharacter { .. } => "forbidden_character",
            Self::MissingLetter => "missing_letter",
            Self::MissingDigit => "missing_digit",
            Self::Common => "common_password",
            Self::ContainsLoginId => "contains_login_id",
        }
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 12,
            max_length: 128,
            characters: CharacterRule::AnyPrintable,
            reject_common: true,
            reject_login_id: true,
        }
    }
}

impl PasswordPolicy {
    /// No policy may allow passwords shorter than the leaflet's 8 characters.
    pub const MIN_LENGTH_FLOOR: u16 = 8;
    /// Nor longer than this: hashing cost grows with length.
    pub const MAX_LENGTH_CEILING: u16 = 1_024;
    /// A login ID, or part of one, shorter than this is not looked for in
    /// the password: `U12` would forbid far too many passwords.
    pub const MIN_LOGIN_FRAGMENT_CHARS: usize = 4;

    /// Checks a policy's numbers.
    pub fn new(policy: Self) -> Result<Self, PolicyError> {
        if policy.min_length < Self::MIN_LENGTH_FLOOR {
            return Err(PolicyError::MinLengthTooSmall {
                floor: Self::MIN_LENGTH_FLOOR,
            });
        }
        if policy.max_length > Self::MAX_LENGTH_CEILING {
            return Err(PolicyError::MaxLengthTooLarge {
                ceiling: Self::MAX_LENGTH_CEILING,
            });
        }
        if policy.max_length < policy.min_length {
            return Err(PolicyError::LengthsReversed);
        }
        Ok(policy)
    }

    /// The leaflet's rule: 8 to 128 half-width lower-case letters and digits,
    /// both present, still refusing common passwords and the login ID.
    pub fn legacy() -> Self {
        Self {
            min_length: 8,
            characters: CharacterRule::LowercaseAndDigits,
            ..Self::default()
        }
    }

    /// The first rule `password` breaks, if any.
    pub fn check(&self, password: &str, login_id: &LoginId) -> Result<(), PasswordRefusal> {
        match self.refusals(password, login_id).into_iter().next() {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }

    /// Every rule `password` breaks, in the order the form lists them.
    pub fn refusals(&self, password: &str, login_id: &LoginId) -> Vec<PasswordRefusal> {
        let mut refusals = Vec::new();
        let length = password.chars().count();
        if length < usize::from(self.min_length) {
            refusals.push(PasswordRefusal::TooShort {
                min: self.min_length,
            });
        }
        if length > usize::from(self.max_length) {
            refusals.push(PasswordRefusal::TooLong {
                max: self.max_length,
            });
        }
        match self.characters {
            CharacterRule::AnyPrintable => {
                if password.chars().any(char::is_control) {
                    refusals.push(PasswordRefusal::ForbiddenCharacter {
                        allowed: "printable characters",
                    });
                }
            }
            CharacterRule::LowercaseAndDigits => {
                let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
                if !password.chars().all(allowed) {
                    refusals.push(PasswordRefusal::ForbiddenCharacter {
                        allowed: "half-width lower-case letters and digits",
                    });
                }
                if !password.chars().any(|c| c.is_ascii_lowercase()) {
                    refusals.push(PasswordRefusal::MissingLetter);
                }
                if !password.chars().any(|c| c.is_ascii_digit()) {
                    refusals.push(PasswordRefusal::MissingDigit);
                }
            }
        }
        if self.reject_common && is_common_password(password) {
            refusals.push(PasswordRefusal::Common);
        }
        if self.reject_login_id && contains_login_id(password, login_id) {
            refusals.push(PasswordRefusal::ContainsLoginId);
        }
        refusals
    }
}

/// Case-insensitive search for the login ID, or its telling part, in the password.
fn contains_login_id(password: &str, login_id: &LoginId) -> bool {
    let password = password.to_lowercase();
    login_id
        .fragments()
        .iter()
        .filter(|fragment| fragment.chars().count() >= PasswordPolicy::MIN_LOGIN_FRAGMENT_CHARS)
        .any(|fragment| password.contains(&fragment.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::assert_snake_case;

    fn login(id: &str) -> LoginId {
        id.parse().unwrap()
    }

    #[test]
    fn the_shipped_list_is_large_and_case_insensitive() {
        assert!(
            common_password_count() >= 10_000,
            "at least the top 10,000 passwords"
        );
        for common in [
            "password",
            "PASSWORD",
            "123456",
            "qwerty",
            "Iloveyou",
            "password123",
        ] {
            assert!(is_common_password(common), "{common} is common");
        }
        assert!(
            !is_common_password("tsuki-ga-kirei-2026"),
            "an unusual phrase is not"
        );
    }

    #[test]
    fn default_policy() {
        let policy = PasswordPolicy::default();
        let id = login("taro.yamada@example.com");
        let cases: [(&str, Option<PasswordRefusal>); 9] = [
            ("correct horse battery", None),
            ("ふじさんにのぼろう2026", None),
            ("short-pw", Some(PasswordRefusal::TooShort { min: 12 })),
            (
                &"x".repeat(129),
                Some(PasswordRefusal::TooLong { max: 128 }),
            ),
            (
                "tab\there-is-bad",
                Some(PasswordRefusal::ForbiddenCharacter {
                    allowed: "printable characters",
                }),
            ),
            ("1qaz2wsx3edc", Some(PasswordRefusal::Common)),
            ("QWERTY123456", Some(PasswordRefusal::Common)),
            (
                "my-Taro.Yamada@example.com-pw",
                Some(PasswordRefusal::ContainsLoginId),
            ),
            ("taro.yamada-is-me", Some(PasswordRefusal::ContainsLoginId)),
        ];
        for (password, refusal) in cases {
            assert_eq!(
                policy.check(password, &id).err(),
                refusal,
                "password case {}",
                password.len()
            );
        }
        assert_eq!(
            policy.check(&"x".repeat(128), &id),
            Ok(()),
            "128 characters are allowed"
        );
        assert_eq!(
            policy.check("１２３４５６７８９０ab", &id),
            Ok(()),
            "length counts characters"
        );
    }

    #[test]
    fn issued_login_ids_and_short_fragments() {
        let policy = PasswordPolicy::default();
        let issued = login("U123456");
        assert_eq!(
            policy.check("walk-123456-steps", &issued),
            Err(PasswordRefusal::ContainsLoginId)
        );
        assert_eq!(
            policy.check("walk-u123456-steps", &issued),
            Err(PasswordRefusal::ContainsLoginId)
        );
        let four = login("U123");
        assert_eq!(
            policy.check("walk-u123-steps!", &four),
            Err(PasswordRefusal::ContainsLoginId),
            "a four-character login ID is looked for"
        );
        let short = login("U12");
        assert_eq!(
            policy.check("walk-u12-steps!!", &short),
            Ok(()),
            "U12 is too short to look for"
        );
        let short_local = login("bob@example.com");
        assert_eq!(
            policy.check("bobs-garden-path", &short_local),
            Ok(()),
            "a 3-letter local part is not looked for"
        );
    }

    #[test]
    fn legacy_policy_is_the_leaflets_rule() {
        let policy = PasswordPolicy::legacy();
        let id = login("U98765");
        let cases: [(&str, Vec<PasswordRefusal>); 7] = [
            ("kenpo12345", vec![]),
            ("renesas12345", vec![]),
            ("kenpo1", vec![PasswordRefusal::TooShort { min: 8 }]),
            ("kenposite", vec![PasswordRefusal::MissingDigit]),
            ("20240101", vec![PasswordRefusal::MissingLetter]),
            (
                "Kenpo12345",
                vec![PasswordRefusal::ForbiddenCharacter {
                    allowed: "half-width lower-case letters and digits",
                }],
            ),
            ("password1", vec![PasswordRefusal::Common]),
        ];
        for (password, refusals) in cases {
            assert_eq!(policy.refusals(password, &id), refusals, "{password}");
        }
    }

    #[test]
    fn policies_are_data() {
        let legacy: PasswordPolicy =
            serde_json::from_str(r#"{"min_length":8,"characters":"lowercase_and_digits"}"#)
                .unwrap();
        assert_eq!(
            legacy,
            PasswordPolicy::legacy(),
            "missing fields take the default's"
        );
        let json = serde_json::to_value(PasswordPolicy::default()).unwrap();
        assert_eq!(json["min_length"], 12);
        assert_eq!(json["max_length"], 128);
        assert_eq!(json["characters"], "any_printable");
        let weak = serde_json::from_str::<PasswordPolicy>(r#"{"min_length":4}"#);
        assert!(
            weak.is_err(),
            "a policy below the 8-character floor is refused"
        );
        let from_toml: PasswordPolicy = toml::from_str("min_length = 16\nmax_length = 64").unwrap();
        assert_eq!((from_toml.min_length, from_toml.max_length), (16, 64));
        assert_eq!(
            PasswordPolicy::new(PasswordPolicy {
                max_length: 10,
                ..PasswordPolicy::default()
            }),
            Err(PolicyError::LengthsReversed)
        );
    }

    #[test]
    fn refusals_never_contain_the_password() {
        let secret = "hunter2-hunter2";
        let id = login("hunter2@example.com");
        for refusal in PasswordPolicy::legacy().refusals(secret, &id) {
            assert!(
                !refusal.to_string().contains(secret),
                "{refusal} leaks the password"
            );
            assert_snake_case(refusal.code());
        }
        for error in [
            PolicyError::MinLengthTooSmall { floor: 8 },
            PolicyError::MaxLengthTooLarge { ceiling: 1 },
            PolicyError::LengthsReversed,
        ] {
            assert_snake_case(error.code());
        }
    }
}
