use sea_orm::entity::prelude::*;

/// A risk in a project's register.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub category_id: Option<i32>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub owner_id: Option<i32>,
    /// Stored as `open` | `mitigating` | `accepted` | `closed`.
    pub status: crate::risks::matrix::RiskStatus,
    pub likelihood: i32,
    pub impact: i32,
    pub target_likelihood: i32,
    pub target_impact: i32,
    pub version: i32,
    pub updated_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
