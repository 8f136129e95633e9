use sea_orm::entity::prelude::*;

/// A checklist item that mitigates a risk.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub risk_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: i32,
    #[sea_orm(belongs_to, from = "item_id", to = "id")]
    pub item: HasOne<super::items::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
