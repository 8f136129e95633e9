//! Exception requests: made by an item write (`checklist::service::write_item`), decided by an
//! approver, listed across the viewer's teams.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait, sea_query::Expr,
};

use super::{
    model::ExceptionView,
    rules::{Refusal, is_approver, is_expiring, may_decide},
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    entities::{
        exceptions, items, projects, reviewer_group_members, reviewer_groups, team_members, users,
    },
    error::AppError,
    inbox::service::{Notice, notify},
    scoring::Status,
    teams::model::TeamRole,
};

/// Pending; the other states are `approved`, `declined` and `withdrawn`.
pub const PENDING: &str = "pending";

/// What an item write asked for, held back for approval.
#[derive(Clone, Debug)]
pub struct Requested {
    /// `AcceptedRisk` or `NotApplicable`.
    pub status: Status,
    /// The reason given.
    pub reason: String,
    /// The expiry asked for.
    pub until: Option<NaiveDate>,
}

/// Records a request for `item_id` (an earlier pending one is withdrawn), audits it and tells
/// its approvers (not the requester). Part of the item write's transaction.
pub async fn request(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    item_id: i32,
    asked: Requested,
) -> Result<(), AppError> {
    let now = Utc::now();
    exceptions::Entity::update_many()
        .col_expr(exceptions::Column::State, Expr::value("withdrawn"))
        .col_expr(exceptions::Column::DecidedAt, Expr::value(Some(now)))
        .filter(exceptions::Column::ItemId.eq(item_id))
        .filter(exceptions::Column::State.eq(PENDING))
        .exec(txn)
        .await?;
    let row = exceptions::ActiveModel {
        project_id: Set(project.id),
        item_id: Set(item_id),
        status: Set(asked.status.as_str().to_owned()),
        reason: Set(asked.reason.clone()),
        until: Set(asked.until),
        state: Set(PENDING.to_owned()),
        requested_by: Set(Some(user.id)),
        requested_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        comment: Set(String::new()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    record(
        txn,
        &Actor::from(user),
        Event::new("exception", row.id, "requested")
            .in_project(project)
            .after(&serde_json::json!({
                "item": item_id,
                "status": row.status,
                "reason": row.reason,
                "until": row.until,
            })),
    )
    .await?;
    let approvers: Vec<i32> = approvers_of(txn, project)
        .await?
        .into_iter()
        .filter(|id| *id != user.id)
        .collect();
    for owner in approvers {
        notify(
            txn,
            owner,
            Notice {
                kind: "exception",
                text: format!(
                    "{} asks to mark an item of {} {}: please approve or decline",
                    user.display_name,
                    project.name,
                    asked.status.label().to_lowercase()
                ),
                link: "/exceptions".into(),
                project: Some(project.id),
                item: Some(item_id),
                actor: Some(user.id),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Approves (the item takes the status asked for) or declines a pending request, with a
/// comment; not the requester's own, and only an approver: a member of the project's approving
/// group when it names one, else a team owner; site admins always. Audited, and the requester
/// is told.
pub async fn decide(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    approve: bool,
    comment: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    let comment = comment.trim();
    if comment.chars().count() > 2000 {
        return Err(AppError::field("comment", "At most 2,000 characters."));
    }
    let found = exceptions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    // Seen only by those who may see its project (404 otherwise).
    let (item, seen) = crate::projects::access::item(db, user, found.item_id).await?;
    let is_approver = is_approver(
        user.is_admin,
        seen.project.exception_group_id,
        &crate::signoff::service::groups_of(db, user.id).await?,
        seen.require_manage().is_ok(),
    );
    may_decide(
        found.requested_by,
        user.id,
        is_approver,
        found.state == PENDING,
    )
    .map_err(|r| match r {
        Refusal::OwnRequest => {
            AppError::Conflict("You asked for this exception: someone else must decide it.".into())
        }
        Refusal::NotAnApprover => AppError::Forbidden,
        Refusal::NotPending => {
            AppError::Conflict(format!("This request is {} already.", found.state))
        }
    })?;
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    let now = Utc::now();
    if approve {
        let status = Status::parse(&found.status).unwrap_or(Status::AcceptedRisk);
        let written = crate::checklist::service::write_approved_exception(
            &txn,
            user,
            &project,
            item,
            (status, &found.reason, found.until),
            today,
        )
        .await?;
        if written.is_none() {
            return Err(crate::txn::stale::<items::Entity>(&txn, found.item_id).await?);
        }
    }
    let state = if approve { "approved" } else { "declined" };
    let mut row = found.clone().into_active_model();
    row.state = Set(state.to_owned());
    row.decided_by = Set(Some(user.id));
    row.decided_at = Set(Some(now));
    row.comment = Set(comment.to_owned());
    row.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new(
            "exception",
            id,
            if approve { "approved" } else { "declined" },
        )
        .in_project(&project)
        .before(&serde_json::json!({ "state": found.state }))
        .after(&serde_json::json!({ "state": state, "comment": comment, "item": found.item_id })),
    )
    .await?;
    if let Some(requester) = found.requested_by {
        notify(
            &txn,
            requester,
            Notice {
                kind: "exception",
                text: format!(
                    "{} {state} your exception request in {}",
                    user.display_name, project.name
                ),
                link: format!("/p/{}/items/{}", project.slug, found.item_id),
                project: Some(project.id),
                item: Some(found.item_id),
                actor: Some(user.id),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The requests in the viewer's teams (every team for site admins): pending first, then
/// approved (expiring first), then the last 50 decided otherwise.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    today: NaiveDate,
) -> Result<Vec<ExceptionView>, AppError> {
    let memberships = team_members::Entity::find()
        .filter(team_members::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let my_groups = crate::signoff::service::groups_of(db, user.id).await?;
    let mut query = exceptions::Entity::find()
        .find_also_related(projects::Entity)
        .order_by_desc(exceptions::Column::RequestedAt);
    if !user.is_admin {
        let teams: Vec<i32> = memberships.iter().map(|m| m.team_id).collect();
        query = query.filter(
            sea_orm::Condition::any()
                .add(projects::Column::TeamId.is_in(teams))
                .add(projects::Column::ExceptionGroupId.is_in(my_groups.clone())),
        );
    }
    let rows = query.all(db).await?;
    let item_ids: Vec<i32> = rows.iter().map(|(e, _)| e.item_id).collect();
    let titles: std::collections::HashMap<i32, String> = items::Entity::find()
        .filter(items::Column::Id.is_in(item_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.title))
        .collect();
    let people: Vec<i32> = rows
        .iter()
        .flat_map(|(e, _)| [e.requested_by, e.decided_by])
        .flatten()
        .collect();
    let names: std::collections::HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let group_names: std::collections::HashMap<i32, String> = reviewer_groups::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let approver_of = |p: &projects::Model| {
        is_approver(
            user.is_admin,
            p.exception_group_id,
            &my_groups,
            memberships
                .iter()
                .any(|m| m.team_id == p.team_id && m.role == TeamRole::Owner.as_str()),
        )
    };
    let name = |id: Option<i32>| id.and_then(|i| names.get(&i).cloned());
    let mut views: Vec<ExceptionView> = rows
        .into_iter()
        .filter_map(|(e, p)| p.map(|p| (e, p)))
        .map(|(e, p)| ExceptionView {
            may_decide: may_decide(e.requested_by, user.id, approver_of(&p), e.state == PENDING)
                .is_ok(),
            approvers: p
                .exception_group_id
                .and_then(|g| group_names.get(&g).cloned())
                .unwrap_or_else(|| "Team owners".into()),
            expiring: e.state == "approved" && is_expiring(e.until, today),
            id: e.id,
            project_slug: p.slug,
            project_name: p.name,
            item_title: titles.get(&e.item_id).cloned().unwrap_or_default(),
            item_id: e.item_id,
            status: e.status,
            reason: e.reason,
            until: e.until.map(|d| d.to_string()),
            requested_by: name(e.requested_by).unwrap_or_else(|| "(removed)".into()),
            requested_at: e
                .requested_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            decided_by: name(e.decided_by),
            comment: e.comment,
            state: e.state,
        })
        .collect();
    let rank = |v: &ExceptionView| match v.state.as_str() {
        PENDING => 0,
        "approved" => 1,
        _ => 2,
    };
    views.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| b.expiring.cmp(&a.expiring))
            .then_with(|| a.until.cmp(&b.until))
    });
    let mut decided_otherwise = 0;
    views.retain(|v| {
        if rank(v) < 2 {
            return true;
        }
        decided_otherwise += 1;
        decided_otherwise <= 50
    });
    Ok(views)
}

/// Sets a project's approval policy: which changes need approval, the longest an acceptance
/// holds, and who approves (`group_id`: a reviewer group's members; `None`: the team's owners).
/// Team owners; audited.
pub async fn set_policy(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    accepted_risk: bool,
    not_applicable: bool,
    max_days: i32,
    group_id: Option<i32>,
) -> Result<(), AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    if !(1..=3650).contains(&max_days) {
        return Err(AppError::field("max_days", "Between 1 and 3,650 days."));
    }
    if let Some(g) = group_id
        && reviewer_groups::Entity::find_by_id(g)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::field("group_id", "No such reviewer group."));
    }
    let project = seen.project;
    let before = serde_json::json!({
        "approve_accepted_risk": project.approve_accepted_risk,
        "approve_not_applicable": project.approve_not_applicable,
        "exception_max_days": project.exception_max_days,
        "exception_group_id": project.exception_group_id,
    });
    let txn = crate::txn::begin(db).await?;
    let mut active = project.clone().into_active_model();
    active.approve_accepted_risk = Set(accepted_risk);
    active.approve_not_applicable = Set(not_applicable);
    active.exception_max_days = Set(max_days);
    active.exception_group_id = Set(group_id);
    active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", project.id, "exception_policy_changed")
            .in_project(&project)
            .before(&before)
            .after(&serde_json::json!({
                "approve_accepted_risk": accepted_risk,
                "approve_not_applicable": not_applicable,
                "exception_max_days": max_days,
                "exception_group_id": group_id,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The exception waiting for approval on `item_id`, if any: (status label, until, who asked).
pub async fn pending_of(
    db: &impl ConnectionTrait,
    item_id: i32,
) -> Result<Option<(String, Option<String>, String)>, AppError> {
    let Some(e) = exceptions::Entity::find()
        .filter(exceptions::Column::ItemId.eq(item_id))
        .filter(exceptions::Column::State.eq(PENDING))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let who = match e.requested_by {
        Some(id) => users::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let label = Status::parse(&e.status).map_or("an exception", |s| s.label());
    Ok(Some((
        label.to_owned(),
        e.until.map(|d| d.to_string()),
        who.unwrap_or_else(|| "(removed)".into()),
    )))
}

/// The users who approve `project`'s exception requests: the members of its approving group,
/// or its team's owners. (Site admins may decide too, but are not asked.)
pub async fn approvers_of(
    db: &impl ConnectionTrait,
    project: &projects::Model,
) -> Result<Vec<i32>, AppError> {
    Ok(match project.exception_group_id {
        Some(g) => reviewer_group_members::Entity::find()
            .filter(reviewer_group_members::Column::GroupId.eq(g))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect(),
        None => team_members::Entity::find()
            .filter(team_members::Column::TeamId.eq(project.team_id))
            .filter(team_members::Column::Role.eq(TeamRole::Owner.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect(),
    })
}

/// A project's exception policy as its settings show it.
pub async fn policy(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
) -> Result<super::model::ExceptionPolicy, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let groups = reviewer_groups::Entity::find()
        .order_by_asc(reviewer_groups::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|g| crate::signoff::model::GroupRef {
            id: g.id,
            name: g.name,
        })
        .collect();
    Ok(super::model::ExceptionPolicy {
        can_manage: seen.require_manage().is_ok(),
        accepted_risk: seen.project.approve_accepted_risk,
        not_applicable: seen.project.approve_not_applicable,
        max_days: seen.project.exception_max_days,
        group_id: seen.project.exception_group_id,
        groups,
    })
}
