//! The insurer's other CSV files: checkup results, the goods catalog and
//! the FAQ (see [`crate::csv_file`] for how a file is read), and the demo
//! data that `kenpo-insurer demo` loads.

use std::collections::HashSet;

use chrono::NaiveDate;
use kenpo_domain::api::{CatalogItem, FaqEntry};
use kenpo_domain::entry::Weight;
use kenpo_domain::health::{Bmi, Height};
use kenpo_domain::id::{BranchNumber, CardNumber, CardSymbol};
use kenpo_domain::ledger::MAX_POINTS_PER_OPERATION;
use serde::Deserialize;

use crate::csv_file::{self, FileError, RowError, field, non_empty};
use crate::store::CheckupResult;

pub const CHECKUP_HEADER: [&str; 9] = [
    "card_symbol",
    "card_number",
    "branch_number",
    "date",
    "height_cm",
    "weight_kg",
    "bmi",
    "smoker",
    "health_age",
];
pub const CATALOG_HEADER: [&str; 5] = ["id", "name", "description", "points", "stock"];
/// The catalog's header when it names a picture for each item.
pub const CATALOG_HEADER_WITH_IMAGE: [&str; 6] =
    ["id", "name", "description", "points", "stock", "image"];
pub const FAQ_HEADER: [&str; 3] = ["category", "question", "answer"];

/// Longest name, question or title; longest description or answer.
const SHORT_TEXT: usize = 200;
const LONG_TEXT: usize = 4_000;

#[derive(Debug, Deserialize)]
struct CheckupCsv {
    card_symbol: String,
    card_number: String,
    branch_number: String,
    date: String,
    height_cm: String,
    weight_kg: String,
    bmi: String,
    smoker: String,
    health_age: String,
}

/// One checkup row: whose (card and branch) and what, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckupLine {
    pub line: u64,
    pub card_symbol: String,
    pub card_number: String,
    pub branch_number: String,
    pub result: CheckupResult,
}

/// Reads a checkup file. A result dated after `today` is refused.
pub fn parse_checkups(text: &str, today: NaiveDate) -> Result<Vec<CheckupLine>, FileError> {
    let mut seen = HashSet::new();
    csv_file::read(text, &CHECKUP_HEADER, |row: CheckupCsv, line| {
        let date = field("date", NaiveDate::parse_from_str(&row.date, "%Y-%m-%d"))?;
        if date > today {
            return Err((Some("date"), "a checkup cannot be in the future".into()));
        }
        let number = |name, text: &str| {
            text.parse::<f64>()
                .map_err(|_| (Some(name), format!("{text:?} is not a number")))
        };
        let health_age = match row.health_age.as_str() {
            "" => None,
            text => Some(text.parse::<u32>().ok().filter(|age| *age <= 150).ok_or((
                Some("health_age"),
                "must be empty or an age in years".into(),
            ))?),
        };
        let smoker = match row.smoker.as_str() {
            "yes" => true,
            "no" => false,
            _ => return Err((Some("smoker"), "must be yes or no".into())),
        };
        let checkup = CheckupLine {
            line,
            card_symbol: field("card_symbol", CardSymbol::parse(&row.card_symbol))?.to_string(),
            card_number: field("card_number", CardNumber::parse(&row.card_number))?.to_string(),
            branch_number: field("branch_number", BranchNumber::parse(&row.branch_number))?
                .to_string(),
            result: CheckupResult {
                date,
                height: field(
                    "height_cm",
                    Height::from_cm(number("height_cm", &row.height_cm)?),
                )?,
                weight: field(
                    "weight_kg",
                    Weight::from_kg(number("weight_kg", &row.weight_kg)?),
                )?,
                bmi: field("bmi", Bmi::from_f64(number("bmi", &row.bmi)?))?,
                smoker,
                health_age,
            },
        };
        let key = (
            checkup.card_symbol.clone(),
            checkup.card_number.clone(),
            checkup.branch_number.clone(),
            date,
        );
        if !seen.insert(key) {
            return Err((
                None,
                "the same person and day appear twice in the file".into(),
            ));
        }
        Ok(checkup)
    })
}

#[derive(Debug, Deserialize)]
struct CatalogCsv {
    id: String,
    name: String,
    description: String,
    points: String,
    stock: String,
    #[serde(default)]
    image: String,
}

/// One item of a catalog file, and the picture file it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRow {
    /// The row's line in the file.
    pub line: u64,
    pub item: CatalogItem,
    /// A path relative to the catalog file's folder.
    pub image: Option<String>,
}

fn short_text(name: &'static str, text: String, max: usize) -> Result<String, RowError> {
    let text = non_empty(name, text)?;
    if text.chars().count() > max || text.chars().any(|c| c.is_control()) {
        return Err((
            Some(name),
            format!("must be at most {max} characters, without control characters"),
        ));
    }
    Ok(text)
}

/// Reads a catalog file: the whole catalog, each item once, with an
/// optional last column `image` naming each item's picture file.
pub fn parse_catalog(text: &str) -> Result<Vec<CatalogRow>, FileError> {
    let mut ids = HashSet::new();
    let header: &[&str] = if csv_file::header_of(text).last().map(String::as_str) == Some("image") {
        &CATALOG_HEADER_WITH_IMAGE
    } else {
        &CATALOG_HEADER
    };
    csv_file::read(text, header, |row: CatalogCsv, line| {
        let id = row.id;
        if id.is_empty()
            || id.len() > 64
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err((
                Some("id"),
                "1 to 64 lower-case letters, digits, - and _".into(),
            ));
        }
        if !ids.insert(id.clone()) {
            return Err((Some("id"), "this id appears twice in the file".into()));
        }
        let points = row
            .points
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=MAX_POINTS_PER_OPERATION).contains(p))
            .ok_or((
                Some("points"),
                "a whole number of points, at least 1".into(),
            ))?;
        let stock = row
            .stock
            .parse::<u32>()
            .map_err(|_| (Some("stock"), "a whole number, 0 or more".into()))?;
        let description = if row.description.is_empty() {
            String::new()
        } else {
            short_text("description", row.description, LONG_TEXT)?
        };
        let image = match row.image.as_str() {
            "" => None,
            name if crate::images::is_plain_relative(name) => Some(row.image),
            _ => {
                return Err((
                    Some("image"),
                    "a file name beside the catalog file (no absolute path, no ..)".into(),
                ));
            }
        };
        Ok(CatalogRow {
            line,
            item: CatalogItem {
                id,
                name: short_text("name", row.name, SHORT_TEXT)?,
                description,
                points,
                stock,
                image_url: None,
            },
            image,
        })
    })
}

#[derive(Debug, Deserialize)]
struct FaqCsv {
    category: String,
    question: String,
    answer: String,
}

/// Reads a FAQ file: the whole FAQ, in order.
pub fn parse_faq(text: &str) -> Result<Vec<FaqEntry>, FileError> {
    csv_file::read(text, &FAQ_HEADER, |row: FaqCsv, _| {
        let answer = non_empty("answer", row.answer)?;
        if answer.chars().count() > LONG_TEXT {
            return Err((Some("answer"), format!("at most {LONG_TEXT} characters")));
        }
        Ok(FaqEntry {
            id: 0,
            category: (!row.category.is_empty())
                .then(|| short_text("category", row.category, SHORT_TEXT))
                .transpose()?,
            question: short_text("question", row.question, SHORT_TEXT)?,
            answer,
        })
    })
}

/// A notice's title and body, checked.
pub fn check_notice(title: &str, body: &str) -> Result<(String, String), String> {
    let title = title.trim();
    let body = body.trim();
    if title.is_empty() || title.chars().count() > SHORT_TEXT || title.chars().any(char::is_control)
    {
        return Err(format!(
            "the title must be 1 to {SHORT_TEXT} characters on one line"
        ));
    }
    if body.is_empty() || body.chars().count() > LONG_TEXT {
        return Err(format!("the body must be 1 to {LONG_TEXT} characters"));
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// The demo catalog: DOMAIN.md's examples and a few more.
pub const DEMO_CATALOG_CSV: &str = "\
id,name,description,points,stock,image
coffee-gift,コーヒーギフト,ドリップコーヒー 10袋入り,1895,50,coffee-gift.png
pedometer,歩数計,大きな画面の歩数計。電池付き,2600,20,pedometer.png
rice-5kg,お米 5kg,新米 5kg(精米),4373,30,rice-5kg.png
tea-set,緑茶セット,煎茶ティーバッグ 3種,1200,40,tea-set.png
towel,今治タオル,フェイスタオル 2枚組,1500,0,towel.png
";

/// The demo catalog's pictures, by the names in [`DEMO_CATALOG_CSV`].
pub fn demo_picture(name: &str) -> Result<Vec<u8>, String> {
    let bytes: &[u8] = match name {
        "coffee-gift.png" => include_bytes!("../demo/catalog/coffee-gift.png"),
        "pedometer.png" => include_bytes!("../demo/catalog/pedometer.png"),
        "rice-5kg.png" => include_bytes!("../demo/catalog/rice-5kg.png"),
        "tea-set.png" => include_bytes!("../demo/catalog/tea-set.png"),
        "towel.png" => include_bytes!("../demo/catalog/towel.png"),
        _ => return Err(format!("the demo has no picture {name}")),
    };
    Ok(bytes.to_vec())
}

/// The demo FAQ.
pub const DEMO_FAQ_CSV: &str = "\
category,question,answer
ログイン,ログインIDを忘れました。,お問い合わせフォームから、保険証の記号・番号を添えてご連絡ください。
ログイン,パスワードを忘れました。,ログイン画面の「パスワードをお忘れの方」から再設定できます。
ポイント,ポイントの有効期限はいつまでですか。,付与された年度の翌年度末(3月31日)までです。
ポイント,ポイントはいつ付与されますか。,記録を入力した日に付与されます。同じ日の記録を修正しても、ポイントは1日1回です。
";

/// The demo notices: (title, body).
pub const DEMO_NOTICES: [(&str, &str); 2] = [
    (
        "けんぽデスクへようこそ",
        "毎日の歩数・体重・行動目標を記録して、ポイントをためましょう。",
    ),
    (
        "インフルエンザ予防接種の報告でポイント",
        "予防接種を受けたら、アプリから報告すると 300 ポイントが付与されます(年度に1回)。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn the_demo_files_are_valid() {
        assert_eq!(parse_catalog(DEMO_CATALOG_CSV).unwrap().len(), 5);
        assert_eq!(parse_faq(DEMO_FAQ_CSV).unwrap().len(), 4);
        for (title, body) in DEMO_NOTICES {
            assert!(check_notice(title, body).is_ok());
        }
    }

    #[test]
    fn checkups_are_read_with_domain_types() {
        let csv = format!(
            "{}\n10,１００１,0,2026-06-01,170.0,65.0,22.5,no,38\n10,1002,00,2026-06-02,158.2,50.1,20.0,yes,\n",
            CHECKUP_HEADER.join(",")
        );
        let rows = parse_checkups(&csv, today()).unwrap();
        assert_eq!(rows[0].card_number, "1001");
        assert_eq!(rows[0].branch_number, "00");
        assert_eq!(rows[0].result.bmi.tenths(), 225);
        assert_eq!(rows[0].result.health_age, Some(38));
        assert!(rows[1].result.smoker);
        assert_eq!(rows[1].result.health_age, None);
    }

    #[test]
    fn every_bad_checkup_row_is_reported_by_line() {
        let csv = format!(
            "{}\n10,1001,00,2026-06-01,170.0,65.0,22.5,no,38\n\
             10,1001,00,2027-06-01,170.0,65.0,22.5,no,\n\
             10,1001,00,2026-06-03,17.0,65.0,22.5,no,\n\
             10,1001,00,2026-06-04,170.0,65.0,22.5,maybe,\n\
             10,1001,00,2026-06-01,170.0,65.0,22.5,no,\n",
            CHECKUP_HEADER.join(",")
        );
        let FileError(problems) = parse_checkups(&csv, today()).unwrap_err();
        let found: Vec<(u64, Option<&str>)> = problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            found,
            vec![
                (3, Some("date")),
                (4, Some("height_cm")),
                (5, Some("smoker")),
                (6, None)
            ]
        );
    }

    #[test]
    fn catalog_rows_are_checked() {
        let csv = "id,name,description,points,stock\nok,A,,10,0\nBad Id,A,,10,1\nok,B,,10,1\nx,C,,0,1\ny,D,,5,-1\n";
        let FileError(problems) = parse_catalog(csv).unwrap_err();
        let found: Vec<(u64, Option<&str>)> = problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            found,
            vec![
                (3, Some("id")),
                (4, Some("id")),
                (5, Some("points")),
                (6, Some("stock"))
            ]
        );
    }

    #[test]
    fn a_catalog_may_name_pictures_beside_it_and_nowhere_else() {
        let csv = "id,name,description,points,stock,image\na,A,,10,1,a.png\nb,B,,10,1,\nc,C,,10,1,../c.png\nd,D,,10,1,/etc/d.png\n";
        let FileError(problems) = parse_catalog(csv).unwrap_err();
        let found: Vec<(u64, Option<&str>)> = problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(found, vec![(4, Some("image")), (5, Some("image"))]);
        let rows =
            parse_catalog("id,name,description,points,stock,image\na,A,,10,1,a.png\nb,B,,10,1,\n")
                .unwrap();
        assert_eq!(rows[0].image.as_deref(), Some("a.png"));
        assert_eq!(rows[1].image, None);
        let old = parse_catalog("id,name,description,points,stock\na,A,,10,1\n").unwrap();
        assert_eq!(old[0].image, None);
    }
}
