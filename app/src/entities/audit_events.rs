use sea_orm::entity::prelude::*;

/// One change: who, when, which entity, and its state before and after (JSON). Never updated.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub created_at: DateTimeUtc,
    pub actor_id: Option<i32>,
    pub actor_email: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub team_id: Option<i32>,
    pub project_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
