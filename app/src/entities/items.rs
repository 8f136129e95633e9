use sea_orm::entity::prelude::*;

/// A checklist item ("a gap" while not done). `version` guards concurrent edits.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub category_id: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub priority: crate::scoring::Priority,
    pub blocking: bool,
    pub status: crate::scoring::Status,
    #[sea_orm(column_type = "Text")]
    pub status_reason: String,
    pub accepted_until: Option<Date>,
    pub assignee_id: Option<i32>,
    pub due_date: Option<Date>,
    #[sea_orm(column_type = "Double", nullable)]
    pub effort_hours: Option<f64>,
    pub evidence_url: String,
    #[sea_orm(column_type = "Text")]
    pub evidence_text: String,
    pub closed_by: Option<i32>,
    pub closed_at: Option<DateTimeUtc>,
    pub position: i32,
    pub version: i32,
    pub updated_by: Option<i32>,
    /// Who created it (watches it by default); `None` for items from before this was kept.
    pub created_by: Option<i32>,
    /// `attested`, `measured` or `ci` while done (see `crate::checklist::evidence`).
    pub evidence_kind: Option<crate::scoring::EvidenceKind>,
    pub evidence_at: Option<DateTimeUtc>,
    pub evidence_by: Option<i32>,
    /// The item's own "valid for" in days; `None`: its category's.
    pub valid_for_days: Option<i32>,
    /// The last day its evidence holds; past it a done item is stale.
    pub evidence_until: Option<Date>,
    /// The plan phase it is scheduled into, if any.
    pub phase_id: Option<i32>,
    /// The campaign item it was added for, if any.
    pub campaign_item_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "category_id", to = "id")]
    pub category: BelongsTo<super::categories::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
