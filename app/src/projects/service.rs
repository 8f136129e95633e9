//! Project queries and rules.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::model::{ProjectSummary, ProjectView, is_valid_slug, slugify};
use crate::{
    auth::model::AuthUser,
    authz,
    entities::{projects, team_members, teams},
    error::{AppError, Validator},
};

/// Input for a new project, as typed.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// Display name.
    pub name: String,
    /// Slug; derived from the name when blank.
    pub slug: String,
    /// Description (Markdown).
    pub description: String,
    /// Owning team.
    pub team_id: i32,
}

/// Projects the user can see, by name.
pub async fn list_visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> Result<Vec<ProjectSummary>, AppError> {
    let mut query = projects::Entity::find()
        .find_also_related(teams::Entity)
        .filter(projects::Column::Archived.eq(false))
        .order_by_asc(projects::Column::Name);
    if !user.is_admin {
        let team_ids: Vec<i32> = team_members::Entity::find()
            .filter(team_members::Column::UserId.eq(user.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.team_id)
            .collect();
        query = query.filter(projects::Column::TeamId.is_in(team_ids));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|(p, t)| ProjectSummary {
            slug: p.slug,
            name: p.name,
            team_name: t.map(|t| t.name).unwrap_or_default(),
            description: p.description,
        })
        .collect())
}

/// The project with this slug, if the user may see it; `NotFound` otherwise.
pub async fn get_visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
) -> Result<ProjectView, AppError> {
    let (project, team) = projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .find_also_related(teams::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = authz::can_view_project(db, user, &project).await?;
    Ok(ProjectView {
        slug: project.slug,
        name: project.name,
        team_name: team.map(|t| t.name).unwrap_or_default(),
        description: project.description,
        threshold: project.threshold,
        role,
    })
}

/// Creates a project in a team where the user is editor or owner. Returns its slug.
pub async fn create(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    input: NewProject,
) -> Result<String, AppError> {
    let name = input.name.trim().to_owned();
    let slug = match input.slug.trim() {
        "" => slugify(&name),
        s => s.to_owned(),
    };
    let description = input.description.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .check(
            name.chars().count() > 120,
            "name",
            "Use at most 120 characters.",
        )
        .check(
            slug.is_empty(),
            "slug",
            "Enter a slug (lower-case letters, digits and hyphens).",
        )
        .check(
            !is_valid_slug(&slug),
            "slug",
            "Use lower-case letters, digits and single hyphens, at most 64 characters.",
        )
        .check(
            description.chars().count() > 10_000,
            "description",
            "Use at most 10,000 characters.",
        )
        .finish()?;
    authz::can_create_project_in_team(db, user, input.team_id)
        .await
        .map_err(|e| match e {
            // The picker only offers allowed teams; anything else is a bad choice, not a leak.
            AppError::NotFound | AppError::Forbidden => {
                AppError::field("team_id", "Choose one of your teams.")
            }
            other => other,
        })?;
    let taken = || AppError::field("slug", "This slug is already taken.");
    if projects::Entity::find()
        .filter(projects::Column::Slug.eq(&slug))
        .one(db)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let now = Utc::now();
    projects::ActiveModel {
        team_id: Set(input.team_id),
        name: Set(name),
        slug: Set(slug.clone()),
        description: Set(description),
        repository_url: Set(None),
        target_date: Set(None),
        threshold: Set(80),
        archived: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| AppError::unique_or_internal(e, taken))?;
    Ok(slug)
}
