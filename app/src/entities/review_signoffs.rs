use sea_orm::entity::prelude::*;

/// A sign-off of a final review: a team owner's, or a reviewer group member's for the group.
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
    /// The reviewer group it was given for; 0 for a team owner's own sign-off.
    pub group_id: i32,
    /// The fingerprint of the state it vouched for (group sign-offs; "" otherwise).
    pub scope: String,
}

impl ActiveModelBehavior for ActiveModel {}
