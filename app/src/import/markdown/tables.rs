//! Tables: category scores and risk registers.

use super::*;

/// Index of the category this table row's name means: the same name, else the one category
/// whose name starts with it (or it with the category's) at a word boundary.
pub(super) fn find_category(categories: &[CategoryDoc], name: &str) -> Option<usize> {
    let key = name_key(name);
    if let Some(i) = categories.iter().position(|c| name_key(&c.name) == key) {
        return Some(i);
    }
    let prefix = |a: &str, b: &str| a.starts_with(b) && a[b.len()..].starts_with([' ', '&', '/']);
    let candidates: Vec<usize> = categories
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let k = name_key(&c.name);
            prefix(&k, &key) || prefix(&key, &k)
        })
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

pub(super) fn level_in(text: &str) -> Option<Level> {
    let lower = plain(text).to_lowercase();
    ["critical", "high", "medium", "low"]
        .iter()
        .find(|w| {
            lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|x| x == **w)
        })
        .and_then(|w| Level::parse(w))
}

/// A step of the default 5-step scale from a likelihood or impact word ("Medium" → 3).
pub(super) fn step_in(text: &str) -> Option<i32> {
    let t = plain(text).to_lowercase();
    let t = t.trim();
    Some(match t {
        _ if t.starts_with("very low") || t.starts_with("rare") || t.starts_with("negligible") => 1,
        _ if t.starts_with("very high")
            || t.starts_with("critical")
            || t.starts_with("almost certain")
            || t.starts_with("severe") =>
        {
            5
        }
        _ if t.starts_with("low") || t.starts_with("unlikely") || t.starts_with("minor") => 2,
        _ if t.starts_with("medium") || t.starts_with("moderate") || t.starts_with("possible") => 3,
        _ if t.starts_with("high") || t.starts_with("likely") || t.starts_with("major") => 4,
        _ => return None,
    })
}

/// A cell of the default 5 × 5 matrix at this level.
pub(super) fn cell_of(level: Level) -> (i32, i32) {
    match level {
        Level::Low => (1, 2),
        Level::Medium => (2, 3),
        Level::High => (3, 4),
        Level::Critical => (4, 5),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn read_table(
    header: &[String],
    rows: &[Vec<String>],
    line: usize,
    scores: &mut Vec<(String, i32)>,
    risks: &mut Vec<RiskDoc>,
    document_score: &mut Option<i32>,
    warnings: &mut Vec<String>,
) {
    let head: Vec<String> = header.iter().map(|h| plain(h).to_lowercase()).collect();
    let find = |word: &str| head.iter().position(|h| h.contains(word));
    let current = find("current");
    let has_risk = head.iter().any(|h| h.contains("risk"));
    if let (Some(current), true) = (current, has_risk) {
        let target = find("target");
        let previous = find("previous");
        let likelihood = find("likelihood").or_else(|| find("probability"));
        let impact = find("impact").or_else(|| find("severity"));
        let names_risks = head.first().is_some_and(|h| h.contains("risk"));
        for row in rows {
            let Some(name) = row.first().map(|n| clean_name(&plain(n))) else {
                continue;
            };
            let Some(now) = row.get(current).and_then(|c| level_in(c)) else {
                continue;
            };
            if name.is_empty() {
                continue;
            }
            let goal = target
                .and_then(|t| row.get(t))
                .and_then(|c| level_in(c))
                .unwrap_or(now);
            // Likelihood and impact columns, when the table has them, else the current level's
            // cell on the default matrix.
            let (l, i) = match (
                likelihood.and_then(|c| row.get(c)).and_then(|c| step_in(c)),
                impact.and_then(|c| row.get(c)).and_then(|c| step_in(c)),
            ) {
                (Some(l), Some(i)) => (l, i),
                _ => cell_of(now),
            };
            let (tl, ti) = cell_of(goal);
            let whole = row.join(" ").to_lowercase();
            let mut description = String::from("Imported from the document's risk table");
            if let Some(prev) = previous.and_then(|p| row.get(p)).and_then(|c| level_in(c)) {
                description.push_str(&format!(
                    "; previous level: {}",
                    prev.label().to_lowercase()
                ));
            }
            description.push('.');
            risks.push(RiskDoc {
                // Rows name a risk ("Risk" column), or an area whose risk it is.
                title: if names_risks {
                    truncate(&name, MAX_TITLE)
                } else {
                    truncate(&format!("{name} risk"), MAX_TITLE)
                },
                description,
                category: None,
                owner: None,
                status: if whole.contains("complete") || whole.contains('✓') {
                    RiskStatus::Closed
                } else {
                    RiskStatus::Open
                },
                likelihood: l,
                impact: i,
                target_likelihood: tl,
                target_impact: ti,
                items: Vec::new(),
            });
        }
        return;
    }
    let score_col = head
        .iter()
        .position(|h| h.contains("score") || h.contains("rating") || h.contains("grade"));
    let Some(score_col) = score_col else {
        warnings.push(format!(
            "Line {line}: a table without a score or risk column was skipped."
        ));
        return;
    };
    let name_col = usize::from(score_col == 0);
    for row in rows {
        let (Some(name), Some(cell)) = (row.get(name_col), row.get(score_col)) else {
            continue;
        };
        let name = clean_name(&NUMBERING.replace(&plain(name), ""));
        let Some(score) = score_in(cell) else {
            continue;
        };
        let lower = name.to_lowercase();
        if lower.contains("overall") || lower.contains("total") {
            document_score.get_or_insert(score);
        } else if !name.is_empty() {
            scores.push((name, score));
        }
    }
}
