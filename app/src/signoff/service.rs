//! Reviewer groups (site admins keep them), which of them a project requires (its owners
//! choose), who stands where on the latest final review, and the verdict that follows.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait, sea_query::Expr,
};

use super::{
    model::{
        CategoryOwner, GroupSignature, GroupStanding, ReviewerGroupView, ReviewerView, SignoffState,
    },
    rules::{ScopeItem, Standing, fingerprint, standing, with_signoffs},
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::{AuthUser, normalize_email},
    authz,
    checklist::rows::{ItemScoreRow, ScoredItem, categories_of},
    entities::{
        categories, items, project_signoff_groups, projects, review_signoffs,
        reviewer_group_members, reviewer_groups, reviews, users,
    },
    error::{AppError, Validator},
    inbox::service::{Notice, notify},
    reviews::model::ReviewStatus,
    scoring::ProjectScore,
};

/// The most reviewer groups a site keeps, and a project requires.
pub const MAX_GROUPS: u64 = 50;

/// A project's required groups: `(group id, name)` by name.
type Required = Vec<(i32, String)>;

/// The required groups of each of `ids` (two queries; one when none requires any).
async fn required(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Required>, AppError> {
    let rows = project_signoff_groups::Entity::find()
        .filter(project_signoff_groups::Column::ProjectId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let names: HashMap<i32, String> = reviewer_groups::Entity::find()
        .filter(reviewer_groups::Column::Id.is_in(rows.iter().map(|r| r.group_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut out: HashMap<i32, Required> = HashMap::new();
    for r in rows {
        if let Some(name) = names.get(&r.group_id) {
            out.entry(r.project_id)
                .or_default()
                .push((r.group_id, name.clone()));
        }
    }
    for groups in out.values_mut() {
        groups.sort_by(|a, b| a.1.cmp(&b.1));
    }
    Ok(out)
}

/// The latest final review of each of `ids`: `(review id, version label)` (one query).
async fn latest_finals(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, (i32, String)>, AppError> {
    let rows: Vec<(i32, i32, String)> = reviews::Entity::find()
        .select_only()
        .columns([
            reviews::Column::Id,
            reviews::Column::ProjectId,
            reviews::Column::VersionLabel,
        ])
        .filter(reviews::Column::ProjectId.is_in(ids.iter().copied()))
        .filter(reviews::Column::Status.eq(ReviewStatus::Final))
        .order_by_asc(reviews::Column::FinalizedAt)
        .order_by_asc(reviews::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    // In finalizing order: the last one of a project wins.
    Ok(rows
        .into_iter()
        .map(|(id, project, label)| (project, (id, label)))
        .collect())
}

/// The group sign-offs of each of `review_ids`, newest first (one query).
async fn group_signoffs(
    db: &impl ConnectionTrait,
    review_ids: &[i32],
) -> Result<HashMap<i32, Vec<review_signoffs::Model>>, AppError> {
    let mut out: HashMap<i32, Vec<review_signoffs::Model>> = HashMap::new();
    if review_ids.is_empty() {
        return Ok(out);
    }
    for s in review_signoffs::Entity::find()
        .filter(review_signoffs::Column::ReviewId.is_in(review_ids.iter().copied()))
        .filter(review_signoffs::Column::GroupId.ne(0))
        .order_by_desc(review_signoffs::Column::SignedAt)
        .order_by_desc(review_signoffs::Column::Id)
        .all(db)
        .await?
    {
        out.entry(s.review_id).or_default().push(s);
    }
    Ok(out)
}

/// Each required group with its standing and the fingerprint of the project now.
fn evaluate(
    required: &[(i32, String)],
    owners: &[(i32, Option<i32>)],
    items: &[ScopeItem],
    given: &[review_signoffs::Model],
) -> Vec<(i32, String, Standing, String)> {
    let pairs: Vec<(i32, &str)> = given
        .iter()
        .map(|s| (s.group_id, s.scope.as_str()))
        .collect();
    required
        .iter()
        .map(|(id, name)| {
            let now = fingerprint(*id, owners, items);
            (*id, name.clone(), standing(*id, &now, &pairs), now)
        })
        .collect()
}

fn owners_of(cats: &[categories::Model]) -> Vec<(i32, Option<i32>)> {
    cats.iter().map(|c| (c.id, c.reviewer_group_id)).collect()
}

/// Puts the sign-off rule into a live `score` of `project` (its categories and items as
/// read): the names of required groups without a holding sign-off on the latest final review
/// go to `score.awaiting`, and the verdict follows [`with_signoffs`]. One query when the
/// project requires no group, four when it does.
pub async fn apply<R: ScoredItem>(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    cats: &[categories::Model],
    rows: &[R],
    today: NaiveDate,
    score: &mut ProjectScore,
) -> Result<(), AppError> {
    let Some(req) = required(db, &[project.id]).await?.remove(&project.id) else {
        return Ok(());
    };
    let latest = latest_finals(db, &[project.id]).await?.remove(&project.id);
    let given = match &latest {
        Some((id, _)) => group_signoffs(db, &[*id])
            .await?
            .remove(id)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let items: Vec<ScopeItem> = rows.iter().map(|r| r.scope(today)).collect();
    score.awaiting = evaluate(&req, &owners_of(cats), &items, &given)
        .into_iter()
        .filter(|(_, _, s, _)| *s != Standing::Signed)
        .map(|(_, name, _, _)| name)
        .collect();
    score.verdict = with_signoffs(score.verdict, !score.awaiting.is_empty());
    Ok(())
}

/// The names of the groups each of `projects` awaits (projects awaiting none are left out).
/// One query when none requires a group; six when some do.
pub async fn awaiting_many(
    db: &impl ConnectionTrait,
    projects: &[&projects::Model],
    today: NaiveDate,
) -> Result<HashMap<i32, Vec<String>>, AppError> {
    let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
    awaiting_by_id(db, &ids, today).await
}

/// [`awaiting_many`] of projects by id, a thousand at a time (the queries list them).
pub async fn awaiting_by_id(
    db: &impl ConnectionTrait,
    ids: &[i32],
    today: NaiveDate,
) -> Result<HashMap<i32, Vec<String>>, AppError> {
    // Which of them require a group at all: one query of the requirements' table (a row per
    // project and group) instead of a list of every id.
    let requiring: std::collections::HashSet<i32> = project_signoff_groups::Entity::find()
        .select_only()
        .column(project_signoff_groups::Column::ProjectId)
        .distinct()
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let wanted: Vec<i32> = ids
        .iter()
        .copied()
        .filter(|id| requiring.contains(id))
        .collect();
    let mut out = HashMap::new();
    for chunk in wanted.chunks(1000) {
        out.extend(awaiting_of(db, chunk, today).await?);
    }
    Ok(out)
}

async fn awaiting_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
    today: NaiveDate,
) -> Result<HashMap<i32, Vec<String>>, AppError> {
    let req = required(db, ids).await?;
    if req.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i32> = req.keys().copied().collect();
    let latest = latest_finals(db, &ids).await?;
    let review_ids: Vec<i32> = latest.values().map(|(id, _)| *id).collect();
    let mut given = group_signoffs(db, &review_ids).await?;
    let mut cats: HashMap<i32, Vec<categories::Model>> = HashMap::new();
    for c in categories::Entity::find()
        .filter(categories::Column::ProjectId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        cats.entry(c.project_id).or_default().push(c);
    }
    // Only blocking items count in a fingerprint.
    let mut rows: HashMap<i32, Vec<ItemScoreRow>> = HashMap::new();
    for i in items::Entity::find()
        .filter(items::Column::ProjectId.is_in(ids))
        .filter(items::Column::Blocking.eq(true))
        .into_partial_model::<ItemScoreRow>()
        .all(db)
        .await?
    {
        rows.entry(i.project_id).or_default().push(i);
    }
    let mut out = HashMap::new();
    for (project, groups) in req {
        let signed = latest
            .get(&project)
            .and_then(|(id, _)| given.remove(id))
            .unwrap_or_default();
        let p_rows = rows.remove(&project).unwrap_or_default();
        let items: Vec<ScopeItem> = p_rows.iter().map(|r| r.scope(today)).collect();
        let owners = owners_of(cats.get(&project).map_or(&[][..], Vec::as_slice));
        let awaiting: Vec<String> = evaluate(&groups, &owners, &items, &signed)
            .into_iter()
            .filter(|(_, _, s, _)| *s != Standing::Signed)
            .map(|(_, name, _, _)| name)
            .collect();
        if !awaiting.is_empty() {
            out.insert(project, awaiting);
        }
    }
    Ok(out)
}

/// The groups `user_id` is in.
pub(crate) async fn groups_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<i32>, AppError> {
    Ok(reviewer_group_members::Entity::find()
        .filter(reviewer_group_members::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.group_id)
        .collect())
}

/// Project `slug`'s required groups and where each stands on its latest final review.
pub async fn state(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<SignoffState, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    state_of(db, user, &seen, today).await
}

pub(crate) async fn state_of(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    seen: &crate::projects::access::ProjectAccess,
    today: NaiveDate,
) -> Result<SignoffState, AppError> {
    let project = &seen.project;
    let req = required(db, &[project.id])
        .await?
        .remove(&project.id)
        .unwrap_or_default();
    let latest = latest_finals(db, &[project.id]).await?.remove(&project.id);
    let mut groups = Vec::new();
    let cats = categories_of(db, project.id).await?;
    if !req.is_empty() {
        let given = match &latest {
            Some((id, _)) => group_signoffs(db, &[*id])
                .await?
                .remove(id)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let rows: Vec<ItemScoreRow> = items::Entity::find()
            .filter(items::Column::ProjectId.eq(project.id))
            .filter(items::Column::Blocking.eq(true))
            .into_partial_model()
            .all(db)
            .await?;
        let items: Vec<ScopeItem> = rows.iter().map(|r| r.scope(today)).collect();
        let mine = groups_of(db, user.id).await?;
        for (id, name, standing, now) in evaluate(&req, &owners_of(&cats), &items, &given) {
            let signatures: Vec<GroupSignature> = given
                .iter()
                .filter(|s| s.group_id == id)
                .map(|s| GroupSignature {
                    name: s.name.clone(),
                    signed_at: crate::reviews::service::minute(s.signed_at),
                    comment: s.comment.clone(),
                    holds: s.scope == now,
                })
                .collect();
            let signed_by_me_now = given
                .iter()
                .any(|s| s.group_id == id && s.user_id == Some(user.id) && s.scope == now);
            groups.push(GroupStanding {
                group_id: id,
                name,
                standing: standing.as_str().to_owned(),
                signatures,
                may_sign: latest.is_some() && mine.contains(&id) && !signed_by_me_now,
            });
        }
    }
    Ok(SignoffState {
        slug: project.slug.clone(),
        name: project.name.clone(),
        review_id: latest.as_ref().map(|(id, _)| *id),
        review_label: latest.map(|(_, label)| label),
        groups,
        can_manage: seen.require_manage().is_ok(),
        can_request: seen.require_edit().is_ok(),
        categories: cats
            .into_iter()
            .map(|c| CategoryOwner {
                id: c.id,
                name: c.name,
                group_id: c.reviewer_group_id,
            })
            .collect(),
        all_groups: reviewer_groups::Entity::find()
            .order_by_asc(reviewer_groups::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|g| super::model::GroupRef {
                id: g.id,
                name: g.name,
            })
            .collect(),
    })
}

/// The projects needing a sign-off of one of the viewer's groups, each with its standing;
/// those still awaiting one of the viewer's groups first.
pub async fn queue(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    today: NaiveDate,
) -> Result<Vec<SignoffState>, AppError> {
    let mine = groups_of(db, user.id).await?;
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let project_ids: Vec<i32> = project_signoff_groups::Entity::find()
        .filter(project_signoff_groups::Column::GroupId.is_in(mine.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.project_id)
        .collect();
    let projects = projects::Entity::find()
        .filter(projects::Column::Id.is_in(project_ids))
        .filter(projects::Column::Archived.eq(false))
        .order_by_asc(projects::Column::Name)
        .limit(200)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(projects.len());
    for p in projects {
        let seen = crate::projects::access::of(db, user, p).await?;
        out.push(state_of(db, user, &seen, today).await?);
    }
    // Waiting on me first (stable: by name within).
    out.sort_by_key(|s| {
        !s.groups
            .iter()
            .any(|g| mine.contains(&g.group_id) && g.standing != "signed")
    });
    Ok(out)
}

/// Whether `user_id` is in a group that `project` requires a sign-off from, or in the group
/// that approves its exceptions (so reads it as a viewer).
pub async fn reviews_project(
    db: &impl ConnectionTrait,
    user_id: i32,
    project: &projects::Model,
) -> Result<bool, AppError> {
    use sea_orm::{Condition, sea_query::Query};
    let required = Query::select()
        .column(project_signoff_groups::Column::GroupId)
        .from(project_signoff_groups::Entity)
        .and_where(project_signoff_groups::Column::ProjectId.eq(project.id))
        .to_owned();
    let mut groups =
        Condition::any().add(reviewer_group_members::Column::GroupId.in_subquery(required));
    if let Some(g) = project.exception_group_id {
        groups = groups.add(reviewer_group_members::Column::GroupId.eq(g));
    }
    Ok(reviewer_group_members::Entity::find()
        .filter(reviewer_group_members::Column::UserId.eq(user_id))
        .filter(groups)
        .count(db)
        .await?
        > 0)
}

/// The fingerprint of project `project`'s state for group `group_id` now (two queries).
pub(crate) async fn current_scope(
    db: &impl ConnectionTrait,
    project_id: i32,
    group_id: i32,
    today: NaiveDate,
) -> Result<String, AppError> {
    let cats = categories_of(db, project_id).await?;
    let rows: Vec<ItemScoreRow> = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project_id))
        .filter(items::Column::Blocking.eq(true))
        .into_partial_model()
        .all(db)
        .await?;
    let items: Vec<ScopeItem> = rows.iter().map(|r| r.scope(today)).collect();
    Ok(fingerprint(group_id, &owners_of(&cats), &items))
}

/// Checks that `user` may sign review `review_id` of `project` for group `group_id`: a
/// member, a group the project requires, its latest final review. Returns the group's name.
pub(crate) async fn may_sign_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    review_id: i32,
    group_id: i32,
) -> Result<String, AppError> {
    let group = reviewer_groups::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("group", "No such reviewer group."))?;
    if !groups_of(db, user.id).await?.contains(&group_id) {
        return Err(AppError::Forbidden);
    }
    let req = required(db, &[project.id])
        .await?
        .remove(&project.id)
        .unwrap_or_default();
    if !req.iter().any(|(id, _)| *id == group_id) {
        return Err(AppError::Conflict(format!(
            "This project does not require {}'s sign-off.",
            group.name
        )));
    }
    let latest = latest_finals(db, &[project.id]).await?.remove(&project.id);
    if latest.map(|(id, _)| id) != Some(review_id) {
        return Err(AppError::Conflict(
            "Sign the project's latest final review: a later one exists.".into(),
        ));
    }
    Ok(group.name)
}

/// Tells the members of project `project`'s required groups that review `review_id` needs
/// their sign-off: every required group, or (`only`) just those named. Part of the caller's
/// transaction.
pub(crate) async fn ask_groups(
    txn: &impl ConnectionTrait,
    actor: &AuthUser,
    project: &projects::Model,
    review_id: i32,
    label: &str,
    only: Option<&[String]>,
) -> Result<usize, AppError> {
    let req = required(txn, &[project.id])
        .await?
        .remove(&project.id)
        .unwrap_or_default();
    let wanted: Vec<&(i32, String)> = req
        .iter()
        .filter(|(_, name)| only.is_none_or(|o| o.contains(name)))
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let members = reviewer_group_members::Entity::find()
        .filter(reviewer_group_members::Column::GroupId.is_in(wanted.iter().map(|(id, _)| *id)))
        .all(txn)
        .await?;
    let now = Utc::now();
    let mut told = Vec::new();
    for m in members {
        if m.user_id == actor.id || told.contains(&m.user_id) {
            continue;
        }
        told.push(m.user_id);
        let group = wanted
            .iter()
            .find(|(id, _)| *id == m.group_id)
            .map_or("", |(_, n)| n.as_str());
        notify(
            txn,
            m.user_id,
            Notice {
                kind: "signoff",
                text: format!(
                    "Review {label} of {} needs {group}'s sign-off",
                    project.name
                ),
                link: format!("/p/{}/reviews/{review_id}", project.slug),
                project: Some(project.id),
                item: None,
                actor: Some(actor.id),
            },
            now,
        )
        .await?;
    }
    Ok(told.len())
}

/// Asks the groups still awaited on project `slug`'s latest final review for their sign-off
/// (editors). Returns how many people were told.
pub async fn request(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let s = state_of(db, user, &seen, today).await?;
    let (Some(review_id), Some(label)) = (s.review_id, s.review_label.as_deref()) else {
        return Err(AppError::Conflict(
            "Finalize a review first: sign-offs are given on the latest final review.".into(),
        ));
    };
    let awaiting = s.awaiting();
    if awaiting.is_empty() {
        return Err(AppError::Conflict(
            "Every required group's sign-off holds; there is no one to ask.".into(),
        ));
    }
    let txn = crate::txn::begin(db).await?;
    let told = ask_groups(&txn, user, &seen.project, review_id, label, Some(&awaiting)).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("review", review_id, "signoff_requested")
            .in_project(&seen.project)
            .after(&serde_json::json!({ "groups": awaiting, "told": told })),
    )
    .await?;
    txn.commit().await?;
    Ok(told)
}

/// Requires the sign-off of `group_ids` for project `slug` (team owners); replaces the list.
pub async fn set_required(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    group_ids: &[i32],
) -> Result<(), AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    let project = seen.project;
    if project.tier_id.is_some() {
        return Err(AppError::Conflict(
            "This project's sign-offs come from its launch tier; change the tier instead.".into(),
        ));
    }
    let mut ids = group_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() as u64 > MAX_GROUPS {
        return Err(AppError::field("groups", "Choose at most 50 groups."));
    }
    let found: Vec<reviewer_groups::Model> = reviewer_groups::Entity::find()
        .filter(reviewer_groups::Column::Id.is_in(ids.clone()))
        .order_by_asc(reviewer_groups::Column::Name)
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(AppError::field("groups", "Choose groups that exist."));
    }
    let before: Vec<String> = required(db, &[project.id])
        .await?
        .remove(&project.id)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let txn = crate::txn::begin(db).await?;
    project_signoff_groups::Entity::delete_many()
        .filter(project_signoff_groups::Column::ProjectId.eq(project.id))
        .exec(&txn)
        .await?;
    if !ids.is_empty() {
        project_signoff_groups::Entity::insert_many(ids.iter().map(|g| {
            project_signoff_groups::ActiveModel {
                project_id: Set(project.id),
                group_id: Set(*g),
            }
        }))
        .exec(&txn)
        .await?;
    }
    let after: Vec<&str> = found.iter().map(|g| g.name.as_str()).collect();
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", project.id, "signoff_groups_set")
            .in_project(&project)
            .before(&serde_json::json!({ "groups": before }))
            .after(&serde_json::json!({ "groups": after })),
    )
    .await?;
    crate::inbox::verdict::queue_check(&txn, project.id, Utc::now()).await?;
    txn.commit().await?;
    Ok(())
}

/// Names the group that owns category `category_id` (`None`: no group) (team owners).
pub async fn set_category_group(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    category_id: i32,
    group_id: Option<i32>,
) -> Result<(), AppError> {
    let (category, seen) = crate::projects::access::category(db, user, category_id).await?;
    seen.require_manage()?;
    let name = match group_id {
        Some(g) => Some(
            reviewer_groups::Entity::find_by_id(g)
                .one(db)
                .await?
                .ok_or_else(|| AppError::field("group", "Choose a group that exists."))?
                .name,
        ),
        None => None,
    };
    let txn = crate::txn::begin(db).await?;
    categories::Entity::update_many()
        .col_expr(categories::Column::ReviewerGroupId, Expr::value(group_id))
        .filter(categories::Column::Id.eq(category_id))
        .exec(&txn)
        .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", category_id, "owner_group_set")
            .in_project(&seen.project)
            .before(&serde_json::json!({ "group_id": category.reviewer_group_id }))
            .after(&serde_json::json!({ "group_id": group_id, "group": name })),
    )
    .await?;
    crate::inbox::verdict::queue_check(&txn, seen.project.id, Utc::now()).await?;
    txn.commit().await?;
    Ok(())
}

/// Every reviewer group by name, with its members (site admins; owners choosing groups see
/// their names in [`state`]).
pub async fn list_groups(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> Result<Vec<ReviewerGroupView>, AppError> {
    authz::require_admin(user)?;
    let groups = reviewer_groups::Entity::find()
        .order_by_asc(reviewer_groups::Column::Name)
        .all(db)
        .await?;
    let members = reviewer_group_members::Entity::find().all(db).await?;
    let people: HashMap<i32, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(members.iter().map(|m| m.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut uses: HashMap<i32, u32> = HashMap::new();
    for r in project_signoff_groups::Entity::find().all(db).await? {
        *uses.entry(r.group_id).or_default() += 1;
    }
    Ok(groups
        .into_iter()
        .map(|g| {
            let theirs: Vec<ReviewerView> = members
                .iter()
                .filter(|m| m.group_id == g.id)
                .filter_map(|m| people.get(&m.user_id))
                .map(|u| ReviewerView {
                    user_id: u.id,
                    name: u.display_name.clone(),
                    email: u.email.clone(),
                })
                .collect();
            let mine = theirs.iter().any(|m| m.user_id == user.id);
            let member_count = u32::try_from(theirs.len()).unwrap_or(u32::MAX);
            ReviewerGroupView {
                id: g.id,
                name: g.name,
                description: g.description,
                members: theirs,
                member_count,
                projects: uses.get(&g.id).copied().unwrap_or(0),
                mine,
            }
        })
        .collect())
}

/// Creates a reviewer group (site admins); returns its id.
pub async fn create_group(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    name: &str,
    description: &str,
) -> Result<i32, AppError> {
    authz::require_admin(user)?;
    let name = name.trim();
    let description = description.trim();
    let mut v = Validator::default();
    v.check(name.is_empty(), "name", "Enter a name, like Security.")
        .at_most(name, 60, "name")
        .at_most(description, 2000, "description");
    v.finish()?;
    if reviewer_groups::Entity::find().count(db).await? >= MAX_GROUPS {
        return Err(AppError::field(
            "name",
            "A site keeps at most 50 reviewer groups.",
        ));
    }
    let taken = reviewer_groups::Entity::find()
        .all(db)
        .await?
        .iter()
        .any(|g| g.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(AppError::field("name", "A group with this name exists."));
    }
    let txn = crate::txn::begin(db).await?;
    let g = reviewer_groups::ActiveModel {
        name: Set(name.to_owned()),
        description: Set(description.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::unique_or_internal(e, || {
            AppError::field("name", "A group with this name exists.")
        })
    })?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("reviewer_group", g.id, "created")
            .after(&serde_json::json!({ "name": g.name, "description": g.description })),
    )
    .await?;
    txn.commit().await?;
    Ok(g.id)
}

/// Deletes a reviewer group (site admins): projects stop requiring it, categories lose it as
/// owner, its sign-offs stay in the reviews' history.
pub async fn delete_group(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    authz::require_admin(user)?;
    let g = reviewer_groups::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let affected: Vec<i32> = project_signoff_groups::Entity::find()
        .filter(project_signoff_groups::Column::GroupId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.project_id)
        .collect();
    let txn = crate::txn::begin(db).await?;
    categories::Entity::update_many()
        .col_expr(
            categories::Column::ReviewerGroupId,
            Expr::value(Option::<i32>::None),
        )
        .filter(categories::Column::ReviewerGroupId.eq(id))
        .exec(&txn)
        .await?;
    // Projects whose exceptions it approved go back to their team's owners.
    projects::Entity::update_many()
        .col_expr(
            projects::Column::ExceptionGroupId,
            Expr::value(Option::<i32>::None),
        )
        .filter(projects::Column::ExceptionGroupId.eq(id))
        .exec(&txn)
        .await?;
    reviewer_groups::Entity::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("reviewer_group", id, "deleted")
            .before(&serde_json::json!({ "name": g.name, "projects": affected.len() })),
    )
    .await?;
    let now = Utc::now();
    for p in affected {
        crate::inbox::verdict::queue_check(&txn, p, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Adds the account with `email` to group `group_id` (site admins).
pub async fn add_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    group_id: i32,
    email: &str,
) -> Result<(), AppError> {
    authz::require_admin(user)?;
    let g = reviewer_groups::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let email = normalize_email(email);
    let member = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("email", "No account has this email."))?;
    if reviewer_group_members::Entity::find_by_id((group_id, member.id))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::field("email", "Already in this group."));
    }
    let txn = crate::txn::begin(db).await?;
    reviewer_group_members::ActiveModel {
        group_id: Set(group_id),
        user_id: Set(member.id),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::unique_or_internal(e, || AppError::field("email", "Already in this group."))
    })?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("reviewer_group", group_id, "member_added")
            .after(&serde_json::json!({ "group": g.name, "user": member.email })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes `member_id` from group `group_id` (site admins). Sign-offs they gave stay.
pub async fn remove_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    group_id: i32,
    member_id: i32,
) -> Result<(), AppError> {
    authz::require_admin(user)?;
    let g = reviewer_groups::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::txn::begin(db).await?;
    let gone = reviewer_group_members::Entity::delete_by_id((group_id, member_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("reviewer_group", group_id, "member_removed")
            .before(&serde_json::json!({ "group": g.name, "user_id": member_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
