//! The report as Markdown: readable as it is, and read back by the Markdown importer into the
//! same categories, items, statuses, priorities, weights and assessor scores. The first line
//! marks the file as a Preflight report, so the importer reads its checklist section strictly
//! instead of guessing (see `import::markdown::parse_report`).

use std::fmt::Write as _;

use super::{
    model::{self, Report, ReportItem},
    sections::{Col, Table},
};
use crate::scoring::Status;

/// The first line of every Markdown report.
pub const MARK: &str = "<!-- preflight:report v1 -->";
/// The heading of the checklist section the importer reads.
pub const CHECKLIST: &str = "Checklist";
/// The heading of the plan's phases, which the importer reads back.
pub const PLAN: &str = "Plan";
/// Separates an item's facts.
pub const SEP: &str = " · ";

/// Escapes text for a Markdown line: the characters that would start emphasis, links, code,
/// HTML or a table cell are backslashed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#' | '~'
        ) {
            out.push('\\');
        }
        // A line break would end the list item or the table row.
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// The facts after an item's title, as the importer reads them back.
pub fn item_facts(i: &ReportItem) -> String {
    let mut facts: Vec<String> = vec![i.priority.as_str().to_owned()];
    facts.push(
        if i.blocking {
            "blocking"
        } else {
            "not blocking"
        }
        .to_owned(),
    );
    match i.status {
        Status::InProgress => facts.push("in progress".to_owned()),
        Status::NotApplicable => facts.push("not applicable".to_owned()),
        Status::AcceptedRisk => facts.push(match i.accepted_until {
            Some(d) => format!("accepted risk until {d}"),
            None => "accepted risk".to_owned(),
        }),
        Status::Open | Status::Done => {}
    }
    if let Some(a) = &i.assignee {
        facts.push(format!("owner {}", escape(a)));
    }
    if let Some(d) = i.due_date {
        facts.push(format!(
            "due {d}{}",
            if i.overdue { " (overdue)" } else { "" }
        ));
    }
    if let Some(h) = i.effort_hours {
        facts.push(format!("effort {h} h"));
    }
    if let Some(p) = &i.phase {
        facts.push(format!("phase {}", escape(p)));
    }
    if !i.reason.is_empty() {
        facts.push(format!("reason: {}", escape(&i.reason)));
    }
    facts.join(SEP)
}

/// A Markdown table.
fn table(md: &mut String, t: &Table) {
    let head: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
    let rule: Vec<&str> = t
        .columns
        .iter()
        .map(|c| if c.1 == Col::Num { "---:" } else { "---" })
        .collect();
    let _ = writeln!(md, "| {} |\n|{}|", head.join(" | "), rule.join("|"));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
}

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "{MARK}\n\n# {}\n", escape(&report.name));
    let _ = writeln!(md, "{}.\n", escape(&report.subtitle()));

    let _ = writeln!(md, "## Summary\n");
    let _ = writeln!(md, "- Verdict: **{}**", report.verdict.label());
    let _ = writeln!(md, "- {}", report.overall_text());
    for (label, value) in report.facts() {
        let _ = writeln!(md, "- {label}: {}", escape(&value));
    }

    let _ = writeln!(md, "\n### Categories\n");
    table(&mut md, &report.categories_table());

    let _ = writeln!(md, "\n### Blocking gaps\n");
    let blocking = report.blocking_table();
    if blocking.rows.is_empty() {
        let _ = writeln!(md, "None: nothing blocks the release.");
    } else {
        table(&mut md, &blocking);
    }

    if !report.risks.is_empty() {
        let _ = writeln!(md, "\n### Highest open risk per category\n");
        table(&mut md, &report.risk_levels_table());
        let _ = writeln!(md, "\n### Risk register\n");
        table(&mut md, &report.register_table());
    }

    if let Some((title, overall, lines)) = report.changes() {
        let _ = writeln!(md, "\n### {}\n\n{}\n", escape(&title), escape(&overall));
        for line in lines {
            let _ = writeln!(md, "- {}", escape(&line));
        }
    }

    if !report.owners.is_empty() {
        let _ = writeln!(md, "\n### Open items by owner\n");
        table(&mut md, &report.owners_table());
    }

    let _ = writeln!(md, "\n### Sign-off\n");
    let signoffs = report.signoff_lines();
    if signoffs.is_empty() {
        let _ = writeln!(md, "Not signed off yet.");
    }
    for line in signoffs {
        let _ = writeln!(md, "- {}", escape(&line));
    }

    if !report.phases.is_empty() {
        let _ = writeln!(md, "\n## {PLAN}");
        for p in &report.phases {
            let _ = writeln!(md, "\n### {}\n", escape(&p.name));
            let mut facts = vec![format!("{} of {} items open", p.open, p.items)];
            if let Some(d) = p.target_date {
                facts.push(format!("target {d}"));
            }
            if !p.goal.is_empty() {
                facts.push(format!("goal: {}", escape(&p.goal)));
            }
            let _ = writeln!(md, "{}", facts.join(SEP));
        }
    }
    let _ = writeln!(md, "\n## {CHECKLIST}");
    for (c, items) in report.categories.iter().zip(report.items_by_category()) {
        let _ = writeln!(md, "\n### {}\n", escape(&c.name));
        let mut line = format!("Weight {}", c.weight);
        if let Some(a) = c.assessor {
            let _ = write!(line, "{SEP}assessor {a}/100");
        }
        let _ = writeln!(
            md,
            "{line}{SEP}computed {}{SEP}effective {}\n",
            model::score(c.computed),
            model::score(c.effective)
        );
        for i in items {
            let _ = writeln!(
                md,
                "- [{}] **{}** — {}",
                if i.status.is_credited() { 'x' } else { ' ' },
                escape(&i.title),
                item_facts(i)
            );
        }
    }
    md
}
