//! Snapshots of a project (what a final review freezes) and the diff of two snapshots: pure
//! functions, no database, no Leptos. The live project becomes a snapshot the same way a review
//! does, so "since last review" is the same diff.
//!
//! Snapshots are stored as JSON carrying `format_version`; a later change of the schema adds a
//! new version and a reader for it, and never rewrites stored snapshots.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    risks::matrix::{Level, RiskMatrix, RiskStatus},
    scoring::{CategoryFacts, Counts, ItemFacts, Priority, Status, Verdict, score_project},
};

/// The snapshot format this code writes.
pub const FORMAT_VERSION: u32 = 1;

/// A project frozen at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Snapshot {
    /// Always [`FORMAT_VERSION`] when written by this code.
    pub format_version: u32,
    /// The day the scores were computed for (expired acceptances count as open).
    pub taken_on: NaiveDate,
    /// Overall score.
    pub overall: Option<u8>,
    /// Verdict.
    pub verdict: Verdict,
    /// The project's "ready" threshold then.
    pub threshold: u8,
    /// Hours of open blocking items.
    pub effort_to_ready: f64,
    /// Hours of every open item.
    pub effort_remaining: f64,
    /// Items by status.
    pub counts: Counts,
    /// The done weight by what vouched for it (snapshots from before evidence was kept: none).
    #[serde(default)]
    pub evidence: crate::scoring::EvidenceMix,
    /// Categories in order.
    pub categories: Vec<SnapCategory>,
    /// Items in category order.
    pub items: Vec<SnapItem>,
    /// Risks.
    pub risks: Vec<SnapRisk>,
}

/// A category in a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapCategory {
    /// Database id (how categories are matched across snapshots, so renames are seen).
    pub id: i32,
    /// Name then.
    pub name: String,
    /// Weight then.
    pub weight: u32,
    /// Assessor's score then.
    pub assessor: Option<u8>,
    /// Computed score.
    pub computed: Option<u8>,
    /// Effective score.
    pub effective: Option<u8>,
}

/// An item in a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapItem {
    /// Database id.
    pub id: i32,
    /// Its category's id.
    pub category_id: i32,
    /// Title then.
    pub title: String,
    /// Priority then.
    pub priority: Priority,
    /// Blocking then.
    pub blocking: bool,
    /// The status that counted then.
    pub status: Status,
    /// Assignee's name then.
    pub assignee: Option<String>,
}

/// A risk in a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapRisk {
    /// Database id.
    pub id: i32,
    /// Title then.
    pub title: String,
    /// Its category's id.
    pub category_id: Option<i32>,
    /// Status then.
    pub status: RiskStatus,
    /// Current level then.
    pub level: Level,
    /// Target level then.
    pub target_level: Level,
}

/// A category as the database has it now.
#[derive(Clone, Debug)]
pub struct LiveCategory {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Weight.
    pub weight: u32,
    /// Assessor's score.
    pub assessor: Option<u8>,
}

/// An item as the database has it now.
#[derive(Clone, Debug)]
pub struct LiveItem {
    /// Id.
    pub id: i32,
    /// Category id.
    pub category_id: i32,
    /// Title.
    pub title: String,
    /// Scoring facts (priority, stored status, blocking, effort, expiry).
    pub facts: ItemFacts,
    /// Assignee's name.
    pub assignee: Option<String>,
}

/// A risk as the database has it now.
#[derive(Clone, Debug)]
pub struct LiveRisk {
    /// Id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Category id.
    pub category_id: Option<i32>,
    /// Status.
    pub status: RiskStatus,
    /// Current cell.
    pub current: (i32, i32),
    /// Target cell.
    pub target: (i32, i32),
}

/// The snapshot of a project on `today`.
pub fn take(
    today: NaiveDate,
    threshold: u8,
    categories: &[LiveCategory],
    items: &[LiveItem],
    risks: &[LiveRisk],
    matrix: &RiskMatrix,
) -> Snapshot {
    let mut by_category: HashMap<i32, Vec<&LiveItem>> = HashMap::new();
    for i in items {
        by_category.entry(i.category_id).or_default().push(i);
    }
    let facts: Vec<CategoryFacts> = categories
        .iter()
        .map(|c| CategoryFacts {
            weight: c.weight,
            assessor_score: c.assessor,
            items: by_category
                .get(&c.id)
                .map(|v| v.iter().map(|i| i.facts).collect())
                .unwrap_or_default(),
        })
        .collect();
    let score = score_project(&facts, threshold, today);
    let snap_categories = categories
        .iter()
        .zip(&score.categories)
        .map(|(c, s)| SnapCategory {
            id: c.id,
            name: c.name.clone(),
            weight: c.weight,
            assessor: c.assessor,
            computed: s.computed,
            effective: s.effective,
        })
        .collect();
    let snap_items = categories
        .iter()
        .flat_map(|c| by_category.get(&c.id).into_iter().flatten())
        .map(|i| SnapItem {
            id: i.id,
            category_id: i.category_id,
            title: i.title.clone(),
            priority: i.facts.priority,
            blocking: i.facts.blocking,
            status: i.facts.effective_status(today),
            assignee: i.assignee.clone(),
        })
        .collect();
    let snap_risks = risks
        .iter()
        .map(|r| SnapRisk {
            id: r.id,
            title: r.title.clone(),
            category_id: r.category_id,
            status: r.status,
            level: matrix.level(r.current.0, r.current.1),
            target_level: matrix.level(r.target.0, r.target.1),
        })
        .collect();
    Snapshot {
        format_version: FORMAT_VERSION,
        taken_on: today,
        overall: score.overall,
        verdict: score.verdict,
        threshold,
        effort_to_ready: score.effort_to_ready,
        effort_remaining: score.effort_remaining,
        counts: score.counts,
        evidence: score.evidence,
        categories: snap_categories,
        items: snap_items,
        risks: snap_risks,
    }
}

impl Snapshot {
    /// The name of category `id` in this snapshot.
    pub fn category_name(&self, id: i32) -> String {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    /// Highest level among risks that were not closed, per category id (`None`: no category).
    pub fn risk_levels_by_category(&self) -> HashMap<Option<i32>, Level> {
        let mut out: HashMap<Option<i32>, Level> = HashMap::new();
        for r in self.risks.iter().filter(|r| r.status != RiskStatus::Closed) {
            let e = out.entry(r.category_id).or_insert(r.level);
            *e = (*e).max(r.level);
        }
        out
    }
}

/// How one category's effective score moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryDelta {
    /// Category id.
    pub id: i32,
    /// Name in the newer snapshot (or the older one when it was removed).
    pub name: String,
    /// Name in the older snapshot, when it was renamed.
    pub renamed_from: Option<String>,
    /// Effective score before (none when new or without a score).
    pub before: Option<u8>,
    /// Effective score after (none when removed or without a score).
    pub after: Option<u8>,
    /// `after - before`, when both exist.
    pub delta: Option<i32>,
    /// Only in the newer snapshot.
    pub added: bool,
    /// Only in the older snapshot.
    pub removed: bool,
}

/// An item named in a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemRef {
    /// Item id.
    pub id: i32,
    /// Title (in the newer snapshot when it is there).
    pub title: String,
    /// Category name.
    pub category: String,
    /// Priority.
    pub priority: Priority,
}

/// An item whose status or priority moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemChange<T> {
    /// The item.
    pub item: ItemRef,
    /// Before.
    pub from: T,
    /// After.
    pub to: T,
}

/// A risk whose level moved (`None`: the risk did not exist on that side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskChange {
    /// Risk id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Level before.
    pub from: Option<Level>,
    /// Level after.
    pub to: Option<Level>,
}

/// What changed between two snapshots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Diff {
    /// Overall before and after.
    pub overall: (Option<u8>, Option<u8>),
    /// `after - before`, when both exist.
    pub overall_delta: Option<i32>,
    /// Verdict before and after.
    pub verdict: (Verdict, Verdict),
    /// Per category, newer order first, then removed ones.
    pub categories: Vec<CategoryDelta>,
    /// Gaps that became done or accepted.
    pub fixed: Vec<ItemChange<Status>>,
    /// Done or accepted items that became gaps again.
    pub regressions: Vec<ItemChange<Status>>,
    /// Items only in the newer snapshot.
    pub new_items: Vec<ItemRef>,
    /// Items only in the older snapshot (deleted).
    pub removed_items: Vec<ItemRef>,
    /// Items whose priority changed.
    pub priority_changes: Vec<ItemChange<Priority>>,
    /// Risks whose level changed, appeared or went away.
    pub risk_changes: Vec<RiskChange>,
}

impl Diff {
    /// Nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.overall.0 == self.overall.1
            && self.verdict.0 == self.verdict.1
            && self
                .categories
                .iter()
                .all(|c| !c.added && !c.removed && c.renamed_from.is_none() && c.before == c.after)
            && self.fixed.is_empty()
            && self.regressions.is_empty()
            && self.new_items.is_empty()
            && self.removed_items.is_empty()
            && self.priority_changes.is_empty()
            && self.risk_changes.is_empty()
    }
}

fn delta(before: Option<u8>, after: Option<u8>) -> Option<i32> {
    Some(i32::from(after?) - i32::from(before?))
}

/// What changed from `old` to `new`. Categories, items and risks are matched by id, so a
/// renamed category or item is the same one.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Diff {
    let old_cats: HashMap<i32, &SnapCategory> = old.categories.iter().map(|c| (c.id, c)).collect();
    let new_cat_ids: HashMap<i32, &SnapCategory> =
        new.categories.iter().map(|c| (c.id, c)).collect();
    let mut categories: Vec<CategoryDelta> = new
        .categories
        .iter()
        .map(|c| {
            let before = old_cats.get(&c.id);
            CategoryDelta {
                id: c.id,
                name: c.name.clone(),
                renamed_from: before.filter(|b| b.name != c.name).map(|b| b.name.clone()),
                before: before.and_then(|b| b.effective),
                after: c.effective,
                delta: delta(before.and_then(|b| b.effective), c.effective),
                added: before.is_none(),
                removed: false,
            }
        })
        .collect();
    categories.extend(
        old.categories
            .iter()
            .filter(|c| !new_cat_ids.contains_key(&c.id))
            .map(|c| CategoryDelta {
                id: c.id,
                name: c.name.clone(),
                renamed_from: None,
                before: c.effective,
                after: None,
                delta: None,
                added: false,
                removed: true,
            }),
    );

    let old_items: HashMap<i32, &SnapItem> = old.items.iter().map(|i| (i.id, i)).collect();
    let new_item_ids: HashMap<i32, &SnapItem> = new.items.iter().map(|i| (i.id, i)).collect();
    let item_ref = |s: &Snapshot, i: &SnapItem| ItemRef {
        id: i.id,
        title: i.title.clone(),
        category: s.category_name(i.category_id),
        priority: i.priority,
    };
    let (mut fixed, mut regressions, mut new_items, mut priority_changes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in &new.items {
        let Some(before) = old_items.get(&i.id) else {
            new_items.push(item_ref(new, i));
            continue;
        };
        if before.status.is_gap() && i.status.is_credited() {
            fixed.push(ItemChange {
                item: item_ref(new, i),
                from: before.status,
                to: i.status,
            });
        } else if before.status.is_credited() && i.status.is_gap() {
            regressions.push(ItemChange {
                item: item_ref(new, i),
                from: before.status,
                to: i.status,
            });
        }
        if before.priority != i.priority {
            priority_changes.push(ItemChange {
                item: item_ref(new, i),
                from: before.priority,
                to: i.priority,
            });
        }
    }
    let removed_items = old
        .items
        .iter()
        .filter(|i| !new_item_ids.contains_key(&i.id))
        .map(|i| item_ref(old, i))
        .collect();

    let old_risks: HashMap<i32, &SnapRisk> = old.risks.iter().map(|r| (r.id, r)).collect();
    let new_risk_ids: HashMap<i32, &SnapRisk> = new.risks.iter().map(|r| (r.id, r)).collect();
    let mut risk_changes: Vec<RiskChange> = new
        .risks
        .iter()
        .filter_map(|r| {
            let before = old_risks.get(&r.id).map(|b| b.level);
            (before != Some(r.level)).then(|| RiskChange {
                id: r.id,
                title: r.title.clone(),
                from: before,
                to: Some(r.level),
            })
        })
        .collect();
    risk_changes.extend(
        old.risks
            .iter()
            .filter(|r| !new_risk_ids.contains_key(&r.id))
            .map(|r| RiskChange {
                id: r.id,
                title: r.title.clone(),
                from: Some(r.level),
                to: None,
            }),
    );

    Diff {
        overall: (old.overall, new.overall),
        overall_delta: delta(old.overall, new.overall),
        verdict: (old.verdict, new.verdict),
        categories,
        fixed,
        regressions,
        new_items,
        removed_items,
        priority_changes,
        risk_changes,
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
