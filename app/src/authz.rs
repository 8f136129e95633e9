//! The one place that decides who may do what. Every server function, page loader and REST
//! handler calls one of these; none decides access by itself.
//!
//! Another team's project or team answers `NotFound` (its existence is not revealed); a missing
//! role inside one's own team answers `Forbidden`. Site admins act as owners everywhere.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    auth::model::AuthUser,
    entities::{projects, sessions, team_members},
    error::AppError,
    teams::model::{Permissions, TeamRole},
};

/// The user's role in a team, if a member.
pub async fn role_in_team(
    db: &impl ConnectionTrait,
    user_id: i32,
    team_id: i32,
) -> Result<Option<TeamRole>, AppError> {
    Ok(team_members::Entity::find_by_id((team_id, user_id))
        .one(db)
        .await?
        .and_then(|m| TeamRole::parse(&m.role)))
}

/// The user's memberships: team id → role.
pub async fn memberships(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<(i32, TeamRole)>, AppError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| TeamRole::parse(&m.role).map(|r| (m.team_id, r)))
        .collect())
}

/// The user's effective role for an existing team: site admins act as owners everywhere.
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

/// A set of teams: every team (site admins) or only some.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TeamScope {
    /// Every team.
    All,
    /// Only these team ids.
    Only(Vec<i32>),
}

impl TeamScope {
    /// True when the team is in the scope.
    pub fn contains(&self, team_id: i32) -> bool {
        match self {
            TeamScope::All => true,
            TeamScope::Only(ids) => ids.contains(&team_id),
        }
    }
}

/// The teams in which the user has at least `min`: what lists of teams and projects show.
/// Site admins: every team.
pub async fn teams_with_at_least(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    min: TeamRole,
) -> Result<TeamScope, AppError> {
    if user.is_admin {
        return Ok(TeamScope::All);
    }
    Ok(TeamScope::Only(
        memberships(db, user.id)
            .await?
            .into_iter()
            .filter(|(_, role)| *role >= min)
            .map(|(id, _)| id)
            .collect(),
    ))
}

/// What a role allows, for the UI to show only the controls the server will accept.
pub fn permissions(role: TeamRole) -> Permissions {
    Permissions {
        role,
        can_edit: role >= TeamRole::Editor,
        can_manage: role >= TeamRole::Owner,
    }
}

/// May see the team (member or admin); returns the role it is seen with. A team id that does
/// not exist is not found for admins too (it comes from the request, so it is checked).
pub async fn can_view_team(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
) -> Result<TeamRole, AppError> {
    if user.is_admin {
        use sea_orm::EntityTrait;
        crate::entities::teams::Entity::find_by_id(team_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    effective_team_role(db, user, team_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// May manage the team: rename, members and roles, moving projects (owner or admin).
pub async fn can_manage_team(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
) -> Result<(), AppError> {
    require_at_least(can_view_team(db, user, team_id).await?, TeamRole::Owner)
}

/// May remove `member_id` from the team: owners remove anyone, a member may leave.
pub async fn can_remove_member(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
    member_id: i32,
) -> Result<(), AppError> {
    let role = can_view_team(db, user, team_id).await?;
    if member_id == user.id {
        Ok(())
    } else {
        require_at_least(role, TeamRole::Owner)
    }
}

/// May see the project; returns the role it is seen with. Outside its team, a member of a
/// reviewer group the project requires reads it as a viewer (so they can review and sign).
pub async fn can_view_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
) -> Result<TeamRole, AppError> {
    // The project's team exists (foreign key): no need to look it up for admins.
    if let Some(role) = effective_team_role(db, user, project.team_id).await? {
        return Ok(role);
    }
    if crate::signoff::service::reviews_project(db, user.id, project).await? {
        return Ok(TeamRole::Viewer);
    }
    Err(AppError::NotFound)
}

/// May change the project's content (editor or owner).
pub async fn can_edit_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
) -> Result<(), AppError> {
    require_at_least(can_view_project(db, user, project).await?, TeamRole::Editor)
}

/// May comment on the project's items (every role, viewers included).
pub async fn can_comment_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
) -> Result<(), AppError> {
    can_view_project(db, user, project).await.map(|_| ())
}

/// May manage the project itself: settings, moving it to another team (owner).
pub async fn can_manage_project(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
) -> Result<(), AppError> {
    require_at_least(can_view_project(db, user, project).await?, TeamRole::Owner)
}

/// May create a project in the team (editor or owner there).
pub async fn can_create_project_in_team(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
) -> Result<(), AppError> {
    require_at_least(can_view_team(db, user, team_id).await?, TeamRole::Editor)
}

/// May change data through a REST API token: only a read-and-write token (never more than its
/// owner may, which the other checks decide).
pub fn can_write_with_token(scope: crate::account::model::TokenScope) -> Result<(), AppError> {
    if scope == crate::account::model::TokenScope::Write {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// May create teams: every signed-in user (they become its owner).
pub fn can_create_team(_user: &AuthUser) -> Result<(), AppError> {
    Ok(())
}

/// May administer the site: users, the audit log.
pub fn require_admin(user: &AuthUser) -> Result<(), AppError> {
    if user.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// May end this session: only one's own (another user's answers `NotFound`).
pub fn can_end_session(user: &AuthUser, session: &sessions::Model) -> Result<(), AppError> {
    if session.user_id == Some(user.id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
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

    #[test]
    fn only_a_read_and_write_token_writes() {
        use crate::account::model::TokenScope;
        assert_eq!(can_write_with_token(TokenScope::Write), Ok(()));
        assert_eq!(
            can_write_with_token(TokenScope::Read),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn permissions_follow_the_role() {
        let p = |r| {
            let p = permissions(r);
            (p.can_edit, p.can_manage)
        };
        assert_eq!(p(TeamRole::Viewer), (false, false));
        assert_eq!(p(TeamRole::Editor), (true, false));
        assert_eq!(p(TeamRole::Owner), (true, true));
    }

    #[test]
    fn only_admins_administer() {
        let mut user = AuthUser {
            id: 1,
            email: "a@example.com".into(),
            display_name: "A".into(),
            is_admin: false,
            must_change_password: false,
        };
        assert_eq!(require_admin(&user), Err(AppError::Forbidden));
        user.is_admin = true;
        assert_eq!(require_admin(&user), Ok(()));
    }
}
