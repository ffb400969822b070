//! The admin CLI's CSV files (roster, checkups, catalog, FAQ): UTF-8 with a
//! header row, read whole and checked row by row. Any bad row is reported
//! with its line number, and a file with a problem is not applied at all.

use std::fmt;

use serde::de::DeserializeOwned;

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

/// Why a file was not applied: every problem found, in line order.
#[derive(Debug, thiserror::Error)]
#[error("the file was not applied: {} problem(s), first {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
pub struct FileError(pub Vec<Problem>);

/// Why one row was refused: the field (when one is to blame) and a message.
pub type RowError = (Option<&'static str>, String);

/// `r`'s error as the refusal of field `name`.
pub fn field<T, E: fmt::Display>(name: &'static str, r: Result<T, E>) -> Result<T, RowError> {
    r.map_err(|e| (Some(name), e.to_string()))
}

/// The fields of `text`'s header row (empty when it has none).
pub fn header_of(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Reads `text` (a header row exactly `header`, then rows of `R`) and checks
/// each row, with its line number, with `check`, which may also refuse a
/// row for what came before it (a duplicate).
pub fn read<R: DeserializeOwned, T>(
    text: &str,
    header: &[&str],
    mut check: impl FnMut(R, u64) -> Result<T, RowError>,
) -> Result<Vec<T>, FileError> {
    // A BOM is what spreadsheet programs on Windows put first.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_row = match reader.headers() {
        Ok(found) if found.iter().eq(header.iter().copied()) => found.clone(),
        Ok(_) => {
            return Err(FileError(vec![Problem {
                line: 1,
                field: None,
                message: format!("the header must be: {}", header.join(",")),
            }]));
        }
        Err(e) => {
            return Err(FileError(vec![Problem {
                line: 1,
                field: None,
                message: e.to_string(),
            }]));
        }
    };
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(Problem {
                    line: e.position().map_or(line, csv::Position::line),
                    field: None,
                    message: e.to_string(),
                });
                // A broken record (bad UTF-8, unbalanced quotes) may not end cleanly.
                break;
            }
        }
        let line = record.position().map_or(line, csv::Position::line);
        let checked = record
            .deserialize::<R>(Some(&header_row))
            .map_err(|e| (None, e.to_string()))
            .and_then(|row| check(row, line));
        match checked {
            Ok(row) => rows.push(row),
            Err((field, message)) => problems.push(Problem {
                line,
                field,
                message,
            }),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(FileError(problems))
    }
}

/// `text`, refused when empty.
pub fn non_empty(name: &'static str, text: String) -> Result<String, RowError> {
    if text.is_empty() {
        Err((Some(name), "must not be empty".to_owned()))
    } else {
        Ok(text)
    }
}
