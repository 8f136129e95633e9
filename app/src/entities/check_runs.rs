use sea_orm::entity::prelude::*;

/// One result of a check (the last 100 are kept).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub check_id: i32,
    pub ok: bool,
    pub summary: String,
    pub url: String,
    pub latency_ms: Option<i32>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
