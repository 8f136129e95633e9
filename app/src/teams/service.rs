//! Team queries and membership changes. Every change checks `authz`, runs in one transaction and
//! writes its audit event there.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
    sea_query::Expr,
};
use std::collections::HashMap;

use super::model::{MemberView, ProjectLink, TeamChoice, TeamDetail, TeamRole, TeamSummary};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::{AuthUser, normalize_email},
    authz,
    entities::{projects, team_members, teams, users},
    error::{AppError, Validator},
};

/// Teams in which the user has at least `min` (every team for site admins), by name.
pub async fn teams_with_role(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    min: TeamRole,
) -> Result<Vec<TeamChoice>, AppError> {
    let scope = authz::teams_with_at_least(db, user, min).await?;
    let all = teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|t| scope.contains(t.id))
        .map(|t| TeamChoice {
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// Teams in which the user may create projects (editor or owner; every team for site admins).
pub async fn teams_where_user_can_create_projects(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> Result<Vec<TeamChoice>, AppError> {
    teams_with_role(db, user, TeamRole::Editor).await
}

/// Teams the user belongs to (all for site admins), with counts.
pub async fn list_visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> Result<Vec<TeamSummary>, AppError> {
    let mine = authz::memberships(db, user.id).await?;
    let visible = teams_with_role(db, user, TeamRole::Viewer).await?;
    let ids: Vec<i32> = visible.iter().map(|t| t.id).collect();
    // Counted by the database (a site admin's list covers every project of the instance).
    let members: HashMap<i32, i64> = team_members::Entity::find()
        .select_only()
        .column(team_members::Column::TeamId)
        .column_as(team_members::Column::UserId.count(), "n")
        .filter(team_members::Column::TeamId.is_in(ids.clone()))
        .group_by(team_members::Column::TeamId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let projects: HashMap<i32, i64> = projects::Entity::find()
        .select_only()
        .column(projects::Column::TeamId)
        .column_as(projects::Column::Id.count(), "n")
        .filter(projects::Column::TeamId.is_in(ids))
        .group_by(projects::Column::TeamId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let count = |m: &HashMap<i32, i64>, id: i32| {
        u64::try_from(m.get(&id).copied().unwrap_or(0)).unwrap_or(0)
    };
    Ok(visible
        .into_iter()
        .map(|t| TeamSummary {
            my_role: mine.iter().find(|(id, _)| *id == t.id).map(|(_, r)| *r),
            members: count(&members, t.id),
            projects: count(&projects, t.id),
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// One team with members and projects; `NotFound` unless the user may see it.
pub async fn detail(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team_id: i32,
) -> Result<TeamDetail, AppError> {
    let role = authz::can_view_team(db, user, team_id).await?;
    let team = teams::Entity::find_by_id(team_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut members: Vec<MemberView> = team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team_id))
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            Some(MemberView {
                user_id: u.id,
                email: u.email,
                display_name: u.display_name,
                role: TeamRole::parse(&m.role)?,
                disabled: u.is_disabled,
            })
        })
        .collect();
    members.sort_by(|a, b| {
        b.role
            .cmp(&a.role)
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    let projects = projects::Entity::find()
        .filter(projects::Column::TeamId.eq(team_id))
        .order_by_asc(projects::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| ProjectLink {
            slug: p.slug,
            name: p.name,
        })
        .collect();
    Ok(TeamDetail {
        id: team.id,
        name: team.name,
        permissions: authz::permissions(role),
        me: user.id,
        members,
        projects,
    })
}

fn check_team_name(name: &str) -> Result<String, AppError> {
    let name = name.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a team name.")
        .at_most(&name, 120, "name")
        .finish()?;
    Ok(name)
}

fn name_taken() -> AppError {
    AppError::field("name", "A team with this name exists.")
}

/// Creates a team; the creator becomes its owner. Returns the team id.
pub async fn create_team(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    name: &str,
) -> Result<i32, AppError> {
    authz::can_create_team(user)?;
    let name = check_team_name(name)?;
    let txn = crate::txn::begin(db).await?;
    if teams::Entity::find()
        .filter(teams::Column::Name.eq(&name))
        .count(&txn)
        .await?
        > 0
    {
        return Err(name_taken());
    }
    let now = Utc::now();
    let team = teams::ActiveModel {
        name: Set(name),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_or_internal(e, name_taken))?;
    team_members::ActiveModel {
        team_id: Set(team.id),
        user_id: Set(user.id),
        role: Set(TeamRole::Owner.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("team", team.id, "created")
            .team(team.id)
            .after(&serde_json::json!({ "name": team.name, "owner": user.email })),
    )
    .await?;
    txn.commit().await?;
    Ok(team.id)
}

/// Renames a team (owners).
pub async fn rename_team(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    team_id: i32,
    name: &str,
) -> Result<(), AppError> {
    authz::can_manage_team(db, user, team_id).await?;
    let name = check_team_name(name)?;
    let txn = crate::txn::begin(db).await?;
    let team = teams::Entity::find_by_id(team_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if team.name == name {
        return Ok(());
    }
    let before = serde_json::json!({ "name": team.name });
    let mut active = team.into_active_model();
    active.name = Set(name.clone());
    active
        .update(&txn)
        .await
        .map_err(|e| AppError::unique_or_internal(e, name_taken))?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("team", team_id, "renamed")
            .team(team_id)
            .before(&before)
            .after(&serde_json::json!({ "name": name })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Serialises membership changes of one team: every such transaction first writes the team row,
/// which PostgreSQL locks until commit (SQLite has one writer anyway). The "at least one owner"
/// check after it cannot race another change of the same team.
async fn lock_team(db: &impl ConnectionTrait, team_id: i32) -> Result<(), AppError> {
    let res = teams::Entity::update_many()
        .col_expr(teams::Column::Name, Expr::col(teams::Column::Name))
        .filter(teams::Column::Id.eq(team_id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn owner_count(db: &impl ConnectionTrait, team_id: i32) -> Result<u64, AppError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team_id))
        .filter(team_members::Column::Role.eq(TeamRole::Owner.as_str()))
        .count(db)
        .await?)
}

fn member_state(user: &users::Model, role: TeamRole) -> serde_json::Value {
    serde_json::json!({ "email": user.email, "role": role.as_str() })
}

/// Adds an existing account to the team by email (owners).
pub async fn add_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    team_id: i32,
    email: &str,
    role: TeamRole,
) -> Result<(), AppError> {
    authz::can_manage_team(db, user, team_id).await?;
    let email = normalize_email(email);
    let txn = crate::txn::begin(db).await?;
    lock_team(&txn, team_id).await?;
    let member = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "email",
                "No account has this email. An administrator can create it.",
            )
        })?;
    if team_members::Entity::find_by_id((team_id, member.id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::field("email", "Already a member of this team."));
    }
    team_members::ActiveModel {
        team_id: Set(team_id),
        user_id: Set(member.id),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::unique_or_internal(e, || {
            AppError::field("email", "Already a member of this team.")
        })
    })?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("team_member", format!("{team_id}:{}", member.id), "added")
            .team(team_id)
            .after(&member_state(&member, role)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn find_member(
    db: &impl ConnectionTrait,
    team_id: i32,
    user_id: i32,
) -> Result<(team_members::Model, users::Model, TeamRole), AppError> {
    let (m, u) = team_members::Entity::find_by_id((team_id, user_id))
        .find_also_related(users::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = u.ok_or(AppError::NotFound)?;
    let role = TeamRole::parse(&m.role)
        .ok_or_else(|| AppError::internal("team member", "unknown role in database"))?;
    Ok((m, u, role))
}

fn last_owner() -> AppError {
    AppError::Conflict("A team needs at least one owner: make someone else owner first.".to_owned())
}

/// Changes a member's role (owners). The last owner cannot be demoted.
pub async fn change_role(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    team_id: i32,
    member_id: i32,
    role: TeamRole,
) -> Result<(), AppError> {
    authz::can_manage_team(db, user, team_id).await?;
    let txn = crate::txn::begin(db).await?;
    lock_team(&txn, team_id).await?;
    let (m, member, old) = find_member(&txn, team_id, member_id).await?;
    if old == role {
        return Ok(());
    }
    if old == TeamRole::Owner && owner_count(&txn, team_id).await? <= 1 {
        return Err(last_owner());
    }
    let mut active = m.into_active_model();
    active.role = Set(role.as_str().to_owned());
    active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new(
            "team_member",
            format!("{team_id}:{member_id}"),
            "role_changed",
        )
        .team(team_id)
        .before(&member_state(&member, old))
        .after(&member_state(&member, role)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a member (owners), or the user leaves the team themselves. The last owner cannot go.
pub async fn remove_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    team_id: i32,
    member_id: i32,
) -> Result<(), AppError> {
    authz::can_remove_member(db, user, team_id, member_id).await?;
    let txn = crate::txn::begin(db).await?;
    lock_team(&txn, team_id).await?;
    let (_, member, old) = find_member(&txn, team_id, member_id).await?;
    if old == TeamRole::Owner && owner_count(&txn, team_id).await? <= 1 {
        return Err(last_owner());
    }
    team_members::Entity::delete_by_id((team_id, member_id))
        .exec(&txn)
        .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("team_member", format!("{team_id}:{member_id}"), "removed")
            .team(team_id)
            .before(&member_state(&member, old)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
