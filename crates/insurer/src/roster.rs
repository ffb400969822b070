//! The roster file (`roster import FILE.csv`) and the demo roster.
//!
//! A file is read whole and checked row by row with kenpo-domain's
//! identifiers; any bad row is reported with its line number and nothing
//! of the file is applied.

use std::collections::HashSet;

use chrono::NaiveDate;
use kenpo_domain::id::{BranchNumber, CardNumber, CardSymbol, EmployeeNumber, InsurerNumber};
use kenpo_domain::member::{RosterRelationship, Sex};
use serde::Deserialize;

use crate::csv_file::{self, FileError, RowError, field, non_empty};
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

/// Reads a roster CSV (UTF-8, header row) into checked entries.
pub fn parse(csv_text: &str) -> Result<Vec<RosterEntry>, FileError> {
    let mut cards = HashSet::new();
    let mut employees = HashSet::new();
    csv_file::read(csv_text, &HEADER, |row: Row, _| {
        let entry = check(row)?;
        let card = (
            entry.insurer_number.clone(),
            entry.card_symbol.clone(),
            entry.card_number.clone(),
            entry.branch_number.clone(),
        );
        if !cards.insert(card) {
            return Err((
                None,
                "the same card and branch number appear twice in the file".into(),
            ));
        }
        if let Some(number) = &entry.employee_number
            && !employees.insert(number.clone())
        {
            return Err((
                Some("employee_number"),
                "this employee number appears twice in the file".into(),
            ));
        }
        Ok(entry)
    })
}

fn check(row: Row) -> Result<RosterEntry, RowError> {
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
        let FileError(problems) = parse(&csv).unwrap_err();
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
