//! Watching and muting projects and items: who hears of an item's changes and comments.
//!
//! An item's watchers are decided per person, most specific first: their own setting on the
//! item (watch or mute); else their setting on the project; else whether they hold the item
//! (assignee) or created it. Only active members of the project's team are told anything.

use std::collections::BTreeSet;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use super::model::WatchState;
use crate::{
    auth::model::AuthUser,
    entities::{item_watches, items, project_watches, projects, team_members, users},
    error::AppError,
    projects::access,
};

/// The people who hear of changes to `item` of `project`.
pub async fn item_watchers(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    item: &items::Model,
) -> Result<Vec<i32>, DbErr> {
    let on_item = item_watches::Entity::find()
        .filter(item_watches::Column::ItemId.eq(item.id))
        .all(db)
        .await?;
    let on_project = project_watches::Entity::find()
        .filter(project_watches::Column::ProjectId.eq(project.id))
        .all(db)
        .await?;
    let mut candidates: BTreeSet<i32> = [item.assignee_id, item.created_by]
        .into_iter()
        .flatten()
        .collect();
    candidates.extend(on_item.iter().map(|w| w.user_id));
    candidates.extend(on_project.iter().map(|w| w.user_id));
    let watching = candidates.into_iter().filter(|&user| {
        decide(
            on_item
                .iter()
                .find(|w| w.user_id == user)
                .map(|w| w.watching),
            on_project
                .iter()
                .find(|w| w.user_id == user)
                .map(|w| w.watching),
            item.assignee_id == Some(user) || item.created_by == Some(user),
        )
    });
    let watching: Vec<i32> = watching.collect();
    members_only(db, project.team_id, watching).await
}

/// Whether someone watches an item: their item setting, else their project setting, else
/// whether they hold or created it.
pub fn decide(on_item: Option<bool>, on_project: Option<bool>, holds: bool) -> bool {
    on_item.or(on_project).unwrap_or(holds)
}

/// The explicit watchers of `project` (for project-wide news: verdicts, reviews).
pub async fn project_watchers(
    db: &impl ConnectionTrait,
    project: &projects::Model,
) -> Result<Vec<i32>, DbErr> {
    let watching = project_watches::Entity::find()
        .filter(project_watches::Column::ProjectId.eq(project.id))
        .filter(project_watches::Column::Watching.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|w| w.user_id)
        .collect();
    members_only(db, project.team_id, watching).await
}

/// Those of `people` who are active members of `team`.
async fn members_only(
    db: &impl ConnectionTrait,
    team: i32,
    people: Vec<i32>,
) -> Result<Vec<i32>, DbErr> {
    if people.is_empty() {
        return Ok(people);
    }
    let members = team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team))
        .filter(team_members::Column::UserId.is_in(people))
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    Ok(members
        .into_iter()
        .filter_map(|(m, u)| u.filter(|u| !u.is_disabled).map(|_| m.user_id))
        .collect())
}

/// `user`'s own setting on project `slug` and, with `item`, on that item.
pub async fn watch_state(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    item: Option<i32>,
) -> Result<WatchState, AppError> {
    let project = access::project(db, user, slug).await?.project;
    let on_project = project_watches::Entity::find_by_id((user.id, project.id))
        .one(db)
        .await?
        .map(|w| w.watching);
    let (on_item, holds) = match item {
        Some(id) => {
            let item = item_of(db, &project, id).await?;
            let on_item = item_watches::Entity::find_by_id((user.id, id))
                .one(db)
                .await?
                .map(|w| w.watching);
            let holds = item.assignee_id == Some(user.id) || item.created_by == Some(user.id);
            (on_item, holds)
        }
        None => (None, false),
    };
    Ok(WatchState {
        on_project,
        on_item,
        watching: if item.is_some() {
            decide(on_item, on_project, holds)
        } else {
            on_project == Some(true)
        },
    })
}

async fn item_of(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    id: i32,
) -> Result<items::Model, AppError> {
    items::Entity::find_by_id(id)
        .filter(items::Column::ProjectId.eq(project.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Parses the form's choice: `watch`, `mute` or `default` (forget one's setting).
fn choice(watch: &str) -> Result<Option<bool>, AppError> {
    match watch {
        "watch" => Ok(Some(true)),
        "mute" => Ok(Some(false)),
        "default" => Ok(None),
        _ => Err(AppError::field("watch", "Choose watch, mute or default.")),
    }
}

/// Sets `user`'s watch on project `slug` or, with `item`, on that item of it. Anyone who sees
/// the project may watch it.
pub async fn set_watch(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    item: Option<i32>,
    watch: &str,
) -> Result<(), AppError> {
    let project = access::project(db, user, slug).await?.project;
    let choice = choice(watch)?;
    match item {
        Some(id) => {
            item_of(db, &project, id).await?;
            match choice {
                Some(watching) => {
                    item_watches::Entity::insert(item_watches::ActiveModel {
                        user_id: Set(user.id),
                        item_id: Set(id),
                        watching: Set(watching),
                    })
                    .on_conflict(
                        OnConflict::columns([
                            item_watches::Column::UserId,
                            item_watches::Column::ItemId,
                        ])
                        .update_column(item_watches::Column::Watching)
                        .to_owned(),
                    )
                    .exec(db)
                    .await?;
                }
                None => {
                    item_watches::Entity::delete_by_id((user.id, id))
                        .exec(db)
                        .await?;
                }
            }
        }
        None => match choice {
            Some(watching) => {
                project_watches::Entity::insert(project_watches::ActiveModel {
                    user_id: Set(user.id),
                    project_id: Set(project.id),
                    watching: Set(watching),
                })
                .on_conflict(
                    OnConflict::columns([
                        project_watches::Column::UserId,
                        project_watches::Column::ProjectId,
                    ])
                    .update_column(project_watches::Column::Watching)
                    .to_owned(),
                )
                .exec(db)
                .await?;
            }
            None => {
                project_watches::Entity::delete_by_id((user.id, project.id))
                    .exec(db)
                    .await?;
            }
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::decide;

    #[test]
    fn the_most_specific_setting_decides() {
        assert!(decide(None, None, true), "holders watch by default");
        assert!(!decide(None, None, false));
        assert!(
            !decide(None, Some(false), true),
            "a muted project silences what one holds"
        );
        assert!(
            decide(Some(true), Some(false), false),
            "an item watched in a muted project"
        );
        assert!(
            !decide(Some(false), Some(true), true),
            "an item muted in a watched project"
        );
        assert!(decide(None, Some(true), false));
    }
}
