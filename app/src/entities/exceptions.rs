use sea_orm::entity::prelude::*;

/// A request to accept a risk (or mark an item not applicable), and its decision.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exceptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub item_id: i32,
    /// The status asked for: `accepted_risk` or `not_applicable`.
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// The last day it would hold (accepted risks).
    pub until: Option<Date>,
    /// `pending`, `approved`, `declined` or `withdrawn`.
    pub state: String,
    pub requested_by: Option<i32>,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    #[sea_orm(belongs_to, from = "project_id", to = "id")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
