use sea_orm::entity::prelude::*;

/// One person's channels for one kind of notification (absent: the kind's defaults).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_prefs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub inbox: bool,
    pub email: bool,
}

impl ActiveModelBehavior for ActiveModel {}
