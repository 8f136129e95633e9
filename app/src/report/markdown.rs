//! The report as Markdown: readable as it is, and read back by the Markdown importer into the
//! same categories, items, statuses, priorities, weights and assessor scores. The first line
//! marks the file as a Preflight report, so the importer reads its checklist section strictly
//! instead of guessing (see `import::markdown::parse_report`).

use std::fmt::Write as _;

use super::model::{self, Report, ReportItem};
use crate::scoring::Status;

/// The first line of every Markdown report.
pub const MARK: &str = "<!-- preflight:report v1 -->";
/// The heading of the checklist section the importer reads.
pub const CHECKLIST: &str = "Checklist";
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
    if !i.reason.is_empty() {
        facts.push(format!("reason: {}", escape(&i.reason)));
    }
    facts.join(SEP)
}

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "{MARK}\n\n# {}\n", escape(&report.name));
    let as_of = match &report.review {
        Some(r) => format!(
            "as of the final review “{}”{} ({})",
            escape(&r.title),
            if r.label.is_empty() {
                String::new()
            } else {
                format!(" {}", escape(&r.label))
            },
            r.date
        ),
        None => format!("live on {}", report.as_of),
    };
    let _ = writeln!(
        md,
        "Readiness report of team {}, {as_of}.\n",
        escape(&report.team)
    );

    let _ = writeln!(md, "## Summary\n");
    let _ = writeln!(md, "- Verdict: **{}**", report.verdict.label());
    let _ = writeln!(
        md,
        "- Overall: {}/100 (ready at {})",
        model::score(report.overall),
        report.threshold
    );
    let c = &report.counts;
    let _ = writeln!(
        md,
        "- Items: {} in all; {} open, {} in progress, {} done, {} accepted, {} not applicable; {} blocking gaps",
        c.total(),
        c.open,
        c.in_progress,
        c.done,
        c.accepted,
        c.not_applicable,
        c.blocking_gaps
    );
    let _ = writeln!(
        md,
        "- Effort to ready: {}; all open items: {}",
        model::hours(report.effort_to_ready),
        model::hours(report.effort_remaining)
    );
    if let Some(d) = report.target_date {
        let _ = writeln!(md, "- Target date: {d}");
    }

    let _ = writeln!(md, "\n### Categories\n");
    let _ = writeln!(
        md,
        "| Category | Weight | Computed | Assessor | Effective | Previous | Change | Closed |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for c in &report.categories {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            escape(&c.name),
            c.weight,
            model::score(c.computed),
            model::score(c.assessor),
            model::score(c.effective),
            model::score(c.previous),
            model::delta(c.delta),
            c.closed,
            c.total
        );
    }

    let blocking: Vec<&ReportItem> = report
        .items
        .iter()
        .filter(|i| i.is_blocking_gap())
        .collect();
    let _ = writeln!(md, "\n### Blocking gaps\n");
    if blocking.is_empty() {
        let _ = writeln!(md, "None.");
    } else {
        let _ = writeln!(
            md,
            "| Item | Category | Priority | Owner | Due | Effort |\n|---|---|---|---|---|---:|"
        );
        for i in blocking {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {}{} | {} |",
                escape(&i.title),
                escape(&i.category),
                i.priority.label(),
                escape(i.assignee.as_deref().unwrap_or("Unassigned")),
                i.due_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                if i.overdue { " (overdue)" } else { "" },
                model::hours(i.effort_hours.unwrap_or(0.0))
            );
        }
    }

    if !report.risks.is_empty() {
        let _ = writeln!(md, "\n### Risks by category\n");
        let _ = writeln!(
            md,
            "| Category | Previous | Now | Target |\n|---|---|---|---|"
        );
        for r in &report.risk_by_category {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                escape(&r.category),
                model::level(r.previous),
                model::level(r.current),
                model::level(r.target)
            );
        }
        let _ = writeln!(md, "\n### Risk register\n");
        let _ = writeln!(
            md,
            "| Risk | Category | Owner | Status | Level | Target |\n|---|---|---|---|---|---|"
        );
        for r in &report.risks {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&r.title),
                escape(r.category.as_deref().unwrap_or("—")),
                escape(r.owner.as_deref().unwrap_or("—")),
                r.status.label(),
                r.level.label(),
                r.target.label()
            );
        }
    }

    if let Some(since) = &report.since {
        let d = &since.diff;
        let _ = writeln!(md, "\n### Changes since “{}”\n", escape(&since.title));
        let _ = writeln!(
            md,
            "- Overall: {} → {} ({})",
            model::score(d.overall.0),
            model::score(d.overall.1),
            model::delta(d.overall_delta)
        );
        for (label, list) in [("Fixed", &d.fixed), ("Regressed", &d.regressions)] {
            for c in list.iter() {
                let _ = writeln!(
                    md,
                    "- {label}: {} ({}), {} → {}",
                    escape(&c.item.title),
                    escape(&c.item.category),
                    c.from.label(),
                    c.to.label()
                );
            }
        }
        for i in &d.new_items {
            let _ = writeln!(md, "- New: {} ({})", escape(&i.title), escape(&i.category));
        }
        for i in &d.removed_items {
            let _ = writeln!(
                md,
                "- Removed: {} ({})",
                escape(&i.title),
                escape(&i.category)
            );
        }
        for r in &d.risk_changes {
            let _ = writeln!(
                md,
                "- Risk {}: {} → {}",
                escape(&r.title),
                model::level(r.from),
                model::level(r.to)
            );
        }
    }

    if !report.owners.is_empty() {
        let _ = writeln!(md, "\n### Open items by owner\n");
        let _ = writeln!(
            md,
            "| Owner | Open | Blocking | Effort |\n|---|---:|---:|---:|"
        );
        for o in &report.owners {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                escape(&o.name),
                o.open,
                o.blocking,
                model::hours(o.hours)
            );
        }
    }

    let _ = writeln!(md, "\n### Sign-off\n");
    match &report.signed {
        Some((title, signoffs)) if !signoffs.is_empty() => {
            for s in signoffs {
                let _ = writeln!(
                    md,
                    "- {} signed “{}” on {}{}",
                    escape(&s.name),
                    escape(title),
                    s.signed_at,
                    if s.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", escape(&s.comment))
                    }
                );
            }
        }
        _ => {
            let _ = writeln!(md, "Not signed off yet.");
        }
    }

    let _ = writeln!(md, "\n## {CHECKLIST}");
    let mut at = 0usize;
    for c in &report.categories {
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
        while let Some(i) = report.items.get(at).filter(|i| i.category == c.name) {
            let _ = writeln!(
                md,
                "- [{}] **{}** — {}",
                if matches!(i.status, Status::Done | Status::AcceptedRisk) {
                    'x'
                } else {
                    ' '
                },
                escape(&i.title),
                item_facts(i)
            );
            at += 1;
        }
    }
    md
}
