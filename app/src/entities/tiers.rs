use sea_orm::entity::prelude::*;

/// A launch tier: the sections, sign-offs and threshold a project on it requires.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub position: i32,
    pub threshold: i32,
    /// Template sections (category names) it requires, one per line; empty: all.
    #[sea_orm(column_type = "Text")]
    pub sections: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
