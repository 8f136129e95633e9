use sea_orm::entity::prelude::*;

/// A check that measures an item: a probe (`http`, `tls`, `dns`) run at an interval, or a `ci`
/// check that pipelines report to under its `key` (see `crate::checks`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub item_id: i32,
    pub kind: String,
    pub key: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub config: String,
    pub interval_seconds: i32,
    pub ttl_seconds: Option<i32>,
    pub enabled: bool,
    pub last_state: Option<String>,
    pub last_run_at: Option<DateTimeUtc>,
    pub next_run_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
