//! The people of a team: who items and risks can be assigned to, and names for "changed by"
//! messages. Reads only; callers have checked access to the team's project.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::model::Person;
use crate::{
    entities::{team_members, users},
    error::AppError,
};

/// The members of a team, as people, by name (one query).
pub(crate) async fn members(
    db: &impl ConnectionTrait,
    team_id: i32,
) -> Result<Vec<Person>, AppError> {
    let mut people: Vec<Person> = team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team_id))
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, u)| u)
        .map(|u| Person {
            id: u.id,
            name: u.display_name,
        })
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(people)
}

/// The user ids of a team's members (one query).
pub(crate) async fn member_ids(
    db: &impl ConnectionTrait,
    team_id: i32,
) -> Result<Vec<i32>, AppError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team_id))
        .select_only()
        .column(team_members::Column::UserId)
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// The display name of user `id`, if there is one (for "changed by …" messages).
pub async fn display_name(
    db: &impl ConnectionTrait,
    id: Option<i32>,
) -> Result<Option<String>, AppError> {
    Ok(match id {
        Some(uid) => users::Entity::find_by_id(uid)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    })
}
