use sea_orm::entity::prelude::*;

/// A system whose readiness is tracked; belongs to exactly one team.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub team_id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub repository_url: Option<String>,
    pub target_date: Option<Date>,
    pub threshold: i32,
    pub archived: bool,
    pub evidence_required: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Bumped by database triggers whenever the project's items or categories change.
    pub score_revision: i64,
    /// Bumped by every change to the name, description or threshold (the fields an edit sends
    /// whole): an edit from an older copy is refused.
    pub version: i32,
    /// The verdict last seen (`ready`, …), to notice a change once; `None` until first checked.
    pub last_verdict: Option<String>,
    /// Hours a week the team puts into readiness work; `None`: not said.
    pub capacity_hours: Option<i32>,
    /// A final review is due this many days after the last; `None`: no cadence.
    pub review_every_days: Option<i32>,
    /// Accepting a risk is a request someone else approves.
    pub approve_accepted_risk: bool,
    /// Marking an item not applicable is a request someone else approves.
    pub approve_not_applicable: bool,
    /// The longest an approved exception holds, in days.
    pub exception_max_days: i32,
    /// Its launch tier, if any.
    pub tier_id: Option<i32>,
    /// The reviewer group whose members approve its exception requests; `None`: the team's
    /// owners.
    pub exception_group_id: Option<i32>,
    #[sea_orm(belongs_to, from = "team_id", to = "id")]
    pub team: BelongsTo<super::teams::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
