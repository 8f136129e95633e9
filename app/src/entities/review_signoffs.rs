use sea_orm::entity::prelude::*;

/// A team owner's sign-off of a final review.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_signoffs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub review_id: i32,
    pub user_id: Option<i32>,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub signed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
