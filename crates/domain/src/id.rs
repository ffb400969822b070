//! Identifiers, parsed into types that cannot hold an invalid value.
//!
//! Each type parses with [`FromStr`] (or `parse`), prints its canonical form
//! with [`Display`](fmt::Display), and goes through serde as that canonical
//! string; deserializing runs the parser, so an invalid value cannot enter
//! through JSON or TOML either.
//!
//! Members type card numbers the way they see them, often with the IME still
//! in full-width mode: full-width digits (`０１２`), spaces (half- and
//! full-width) and hyphens or their Japanese look-alikes (`－ ‐ − ー`) are
//! accepted and normalised away in insurer numbers, card symbols and numbers,
//! branch numbers and auth keys.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Coded;

/// Which identifier an [`IdError`] is about; also the API field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    InsurerNumber,
    CardSymbol,
    CardNumber,
    BranchNumber,
    EmployeeNumber,
    LoginId,
    Email,
    Nickname,
    AuthKey,
}

impl IdKind {
    /// The snake_case field name used in the API and in forms.
    pub const fn field(self) -> &'static str {
        match self {
            Self::InsurerNumber => "insurer_number",
            Self::CardSymbol => "card_symbol",
            Self::CardNumber => "card_number",
            Self::BranchNumber => "branch_number",
            Self::EmployeeNumber => "employee_number",
            Self::LoginId => "login_id",
            Self::Email => "email",
            Self::Nickname => "nickname",
            Self::AuthKey => "auth_key",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InsurerNumber => "the insurer number",
            Self::CardSymbol => "the card symbol",
            Self::CardNumber => "the card number",
            Self::BranchNumber => "the branch number",
            Self::EmployeeNumber => "the employee number",
            Self::LoginId => "the login ID",
            Self::Email => "the e-mail address",
            Self::Nickname => "the nickname",
            Self::AuthKey => "the auth key",
        })
    }
}

/// Why a string is not a valid identifier. Messages never repeat the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{0} is empty")]
    Empty(IdKind),
    #[error("{kind} must be {min} to {max} characters long")]
    Length {
        kind: IdKind,
        min: usize,
        max: usize,
    },
    #[error("{0} may contain only digits")]
    NotDigits(IdKind),
    #[error("{0} contains a character that is not allowed")]
    ForbiddenCharacter(IdKind),
    #[error("the insurer number's check digit does not match")]
    CheckDigit,
    #[error("{0} is not in the expected form")]
    Malformed(IdKind),
}

impl IdError {
    /// Which identifier was rejected.
    pub const fn kind(&self) -> IdKind {
        match self {
            Self::Empty(kind)
            | Self::Length { kind, .. }
            | Self::NotDigits(kind)
            | Self::ForbiddenCharacter(kind)
            | Self::Malformed(kind) => *kind,
            Self::CheckDigit => IdKind::InsurerNumber,
        }
    }
}

impl Coded for IdError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty(_) => "empty",
            Self::Length { .. } => "length",
            Self::NotDigits(_) => "not_digits",
            Self::ForbiddenCharacter(_) => "forbidden_character",
            Self::CheckDigit => "check_digit",
            Self::Malformed(_) => "malformed",
        }
    }
}

/// Full-width ASCII (`Ａ`, `１`, `＠`) and the ideographic space to their
/// half-width forms; everything else unchanged.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Characters a member may put between digit groups: spaces, hyphens and the
/// dash look-alikes a Japanese IME produces.
fn is_digit_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{00A0}' | '-' | '\u{02D7}' | '\u{2010}'
            ..='\u{2015}' | '\u{2043}' | '\u{2212}' | '\u{30FC}' | '\u{FE63}' | '\u{FF70}'
    )
}

/// A digit string as the member typed it, normalised to ASCII digits.
fn digit_string(input: &str, kind: IdKind, min: usize, max: usize) -> Result<String, IdError> {
    let digits: String = input
        .chars()
        .map(half_width)
        .filter(|c| !is_digit_separator(*c))
        .collect();
    if digits.is_empty() {
        return Err(IdError::Empty(kind));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::NotDigits(kind));
    }
    if !(min..=max).contains(&digits.len()) {
        return Err(IdError::Length { kind, min, max });
    }
    Ok(digits)
}

/// The serde, Display and conversion plumbing shared by the string identifiers.
macro_rules! string_identifier {
    ($ty:ident) => {
        impl $ty {
            /// The canonical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $ty {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = IdError;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$ty> for String {
            fn from(id: $ty) -> String {
                id.0
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// 保険者番号: eight digits, the last a check digit.
///
/// The check digit: weights 2,1,2,1,2,1,2 on the first seven digits, add the
/// digits of each product, check = (10 − sum mod 10) mod 10.
///
/// ```
/// use kenpo_domain::id::InsurerNumber;
///
/// assert!("06273494".parse::<InsurerNumber>().is_ok());
/// assert!("06273495".parse::<InsurerNumber>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = String,
        pattern = "^[0-9]{8}$",
        examples("06273494"),
        description = "保険者番号: eight digits, the last a check digit (weights 2,1,2,1,2,1,2 \
            on the first seven digits, the digits of each product added, check = (10 − sum mod \
            10) mod 10)."
    )
)]
#[serde(try_from = "String", into = "String")]
pub struct InsurerNumber(String);

string_identifier!(InsurerNumber);

impl InsurerNumber {
    /// Parses an insurer number, normalising full-width digits, spaces and hyphens.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let digits = digit_string(input, IdKind::InsurerNumber, 8, 8)?;
        let d = digits.as_bytes();
        if check_digit(&d[..7]) != d[7] - b'0' {
            return Err(IdError::CheckDigit);
        }
        Ok(Self(digits))
    }

    /// 法別番号, the first two digits: `06` for a health insurance society.
    pub fn law_code(&self) -> &str {
        &self.0[..2]
    }

    /// Whether the number belongs to a health insurance society (法別番号 06).
    pub fn is_kenpo(&self) -> bool {
        self.law_code() == "06"
    }

    /// 都道府県番号, the prefecture digits (third and fourth).
    pub fn prefecture_code(&self) -> &str {
        &self.0[2..4]
    }
}

/// The check digit of the first seven digits of an insurer number.
fn check_digit(first_seven: &[u8]) -> u8 {
    let sum: u32 = first_seven
        .iter()
        .zip([2u32, 1, 2, 1, 2, 1, 2])
        .map(|(digit, weight)| {
            let product = u32::from(digit - b'0') * weight;
            product / 10 + product % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// 記号 on the insurance card: 1 to 8 digits. Leading zeros are kept; the
/// symbol is a digit string, not a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct CardSymbol(String);

string_identifier!(CardSymbol);

impl CardSymbol {
    /// Longest symbol accepted.
    pub const MAX_LEN: usize = 8;

    /// Parses a card symbol, normalising full-width digits, spaces and hyphens.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        digit_string(input, IdKind::CardSymbol, 1, Self::MAX_LEN).map(Self)
    }
}

/// 番号 on the insurance card: 1 to 8 digits, leading zeros kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber(String);

string_identifier!(CardNumber);

impl CardNumber {
    /// Longest number accepted.
    pub const MAX_LEN: usize = 8;

    /// Parses a card number, normalising full-width digits, spaces and hyphens.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        digit_string(input, IdKind::CardNumber, 1, Self::MAX_LEN).map(Self)
    }
}

/// 枝番: two digits. A single digit is read with a leading zero (`1` →
/// `01`), because spreadsheets drop it from roster files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct BranchNumber(String);

string_identifier!(BranchNumber);

impl BranchNumber {
    /// Parses a branch number.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let digits = digit_string(input, IdKind::BranchNumber, 1, 2)?;
        Ok(Self(format!("{digits:0>2}")))
    }
}

/// 社員番号: 1 to 20 ASCII letters and digits, letters in upper case
/// (full-width forms are accepted and converted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct EmployeeNumber(String);

string_identifier!(EmployeeNumber);

impl EmployeeNumber {
    /// Longest employee number accepted.
    pub const MAX_LEN: usize = 20;

    /// Parses an employee number.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let kind = IdKind::EmployeeNumber;
        let text: String = input.trim().chars().map(half_width).collect();
        let text = text.trim().to_ascii_uppercase();
        if text.is_empty() {
            return Err(IdError::Empty(kind));
        }
        if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdError::ForbiddenCharacter(kind));
        }
        if text.len() > Self::MAX_LEN {
            return Err(IdError::Length {
                kind,
                min: 1,
                max: Self::MAX_LEN,
            });
        }
        Ok(Self(text))
    }
}

/// 認証キー: the 8-digit key shown once on screen during registration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[0-9]{8}$", examples("48213907"))
)]
#[serde(try_from = "String", into = "String")]
pub struct AuthKey(String);

string_identifier!(AuthKey);

impl AuthKey {
    /// Parses an auth key as typed (spaces and hyphens between digits allowed).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        digit_string(input, IdKind::AuthKey, 8, 8).map(Self)
    }
}

/// An e-mail address.
///
/// Accepted: ASCII only (full-width forms typed with the IME on are
/// converted), surrounding spaces trimmed, one `@`, a local part of 1 to 64
/// characters, a domain of at least two dot-separated labels of letters,
/// digits and inner hyphens, whose last label is not all digits; 254
/// characters at most. The domain is stored in lower case, the local part as
/// typed. Dots are allowed anywhere in the local part (`taro..k.@docomo.ne.jp`)
/// because Japanese mobile carriers issued such addresses for years and
/// members still use them; quoted local parts and IP-literal domains are not
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = Email, max_length = 254, examples("taro@example.jp"))
)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

string_identifier!(Email);

impl Email {
    /// Longest address accepted (RFC 5321 path limit less the brackets).
    pub const MAX_LEN: usize = 254;

    /// Parses an e-mail address.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let kind = IdKind::Email;
        let text: String = input.chars().map(half_width).collect();
        let text = text.trim();
        if text.is_empty() {
            return Err(IdError::Empty(kind));
        }
        if text.len() > Self::MAX_LEN {
            return Err(IdError::Length {
                kind,
                min: 3,
                max: Self::MAX_LEN,
            });
        }
        if !text.is_ascii() || text.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(IdError::ForbiddenCharacter(kind));
        }
        let (local, domain) = text.split_once('@').ok_or(IdError::Malformed(kind))?;
        let local_ok = (1..=64).contains(&local.len())
            && local
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
        if !local_ok || !is_domain(domain) {
            return Err(IdError::Malformed(kind));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the `@`, in lower case.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// A login ID: an e-mail address (self-registration and dependent spouses) or
/// an issued ID, `U` followed by the employee number.
///
/// Login IDs compare case-insensitively, so they are stored in a canonical
/// case: e-mail login IDs wholly in lower case, issued IDs in upper case.
/// Anything with an `@` is read as an e-mail address; anything else must be
/// `U` (or `u`) and an employee number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
#[serde(try_from = "String", into = "String")]
pub enum LoginId {
    Email(Email),
    Issued(EmployeeNumber),
}

impl LoginId {
    /// Parses a login ID as typed at the login screen.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text: String = input.chars().map(half_width).collect();
        let text = text.trim();
        if text.is_empty() {
            return Err(IdError::Empty(IdKind::LoginId));
        }
        if text.contains('@') {
            let email = Email::parse(&text.to_lowercase()).map_err(|e| login_error(&e))?;
            return Ok(Self::Email(email));
        }
        let number = text
            .strip_prefix(['U', 'u'])
            .ok_or(IdError::Malformed(IdKind::LoginId))?;
        EmployeeNumber::parse(number)
            .map(Self::Issued)
            .map_err(|e| login_error(&e))
    }

    /// The issued login ID of an employee.
    pub fn issued(employee_number: EmployeeNumber) -> Self {
        Self::Issued(employee_number)
    }

    /// The parts of the ID a password must not contain: the whole ID and, for
    /// an e-mail, its local part; for an issued ID, the employee number.
    pub(crate) fn fragments(&self) -> Vec<String> {
        match self {
            Self::Email(email) => vec![email.to_string(), email.local_part().to_owned()],
            Self::Issued(number) => vec![self.to_string(), number.to_string()],
        }
    }
}

/// The same error, told about the login ID rather than the part it failed in.
fn login_error(e: &IdError) -> IdError {
    match e {
        IdError::Empty(_) => IdError::Empty(IdKind::LoginId),
        IdError::Length { min, max, .. } => IdError::Length {
            kind: IdKind::LoginId,
            min: *min,
            max: *max,
        },
        IdError::NotDigits(_) => IdError::NotDigits(IdKind::LoginId),
        IdError::ForbiddenCharacter(_) => IdError::ForbiddenCharacter(IdKind::LoginId),
        IdError::CheckDigit | IdError::Malformed(_) => IdError::Malformed(IdKind::LoginId),
    }
}

// By hand: the derive would describe the enum's Rust shape, while the wire
// form is one canonical string.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for LoginId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A login ID in its canonical form: an e-mail address in lower case, or an \
                 issued ID, `U` followed by the employee number (1 to 20 letters and digits, \
                 upper case).",
            ))
            .max_length(Some(Email::MAX_LEN))
            .examples(["U100001", "taro@example.jp"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for LoginId {}

impl fmt::Display for LoginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Email(email) => email.fmt(f),
            Self::Issued(number) => write!(f, "U{number}"),
        }
    }
}

impl FromStr for LoginId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for LoginId {
    type Error = IdError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LoginId> for String {
    fn from(id: LoginId) -> String {
        id.to_string()
    }
}

/// The name a member shows in the app: trimmed, 1 to 20 characters (counted
/// as Unicode scalar values, so `たろう` is 3), without control characters
/// or the invisible formatting characters that could disguise a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, min_length = 1, max_length = 20, examples("たろう"))
)]
#[serde(try_from = "String", into = "String")]
pub struct Nickname(String);

string_identifier!(Nickname);

impl Nickname {
    /// Most characters in a nickname.
    pub const MAX_CHARS: usize = 20;

    /// Parses a nickname.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let kind = IdKind::Nickname;
        let text = input.trim();
        if text.is_empty() {
            return Err(IdError::Empty(kind));
        }
        if text.chars().any(is_hidden_character) {
            return Err(IdError::ForbiddenCharacter(kind));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(IdError::Length {
                kind,
                min: 1,
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(text.to_owned()))
    }
}

/// Control characters and the zero-width and bidirectional formatting
/// characters (which can make one name look like another).
pub(crate) fn is_hidden_character(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::error::assert_snake_case;

    #[test]
    fn insurer_numbers() {
        let cases: [(&str, Result<&str, IdError>); 10] = [
            ("06273494", Ok("06273494")),
            ("06273495", Err(IdError::CheckDigit)),
            ("０６２７３４９４", Ok("06273494")),
            ("06-273494", Ok("06273494")),
            (" 0627 3494 ", Ok("06273494")),
            (
                "0627349",
                Err(IdError::Length {
                    kind: IdKind::InsurerNumber,
                    min: 8,
                    max: 8,
                }),
            ),
            (
                "062734940",
                Err(IdError::Length {
                    kind: IdKind::InsurerNumber,
                    min: 8,
                    max: 8,
                }),
            ),
            ("0627349a", Err(IdError::NotDigits(IdKind::InsurerNumber))),
            ("", Err(IdError::Empty(IdKind::InsurerNumber))),
            // 0,1,3,1,3,2,7 → 0+1+6+1+6+2+(1+4)=21 → 9
            ("01313279", Ok("01313279")),
        ];
        for (input, expected) in cases {
            let parsed = InsurerNumber::parse(input);
            assert_eq!(
                parsed
                    .as_ref()
                    .map(InsurerNumber::as_str)
                    .map_err(Clone::clone),
                expected,
                "insurer number {input:?}"
            );
        }
        let number = InsurerNumber::parse("06273494").unwrap();
        assert!(number.is_kenpo(), "06 is the law code of a kenpo");
        assert_eq!(number.prefecture_code(), "27");
    }

    #[test]
    fn the_check_digit_of_the_domain_example() {
        // 0+6+4+7+6+4+9 = 36 → (10 − 6) mod 10 = 4
        assert_eq!(check_digit(b"0627349"), 4);
    }

    #[test]
    fn card_symbols_and_numbers_as_members_type_them() {
        let cases = [
            ("10", "10"),
            ("１０", "10"),
            ("0010", "0010"),
            ("12 34", "1234"),
            ("12\u{3000}34", "1234"),
            ("12-34", "1234"),
            ("12－34", "1234"),
            ("12ー34", "1234"),
            ("12‐34", "1234"),
            ("12−34", "1234"),
            ("12ｰ34", "1234"),
            ("12345678", "12345678"),
        ];
        for (input, canonical) in cases {
            assert_eq!(
                CardSymbol::parse(input).unwrap().as_str(),
                canonical,
                "symbol {input:?}"
            );
            assert_eq!(
                CardNumber::parse(input).unwrap().as_str(),
                canonical,
                "number {input:?}"
            );
        }
        let refused = [
            ("", IdError::Empty(IdKind::CardNumber)),
            (" - ", IdError::Empty(IdKind::CardNumber)),
            ("12a", IdError::NotDigits(IdKind::CardNumber)),
            (
                "１２３４５６７８９",
                IdError::Length {
                    kind: IdKind::CardNumber,
                    min: 1,
                    max: 8,
                },
            ),
        ];
        for (input, error) in refused {
            assert_eq!(CardNumber::parse(input), Err(error), "number {input:?}");
        }
    }

    #[test]
    fn branch_numbers_have_two_digits() {
        assert_eq!(BranchNumber::parse("00").unwrap().as_str(), "00");
        assert_eq!(
            BranchNumber::parse("1").unwrap().as_str(),
            "01",
            "a dropped zero is restored"
        );
        assert_eq!(BranchNumber::parse("０２").unwrap().as_str(), "02");
        assert!(BranchNumber::parse("100").is_err());
        assert!(BranchNumber::parse("").is_err());
    }

    #[test]
    fn employee_numbers_and_issued_login_ids() {
        let number = EmployeeNumber::parse(" ａ１２３４５ ").unwrap();
        assert_eq!(number.as_str(), "A12345");
        assert!(
            EmployeeNumber::parse("12-34").is_err(),
            "hyphens are not employee-number characters"
        );
        assert!(EmployeeNumber::parse("123456789012345678901").is_err());
        let login = LoginId::issued(EmployeeNumber::parse("12345").unwrap());
        assert_eq!(login.to_string(), "U12345");
        assert_eq!(
            LoginId::parse("u12345"),
            Ok(login.clone()),
            "login IDs are case-insensitive"
        );
        assert_eq!(LoginId::parse("Ｕ１２３４５"), Ok(login));
        assert_eq!(
            LoginId::parse("12345"),
            Err(IdError::Malformed(IdKind::LoginId))
        );
        assert_eq!(LoginId::parse("U"), Err(IdError::Empty(IdKind::LoginId)));
        assert_eq!(LoginId::parse("  "), Err(IdError::Empty(IdKind::LoginId)));
    }

    #[test]
    fn email_login_ids_are_lower_case() {
        let login = LoginId::parse(" Taro.Yamada@Example.CO.JP ").unwrap();
        assert_eq!(login.to_string(), "taro.yamada@example.co.jp");
        assert!(matches!(login, LoginId::Email(_)));
        assert_eq!(
            LoginId::parse("taro@"),
            Err(IdError::Malformed(IdKind::LoginId))
        );
    }

    #[test]
    fn email_addresses() {
        let accepted = [
            ("taro@example.com", "taro@example.com"),
            ("Taro@Example.COM", "Taro@example.com"),
            ("  taro@example.com\u{3000}", "taro@example.com"),
            ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "taro@example.com"),
            ("taro..k.@docomo.ne.jp", "taro..k.@docomo.ne.jp"),
            (
                "first+tag@sub.example-mail.jp",
                "first+tag@sub.example-mail.jp",
            ),
            ("a@xn--eckwd4c7c.xn--zckzah", "a@xn--eckwd4c7c.xn--zckzah"),
        ];
        for (input, canonical) in accepted {
            assert_eq!(
                Email::parse(input).map(String::from),
                Ok(canonical.to_owned()),
                "{input:?}"
            );
        }
        let refused = [
            ("", IdError::Empty(IdKind::Email)),
            ("taro", IdError::Malformed(IdKind::Email)),
            ("taro@localhost", IdError::Malformed(IdKind::Email)),
            ("taro@@example.com", IdError::Malformed(IdKind::Email)),
            ("@example.com", IdError::Malformed(IdKind::Email)),
            ("taro@-example.com", IdError::Malformed(IdKind::Email)),
            ("taro@example..com", IdError::Malformed(IdKind::Email)),
            ("taro@127.0.0.1", IdError::Malformed(IdKind::Email)),
            (
                "ta ro@example.com",
                IdError::ForbiddenCharacter(IdKind::Email),
            ),
            (
                "たろう@example.com",
                IdError::ForbiddenCharacter(IdKind::Email),
            ),
            ("\"taro\"@example.com", IdError::Malformed(IdKind::Email)),
        ];
        for (input, error) in refused {
            assert_eq!(Email::parse(input), Err(error), "{input:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(
            Email::parse(&long_local),
            Err(IdError::Malformed(IdKind::Email))
        );
        let email = Email::parse("Taro@Example.com").unwrap();
        assert_eq!(
            (email.local_part(), email.domain()),
            ("Taro", "example.com")
        );
    }

    #[test]
    fn nicknames() {
        assert_eq!(Nickname::parse("  たろう ").unwrap().as_str(), "たろう");
        assert_eq!(
            Nickname::parse("\u{3000}健保 太郎\u{3000}")
                .unwrap()
                .as_str(),
            "健保 太郎"
        );
        assert!(
            Nickname::parse(&"あ".repeat(20)).is_ok(),
            "20 characters, not 20 bytes"
        );
        assert_eq!(
            Nickname::parse(&"あ".repeat(21)),
            Err(IdError::Length {
                kind: IdKind::Nickname,
                min: 1,
                max: 20
            })
        );
        assert_eq!(
            Nickname::parse("   "),
            Err(IdError::Empty(IdKind::Nickname))
        );
        assert_eq!(
            Nickname::parse("a\nb"),
            Err(IdError::ForbiddenCharacter(IdKind::Nickname))
        );
        assert_eq!(
            Nickname::parse("ab\u{202E}c"),
            Err(IdError::ForbiddenCharacter(IdKind::Nickname))
        );
    }

    #[test]
    fn auth_keys() {
        assert_eq!(AuthKey::parse("0103 4092").unwrap().as_str(), "01034092");
        assert!(AuthKey::parse("0103409").is_err());
    }

    #[test]
    fn identifiers_go_through_serde_as_canonical_strings() {
        let number: InsurerNumber = serde_json::from_str("\"０６２７３４９４\"").unwrap();
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"06273494\"");
        assert!(
            serde_json::from_str::<InsurerNumber>("\"06273495\"").is_err(),
            "parser runs"
        );
        let login: LoginId = serde_json::from_str("\"u00123\"").unwrap();
        assert_eq!(serde_json::to_string(&login).unwrap(), "\"U00123\"");
        assert!(serde_json::from_str::<Nickname>("\"\"").is_err());
    }

    #[test]
    fn error_codes_are_snake_case() {
        let errors = [
            IdError::Empty(IdKind::Email),
            IdError::Length {
                kind: IdKind::Email,
                min: 1,
                max: 2,
            },
            IdError::NotDigits(IdKind::CardNumber),
            IdError::ForbiddenCharacter(IdKind::Nickname),
            IdError::CheckDigit,
            IdError::Malformed(IdKind::LoginId),
        ];
        for error in errors {
            assert_snake_case(error.code());
            assert_snake_case(error.kind().field());
        }
    }

    /// A valid insurer number built from seven random digits.
    fn insurer_number() -> impl Strategy<Value = String> {
        "[0-9]{7}".prop_map(|first| {
            let check = check_digit(first.as_bytes());
            format!("{first}{check}")
        })
    }

    proptest! {
        #[test]
        fn insurer_numbers_round_trip(text in insurer_number()) {
            let parsed = InsurerNumber::parse(&text).unwrap();
            prop_assert_eq!(parsed.to_string(), text.clone());
            prop_assert_eq!(parsed.to_string().parse::<InsurerNumber>().unwrap(), parsed);
        }

        #[test]
        fn a_changed_last_digit_fails_the_check(text in insurer_number(), bump in 1u8..10) {
            let mut bytes = text.into_bytes();
            bytes[7] = b'0' + (bytes[7] - b'0' + bump) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(InsurerNumber::parse(&changed), Err(IdError::CheckDigit));
        }

        #[test]
        fn card_ids_round_trip(text in "[0-9]{1,8}") {
            prop_assert_eq!(CardSymbol::parse(&text).unwrap().to_string(), text.clone());
            prop_assert_eq!(CardNumber::parse(&text).unwrap().to_string(), text);
        }

        #[test]
        fn full_width_card_numbers_mean_the_same(text in "[0-9]{1,8}") {
            let wide: String = text.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
            prop_assert_eq!(CardNumber::parse(&wide).unwrap(), CardNumber::parse(&text).unwrap());
        }

        #[test]
        fn branch_numbers_round_trip(text in "[0-9]{2}") {
            prop_assert_eq!(BranchNumber::parse(&text).unwrap().to_string(), text);
        }

        #[test]
        fn login_ids_round_trip(text in "(U[0-9A-Z]{1,20})|([a-z0-9._+-]{1,20}@[a-z0-9]{1,10}\\.[a-z]{2,6})") {
            let parsed = LoginId::parse(&text).unwrap();
            prop_assert_eq!(parsed.to_string(), text.clone());
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<LoginId>(&json).unwrap(), parsed);
        }

        #[test]
        fn emails_round_trip(text in "[A-Za-z0-9._+-]{1,30}@[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?\\.[a-z]{2,6}") {
            let parsed = Email::parse(&text).unwrap();
            prop_assert_eq!(parsed.to_string(), text);
        }

        #[test]
        fn nicknames_round_trip(text in "[a-zA-Zあ-ん0-9][a-zA-Zあ-ん0-9 ]{0,18}[a-zA-Zあ-ん0-9]") {
            prop_assert_eq!(Nickname::parse(&text).unwrap().to_string(), text);
        }
    }
}
