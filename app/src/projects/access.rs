//! The one way to reach a project, or an item, category, risk or review of one, for a user.
//! Each loader finds the object and its project and asks for the user's role once; what it
//! returns carries that role, so "may they edit?" is a method call, not another query.
//!
//! Another team's object answers `NotFound` (its existence is not revealed); a role too low
//! inside one's own team answers `Forbidden` (see [`crate::authz`]).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    auth::model::AuthUser,
    authz,
    entities::{categories, items, projects},
    error::AppError,
    teams::model::{Permissions, TeamRole},
};

/// A project the user may see, and the role they see it with.
#[derive(Clone, Debug)]
pub struct ProjectAccess {
    /// The project.
    pub project: projects::Model,
    /// The user's role in its team (site admins: owner).
    pub role: TeamRole,
}

impl ProjectAccess {
    /// `Forbidden` unless the role is at least `min`.
    pub fn require(&self, min: TeamRole) -> Result<(), AppError> {
        if self.role >= min {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// May change the project's content (editor or owner).
    pub fn require_edit(&self) -> Result<(), AppError> {
        self.require(TeamRole::Editor)
    }

    /// May manage the project itself (owner).
    pub fn require_manage(&self) -> Result<(), AppError> {
        self.require(TeamRole::Owner)
    }

    /// What the role allows, for the UI.
    pub fn permissions(&self) -> Permissions {
        authz::permissions(self.role)
    }
}

/// Finds a project by slug, without any access check: for callers that check through
/// [`project`] or `authz` next (or act for no user: exports from the command line).
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<projects::Model, AppError> {
    projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Project `project` as this user sees it (one role query).
pub async fn of(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: projects::Model,
) -> Result<ProjectAccess, AppError> {
    let role = authz::can_view_project(db, user, &project).await?;
    Ok(ProjectAccess { project, role })
}

/// The project with this slug, if the user may see it.
pub async fn project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
) -> Result<ProjectAccess, AppError> {
    of(db, user, find_by_slug(db, slug).await?).await
}

/// The project with this id, if the user may see it.
pub async fn project_by_id(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<ProjectAccess, AppError> {
    let project = projects::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    of(db, user, project).await
}

/// An item, if the user may see its project.
pub async fn item(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(items::Model, ProjectAccess), AppError> {
    let item = items::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = project_by_id(db, user, item.project_id).await?;
    Ok((item, access))
}

/// A category, if the user may see its project.
pub async fn category(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(categories::Model, ProjectAccess), AppError> {
    let category = categories::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = project_by_id(db, user, category.project_id).await?;
    Ok((category, access))
}

/// The project with this id, if the user may see it (`NotFound` otherwise).
pub async fn visible_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project_id: i32,
) -> Result<projects::Model, AppError> {
    Ok(project_by_id(db, user, project_id).await?.project)
}

/// An item and its project, if the user may see the project.
pub async fn item_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(items::Model, projects::Model), AppError> {
    let (item, access) = item(db, user, id).await?;
    Ok((item, access.project))
}
