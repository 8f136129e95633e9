use sea_orm::entity::prelude::*;

/// A team's saved project structure (Preflight JSON in `body`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub team_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub categories: i32,
    pub items: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "team_id", to = "id")]
    pub team: BelongsTo<super::teams::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
