//! The roster file (`roster import FILE.csv`) and the demo roster.
//!
//! A file is read whole and checked row by row with kenpo-domain's
//! identifiers; any bad row is reported with its line number and nothing
//! of the file is applied.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use kenpo_domain::id::{BranchNumber, CardNumber, CardSymbol, EmployeeNumber, InsurerNumber};
use kenpo_domain::member::{RosterRelationship, Sex};
use serde::Deserialize;

use crate::store::RosterEntry;

pub const HEADER: [&str; 10] = [
    "insurer_number",
    "card_symbol",
    "card_number",
    "branch_number",
    "relationship",
    "employee_number",
    "family_name",
    "given_name",
    "birth_date",
    "sex",
];

#[derive(Debug, Deserialize)]
struct Row {
    insurer_number: String,
    card_symbol: String,
    card_number: String,
    branch_number: String,
    relationship: String,
    employee_number: String,
    family_name: String,
    given_name: String,
    birth_date: String,
    sex: String,
}

/// One refused row (or the header): its line in the file and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub field: Option<&'static str>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "line {}: {field}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the roster file was not applied: {} problem(s), first {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
pub struct RosterFileError(pub Vec<Problem>);

/// Reads a roster CSV (UTF-8, header row) into checked entries.
pub fn parse(csv_text: &str) -> Result<Vec<RosterEntry>, RosterFileError> {
    // A BOM is what spreadsheet programs on Windows put first.
    let text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    match reader.headers() {
        Ok(header) if header.iter().eq(HEADER) => {}
        Ok(_) => problems.push(Problem {
            line: 1,
            field: None,
            message: format!("the header must be: {}", HEADER.join(",")),
        }),
        Err(e) => problems.push(Problem {
            line: 1,
            field: None,
            message: e.to_string(),
        }),
    }
    if !problems.is_empty() {
        return Err(RosterFileError(problems));
    }
    let mut entries = Vec::new();
    let mut cards = HashSet::new();
    let mut employees = HashSet::new();
    let header = reader.headers().cloned().unwrap_or_default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, csv::Position::line);
                problems.push(Problem {
                    line,
                    field: None,
                    message: e.to_string(),
                });
                // A broken record (bad UTF-8, unbalanced quotes) may not end cleanly.
                break;
            }
        }
        let line = record.position().map_or(line, csv::Position::line);
        let row: Row = match record.deserialize(Some(&header)) {
            Ok(row) => row,
            Err(e) => {
                problems.push(Problem {
                    line,
                    field: None,
                    message: e.to_string(),
                });
                continue;
            }
        };
        match check(row) {
            Ok(entry) => {
                let card = (
                    entry.insurer_number.clone(),
                    entry.card_symbol.clone(),
                    entry.card_number.clone(),
                    entry.branch_number.clone(),
                );
                if !cards.insert(card) {
                    problems.push(Problem {
                        line,
                        field: None,
                        message: "the same card and branch number appear twice in the file".into(),
                    });
                } else if let Some(number) = &entry.employee_number
                    && !employees.insert(number.clone())
                {
                    problems.push(Problem {
                        line,
                        field: Some("employee_number"),
                        message: "this employee number appears twice in the file".into(),
                    });
                } else {
                    entries.push(entry);
                }
            }
            Err((field, message)) => problems.push(Problem {
                line,
                field: Some(field),
                message,
            }),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(RosterFileError(problems))
    }
}

fn check(row: Row) -> Result<RosterEntry, (&'static str, String)> {
    fn field<T, E: fmt::Display>(
        name: &'static str,
        r: Result<T, E>,
    ) -> Result<T, (&'static str, String)> {
        r.map_err(|e| (name, e.to_string()))
    }
    let relationship = field(
        "relationship",
        row.relationship.parse::<RosterRelationship>(),
    )?;
    let employee_number = if row.employee_number.is_empty() {
        None
    } else {
        Some(
            field(
                "employee_number",
                EmployeeNumber::parse(&row.employee_number),
            )?
            .to_string(),
        )
    };
    let non_empty = |name: &'static str, text: String| {
        if text.is_empty() {
            Err((name, "must not be empty".to_owned()))
        } else {
            Ok(text)
        }
    };
    Ok(RosterEntry {
        insurer_number: field("insurer_number", InsurerNumber::parse(&row.insurer_number))?
            .to_string(),
        card_symbol: field("card_symbol", CardSymbol::parse(&row.card_symbol))?.to_string(),
        card_number: field("card_number", CardNumber::parse(&row.card_number))?.to_string(),
        branch_number: field("branch_number", BranchNumber::parse(&row.branch_number))?.to_string(),
        relationship,
        employee_number,
        family_name: non_empty("family_name", row.family_name)?,
        given_name: non_empty("given_name", row.given_name)?,
        birth_date: field(
            "birth_date",
            NaiveDate::parse_from_str(&row.birth_date, "%Y-%m-%d"),
        )?,
        sex: field("sex", row.sex.parse::<Sex>())?,
    })
}

/// The demo roster loaded by `kenpo-insurer demo`: one of each kind of
/// person, for trying every way in.
pub const DEMO_CSV: &str = "\
insurer_number,card_symbol,card_number,branch_number,relationship,employee_number,family_name,given_name,birth_date,sex
06273494,10,1001,00,insured,100001,山田,太郎,1980-01-01,male
06273494,10,1001,01,spouse,,山田,花子,1982-05-15,female
06273494,10,1001,02,other,,山田,一郎,2010-04-01,male
06273494,10,1002,00,insured,,佐藤,美咲,1990-07-20,female
06273494,20,2001,00,insured,,鈴木,健,1975-12-31,male
06273494,20,2001,01,spouse,,鈴木,由美,1978-03-03,female
06273494,10,1003,00,insured,100002,高橋,誠,1992-02-29,male
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_roster_is_valid() {
        let entries = parse(DEMO_CSV).expect("demo roster parses");
        assert_eq!(entries.len(), 7);
        assert_eq!(entries[0].employee_number.as_deref(), Some("100001"));
        assert_eq!(entries[1].relationship, RosterRelationship::Spouse);
    }

    #[test]
    fn full_width_and_bom_are_read_as_members_type_them() {
        let csv = format!(
            "\u{feff}{}\n０６２７３４９４, 10 ,１００１,0,insured,,山田,太郎,1980-01-01,male\n",
            HEADER.join(",")
        );
        let entries = parse(&csv).unwrap();
        assert_eq!(entries[0].insurer_number, "06273494");
        assert_eq!(entries[0].card_number, "1001");
        assert_eq!(entries[0].branch_number, "00");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_returned() {
        let csv = format!(
            "{}\n06273494,10,1001,00,insured,,山田,太郎,1980-01-01,male\n\
             06273495,10,1002,00,insured,,A,B,1980-01-01,male\n\
             06273494,10,1003,00,cousin,,A,B,1980-01-01,male\n\
             06273494,10,1004,00,insured,,A,B,1980-02-30,male\n\
             06273494,10,1001,00,insured,,A,B,1980-01-01,male\n",
            HEADER.join(",")
        );
        let RosterFileError(problems) = parse(&csv).unwrap_err();
        let lines: Vec<(u64, Option<&str>)> = problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            lines,
            vec![
                (3, Some("insurer_number")),
                (4, Some("relationship")),
                (5, Some("birth_date")),
                (6, None)
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn a_wrong_header_is_refused() {
        let err = parse("a,b\n1,2\n").unwrap_err();
        assert_eq!(err.0[0].line, 1);
    }

    #[test]
    fn short_rows_are_reported_not_panicked_on() {
        let csv = format!("{}\n06273494,10\n", HEADER.join(","));
        let err = parse(&csv).unwrap_err();
        assert_eq!(err.0[0].line, 2);
    }
}
