use sea_orm::entity::prelude::*;

/// A group of checklist items in a project, ordered by `position`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    pub position: i32,
    pub weight: i32,
    pub assessor_score: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub assessor_note: String,
    pub version: i32,
    /// How long its items' evidence holds (days), unless an item says otherwise.
    pub valid_for_days: Option<i32>,
    /// The reviewer group that owns it, if any.
    pub reviewer_group_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "project_id", to = "id")]
    pub project: BelongsTo<super::projects::Entity>,
    #[sea_orm(has_many)]
    pub items: HasMany<super::items::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
