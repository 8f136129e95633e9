//! Tiers: kept by site admins, picked by a project's owners; a project on a tier takes its
//! threshold and required sign-offs, and keeps them in step with it.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait, sea_query::Expr,
};

use crate::signoff::model::GroupRef;

use super::{
    model::{ProjectTier, TierView},
    rules::{in_tier, parse_sections},
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    checklist::rows::categories_of,
    entities::{project_signoff_groups, projects, reviewer_groups, tier_signoff_groups, tiers},
    error::{AppError, Validator},
};

/// A tier as submitted.
#[derive(Clone, Debug, Default)]
pub struct TierInput {
    pub name: String,
    pub description: String,
    pub threshold: i32,
    /// One per line (or comma-separated); blank: every section.
    pub sections: String,
    /// Reviewer group names, comma-separated.
    pub groups: String,
}

/// The most tiers a site keeps.
pub const MAX_TIERS: usize = 20;

struct Checked {
    name: String,
    description: String,
    threshold: i32,
    sections: Vec<String>,
    groups: Vec<reviewer_groups::Model>,
}

async fn check(db: &impl ConnectionTrait, input: &TierInput) -> Result<Checked, AppError> {
    let name = input.name.trim().to_owned();
    let description = input.description.trim().to_owned();
    let sections = parse_sections(&input.sections);
    let all = reviewer_groups::Entity::find().all(db).await?;
    let mut groups = Vec::new();
    let mut unknown = Vec::new();
    for g in input
        .groups
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        match all
            .iter()
            .find(|a| a.name.to_lowercase() == g.to_lowercase())
        {
            Some(found) if !groups.contains(found) => groups.push(found.clone()),
            Some(_) => {}
            None => unknown.push(g.to_owned()),
        }
    }
    let mut v = Validator::default();
    v.check(name.is_empty(), "name", "Enter a name, like Tier 1.")
        .at_most(&name, 60, "name")
        .at_most(&description, 2000, "description")
        .check(
            !(0..=100).contains(&input.threshold),
            "threshold",
            "Use a whole number from 0 to 100.",
        )
        .check(
            !unknown.is_empty(),
            "groups",
            format!("No reviewer group named {}.", unknown.join(", ")),
        );
    if let Err(e) = &sections {
        v.check(true, "sections", e);
    }
    v.finish()?;
    Ok(Checked {
        name,
        description,
        threshold: input.threshold,
        sections: sections.map_err(|_| AppError::BadRequest)?,
        groups,
    })
}

fn sections_of(t: &tiers::Model) -> Vec<String> {
    parse_sections(&t.sections).unwrap_or_default()
}

/// Every tier in order, with its groups and how many projects are on it.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<TierView>, AppError> {
    let rows = tiers::Entity::find()
        .order_by_asc(tiers::Column::Position)
        .order_by_asc(tiers::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i32, String> = reviewer_groups::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut groups: HashMap<i32, Vec<GroupRef>> = HashMap::new();
    for tg in tier_signoff_groups::Entity::find().all(db).await? {
        if let Some(n) = names.get(&tg.group_id) {
            groups.entry(tg.tier_id).or_default().push(GroupRef {
                id: tg.group_id,
                name: n.clone(),
            });
        }
    }
    let mut uses: HashMap<i32, u32> = HashMap::new();
    for t in projects::Entity::find()
        .filter(projects::Column::TierId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.tier_id)
    {
        *uses.entry(t).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|t| {
            let mut g = groups.remove(&t.id).unwrap_or_default();
            g.sort_by(|a, b| a.name.cmp(&b.name));
            TierView {
                sections: sections_of(&t),
                groups: g,
                projects: uses.get(&t.id).copied().unwrap_or(0),
                id: t.id,
                name: t.name,
                description: t.description,
                threshold: t.threshold,
            }
        })
        .collect())
}

/// Puts tier `t` (with `groups`) onto `project_ids`: its id, its threshold, its required
/// sign-offs in place of theirs. Part of the caller's transaction.
async fn put_on(
    txn: &impl ConnectionTrait,
    tier: &tiers::Model,
    groups: &[i32],
    project_ids: &[i32],
) -> Result<(), AppError> {
    if project_ids.is_empty() {
        return Ok(());
    }
    projects::Entity::update_many()
        .col_expr(projects::Column::TierId, Expr::value(Some(tier.id)))
        .col_expr(projects::Column::Threshold, Expr::value(tier.threshold))
        .filter(projects::Column::Id.is_in(project_ids.iter().copied()))
        .exec(txn)
        .await?;
    project_signoff_groups::Entity::delete_many()
        .filter(project_signoff_groups::Column::ProjectId.is_in(project_ids.iter().copied()))
        .exec(txn)
        .await?;
    let rows: Vec<project_signoff_groups::ActiveModel> = project_ids
        .iter()
        .flat_map(|p| {
            groups.iter().map(|g| project_signoff_groups::ActiveModel {
                project_id: Set(*p),
                group_id: Set(*g),
            })
        })
        .collect();
    for chunk in rows.chunks(1000) {
        project_signoff_groups::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    let now = Utc::now();
    for p in project_ids {
        crate::inbox::verdict::queue_check(txn, *p, now).await?;
    }
    Ok(())
}

async fn set_groups(
    txn: &impl ConnectionTrait,
    tier_id: i32,
    groups: &[reviewer_groups::Model],
) -> Result<(), AppError> {
    tier_signoff_groups::Entity::delete_many()
        .filter(tier_signoff_groups::Column::TierId.eq(tier_id))
        .exec(txn)
        .await?;
    if !groups.is_empty() {
        tier_signoff_groups::Entity::insert_many(groups.iter().map(|g| {
            tier_signoff_groups::ActiveModel {
                tier_id: Set(tier_id),
                group_id: Set(g.id),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

fn state(c: &Checked) -> serde_json::Value {
    serde_json::json!({
        "name": c.name, "threshold": c.threshold, "sections": c.sections,
        "groups": c.groups.iter().map(|g| &g.name).collect::<Vec<_>>(),
    })
}

/// Creates a tier at the end of the list (site admins); returns its id.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    input: TierInput,
) -> Result<i32, AppError> {
    authz::require_admin(user)?;
    let c = check(db, &input).await?;
    let existing = tiers::Entity::find().all(db).await?;
    if existing.len() >= MAX_TIERS {
        return Err(AppError::field("name", "A site keeps at most 20 tiers."));
    }
    if existing
        .iter()
        .any(|t| t.name.to_lowercase() == c.name.to_lowercase())
    {
        return Err(AppError::field("name", "A tier with this name exists."));
    }
    let txn = crate::txn::begin(db).await?;
    let t = tiers::ActiveModel {
        name: Set(c.name.clone()),
        description: Set(c.description.clone()),
        position: Set(existing.iter().map(|t| t.position).max().unwrap_or(0) + 1),
        threshold: Set(c.threshold),
        sections: Set(c.sections.join("\n")),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::unique_or_internal(e, || {
            AppError::field("name", "A tier with this name exists.")
        })
    })?;
    set_groups(&txn, t.id, &c.groups).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("tier", t.id, "created").after(&state(&c)),
    )
    .await?;
    txn.commit().await?;
    Ok(t.id)
}

/// Changes a tier (site admins); every project on it takes the new threshold and sign-offs in
/// the same transaction. Returns how many projects followed.
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    input: TierInput,
) -> Result<usize, AppError> {
    authz::require_admin(user)?;
    let before = tiers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = check(db, &input).await?;
    if tiers::Entity::find()
        .all(db)
        .await?
        .iter()
        .any(|t| t.id != id && t.name.to_lowercase() == c.name.to_lowercase())
    {
        return Err(AppError::field("name", "A tier with this name exists."));
    }
    let on: Vec<i32> = projects::Entity::find()
        .filter(projects::Column::TierId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let txn = crate::txn::begin(db).await?;
    tiers::Entity::update_many()
        .col_expr(tiers::Column::Name, Expr::value(c.name.clone()))
        .col_expr(
            tiers::Column::Description,
            Expr::value(c.description.clone()),
        )
        .col_expr(tiers::Column::Threshold, Expr::value(c.threshold))
        .col_expr(tiers::Column::Sections, Expr::value(c.sections.join("\n")))
        .filter(tiers::Column::Id.eq(id))
        .exec(&txn)
        .await
        .map_err(|e| {
            AppError::unique_or_internal(e, || {
                AppError::field("name", "A tier with this name exists.")
            })
        })?;
    set_groups(&txn, id, &c.groups).await?;
    let after = tiers::Model {
        name: c.name.clone(),
        description: c.description.clone(),
        threshold: c.threshold,
        sections: c.sections.join("\n"),
        ..before.clone()
    };
    let group_ids: Vec<i32> = c.groups.iter().map(|g| g.id).collect();
    put_on(&txn, &after, &group_ids, &on).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("tier", id, "updated")
            .before(&serde_json::json!({ "name": before.name, "threshold": before.threshold }))
            .after(&state(&c)),
    )
    .await?;
    txn.commit().await?;
    Ok(on.len())
}

/// Deletes a tier (site admins); its projects keep its threshold and sign-offs, now their own.
pub async fn delete(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    authz::require_admin(user)?;
    let t = tiers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::txn::begin(db).await?;
    projects::Entity::update_many()
        .col_expr(projects::Column::TierId, Expr::value(Option::<i32>::None))
        .filter(projects::Column::TierId.eq(id))
        .exec(&txn)
        .await?;
    tiers::Entity::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("tier", id, "deleted").before(&serde_json::json!({ "name": t.name })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Puts project `project` on tier `tier_id` (`None`: no tier) without an access check: for
/// callers that checked (a project's owner, or its creator from a template). Audited.
pub(crate) async fn assign(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    tier_id: Option<i32>,
) -> Result<(), AppError> {
    let name = match tier_id {
        Some(id) => {
            let t = tiers::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(|| AppError::field("tier", "Choose a tier that exists."))?;
            let groups: Vec<i32> = tier_signoff_groups::Entity::find()
                .filter(tier_signoff_groups::Column::TierId.eq(id))
                .all(txn)
                .await?
                .into_iter()
                .map(|g| g.group_id)
                .collect();
            put_on(txn, &t, &groups, &[project.id]).await?;
            Some(t.name)
        }
        None => {
            projects::Entity::update_many()
                .col_expr(projects::Column::TierId, Expr::value(Option::<i32>::None))
                .filter(projects::Column::Id.eq(project.id))
                .exec(txn)
                .await?;
            None
        }
    };
    record(
        txn,
        &Actor::from(user),
        Event::new("project", project.id, "tier_set")
            .in_project(project)
            .before(&serde_json::json!({ "tier_id": project.tier_id }))
            .after(&serde_json::json!({ "tier_id": tier_id, "tier": name })),
    )
    .await
}

/// Puts project `slug` on a tier, or none (team owners).
pub async fn set_project_tier(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    tier_id: Option<i32>,
) -> Result<(), AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    let txn = crate::txn::begin(db).await?;
    assign(&txn, user, &seen.project, tier_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Project `slug`'s tier, the tiers to choose from and its categories outside the tier.
pub async fn project_tier(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
) -> Result<ProjectTier, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let tiers = list(db).await?;
    let tier = seen
        .project
        .tier_id
        .and_then(|id| tiers.iter().find(|t| t.id == id).cloned());
    let outside = match &tier {
        Some(t) => categories_of(db, seen.project.id)
            .await?
            .into_iter()
            .filter(|c| !in_tier(&t.sections, &c.name))
            .map(|c| c.name)
            .collect(),
        None => Vec::new(),
    };
    Ok(ProjectTier {
        slug: seen.project.slug.clone(),
        can_manage: seen.require_manage().is_ok(),
        tier,
        tiers,
        outside,
    })
}

/// The sections tier `tier_id` requires (empty: all), for a new project from a template.
pub(crate) async fn sections(
    db: &impl ConnectionTrait,
    tier_id: i32,
) -> Result<Vec<String>, AppError> {
    let t = tiers::Entity::find_by_id(tier_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("tier", "Choose a tier that exists."))?;
    Ok(sections_of(&t))
}
