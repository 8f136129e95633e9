use sea_orm::entity::prelude::*;

/// One notification in one person's inbox.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    pub project_id: Option<i32>,
    pub item_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub text: String,
    pub link: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// Listed in the inbox (the person may take this kind by mail only).
    pub shown: bool,
    /// Its mail: `None`, `queued`, `digest`, `sent`, `off` or `failed`.
    pub mail: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
