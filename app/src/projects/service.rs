//! Project queries and rules.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, TransactionSession, TransactionTrait, sea_query::Expr,
};

use super::model::{ProjectView, is_valid_slug, slugify};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    entities::{projects, teams},
    error::{AppError, Validator},
    teams::{model::TeamRole, service::teams_with_role},
};

/// A project as the audit log records it.
fn audit_state(p: &projects::Model) -> serde_json::Value {
    serde_json::json!({
        "team_id": p.team_id,
        "name": p.name,
        "slug": p.slug,
        "description": p.description,
        "threshold": p.threshold,
        "archived": p.archived,
    })
}

/// Input for editing a project's settings, as typed.
#[derive(Clone, Debug)]
pub struct ProjectEdit {
    /// Display name.
    pub name: String,
    /// Description (Markdown).
    pub description: String,
    /// Readiness threshold, 0–100.
    pub threshold: i32,
}

/// Changes a project's name, description and threshold (editors and owners) if it is still at
/// `version`, the one the user saw; returns the new version. An edit from an older copy is a
/// conflict, never an overwrite of what was saved in between.
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    version: i32,
    input: ProjectEdit,
) -> Result<i32, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let name = input.name.trim().to_owned();
    let description = input.description.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .at_most(&name, 120, "name")
        .at_most(&description, 10_000, "description")
        .check(
            !(0..=100).contains(&input.threshold),
            "threshold",
            "Use a whole number from 0 to 100.",
        )
        .check(
            project.tier_id.is_some() && input.threshold != project.threshold,
            "threshold",
            "The project's launch tier sets its threshold; change the tier instead.",
        )
        .finish()?;
    let txn = crate::txn::begin(db).await?;
    let changes = projects::Entity::update_many()
        .col_expr(projects::Column::Name, Expr::value(name))
        .col_expr(projects::Column::Description, Expr::value(description))
        .col_expr(projects::Column::Threshold, Expr::value(input.threshold))
        .col_expr(projects::Column::UpdatedAt, Expr::value(Utc::now()));
    let after = crate::txn::save(
        &txn,
        &Actor::from(user),
        project.id,
        version,
        changes,
        |after| {
            Event::new("project", after.id, "updated")
                .in_project(after)
                .before(&audit_state(&project))
                .after(&audit_state(after))
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// Moves a project to another team. The user must own both the project's team and the target.
pub async fn move_to_team(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    team_id: i32,
) -> Result<(), AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    let project = seen.project;
    authz::can_manage_team(db, user, team_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound | AppError::Forbidden => {
                AppError::field("team_id", "Choose a team you own.")
            }
            other => other,
        })?;
    if project.team_id == team_id {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    let before = audit_state(&project);
    let mut active = project.into_active_model();
    active.team_id = Set(team_id);
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", after.id, "moved")
            .team(team_id)
            .project(after.id)
            .before(&before)
            .after(&audit_state(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

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
    let seen = super::access::of(db, user, project).await?;
    let (project, role) = (seen.project, seen.role);
    let permissions = authz::permissions(role);
    let move_targets = if permissions.can_manage {
        teams_with_role(db, user, TeamRole::Owner)
            .await?
            .into_iter()
            .filter(|t| t.id != project.team_id)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ProjectView {
        slug: project.slug,
        name: project.name,
        team_name: team.map(|t| t.name).unwrap_or_default(),
        team_id: project.team_id,
        description: project.description,
        threshold: project.threshold,
        version: project.version,
        target_date: project.target_date,
        capacity_hours: project.capacity_hours,
        review_every_days: project.review_every_days,
        permissions,
        move_targets,
    })
}

/// A new project's fields, checked.
#[derive(Clone, Debug)]
pub(crate) struct CheckedProject {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub team_id: i32,
}

/// Checks a new project's fields (slug derived from the name when blank).
pub(crate) fn check_new(input: NewProject) -> Result<CheckedProject, AppError> {
    let name = input.name.trim().to_owned();
    let slug = match input.slug.trim() {
        "" => slugify(&name),
        s => s.to_owned(),
    };
    let description = input.description.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .at_most(&name, 120, "name")
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
        .at_most(&description, 10_000, "description")
        .finish()?;
    Ok(CheckedProject {
        name,
        slug,
        description,
        team_id: input.team_id,
    })
}

/// Inserts a checked project (in the caller's transaction) and records it. The caller has
/// checked that the user may create projects in the team.
pub(crate) async fn insert_project(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    p: CheckedProject,
) -> Result<projects::Model, AppError> {
    let taken = || AppError::field("slug", "This slug is already taken.");
    if projects::Entity::find()
        .filter(projects::Column::Slug.eq(&p.slug))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let now = Utc::now();
    let project = projects::ActiveModel {
        team_id: Set(p.team_id),
        name: Set(p.name),
        slug: Set(p.slug),
        description: Set(p.description),
        repository_url: Set(None),
        target_date: Set(None),
        threshold: Set(80),
        archived: Set(false),
        evidence_required: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| AppError::unique_or_internal(e, taken))?;
    record(
        txn,
        &Actor::from(user),
        Event::new("project", project.id, "created")
            .in_project(&project)
            .after(&audit_state(&project)),
    )
    .await?;
    Ok(project)
}

/// Creates a project in a team where the user is editor or owner. Returns its slug.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    input: NewProject,
) -> Result<String, AppError> {
    let checked = check_new(input)?;
    // Another team answers 404, a viewer's own team 403 (the picker offers neither).
    authz::can_create_project_in_team(db, user, checked.team_id).await?;
    let txn = crate::txn::begin(db).await?;
    let project = insert_project(&txn, user, checked).await?;
    txn.commit().await?;
    Ok(project.slug)
}
