//! Team queries.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::model::{TeamChoice, TeamRole};
use crate::{
    auth::model::AuthUser,
    entities::{team_members, teams},
    error::AppError,
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

/// Teams in which the user may create projects (editor or owner; every team for site admins).
pub async fn teams_where_user_can_create_projects(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> Result<Vec<TeamChoice>, AppError> {
    let all = teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(db)
        .await?;
    let allowed: Vec<i32> = if user.is_admin {
        all.iter().map(|t| t.id).collect()
    } else {
        team_members::Entity::find()
            .filter(team_members::Column::UserId.eq(user.id))
            .filter(
                team_members::Column::Role
                    .is_in([TeamRole::Owner.as_str(), TeamRole::Editor.as_str()]),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.team_id)
            .collect()
    };
    Ok(all
        .into_iter()
        .filter(|t| allowed.contains(&t.id))
        .map(|t| TeamChoice {
            id: t.id,
            name: t.name,
        })
        .collect())
}
