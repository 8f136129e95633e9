use sea_orm::entity::prelude::*;

/// A set of requirements pushed into many projects, with a deadline.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// The team whose owners run it (its projects only); `None`: site-wide, run by site admins.
    pub team_id: Option<i32>,
    /// The category its items go into in each project (made when missing).
    pub category: String,
    pub deadline: Option<Date>,
    /// `open` or `closed`.
    pub state: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
