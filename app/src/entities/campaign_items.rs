use sea_orm::entity::prelude::*;

/// One requirement of a campaign.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub campaign_id: i32,
    pub position: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub priority: crate::scoring::Priority,
    pub blocking: bool,
}

impl ActiveModelBehavior for ActiveModel {}
