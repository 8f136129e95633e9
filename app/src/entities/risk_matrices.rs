use sea_orm::entity::prelude::*;

/// A project's risk matrix (JSON spec, see `risks::matrix`); no row means the default 5×5.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_matrices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    #[sea_orm(column_type = "Text")]
    pub spec: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
