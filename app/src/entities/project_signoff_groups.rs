use sea_orm::entity::prelude::*;

/// A reviewer group whose sign-off a project needs.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_signoff_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: i32,
}

impl ActiveModelBehavior for ActiveModel {}
