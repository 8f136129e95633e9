use sea_orm::entity::prelude::*;

/// A project a campaign applies to.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    pub added_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
