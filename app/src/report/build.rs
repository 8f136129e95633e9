//! Building the report model: a pure function of a snapshot (live or frozen), the review it is
//! compared with and the details a snapshot does not keep. No database, no Leptos.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::model::{
    CategoryRisk, Heat, OwnerLoad, Report, ReportCategory, ReportItem, ReportRisk, ReviewRef, Since,
};
use crate::{
    reviews::{model::SignOff, snapshot::Snapshot, snapshot::diff},
    risks::matrix::{Level, RiskMatrix, RiskStatus},
};

/// Facts about an item that snapshots do not keep (taken from the live project by item id).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemDetail {
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Effort in hours.
    pub effort_hours: Option<f64>,
    /// Status reason.
    pub reason: String,
    /// Acceptance expiry.
    pub accepted_until: Option<NaiveDate>,
    /// Its plan phase's name.
    pub phase: Option<String>,
}

/// Facts about a live risk that snapshots do not keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskDetail {
    /// Owner's name.
    pub owner: Option<String>,
    /// Current cell (likelihood, impact).
    pub current: (i32, i32),
    /// Target cell.
    pub target: (i32, i32),
}

/// What a report is built from.
pub struct Sources<'a> {
    /// Name, slug, description, team name and target date.
    pub project: (&'a str, &'a str, &'a str, &'a str, Option<NaiveDate>),
    /// The final review shown, when the report is not live.
    pub review: Option<ReviewRef>,
    /// The project then (the review's snapshot) or now.
    pub snapshot: &'a Snapshot,
    /// The final review compared with: title and snapshot.
    pub previous: Option<(&'a str, &'a Snapshot)>,
    /// Item details by item id.
    pub items: &'a HashMap<i32, ItemDetail>,
    /// Live risk details by risk id, with the matrix (live reports only).
    pub risks: Option<(&'a HashMap<i32, RiskDetail>, &'a RiskMatrix)>,
    /// The review whose sign-offs are shown, and its sign-offs.
    pub signed: Option<(String, Vec<SignOff>)>,
}

const NO_CATEGORY: &str = "No category";

/// The report of `sources`.
pub fn build(sources: Sources<'_>) -> Report {
    let snap = sources.snapshot;
    let (name, slug, description, team, target_date) = sources.project;
    let previous = sources.previous.map(|(_, s)| s);
    let category_names: HashMap<i32, &str> = snap
        .categories
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let name_of = |id: Option<i32>| -> Option<String> {
        id.map(|id| {
            category_names
                .get(&id)
                .map_or_else(|| NO_CATEGORY.to_owned(), |n| (*n).to_owned())
        })
    };

    let categories = report_categories(snap, previous);

    let items: Vec<ReportItem> = snap
        .items
        .iter()
        .map(|i| {
            let detail = sources.items.get(&i.id).cloned().unwrap_or_default();
            ReportItem {
                category: name_of(Some(i.category_id)).unwrap_or_default(),
                title: i.title.clone(),
                priority: i.priority,
                status: i.status,
                blocking: i.blocking,
                assignee: i.assignee.clone(),
                due_date: detail.due_date,
                effort_hours: detail.effort_hours,
                overdue: i.status.is_gap() && detail.due_date.is_some_and(|d| d < snap.taken_on),
                reason: detail.reason,
                accepted_until: detail.accepted_until,
                phase: detail.phase,
            }
        })
        .collect();

    let previous_levels: HashMap<i32, Level> = previous
        .map(|p| p.risks.iter().map(|r| (r.id, r.level)).collect())
        .unwrap_or_default();
    let mut risks: Vec<ReportRisk> = snap
        .risks
        .iter()
        .map(|r| ReportRisk {
            title: r.title.clone(),
            category: name_of(r.category_id),
            owner: sources
                .risks
                .and_then(|(d, _)| d.get(&r.id))
                .and_then(|d| d.owner.clone()),
            status: r.status,
            level: r.level,
            target: r.target_level,
            previous: previous_levels.get(&r.id).copied(),
        })
        .collect();
    // Active risks first, then by level, highest first; the sort is stable.
    risks.sort_by_key(|r| (r.status == RiskStatus::Closed, std::cmp::Reverse(r.level)));

    let heat = sources
        .risks
        .map(|(details, matrix)| heat(snap, details, matrix));

    let risk_by_category = category_risks(snap, previous, &name_of);
    let owners = owners(&items);
    let since = sources.previous.map(|(title, p)| Since {
        title: title.to_owned(),
        diff: diff(p, snap),
    });

    Report {
        name: name.to_owned(),
        slug: slug.to_owned(),
        description: description.to_owned(),
        team: team.to_owned(),
        target_date,
        review: sources.review,
        as_of: snap.taken_on,
        overall: snap.overall,
        verdict: snap.verdict,
        threshold: snap.threshold,
        counts: snap.counts,
        evidence: snap.evidence,
        effort_to_ready: snap.effort_to_ready,
        effort_remaining: snap.effort_remaining,
        categories,
        items,
        risks,
        heat,
        risk_by_category,
        since,
        owners,
        signed: sources.signed,
        forecast: None,
        phases: Vec::new(),
    }
}

/// How many live risks sit in each cell of the matrix, now and at their targets.
fn heat(snap: &Snapshot, details: &HashMap<i32, RiskDetail>, matrix: &RiskMatrix) -> Heat {
    let (ls, is) = (matrix.likelihood_steps(), matrix.impact_steps());
    let mut current = vec![vec![0u32; is]; ls];
    let mut target = vec![vec![0u32; is]; ls];
    for r in snap.risks.iter().filter(|r| r.status != RiskStatus::Closed) {
        if let Some(d) = details.get(&r.id) {
            for (grid, (l, i)) in [(&mut current, d.current), (&mut target, d.target)] {
                let cell = usize::try_from(l - 1)
                    .ok()
                    .zip(usize::try_from(i - 1).ok())
                    .and_then(|(l, i)| grid.get_mut(l).and_then(|row| row.get_mut(i)));
                if let Some(cell) = cell {
                    *cell += 1;
                }
            }
        }
    }
    Heat {
        matrix: matrix.clone(),
        current,
        target,
    }
}

/// Each category's scores beside the previous review's, and its credited items.
fn report_categories(snap: &Snapshot, previous: Option<&Snapshot>) -> Vec<ReportCategory> {
    let previous_scores: HashMap<i32, Option<u8>> = previous
        .map(|p| p.categories.iter().map(|c| (c.id, c.effective)).collect())
        .unwrap_or_default();
    let mut per_category: HashMap<i32, (u32, u32)> = HashMap::new();
    for i in &snap.items {
        let e = per_category.entry(i.category_id).or_default();
        e.1 += 1;
        if i.status.is_credited() {
            e.0 += 1;
        }
    }
    snap.categories
        .iter()
        .map(|c| {
            let previous = previous_scores.get(&c.id).copied().flatten();
            let (closed, total) = per_category.get(&c.id).copied().unwrap_or_default();
            ReportCategory {
                name: c.name.clone(),
                weight: c.weight,
                computed: c.computed,
                assessor: c.assessor,
                effective: c.effective,
                previous,
                delta: c
                    .effective
                    .zip(previous)
                    .map(|(a, b)| i32::from(a) - i32::from(b)),
                closed,
                total,
            }
        })
        .collect()
}

/// Per category (in category order, then risks without one): the highest previous, current
/// and target level of its risks that are not closed.
fn category_risks(
    snap: &Snapshot,
    previous: Option<&Snapshot>,
    name_of: &dyn Fn(Option<i32>) -> Option<String>,
) -> Vec<CategoryRisk> {
    let current = snap.risk_levels_by_category();
    let before = previous
        .map(Snapshot::risk_levels_by_category)
        .unwrap_or_default();
    let mut target: HashMap<Option<i32>, Level> = HashMap::new();
    for r in snap.risks.iter().filter(|r| r.status != RiskStatus::Closed) {
        let e = target.entry(r.category_id).or_insert(r.target_level);
        *e = (*e).max(r.target_level);
    }
    snap.categories
        .iter()
        .map(|c| Some(c.id))
        .chain(std::iter::once(None))
        .filter(|id| current.contains_key(id) || before.contains_key(id))
        .map(|id| CategoryRisk {
            category: name_of(id).unwrap_or_else(|| NO_CATEGORY.to_owned()),
            previous: before.get(&id).copied(),
            current: current.get(&id).copied(),
            target: target.get(&id).copied(),
        })
        .collect()
}

/// Open gaps grouped by assignee, most first (then by name; "Unassigned" last among equals).
fn owners(items: &[ReportItem]) -> Vec<OwnerLoad> {
    let mut by_owner: Vec<OwnerLoad> = Vec::new();
    for i in items.iter().filter(|i| i.status.is_gap()) {
        let name = i.assignee.as_deref().unwrap_or("Unassigned");
        let at = match by_owner.iter().position(|o| o.name == name) {
            Some(at) => at,
            None => {
                by_owner.push(OwnerLoad {
                    name: name.to_owned(),
                    open: 0,
                    blocking: 0,
                    hours: 0.0,
                });
                by_owner.len() - 1
            }
        };
        let o = &mut by_owner[at];
        o.open += 1;
        o.blocking += u32::from(i.blocking);
        o.hours += i.effort_hours.unwrap_or(0.0);
    }
    by_owner.sort_by(|a, b| {
        b.open
            .cmp(&a.open)
            .then((a.name == "Unassigned").cmp(&(b.name == "Unassigned")))
            .then(a.name.cmp(&b.name))
    });
    by_owner
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
