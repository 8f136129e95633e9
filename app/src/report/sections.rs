//! The report's sections as text and tables, written once: HTML, Markdown and PDF each only
//! lay these out, so a figure or a line cannot differ between formats.

use super::model::{Report, ReportItem, delta, hours, level, score};
use crate::scoring::Status;

/// How a column is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    /// Text, left-aligned.
    Text,
    /// A number, right-aligned.
    Num,
    /// A risk level's label (HTML shows it as a coloured badge).
    Level,
}

/// A table of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Columns: header, kind, share of the width (PDF).
    pub columns: Vec<(&'static str, Col, f32)>,
    /// Rows of cells; the first cell names the row.
    pub rows: Vec<Vec<String>>,
}

const DASH: &str = "—";

fn or_dash(s: Option<&str>) -> String {
    s.unwrap_or(DASH).to_owned()
}

impl Report {
    /// "Live on 2026-11-24" or "As of the final review “R” (v1) of 2026-11-01".
    pub fn as_of_text(&self) -> String {
        match &self.review {
            Some(r) => format!(
                "As of the final review “{}”{} of {}",
                r.title,
                if r.label.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.label)
                },
                r.date
            ),
            None => format!("Live on {}", self.as_of),
        }
    }

    /// The line under the title.
    pub fn subtitle(&self) -> String {
        format!(
            "Readiness report · team {} · {}",
            self.team,
            self.as_of_text()
        )
    }

    /// "Overall 72/100 (ready at 80)".
    pub fn overall_text(&self) -> String {
        format!(
            "Overall {}/100 (ready at {})",
            score(self.overall),
            self.threshold
        )
    }

    /// "72% ready, 40% of it measured or reported by CI; 3 done items stale", when anything
    /// is done or stale.
    pub fn evidence_text(&self) -> Option<String> {
        let measured = self.evidence.measured_percent();
        let stale = self.counts.stale;
        if measured.is_none() && stale == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if let Some(m) = measured {
            parts.push(format!(
                "{}% ready, {m}% of it measured or reported by CI",
                score(self.overall)
            ));
        }
        if stale > 0 {
            parts.push(format!(
                "{stale} done item{} stale (counted as open)",
                if stale == 1 { "" } else { "s" }
            ));
        }
        Some(parts.join("; "))
    }

    /// The summary facts: (label, value).
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let c = self.counts;
        let mut facts = vec![
            (
                "Items",
                format!(
                    "{} in all: {} open, {} in progress, {} done, {} accepted, {} not applicable",
                    c.total(),
                    c.open,
                    c.in_progress,
                    c.done,
                    c.accepted,
                    c.not_applicable
                ),
            ),
            ("Blocking gaps", c.blocking_gaps.to_string()),
        ];
        if let Some(line) = self.evidence_text() {
            facts.push(("Evidence", line));
        }
        facts.extend([
            ("Effort to ready", hours(self.effort_to_ready)),
            ("All open items", hours(self.effort_remaining)),
        ]);
        if let Some(d) = self.target_date {
            facts.push(("Target date", d.to_string()));
        }
        if let Some(f) = &self.forecast {
            facts.push(("Forecast", f.clone()));
        }
        if !self.phases.is_empty() {
            let plan: Vec<String> = self
                .phases
                .iter()
                .map(|p| {
                    format!(
                        "{} ({} of {} open{})",
                        p.name,
                        p.open,
                        p.items,
                        p.target_date
                            .map(|d| format!(", target {d}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            facts.push(("Plan", plan.join("; ")));
        }
        facts
    }

    /// Categories with their scores.
    pub fn categories_table(&self) -> Table {
        Table {
            columns: vec![
                ("Category", Col::Text, 4.0),
                ("Weight", Col::Num, 1.0),
                ("Computed", Col::Num, 1.3),
                ("Assessor", Col::Num, 1.3),
                ("Effective", Col::Num, 1.3),
                ("Previous", Col::Num, 1.3),
                ("Change", Col::Num, 1.1),
                ("Closed", Col::Num, 1.2),
            ],
            rows: self
                .categories
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.weight.to_string(),
                        score(c.computed),
                        score(c.assessor),
                        score(c.effective),
                        score(c.previous),
                        delta(c.delta),
                        format!("{}/{}", c.closed, c.total),
                    ]
                })
                .collect(),
        }
    }

    /// Open blocking items (no rows: nothing blocks).
    pub fn blocking_table(&self) -> Table {
        Table {
            columns: vec![
                ("Item", Col::Text, 5.0),
                ("Category", Col::Text, 2.6),
                ("Priority", Col::Text, 1.3),
                ("Owner", Col::Text, 1.8),
                ("Due", Col::Text, 1.8),
                ("Effort", Col::Num, 1.0),
            ],
            rows: self
                .items
                .iter()
                .filter(|i| i.is_blocking_gap())
                .map(|i| {
                    vec![
                        i.title.clone(),
                        i.category.clone(),
                        i.priority.label().to_owned(),
                        i.assignee.clone().unwrap_or_else(|| "Unassigned".into()),
                        match i.due_date {
                            Some(d) if i.overdue => format!("{d} (overdue)"),
                            Some(d) => d.to_string(),
                            None => DASH.into(),
                        },
                        hours(i.effort_hours.unwrap_or(0.0)),
                    ]
                })
                .collect(),
        }
    }

    /// Highest open risk per category: previous, now, target.
    pub fn risk_levels_table(&self) -> Table {
        Table {
            columns: vec![
                ("Category", Col::Text, 4.0),
                ("Previous", Col::Level, 1.0),
                ("Now", Col::Level, 1.0),
                ("Target", Col::Level, 1.0),
            ],
            rows: self
                .risk_by_category
                .iter()
                .map(|c| {
                    vec![
                        c.category.clone(),
                        level(c.previous).to_owned(),
                        level(c.current).to_owned(),
                        level(c.target).to_owned(),
                    ]
                })
                .collect(),
        }
    }

    /// The risk register, most serious first.
    pub fn register_table(&self) -> Table {
        Table {
            columns: vec![
                ("Risk", Col::Text, 4.0),
                ("Category", Col::Text, 2.2),
                ("Owner", Col::Text, 1.6),
                ("Status", Col::Text, 1.3),
                ("Level", Col::Level, 1.1),
                ("Target", Col::Level, 1.1),
            ],
            rows: self
                .risks
                .iter()
                .map(|r| {
                    vec![
                        r.title.clone(),
                        or_dash(r.category.as_deref()),
                        or_dash(r.owner.as_deref()),
                        r.status.label().to_owned(),
                        r.level.label().to_owned(),
                        r.target.label().to_owned(),
                    ]
                })
                .collect(),
        }
    }

    /// Open items by owner.
    pub fn owners_table(&self) -> Table {
        Table {
            columns: vec![
                ("Owner", Col::Text, 4.0),
                ("Open", Col::Num, 1.0),
                ("Blocking", Col::Num, 1.0),
                ("Effort", Col::Num, 1.0),
            ],
            rows: self
                .owners
                .iter()
                .map(|o| {
                    vec![
                        o.name.clone(),
                        o.open.to_string(),
                        o.blocking.to_string(),
                        hours(o.hours),
                    ]
                })
                .collect(),
        }
    }

    /// The comparison with the earlier review: heading, overall line, and one line a change.
    pub fn changes(&self) -> Option<(String, String, Vec<String>)> {
        let since = self.since.as_ref()?;
        let d = &since.diff;
        let overall = format!(
            "Overall {} → {} ({}); verdict {} → {}.",
            score(d.overall.0),
            score(d.overall.1),
            delta(d.overall_delta),
            d.verdict.0.label(),
            d.verdict.1.label()
        );
        let mut lines = Vec::new();
        for (label, list) in [("Fixed", &d.fixed), ("Regressed", &d.regressions)] {
            lines.extend(list.iter().map(|c| {
                format!(
                    "{label}: {} ({}), {} → {}",
                    c.item.title,
                    c.item.category,
                    c.from.label(),
                    c.to.label()
                )
            }));
        }
        lines.extend(
            d.new_items
                .iter()
                .map(|i| format!("New: {} ({})", i.title, i.category)),
        );
        lines.extend(
            d.removed_items
                .iter()
                .map(|i| format!("Removed: {} ({})", i.title, i.category)),
        );
        lines.extend(
            d.risk_changes
                .iter()
                .map(|r| format!("Risk {}: {} → {}", r.title, level(r.from), level(r.to))),
        );
        Some((format!("Changes since “{}”", since.title), overall, lines))
    }

    /// One line a sign-off, or none.
    pub fn signoff_lines(&self) -> Vec<String> {
        match &self.signed {
            Some((title, list)) => list
                .iter()
                .map(|s| {
                    let mut line = format!("{} signed “{title}” on {}", s.name, s.signed_at);
                    if !s.comment.is_empty() {
                        line.push_str(&format!(": {}", s.comment));
                    }
                    line
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// Per category: its heading ("Security — effective 60") and its items' table.
    pub fn checklist(&self) -> Vec<(String, Table)> {
        self.categories
            .iter()
            .zip(self.items_by_category())
            .map(|(c, items)| {
                (
                    format!("{} — effective {}", c.name, score(c.effective)),
                    Table {
                        columns: vec![
                            ("Item", Col::Text, 6.0),
                            ("Priority", Col::Text, 1.2),
                            ("Status", Col::Text, 1.8),
                            ("Blocking", Col::Text, 1.1),
                            ("Owner", Col::Text, 1.9),
                        ],
                        rows: items.iter().map(checklist_row).collect(),
                    },
                )
            })
            .collect()
    }

    /// The items of each category, in category order.
    pub fn items_by_category(&self) -> Vec<&[ReportItem]> {
        let mut out = Vec::with_capacity(self.categories.len());
        let mut at = 0usize;
        for c in &self.categories {
            let start = at;
            while self.items.get(at).is_some_and(|i| i.category == c.name) {
                at += 1;
            }
            out.push(self.items.get(start..at).unwrap_or_default());
        }
        out
    }
}

fn checklist_row(i: &ReportItem) -> Vec<String> {
    vec![
        i.title.clone(),
        i.priority.label().to_owned(),
        match (i.status, i.accepted_until) {
            (Status::AcceptedRisk, Some(d)) => format!("{} until {d}", i.status.label()),
            (s, _) => s.label().to_owned(),
        },
        if i.blocking { "Yes" } else { "" }.to_owned(),
        i.assignee.clone().unwrap_or_default(),
    ]
}
