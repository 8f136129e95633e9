//! The one place that decides who may do what. Every server function, page loader and REST
//! handler calls one of these; none decides access by itself.
//!
//! Another team's project answers `NotFound` (its existence is not revealed); a missing role
//! inside one's own team answers `Forbidden`.

use sea_orm::ConnectionTrait;

use crate::{
    auth::model::AuthUser, entities::projects, error::AppError, teams::model::TeamRole,
    teams::service::role_in_team,
};

/// The user's effective role for a team: site admins act as owners everywhere.
pub async fn effective_team_role(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
) -> Result<Option<TeamRole>, AppError> {
    if user.is_admin {
        return Ok(Some(TeamRole::Owner));
    }
    role_in_team(db, user.id, team_id).await
}

/// May see the project; returns the role it is seen with.
pub async fn can_view_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
) -> Result<TeamRole, AppError> {
    effective_team_role(db, user, project.team_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// May change the project's content (editor or owner).
pub async fn can_edit_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
) -> Result<(), AppError> {
    require_at_least(can_view_project(db, user, project).await?, TeamRole::Editor)
}

/// May create a project in the team (editor or owner there).
pub async fn can_create_project_in_team(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
) -> Result<(), AppError> {
    let role = effective_team_role(db, user, team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_at_least(role, TeamRole::Editor)
}

fn require_at_least(role: TeamRole, needed: TeamRole) -> Result<(), AppError> {
    if role >= needed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_below_the_needed_one_are_forbidden() {
        assert_eq!(
            require_at_least(TeamRole::Viewer, TeamRole::Editor),
            Err(AppError::Forbidden)
        );
        assert_eq!(require_at_least(TeamRole::Editor, TeamRole::Editor), Ok(()));
        assert_eq!(require_at_least(TeamRole::Owner, TeamRole::Editor), Ok(()));
    }
}
