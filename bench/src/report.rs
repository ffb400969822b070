//! The rows of `BENCHMARKS.md`: each bench appends its rows to one JSON-lines
//! file (`KENPO_BENCH_OUT`), and `bench-report` renders them, one table per
//! area, each figure beside its anchor, their ratio and the goal.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use kenpo_domain::number::grouped;

use crate::stats::Summary;

/// The tables, in the order the file shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    DesktopApp,
    DesktopCore,
    InsurerPostgres,
    InsurerSqlite,
}

impl Area {
    pub const ALL: [Self; 4] = [
        Self::DesktopApp,
        Self::DesktopCore,
        Self::InsurerPostgres,
        Self::InsurerSqlite,
    ];

    fn heading(self) -> &'static str {
        match self {
            Self::DesktopApp => "The desktop app, against a bare Tauri window and Chromium",
            Self::DesktopCore => "The desktop core",
            Self::InsurerPostgres => "The insurer on PostgreSQL",
            Self::InsurerSqlite => "The insurer on SQLite (the same rows, for comparison)",
        }
    }
}

/// What a figure should reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "limit")]
pub enum Goal {
    /// Shown for comparison only.
    None,
    AtMost(f64),
    AtLeast(f64),
    /// The figure over its anchor.
    RatioAtMost(f64),
    RatioAtLeast(f64),
}

/// What a figure is set beside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub label: String,
    pub value: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub area: Area,
    pub figure: String,
    pub unit: String,
    pub value: Summary,
    pub anchor: Option<Anchor>,
    pub goal: Goal,
    /// How it was measured, when the figure's name does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Row {
    pub fn new(area: Area, figure: &str, unit: &str, value: Summary) -> Self {
        Self {
            area,
            figure: figure.to_owned(),
            unit: unit.to_owned(),
            value,
            anchor: None,
            goal: Goal::None,
            note: None,
        }
    }

    pub fn beside(mut self, label: &str, value: Summary) -> Self {
        self.anchor = Some(Anchor {
            label: label.to_owned(),
            value,
        });
        self
    }

    pub fn goal(mut self, goal: Goal) -> Self {
        self.goal = goal;
        self
    }

    pub fn note(mut self, note: &str) -> Self {
        self.note = Some(note.to_owned());
        self
    }

    /// The figure's median over its anchor's.
    pub fn ratio(&self) -> Option<f64> {
        let anchor = self.anchor.as_ref()?;
        (anchor.value.median != 0.0).then(|| self.value.median / anchor.value.median)
    }

    /// Whether the goal is met; `None` when there is none (or no ratio).
    pub fn met(&self) -> Option<bool> {
        let value = self.value.median;
        match self.goal {
            Goal::None => None,
            Goal::AtMost(limit) => Some(value <= limit),
            Goal::AtLeast(limit) => Some(value >= limit),
            Goal::RatioAtMost(limit) => self.ratio().map(|r| r <= limit),
            Goal::RatioAtLeast(limit) => self.ratio().map(|r| r >= limit),
        }
    }

    /// Appends the row to the file named by `KENPO_BENCH_OUT`, and prints it.
    pub fn record(self) -> anyhow::Result<()> {
        println!(
            "{}: {} {}",
            self.figure,
            number(self.value.median),
            self.unit
        );
        let Some(path) = std::env::var_os("KENPO_BENCH_OUT") else {
            return Ok(());
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", Path::new(&path).display()))?;
        writeln!(file, "{}", serde_json::to_string(&self)?)?;
        Ok(())
    }
}

/// Reads the rows a run wrote.
pub fn read(path: &Path) -> anyhow::Result<Vec<Row>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{} line {}: not a row", path.display(), i + 1))
        })
        .collect()
}

/// `BENCHMARKS.md`: `preamble` (the machine, the date, how to run), then a
/// table per area in [`Area::ALL`] order; rows keep the order they ran in.
pub fn render(preamble: &str, rows: &[Row]) -> String {
    let mut out = String::from(preamble.trim_end());
    out.push('\n');
    for area in Area::ALL {
        let rows: Vec<&Row> = rows.iter().filter(|r| r.area == area).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n## {}\n\n| Figure | Measured | Anchor (same run) | Ratio | Goal | Met |\n\
             |---|---|---|---|---|---|\n",
            area.heading()
        );
        let mut notes = Vec::new();
        for row in rows {
            let mut figure = row.figure.clone();
            if let Some(note) = &row.note {
                notes.push(note.clone());
                let _ = write!(figure, " [{}]", notes.len());
            }
            let anchor = row.anchor.as_ref().map_or("—".to_owned(), |a| {
                format!("{}: {}", a.label, measured(&a.value, &row.unit))
            });
            let ratio = row.ratio().map_or("—".to_owned(), |r| format!("{r:.2}×"));
            let met = match row.met() {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "—",
            };
            let _ = writeln!(
                out,
                "| {figure} | {} | {anchor} | {ratio} | {} | {met} |",
                measured(&row.value, &row.unit),
                goal(row.goal, &row.unit)
            );
        }
        for (i, note) in notes.iter().enumerate() {
            let _ = write!(out, "\n[{}] {note}\n", i + 1);
        }
    }
    out
}

fn measured(value: &Summary, unit: &str) -> String {
    if value.runs <= 1 || value.min == value.max {
        format!("{} {unit}", number(value.median))
    } else {
        format!(
            "{} {unit} ({}–{}, {} runs)",
            number(value.median),
            number(value.min),
            number(value.max),
            value.runs
        )
    }
}

fn goal(goal: Goal, unit: &str) -> String {
    match goal {
        Goal::None => "—".to_owned(),
        Goal::AtMost(limit) => format!("≤ {} {unit}", number(limit)),
        Goal::AtLeast(limit) => format!("≥ {} {unit}", number(limit)),
        Goal::RatioAtMost(limit) => format!("≤ {limit}× the anchor"),
        Goal::RatioAtLeast(limit) => format!("≥ {limit}× the anchor"),
    }
}

/// Three significant figures or so, with thousands separated.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        grouped(value.round() as i64)
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_at_a_glance() {
        assert_eq!(number(1_234_567.4), "1,234,567");
        assert_eq!(number(123.0), "123");
        assert_eq!(number(45.67), "45.7");
        assert_eq!(number(0.123), "0.12");
        assert_eq!(number(-1500.0), "-1,500");
        assert_eq!(number(f64::NAN), "—");
    }

    #[test]
    fn a_missed_goal_is_shown_missed() {
        let rows = vec![
            Row::new(
                Area::InsurerPostgres,
                "Record ingestion",
                "records/s",
                Summary::of(&[30.0, 32.0, 31.0]).unwrap(),
            )
            .beside("pgbench", Summary::one(100.0))
            .goal(Goal::RatioAtLeast(0.5))
            .note("50 members"),
            Row::new(Area::DesktopCore, "A save, p99", "ms", Summary::one(2.0))
                .goal(Goal::AtMost(5.0)),
        ];
        let md = render("# Benchmarks", &rows);
        assert!(
            md.contains("| Record ingestion [1] | 31.0 records/s (30.0–32.0, 3 runs) | pgbench: 100 records/s | 0.31× | ≥ 0.5× the anchor | **no** |"),
            "{md}"
        );
        assert!(md.contains("| A save, p99 | 2.00 ms | — | — | ≤ 5.00 ms | yes |"));
        assert!(md.contains("[1] 50 members"));
        assert!(
            md.find("desktop core").unwrap() < md.find("PostgreSQL").unwrap(),
            "tables in their order, whatever order the rows ran in"
        );
    }
}
