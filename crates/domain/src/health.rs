//! Checkup arithmetic: height, BMI and its JASSO class, and the health-age
//! rule.
//!
//! BMI is held in tenths, the one decimal printed on a checkup result sheet,
//! and every comparison (the JASSO classes, the points rule's [18.5, 25.0))
//! uses that printed value, so a member and the insurer looking at the same
//! sheet always agree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::entry::Weight;
use crate::error::Coded;

/// Why a checkup value was refused. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HealthError {
    #[error("height must be from 100.0 to 250.0 cm")]
    HeightOutOfRange,
    #[error("height is given in steps of 0.1 cm")]
    HeightPrecision,
    #[error("BMI must be from 3.0 to 300.0")]
    BmiOutOfRange,
    #[error("the value is not a number")]
    NotANumber,
}

impl Coded for HealthError {
    fn code(&self) -> &'static str {
        match self {
            Self::HeightOutOfRange => "height_out_of_range",
            Self::HeightPrecision => "height_precision",
            Self::BmiOutOfRange => "bmi_out_of_range",
            Self::NotANumber => "not_a_number",
        }
    }
}

/// Reads a number with at most one decimal, as tenths, without floating point.
fn tenths_from_str(s: &str) -> Result<i32, HealthError> {
    let s = s.trim();
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let fraction = fraction.trim_end_matches('0');
    if whole.is_empty()
        || whole.len() > 4
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 1
    {
        return Err(HealthError::NotANumber);
    }
    let whole: i32 = whole.parse().map_err(|_| HealthError::NotANumber)?;
    let tenth = fraction.bytes().next().map_or(0, |b| i32::from(b - b'0'));
    Ok(whole * 10 + tenth)
}

/// Height from 100.0 to 250.0 cm in steps of 0.1 cm, held in millimetres.
/// Members of the points programme are adults. On the wire: centimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
// `specta(type = i32)` makes it a plain `number` in TypeScript (an f64 would be `number | null`).
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = i32))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = f64,
        minimum = 100.0,
        maximum = 250.0,
        examples(170.2),
        description = "Height in centimetres, with at most one decimal."
    )
)]
#[serde(try_from = "f64", into = "f64")]
pub struct Height(i32);

impl Height {
    /// 100.0 cm.
    pub const MIN_MM: i32 = 1_000;
    /// 250.0 cm.
    pub const MAX_MM: i32 = 2_500;

    /// A height from millimetres.
    pub fn from_mm(mm: i32) -> Result<Self, HealthError> {
        if (Self::MIN_MM..=Self::MAX_MM).contains(&mm) {
            Ok(Self(mm))
        } else {
            Err(HealthError::HeightOutOfRange)
        }
    }

    /// A height from centimetres with at most one decimal.
    pub fn from_cm(cm: f64) -> Result<Self, HealthError> {
        if !cm.is_finite() {
            return Err(HealthError::NotANumber);
        }
        let mm = cm * 10.0;
        let rounded = mm.round();
        if !(f64::from(Self::MIN_MM)..=f64::from(Self::MAX_MM)).contains(&rounded) {
            return Err(HealthError::HeightOutOfRange);
        }
        if (mm - rounded).abs() > 1e-6 {
            return Err(HealthError::HeightPrecision);
        }
        Self::from_mm(rounded as i32)
    }

    /// The height in millimetres.
    pub const fn mm(self) -> i32 {
        self.0
    }

    /// The height in centimetres.
    pub fn cm(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl TryFrom<f64> for Height {
    type Error = HealthError;

    fn try_from(cm: f64) -> Result<Self, Self::Error> {
        Self::from_cm(cm)
    }
}

impl From<Height> for f64 {
    fn from(height: Height) -> f64 {
        height.cm()
    }
}

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl FromStr for Height {
    type Err = HealthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_mm(tenths_from_str(s)?)
    }
}

/// Body mass index to one decimal, held in tenths (224 is 22.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
// `specta(type = i32)` makes it a plain `number` in TypeScript (an f64 would be `number | null`).
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = i32))]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = f64,
        minimum = 3.0,
        maximum = 300.0,
        examples(22.6),
        description = "Body mass index, with one decimal."
    )
)]
#[serde(try_from = "f64", into = "f64")]
pub struct Bmi(u16);

impl Bmi {
    /// The smallest BMI, 3.0: 20 kg at 250 cm, the extremes of the accepted ranges.
    pub const MIN_TENTHS: u16 = 30;
    /// The largest, 300.0: 300 kg at 100 cm.
    pub const MAX_TENTHS: u16 = 3_000;

    /// weight / height², rounded half up to one decimal. Computed in integers,
    /// so the result never depends on floating point.
    pub fn from_height_weight(height: Height, weight: Weight) -> Self {
        // kg / m² = (hg / 10) / (mm / 1000)² = hg · 100 000 / mm²; in tenths, · 10.
        let numerator = i64::from(weight.hectograms()) * 1_000_000;
        let denominator = i64::from(height.mm()).pow(2);
        let tenths = (2 * numerator + denominator) / (2 * denominator);
        // Valid heights and weights keep this within MIN_TENTHS..=MAX_TENTHS.
        Self(tenths.clamp(i64::from(Self::MIN_TENTHS), i64::from(Self::MAX_TENTHS)) as u16)
    }

    /// A BMI as printed on a result sheet.
    pub fn from_tenths(tenths: u16) -> Result<Self, HealthError> {
        if (Self::MIN_TENTHS..=Self::MAX_TENTHS).contains(&tenths) {
            Ok(Self(tenths))
        } else {
            Err(HealthError::BmiOutOfRange)
        }
    }

    /// A BMI from a number, rounded half up to one decimal.
    pub fn from_f64(value: f64) -> Result<Self, HealthError> {
        if !value.is_finite() {
            return Err(HealthError::NotANumber);
        }
        // The small nudge keeps 22.45 (stored as 22.4499…) rounding up as printed.
        let tenths = (value * 10.0 + 1e-9).round();
        if !(f64::from(Self::MIN_TENTHS)..=f64::from(Self::MAX_TENTHS)).contains(&tenths) {
            return Err(HealthError::BmiOutOfRange);
        }
        Self::from_tenths(tenths as u16)
    }

    /// The BMI in tenths.
    pub const fn tenths(self) -> u16 {
        self.0
    }

    /// The BMI as a number with one decimal.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The JASSO (日本肥満学会) class of this BMI.
    pub fn class(self) -> BmiClass {
        match self.0 {
            ..185 => BmiClass::Underweight,
            185..250 => BmiClass::Normal,
            250..300 => BmiClass::Obesity1,
            300..350 => BmiClass::Obesity2,
            350..400 => BmiClass::Obesity3,
            _ => BmiClass::Obesity4,
        }
    }
}

impl TryFrom<f64> for Bmi {
    type Error = HealthError;

    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::from_f64(value)
    }
}

impl From<Bmi> for f64 {
    fn from(bmi: Bmi) -> f64 {
        bmi.value()
    }
}

impl fmt::Display for Bmi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl FromStr for Bmi {
    type Err = HealthError;

    /// Reads a BMI with at most one decimal, as printed.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tenths = tenths_from_str(s)?;
        Self::from_tenths(u16::try_from(tenths).map_err(|_| HealthError::BmiOutOfRange)?)
    }
}

/// The JASSO classes of BMI (肥満度分類).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BmiClass {
    /// Below 18.5: 低体重.
    Underweight,
    /// 18.5 to below 25: 普通体重.
    Normal,
    /// 25 to below 30: 肥満（1度）.
    Obesity1,
    /// 30 to below 35: 肥満（2度）.
    Obesity2,
    /// 35 to below 40: 肥満（3度）.
    Obesity3,
    /// 40 and above: 肥満（4度）.
    Obesity4,
}

impl BmiClass {
    /// The Japanese name.
    pub const fn label_ja(self) -> &'static str {
        match self {
            Self::Underweight => "低体重",
            Self::Normal => "普通体重",
            Self::Obesity1 => "肥満（1度）",
            Self::Obesity2 => "肥満（2度）",
            Self::Obesity3 => "肥満（3度）",
            Self::Obesity4 => "肥満（4度）",
        }
    }

    /// The English name.
    pub const fn label_en(self) -> &'static str {
        match self {
            Self::Underweight => "Underweight",
            Self::Normal => "Normal weight",
            Self::Obesity1 => "Obesity (class 1)",
            Self::Obesity2 => "Obesity (class 2)",
            Self::Obesity3 => "Obesity (class 3)",
            Self::Obesity4 => "Obesity (class 4)",
        }
    }
}

/// How many years younger than the real age the health age must be for the
/// health-age points.
pub const HEALTH_AGE_MARGIN_YEARS: u32 = 5;

/// The health-age rule: the insurer-supplied health age is at least `margin`
/// years below the real age.
pub fn health_age_is_younger_by(real_age: u32, health_age: u32, margin: u32) -> bool {
    health_age.saturating_add(margin) <= real_age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bmi(height_cm: &str, weight_kg: &str) -> Bmi {
        Bmi::from_height_weight(height_cm.parse().unwrap(), weight_kg.parse().unwrap())
    }

    #[test]
    fn bmi_from_height_and_weight() {
        let cases = [
            ("170.0", "65.0", 225), // 22.49…
            ("160.0", "64.0", 250), // exactly 25.0
            ("160.0", "63.9", 250), // 24.96… prints as 25.0
            ("160.0", "63.8", 249), // 24.92…
            ("175.0", "56.6", 185), // 18.48… prints as 18.5
            ("175.0", "56.5", 184), // 18.44…
            ("100.0", "300.0", 3_000),
            ("250.0", "20.0", 32),
        ];
        for (height, weight, tenths) in cases {
            assert_eq!(
                bmi(height, weight).tenths(),
                tenths,
                "{height} cm, {weight} kg"
            );
        }
    }

    #[test]
    fn jasso_classes_at_their_boundaries() {
        let cases = [
            ("18.4", BmiClass::Underweight),
            ("18.5", BmiClass::Normal),
            ("24.9", BmiClass::Normal),
            ("25.0", BmiClass::Obesity1),
            ("29.9", BmiClass::Obesity1),
            ("30.0", BmiClass::Obesity2),
            ("35.0", BmiClass::Obesity3),
            ("39.9", BmiClass::Obesity3),
            ("40.0", BmiClass::Obesity4),
        ];
        for (value, class) in cases {
            assert_eq!(value.parse::<Bmi>().unwrap().class(), class, "BMI {value}");
        }
        assert_eq!(BmiClass::Normal.label_ja(), "普通体重");
    }

    #[test]
    fn bmi_numbers() {
        assert_eq!(
            Bmi::from_f64(22.45).unwrap().to_string(),
            "22.5",
            "half up, as printed"
        );
        assert_eq!(Bmi::from_f64(22.44).unwrap().to_string(), "22.4");
        assert_eq!(Bmi::from_f64(2.9), Err(HealthError::BmiOutOfRange));
        assert_eq!(Bmi::from_f64(300.1), Err(HealthError::BmiOutOfRange));
        assert_eq!(
            serde_json::to_string(&Bmi::from_tenths(224).unwrap()).unwrap(),
            "22.4"
        );
        assert_eq!(
            "22.45".parse::<Bmi>(),
            Err(HealthError::NotANumber),
            "sheets print one decimal"
        );
    }

    #[test]
    fn heights() {
        assert_eq!(Height::from_cm(170.2).map(Height::mm), Ok(1_702));
        assert_eq!(Height::from_cm(170.25), Err(HealthError::HeightPrecision));
        assert_eq!(Height::from_cm(99.9), Err(HealthError::HeightOutOfRange));
        assert_eq!("170.2".parse::<Height>().unwrap().to_string(), "170.2");
        assert_eq!(serde_json::from_str::<Height>("170.2").unwrap().mm(), 1_702);
    }

    #[test]
    fn health_age_rule() {
        let cases = [
            (40, 35, true),
            (40, 36, false),
            (40, 30, true),
            (40, 45, false),
            (3, 0, false),
        ];
        for (real, health, earns) in cases {
            assert_eq!(
                health_age_is_younger_by(real, health, HEALTH_AGE_MARGIN_YEARS),
                earns,
                "real age {real}, health age {health}"
            );
        }
    }
}
