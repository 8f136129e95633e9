use sea_orm::entity::prelude::*;

/// A comment on an item (Markdown source; rendered sanitized).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "item_comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub item_id: i32,
    pub author_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "author_id", to = "id")]
    pub author: HasOne<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
