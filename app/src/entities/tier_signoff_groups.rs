use sea_orm::entity::prelude::*;

/// A reviewer group whose sign-off a tier requires.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tier_signoff_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tier_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: i32,
}

impl ActiveModelBehavior for ActiveModel {}
