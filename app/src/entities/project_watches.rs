use sea_orm::entity::prelude::*;

/// A person watching (`watching`) or muting a project.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_watches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    pub watching: bool,
}

impl ActiveModelBehavior for ActiveModel {}
