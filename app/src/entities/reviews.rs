use sea_orm::entity::prelude::*;

/// A review of a project: a draft, then final with a frozen snapshot.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub title: String,
    pub reviewer: String,
    pub review_date: Date,
    pub version_label: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// Stored as `draft` | `final`.
    pub status: crate::reviews::model::ReviewStatus,
    pub previous_id: Option<i32>,
    /// Versioned JSON snapshot (final reviews only); never rewritten.
    #[sea_orm(column_type = "Text", nullable)]
    pub snapshot: Option<String>,
    pub overall: Option<i32>,
    pub verdict: Option<String>,
    pub finalized_at: Option<DateTimeUtc>,
    pub finalized_by: Option<i32>,
    pub version: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
