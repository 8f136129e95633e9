use sea_orm::entity::prelude::*;

/// A phase of a project's plan ("Week 1", "Before launch"): items are scheduled into at most
/// one. `version` guards concurrent edits.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "phases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub position: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub goal: String,
    pub target_date: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
