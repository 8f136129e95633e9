//! CSV of checklist items: one item a row, with a header naming the columns. Parsing is all or
//! nothing: every bad cell is reported by line and column, and nothing is returned to write
//! unless every row is good.
//!
//! Columns (header names, any order, case-insensitive): `category`, `title`, `description`,
//! `priority`, `blocking`, `status`, `assignee` (an email), `due_date`, `effort_hours`,
//! `evidence` (a URL, or text). `category` and `title` are required.

use chrono::NaiveDate;

use crate::scoring::{Priority, Status};

/// The columns, in the order exports write them.
pub const COLUMNS: [&str; 10] = [
    "category",
    "title",
    "description",
    "priority",
    "blocking",
    "status",
    "assignee",
    "due_date",
    "effort_hours",
    "evidence",
];

/// One good row.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvItem {
    /// Line of the file (1 is the header).
    pub line: u64,
    /// Category name.
    pub category: String,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Priority (default medium).
    pub priority: Priority,
    /// Blocking (default: critical items block).
    pub blocking: bool,
    /// Status (default open).
    pub status: Status,
    /// Assignee's email, checked against the team when writing.
    pub assignee: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Effort in hours.
    pub effort_hours: Option<f64>,
    /// Evidence link.
    pub evidence_url: String,
    /// Evidence text.
    pub evidence_text: String,
}

/// A bad cell (or row, or header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// Line of the file.
    pub line: u64,
    /// Column name, when the problem is one cell.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// What a spreadsheet reads as the start of a formula (OWASP's list): a cell starting with one
/// of these is written with a leading `'`.
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Undoes the export's protection against formula injection: a cell written as `'=SUM(A1)`
/// reads back as `=SUM(A1)`. Cells are always stored as text, never evaluated.
fn unescape(cell: &str) -> String {
    let t = cell.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_owned(),
        _ => t.to_owned(),
    }
}

// Longer than 120 lines: one pass over the rows that collects every problem of
// every field at once; the per-field reads are the small functions above.
#[allow(clippy::too_many_lines)]
/// Parses a CSV of items; `Err` lists every problem found.
pub fn parse(text: &str) -> Result<Vec<CsvItem>, Vec<CsvError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().to_lowercase().replace(' ', "_"))
            .collect(),
        Err(e) => {
            return Err(vec![CsvError {
                line: 1,
                column: None,
                message: format!("The header row cannot be read ({e})."),
            }]);
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    for unknown in headers
        .iter()
        .filter(|h| !h.is_empty() && !COLUMNS.contains(&h.as_str()))
    {
        errors.push(CsvError {
            line: 1,
            column: Some(unknown.clone()),
            message: format!("Unknown column; use {}.", COLUMNS.join(", ")),
        });
    }
    for required in ["category", "title"] {
        if col(required).is_none() {
            errors.push(CsvError {
                line: 1,
                column: Some(required.to_owned()),
                message: "This column is required.".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut items = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                errors.push(CsvError {
                    line,
                    column: None,
                    message: "This row cannot be read (check its quotes).".into(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            col(name)
                .and_then(|i| record.get(i))
                .map(unescape)
                .unwrap_or_default()
        };
        let mut bad = |column: &str, message: &str| {
            errors.push(CsvError {
                line,
                column: Some(column.to_owned()),
                message: message.to_owned(),
            })
        };
        let category = get("category");
        let title = get("title");
        if category.is_empty() || category.chars().count() > 120 {
            bad(
                "category",
                "Give a category name of at most 120 characters.",
            );
        }
        if title.is_empty() || title.chars().count() > 200 {
            bad("title", "Give a title of at most 200 characters.");
        }
        let priority = match get("priority").to_lowercase().as_str() {
            "" => Some(Priority::Medium),
            p => Priority::parse(p),
        };
        if priority.is_none() {
            bad("priority", "Use critical, high, medium or low.");
        }
        let status = match get("status")
            .to_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "" => Some(Status::Open),
            s => Status::parse(s),
        };
        if status.is_none() {
            bad(
                "status",
                "Use open, in_progress, done, not_applicable or accepted_risk.",
            );
        }
        let blocking = match get("blocking").to_lowercase().as_str() {
            "" => Some(priority == Some(Priority::Critical)),
            "yes" | "true" | "1" | "y" => Some(true),
            "no" | "false" | "0" | "n" => Some(false),
            _ => None,
        };
        if blocking.is_none() {
            bad("blocking", "Use yes or no.");
        }
        let assignee = get("assignee");
        if !assignee.is_empty() && !assignee.contains('@') {
            bad("assignee", "Use the assignee's email address.");
        }
        let due = get("due_date");
        let due_date = NaiveDate::parse_from_str(&due, "%Y-%m-%d").ok();
        if !due.is_empty() && due_date.is_none() {
            bad("due_date", "Use a date like 2026-12-31.");
        }
        let effort = get("effort_hours");
        let effort_hours = effort
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && (0.0..=100_000.0).contains(h));
        if !effort.is_empty() && effort_hours.is_none() {
            bad(
                "effort_hours",
                "Use a number of hours (for example 2 or 1.5).",
            );
        }
        let evidence = get("evidence");
        let (evidence_url, evidence_text) =
            if evidence.starts_with("https://") || evidence.starts_with("http://") {
                (evidence, String::new())
            } else {
                (String::new(), evidence)
            };
        if let (Some(priority), Some(status), Some(blocking)) = (priority, status, blocking) {
            items.push(CsvItem {
                line,
                category,
                title,
                description: get("description"),
                priority,
                blocking,
                status,
                assignee: (!assignee.is_empty()).then_some(assignee),
                due_date,
                effort_hours,
                evidence_url,
                evidence_text,
            });
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_reads_every_column() {
        let text = "Category,Title,Description,Priority,Blocking,Status,Assignee,Due date,Effort hours,Evidence\n\
            Security,TLS everywhere,\"Certs, renewed\nautomatically\",critical,,done,ada@example.com,2026-12-01,2.5,https://ci.example.com/1\n\
            Ops,Backups,,low,yes,in progress,,,,restored on 2026-11-01\n\
            ,,,,,,,,,\n";
        let items = parse(text).unwrap_or_default();
        assert_eq!(items.len(), 2, "the blank row is skipped");
        let tls = &items[0];
        assert_eq!(
            (tls.line, tls.priority, tls.blocking, tls.status),
            (2, Priority::Critical, true, Status::Done)
        );
        assert_eq!(tls.description, "Certs, renewed\nautomatically");
        assert_eq!(tls.assignee.as_deref(), Some("ada@example.com"));
        assert_eq!(tls.effort_hours, Some(2.5));
        assert_eq!(tls.evidence_url, "https://ci.example.com/1");
        let backups = &items[1];
        assert_eq!(backups.line, 4, "lines count the quoted newline");
        assert_eq!(
            (backups.blocking, backups.status),
            (true, Status::InProgress)
        );
        assert_eq!(backups.evidence_text, "restored on 2026-11-01");
    }

    #[test]
    fn every_bad_row_is_reported_by_line_and_column() {
        let text = "category,title,priority,status,due_date\n\
            Security,Good one,high,open,\n\
            Security,,urgent,open,\n\
            Ops,Backups,low,finished,\n\
            Ops,Restore drill,low,open,next week\n";
        let errors = parse(text).err().unwrap_or_default();
        let found: Vec<(u64, Option<&str>)> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (3, Some("title")),
                (3, Some("priority")),
                (4, Some("status")),
                (5, Some("due_date")),
            ]
        );
        assert_eq!(
            errors[3].to_string(),
            "line 5, column due_date: Use a date like 2026-12-31."
        );
    }

    #[test]
    fn formula_like_cells_stay_text_and_exported_escapes_come_off() {
        let text =
            "category,title,description\nOps,=HYPERLINK(\"http://x\"),'=SUM(A1)\nOps,@import,'+1\n";
        let items = parse(text).unwrap_or_default();
        assert_eq!(items[0].title, "=HYPERLINK(\"http://x\")");
        assert_eq!(items[0].description, "=SUM(A1)");
        assert_eq!(items[1].title, "@import");
        assert_eq!(items[1].description, "+1");
    }

    #[test]
    fn headers_must_name_known_columns() {
        let errors = parse("name,title,colour\nx,y,z\n")
            .err()
            .unwrap_or_default();
        let columns: Vec<_> = errors.iter().filter_map(|e| e.column.clone()).collect();
        assert_eq!(columns, ["name", "colour", "category"]);
        assert!(parse("").is_err());
    }
}
