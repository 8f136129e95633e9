//! Per-process memos of what is computed from a project's items and categories. Each entry is
//! kept under the project's `score_revision`, which database triggers bump on every insert,
//! update or delete of the project's items or categories, whatever makes it (pages, API,
//! import, another server process, a manual fix). An entry is used only while the revision it
//! was made at is still the project's, so a memo never serves stale data; a memo only spares
//! reading and scoring rows that have not changed since the last view.
//!
//! A reader takes the project row (and its revision) first and the rows after: if a write lands
//! in between, the newer rows are kept under the older revision, which the next read no longer
//! matches. Stale in the safe direction only.

use std::{collections::HashMap, sync::Arc, sync::Mutex};

use chrono::NaiveDate;

use crate::{
    checklist::rows::ItemScoreRow,
    entities::{items, projects},
    projects::model::Standing,
};

/// Values per project, each under the key it was computed for. Holds at most `limit`
/// projects; past that it starts again empty (a memo, not a store).
#[derive(Debug)]
pub struct Keyed<K, V> {
    map: Mutex<HashMap<i32, (K, V)>>,
    limit: usize,
}

impl<K: PartialEq, V: Clone> Keyed<K, V> {
    fn new(limit: usize) -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
            limit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i32, (K, V)>> {
        // A panic while holding the lock cannot leave a half-written entry: take it anyway.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value kept for `project`, if it was made under `key`.
    pub fn get(&self, project: i32, key: &K) -> Option<V> {
        let map = self.lock();
        map.get(&project)
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value` for `project` under `key`.
    pub fn put(&self, project: i32, key: K, value: V) {
        let mut map = self.lock();
        if map.len() >= self.limit && !map.contains_key(&project) {
            map.clear();
        }
        map.insert(project, (key, value));
    }
}

/// A trend's key: the project's revision, and each final review's id and label.
pub type TrendKey = (i64, Vec<(i32, String)>);

/// The memos the server keeps (one per process, in `AppState`).
#[derive(Debug)]
pub struct ProjectMemo {
    /// The portfolio's standing of each project, under (revision, threshold, day).
    pub standings: Keyed<(i64, i32, NaiveDate), Standing>,
    /// The portfolio's forecast of each project, under (revision, project version, day).
    pub forecasts: Keyed<(i64, i32, NaiveDate), crate::forecast::Forecast>,
    /// A project's item rows as the pages read them, in checklist order (category, then
    /// position), under its revision.
    pub rows: Keyed<i64, Arc<Vec<ItemScoreRow>>>,
    /// The overview's trend of final reviews, under (revision, the final reviews' ids and
    /// labels).
    pub trends: Keyed<TrendKey, Arc<Vec<crate::reviews::model::TrendPoint>>>,
}

impl Default for ProjectMemo {
    fn default() -> Self {
        Self {
            // A few bytes each: every project of a large installation.
            standings: Keyed::new(100_000),
            // A few hundred bytes each (the reason is a sentence).
            forecasts: Keyed::new(100_000),
            // About 150 bytes an item: the checklists of the projects viewed most recently.
            rows: Keyed::new(256),
            // A point per final review, a score per category: a few KB a project.
            trends: Keyed::new(1_000),
        }
    }
}

/// Row types a project's checklist may be read as, and whether the memo keeps them: it keeps
/// [`ItemScoreRow`]s (the pages'), not whole rows (the API's).
pub trait Memoized: Sized {
    /// The project's rows as the memo kept them at its current revision, if it keeps this type.
    fn recall(_memo: &ProjectMemo, _project: &projects::Model) -> Option<Arc<Vec<Self>>> {
        None
    }
    /// Lets the memo keep the project's rows, if it keeps this type.
    fn keep(_memo: &ProjectMemo, _project: &projects::Model, _rows: &Arc<Vec<Self>>) {}
}

impl Memoized for items::Model {}

impl Memoized for ItemScoreRow {
    fn recall(memo: &ProjectMemo, project: &projects::Model) -> Option<Arc<Vec<Self>>> {
        memo.rows.get(project.id, &project.score_revision)
    }
    fn keep(memo: &ProjectMemo, project: &projects::Model, rows: &Arc<Vec<Self>>) {
        memo.rows
            .put(project.id, project.score_revision, rows.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_under_its_key_and_the_memo_stays_bounded() {
        let memo: Keyed<i64, &str> = Keyed::new(2);
        memo.put(1, 7, "seven");
        assert_eq!(memo.get(1, &7), Some("seven"));
        assert_eq!(memo.get(1, &8), None, "another revision");
        assert_eq!(memo.get(2, &7), None, "another project");
        memo.put(1, 8, "eight");
        assert_eq!(memo.get(1, &7), None, "replaced");
        memo.put(2, 1, "two");
        memo.put(3, 1, "three");
        assert_eq!(memo.get(3, &1), Some("three"));
        assert_eq!(
            (memo.get(1, &8), memo.get(2, &1)),
            (None, None),
            "started again"
        );
    }
}
