//! The rows a checklist, a score and the portfolio read of a project's items and categories,
//! and what scoring takes from them. Below every feature: it reads the database and nothing
//! else of the app.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use crate::{
    entities::{categories, items},
    error::AppError,
    scoring::{CategoryFacts, EvidenceKind, ItemFacts, Priority, Status},
};

/// What scoring reads of an item, from a whole row or from an [`ItemScoreRow`].
pub trait ScoredItem {
    /// Priority, status, blocking, effort and acceptance.
    fn facts(&self) -> ItemFacts;
    /// Its category.
    fn category(&self) -> i32;
    /// Due date.
    fn due(&self) -> Option<NaiveDate>;
    /// The item as a sign-off's fingerprint sees it on `today`.
    fn scope(&self, today: NaiveDate) -> crate::signoff::rules::ScopeItem<'_>;
}

/// Both row types carry the same scoring and filter columns under the same names.
macro_rules! scored_item {
    ($($row:ty),*) => {$(
        impl ScoredItem for $row {
            fn facts(&self) -> ItemFacts {
                ItemFacts {
                    priority: self.priority,
                    status: self.status,
                    blocking: self.blocking,
                    effort_hours: self.effort_hours,
                    accepted_until: self.accepted_until,
                    evidence: self.evidence_kind,
                    evidence_until: self.evidence_until,
                }
            }
            fn category(&self) -> i32 {
                self.category_id
            }
            fn due(&self) -> Option<NaiveDate> {
                self.due_date
            }
            fn scope(&self, today: NaiveDate) -> crate::signoff::rules::ScopeItem<'_> {
                crate::signoff::rules::ScopeItem {
                    id: self.id,
                    category_id: self.category_id,
                    title: &self.title,
                    priority: self.priority,
                    blocking: self.blocking,
                    status: self.facts().effective_status(today),
                }
            }
        }

        impl $row {
            /// What the checklist filter reads.
            pub(crate) fn filtered(&self) -> Filtered<'_> {
                Filtered {
                    status: self.status,
                    priority: self.priority,
                    assignee_id: self.assignee_id,
                    blocking: self.blocking,
                    title: &self.title,
                }
            }
        }
    )*};
}

scored_item!(items::Model, ItemScoreRow);

/// An item's columns that scores, verdicts and "my gaps" read. The long texts and the
/// timestamps stay unread, which matters where every item of every project is read (the
/// portfolio).
#[derive(Clone, Debug, sea_orm::DerivePartialModel)]
#[sea_orm(entity = "items::Entity")]
pub struct ItemScoreRow {
    /// Database id.
    pub id: i32,
    /// Its project.
    pub project_id: i32,
    /// Its category.
    pub category_id: i32,
    /// Title.
    pub title: String,
    /// Priority.
    pub priority: Priority,
    /// Blocks the release while a gap.
    pub blocking: bool,
    /// Status.
    pub status: Status,
    /// Accepted until.
    pub accepted_until: Option<NaiveDate>,
    /// Assignee.
    pub assignee_id: Option<i32>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Estimated hours.
    pub effort_hours: Option<f64>,
    /// For optimistic concurrency.
    pub version: i32,
    /// Who or what vouched for it, while done.
    pub evidence_kind: Option<EvidenceKind>,
    /// The last day its evidence holds.
    pub evidence_until: Option<NaiveDate>,
}

/// A row type a checklist is read as: whole rows for the API, [`ItemScoreRow`] for the pages.
pub trait ChecklistRow: ScoredItem + sea_orm::FromQueryResult + Send + Sync + Sized {
    /// The project's items in position order, as this type.
    fn select(project_id: i32) -> sea_orm::Selector<sea_orm::SelectModel<Self>>;
    /// The users the row names (assignee, last editor), for their names.
    fn mentions(&self) -> [Option<i32>; 2];
}

/// What the checklist filter reads of an item (the description only when searching).
pub struct Filtered<'a> {
    pub(crate) status: Status,
    pub(crate) priority: Priority,
    pub(crate) assignee_id: Option<i32>,
    pub(crate) blocking: bool,
    pub(crate) title: &'a str,
}

pub(crate) fn items_of(project_id: i32) -> sea_orm::Select<items::Entity> {
    items::Entity::find()
        .filter(items::Column::ProjectId.eq(project_id))
        .order_by_asc(items::Column::Position)
        .order_by_asc(items::Column::Id)
}

impl ChecklistRow for items::Model {
    fn select(project_id: i32) -> sea_orm::Selector<sea_orm::SelectModel<Self>> {
        items_of(project_id).into_model()
    }
    fn mentions(&self) -> [Option<i32>; 2] {
        [self.assignee_id, self.updated_by]
    }
}

impl ChecklistRow for ItemScoreRow {
    fn select(project_id: i32) -> sea_orm::Selector<sea_orm::SelectModel<Self>> {
        items_of(project_id).into_partial_model()
    }
    fn mentions(&self) -> [Option<i32>; 2] {
        [self.assignee_id, None]
    }
}

/// A project's categories and items, each in their list order (two queries).
pub async fn project_rows(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<(Vec<categories::Model>, Vec<items::Model>), AppError> {
    let cats = categories_of(db, project_id).await?;
    let rows = items::Model::select(project_id).all(db).await?;
    Ok((cats, rows))
}

/// A project's categories in their order.
pub(crate) async fn categories_of(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<Vec<categories::Model>, AppError> {
    Ok(categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project_id))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await?)
}

/// The scoring input of a project's categories and items (items of other categories ignored).
pub fn category_facts(cats: &[categories::Model], rows: &[impl ScoredItem]) -> Vec<CategoryFacts> {
    let mut by_category: HashMap<i32, Vec<ItemFacts>> = HashMap::new();
    for i in rows {
        by_category.entry(i.category()).or_default().push(i.facts());
    }
    cats.iter()
        .map(|c| CategoryFacts {
            weight: u32::try_from(c.weight).unwrap_or(0),
            assessor_score: c.assessor_score.and_then(|s| u8::try_from(s).ok()),
            items: by_category.remove(&c.id).unwrap_or_default(),
        })
        .collect()
}

/// Whether the item is a gap on `today` (open, in progress, or an expired acceptance), and
/// whether it is overdue.
pub fn gap_state(i: &impl ScoredItem, today: NaiveDate) -> (bool, bool) {
    let gap = i.facts().effective_status(today).is_gap();
    (gap, gap && i.due().is_some_and(|d| d < today))
}
