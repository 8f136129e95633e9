//! Reading back a Markdown report Preflight wrote itself.

use super::*;

/// Reads a Markdown report Preflight wrote (`report::markdown`): the H1 is the project, every
/// H3 under "## Checklist" a category, its first paragraph the weight and assessor score, and
/// every task-list item an item with its facts after the title. Everything else in the report
/// is derived from these and is not read.
pub(super) fn parse_report(blocks: &[Block]) -> Result<Parsed, String> {
    let mut doc = Document::new(String::new());
    let mut warnings = Vec::new();
    let mut in_checklist = false;
    let mut in_plan = false;
    let mut facts_read = false;
    for block in blocks {
        match block {
            Block::Heading { level: 1, text, .. } if doc.project.name.is_empty() => {
                doc.project.name = truncate(text.trim(), MAX_TITLE);
            }
            Block::Heading { level, text, .. } if *level <= 2 => {
                in_checklist = *level == 2 && text.trim() == report::CHECKLIST;
                in_plan = *level == 2 && text.trim() == report::PLAN;
            }
            Block::Heading { level: 3, text, .. } if in_plan => {
                doc.phases.push(crate::import::doc::PhaseDoc {
                    name: truncate(text.trim(), 120),
                    ..Default::default()
                });
            }
            Block::Para { text } if in_plan => {
                if let Some(p) = doc.phases.last_mut() {
                    let (facts, goal) = match text.split_once("goal: ") {
                        Some((f, g)) => (f, g.trim()),
                        None => (text.as_str(), ""),
                    };
                    p.goal = goal.to_owned();
                    for fact in facts.split(report::SEP).map(str::trim) {
                        if let Some(d) = fact.strip_prefix("target ") {
                            p.target_date = d.trim().parse().ok();
                        }
                    }
                }
            }
            Block::Heading { level: 3, text, .. } if in_checklist => {
                doc.categories
                    .push(CategoryDoc::new(truncate(text.trim(), MAX_CATEGORY)));
                facts_read = false;
            }
            Block::Para { text } if in_checklist && !facts_read => {
                if let Some(c) = doc.categories.last_mut() {
                    facts_read = true;
                    for fact in text.split(report::SEP).map(str::trim) {
                        if let Some(w) = fact.strip_prefix("Weight ") {
                            c.weight = w.trim().parse().unwrap_or(1);
                        } else if let Some(a) = fact.strip_prefix("assessor ") {
                            c.assessor_score = a.trim_end_matches("/100").trim().parse().ok();
                        }
                    }
                }
            }
            Block::Item {
                checked: Some(checked),
                text,
                line,
            } if in_checklist => {
                let Some(c) = doc.categories.last_mut() else {
                    continue;
                };
                match report_item(text, *checked) {
                    Some(item) => c.items.push(item),
                    None => {
                        warnings.push(format!("Line {line}: an item without a title was skipped."))
                    }
                }
            }
            _ => {}
        }
    }
    if doc.categories.is_empty() {
        return Err("This Preflight report has no checklist section.".into());
    }
    // A phase an item names that the plan section does not list is added (a report cut short).
    let named: Vec<String> = doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter().filter_map(|i| i.phase.clone()))
        .collect();
    for name in named {
        if !doc
            .phases
            .iter()
            .any(|p| name_key(&p.name) == name_key(&name))
        {
            doc.phases.push(crate::import::doc::PhaseDoc {
                name,
                ..Default::default()
            });
        }
    }
    if doc.project.name.is_empty() {
        doc.project.name = "Imported project".into();
    }
    Ok(Parsed {
        doc,
        warnings,
        document_score: None,
        ready_within_days: None,
    })
}

/// `**Title** — high · blocking · in progress · owner Ann · due 2026-12-01 · effort 4 h ·
/// reason: …` as an item.
pub(super) fn report_item(text: &str, checked: bool) -> Option<ItemDoc> {
    let rest = text.trim().strip_prefix("**")?;
    let (title, facts) = rest
        .rsplit_once("** — ")
        .or_else(|| rest.strip_suffix("**").map(|t| (t, "")))?;
    let title = title.trim();
    if title.is_empty() {
        return None;
    }
    let mut item = ItemDoc::new(truncate(title, MAX_TITLE));
    item.status = if checked { Status::Done } else { Status::Open };
    let (facts, reason) = match facts.split_once("reason: ") {
        Some((f, r)) => (f, r.trim()),
        None => (facts, ""),
    };
    item.status_reason = reason.to_owned();
    for fact in facts.split(report::SEP).map(str::trim) {
        if let Some(p) = Priority::parse(fact) {
            item.priority = p;
        } else if fact == "blocking" {
            item.blocking = Some(true);
        } else if fact == "not blocking" {
            item.blocking = Some(false);
        } else if fact == "in progress" {
            item.status = Status::InProgress;
        } else if fact == "not applicable" {
            item.status = Status::NotApplicable;
        } else if let Some(until) = fact.strip_prefix("accepted risk") {
            item.status = Status::AcceptedRisk;
            item.accepted_until = until
                .trim()
                .strip_prefix("until ")
                .and_then(|d| d.trim().parse().ok());
        } else if let Some(due) = fact.strip_prefix("due ") {
            item.due_date = due.split_whitespace().next().and_then(|d| d.parse().ok());
        } else if let Some(h) = fact.strip_prefix("effort ") {
            item.effort_hours = h.trim_end_matches(" h").trim().parse().ok();
        } else if let Some(p) = fact.strip_prefix("phase ") {
            item.phase = Some(p.trim().to_owned());
        }
    }
    Some(item)
}
