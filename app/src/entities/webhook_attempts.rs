use sea_orm::entity::prelude::*;

/// One attempt at posting a message (the delivery log).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub message_id: i32,
    pub ok: bool,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    pub error: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
