//! Plan reads and changes: phases (editors create, edit, reorder and delete them), the
//! project's plan settings, and the plan page's view. Scheduling items into phases is an item
//! change (`phase` of [`crate::checklist::service::ItemInput`]), one or many at a time.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::model::{MAX_PHASES, PhaseView, PlanItem, PlanView};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    checklist::rows::{ScoredItem, project_rows},
    entities::{items, phases, projects, users},
    error::{AppError, Validator},
    forecast::{PhaseWork, phase_load},
    limits::MAX_TEXT,
    projects::access::{self, ProjectAccess},
};

/// The ids of project `project_id`'s phases (what an item may be scheduled into).
pub async fn phase_ids(db: &impl ConnectionTrait, project_id: i32) -> Result<Vec<i32>, AppError> {
    Ok(phases::Entity::find()
        .select_only()
        .column(phases::Column::Id)
        .filter(phases::Column::ProjectId.eq(project_id))
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// Project `project_id`'s phases in plan order.
pub async fn phases_of(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<Vec<phases::Model>, AppError> {
    Ok(phases::Entity::find()
        .filter(phases::Column::ProjectId.eq(project_id))
        .order_by_asc(phases::Column::Position)
        .order_by_asc(phases::Column::Id)
        .all(db)
        .await?)
}

/// A phase, if the user may see its project.
pub async fn phase(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(phases::Model, ProjectAccess), AppError> {
    let phase = phases::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let seen = access::project_by_id(db, user, phase.project_id).await?;
    Ok((phase, seen))
}

/// A phase as typed.
#[derive(Clone, Debug, Default)]
pub struct PhaseInput {
    /// Name (1–120 characters).
    pub name: String,
    /// Goal (up to 20,000 characters).
    pub goal: String,
    /// `YYYY-MM-DD`, or blank.
    pub target_date: String,
}

/// A phase's checked values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PhaseValues {
    pub(crate) name: String,
    pub(crate) goal: String,
    pub(crate) target_date: Option<NaiveDate>,
}

/// Checks every field of a phase (all problems at once).
pub(crate) fn check_phase(input: &PhaseInput) -> Result<PhaseValues, AppError> {
    let name = input.name.trim().to_owned();
    let goal = input.goal.trim().to_owned();
    let target = match input.target_date.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d").map(Some),
    };
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .at_most(&name, 120, "name")
        .at_most(&goal, MAX_TEXT, "goal")
        .check(
            target.is_err(),
            "target_date",
            "Use a date like 2026-12-31.",
        )
        .finish()?;
    Ok(PhaseValues {
        name,
        goal,
        target_date: target.ok().flatten(),
    })
}

fn phase_state(p: &phases::Model) -> serde_json::Value {
    serde_json::json!({
        "name": p.name,
        "goal": p.goal,
        "target_date": p.target_date,
        "position": p.position,
    })
}

/// A field error when another phase of project `project_id` (not `except`) has this name.
async fn check_unique(
    db: &impl ConnectionTrait,
    project_id: i32,
    name: &str,
    except: Option<i32>,
) -> Result<(), AppError> {
    let key = crate::import::doc::name_key(name);
    let taken = phases_of(db, project_id)
        .await?
        .iter()
        .any(|p| Some(p.id) != except && crate::import::doc::name_key(&p.name) == key);
    if taken {
        return Err(AppError::field(
            "name",
            "Another phase of this plan has this name.",
        ));
    }
    Ok(())
}

/// A new phase's row at the end of `project`'s plan (the one place one is made).
pub(crate) async fn insert_phase(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    project: &projects::Model,
    v: PhaseValues,
) -> Result<phases::Model, AppError> {
    check_unique(txn, project.id, &v.name, None).await?;
    let held = phases::Entity::find()
        .filter(phases::Column::ProjectId.eq(project.id))
        .count(txn)
        .await?;
    if held >= MAX_PHASES as u64 {
        return Err(AppError::field(
            "name",
            format!("A plan holds at most {MAX_PHASES} phases."),
        ));
    }
    let last = phases::Entity::find()
        .filter(phases::Column::ProjectId.eq(project.id))
        .order_by_desc(phases::Column::Position)
        .one(txn)
        .await?
        .map_or(0, |p| p.position);
    let now = Utc::now();
    let phase = phases::ActiveModel {
        project_id: Set(project.id),
        position: Set(last + 1),
        name: Set(v.name),
        goal: Set(v.goal),
        target_date: Set(v.target_date),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    record(
        txn,
        actor,
        Event::new("phase", phase.id, "created")
            .in_project(project)
            .after(&phase_state(&phase)),
    )
    .await?;
    Ok(phase)
}

/// Adds a phase at the end of project `slug`'s plan (editors). Returns its id.
pub async fn create_phase(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    input: PhaseInput,
) -> Result<i32, AppError> {
    let seen = access::project(db, user, slug).await?;
    seen.require_edit()?;
    let v = check_phase(&input)?;
    let txn = crate::txn::begin(db).await?;
    let phase = insert_phase(&txn, &Actor::from(user), &seen.project, v).await?;
    txn.commit().await?;
    Ok(phase.id)
}

/// Changes a phase's name, goal and target date (editors) if it is still at `version`;
/// returns the new version.
pub async fn update_phase(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    input: PhaseInput,
) -> Result<i32, AppError> {
    let (before, seen) = phase(db, user, id).await?;
    seen.require_edit()?;
    let v = check_phase(&input)?;
    let txn = crate::txn::begin(db).await?;
    check_unique(&txn, seen.project.id, &v.name, Some(id)).await?;
    let changes = phases::Entity::update_many()
        .col_expr(phases::Column::Name, Expr::value(v.name))
        .col_expr(phases::Column::Goal, Expr::value(v.goal))
        .col_expr(phases::Column::TargetDate, Expr::value(v.target_date))
        .col_expr(phases::Column::UpdatedAt, Expr::value(Utc::now()));
    let after = crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("phase", id, "updated")
            .in_project(&seen.project)
            .before(&phase_state(&before))
            .after(&phase_state(after))
    })
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// Moves a phase one place earlier (`up`) or later in the plan (editors).
pub async fn move_phase(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    up: bool,
) -> Result<(), AppError> {
    let (_, seen) = phase(db, user, id).await?;
    seen.require_edit()?;
    let txn = crate::txn::begin(db).await?;
    let mut all = phases_of(&txn, seen.project.id).await?;
    let Some(at) = all.iter().position(|p| p.id == id) else {
        return Err(AppError::NotFound);
    };
    let to = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|t| *t < all.len())
    };
    let Some(to) = to else {
        return Ok(());
    };
    all.swap(at, to);
    // Renumber the whole plan: positions stay 1..n whatever came before.
    for (n, p) in all.iter().enumerate() {
        let position = i32::try_from(n + 1).unwrap_or(i32::MAX);
        if p.position != position {
            phases::Entity::update_many()
                .col_expr(phases::Column::Position, Expr::value(position))
                .filter(phases::Column::Id.eq(p.id))
                .exec(&txn)
                .await?;
        }
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("phase", id, "moved")
            .in_project(&seen.project)
            .after(&serde_json::json!({ "position": to + 1 })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a phase (editors); its items stay, in no phase.
pub async fn delete_phase(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (phase, seen) = phase(db, user, id).await?;
    seen.require_edit()?;
    let txn = crate::txn::begin(db).await?;
    items::Entity::update_many()
        .col_expr(items::Column::PhaseId, Expr::value(Option::<i32>::None))
        .col_expr(
            items::Column::Version,
            Expr::col(items::Column::Version).add(1),
        )
        .filter(items::Column::PhaseId.eq(id))
        .exec(&txn)
        .await?;
    phases::Entity::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("phase", id, "deleted")
            .in_project(&seen.project)
            .before(&phase_state(&phase)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The plan settings as typed.
#[derive(Clone, Debug, Default)]
pub struct PlanSettings {
    /// `YYYY-MM-DD`, or blank.
    pub target_date: String,
    /// Whole hours a week (1–10,000), or blank.
    pub capacity_hours: String,
    /// Days (1–3,650), or blank.
    pub review_every_days: String,
}

fn whole(text: &str, range: std::ops::RangeInclusive<i32>) -> Result<Option<i32>, ()> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<i32>()
            .ok()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or(()),
    }
}

/// Plan settings, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanValues {
    /// The target launch date.
    pub target_date: Option<NaiveDate>,
    /// Hours a week.
    pub capacity_hours: Option<i32>,
    /// Days between final reviews.
    pub review_every_days: Option<i32>,
}

/// Checks every plan setting (all problems at once).
pub fn check_plan_settings(input: &PlanSettings) -> Result<PlanValues, AppError> {
    let target = match input.target_date.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d").map(Some),
    };
    let capacity = whole(&input.capacity_hours, 1..=10_000);
    let cadence = whole(&input.review_every_days, 1..=3650);
    Validator::default()
        .check(
            target.is_err(),
            "target_date",
            "Use a date like 2026-12-31.",
        )
        .check(
            capacity.is_err(),
            "capacity_hours",
            "Use a whole number of hours a week from 1 to 10000, or leave it blank.",
        )
        .check(
            cadence.is_err(),
            "review_every_days",
            "Use a whole number of days from 1 to 3650, or leave it blank.",
        )
        .finish()?;
    Ok(PlanValues {
        target_date: target.ok().flatten(),
        capacity_hours: capacity.ok().flatten(),
        review_every_days: cadence.ok().flatten(),
    })
}

/// Sets project `slug`'s target launch date, capacity and review cadence (editors) if the
/// project is still at `version`; returns the new version.
pub async fn set_plan_settings(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    version: i32,
    input: &PlanSettings,
) -> Result<i32, AppError> {
    let seen = access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let v = check_plan_settings(input)?;
    let state = |p: &projects::Model| {
        serde_json::json!({
            "target_date": p.target_date,
            "capacity_hours": p.capacity_hours,
            "review_every_days": p.review_every_days,
        })
    };
    let txn = crate::txn::begin(db).await?;
    let changes = projects::Entity::update_many()
        .col_expr(projects::Column::TargetDate, Expr::value(v.target_date))
        .col_expr(
            projects::Column::CapacityHours,
            Expr::value(v.capacity_hours),
        )
        .col_expr(
            projects::Column::ReviewEveryDays,
            Expr::value(v.review_every_days),
        )
        .col_expr(projects::Column::UpdatedAt, Expr::value(Utc::now()));
    let after = crate::txn::save(
        &txn,
        &Actor::from(user),
        project.id,
        version,
        changes,
        |after| {
            Event::new("project", after.id, "updated")
                .in_project(after)
                .before(&state(&project))
                .after(&state(after))
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// The plan of project `slug` for anyone who may see it: a constant number of queries
/// whatever the number of items (access, categories, items, phases, people, item events,
/// reviews).
pub async fn plan(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<PlanView, AppError> {
    let seen = access::project(db, user, slug).await?;
    let project = &seen.project;
    let (cats, rows) = project_rows(db, project.id).await?;
    let phases = phases_of(db, project.id).await?;
    let people: Vec<i32> = rows.iter().filter_map(|r| r.assignee_id).collect();
    let names: HashMap<i32, String> = if people.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(people))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let category: HashMap<i32, &str> = cats.iter().map(|c| (c.id, c.name.as_str())).collect();
    let path = crate::plan::path_of_rows(db, project, &rows, today).await?;
    let mut by_phase: HashMap<Option<i32>, Vec<PlanItem>> = HashMap::new();
    for r in &rows {
        by_phase.entry(r.phase_id).or_default().push(PlanItem {
            id: r.id,
            version: r.version,
            title: r.title.clone(),
            category: category
                .get(&r.category_id)
                .copied()
                .unwrap_or("")
                .to_owned(),
            priority: r.priority,
            blocking: r.blocking,
            status: r.status,
            open: r.facts().effective_status(today).is_gap(),
            effort_hours: r.effort_hours,
            assignee: r.assignee_id.and_then(|a| names.get(&a).cloned()),
        });
    }
    let open = |items: &[PlanItem]| {
        let open: Vec<&PlanItem> = items.iter().filter(|i| i.open).collect();
        (
            open.iter()
                .map(|i| i.effort_hours.unwrap_or(0.0).max(0.0))
                .sum::<f64>(),
            open.len(),
        )
    };
    let scheduled: Vec<(phases::Model, Vec<PlanItem>)> = phases
        .into_iter()
        .map(|p| {
            let items = by_phase.remove(&Some(p.id)).unwrap_or_default();
            (p, items)
        })
        .collect();
    let work: Vec<PhaseWork> = scheduled
        .iter()
        .map(|(p, items)| {
            let (open_hours, open_items) = open(items);
            PhaseWork {
                target: p.target_date,
                open_hours,
                open_items,
            }
        })
        .collect();
    let loads = phase_load(&work, project.capacity_hours.map(f64::from), today);
    let views: Vec<PhaseView> = scheduled
        .into_iter()
        .zip(work.iter().zip(loads))
        .map(|((p, items), (w, load))| PhaseView {
            id: p.id,
            name: p.name,
            goal: p.goal,
            target_date: p.target_date,
            version: p.version,
            items,
            open_hours: w.open_hours,
            open_items: w.open_items,
            load,
        })
        .collect();
    // Items of a phase that is gone (never left by the write paths) count as unscheduled.
    let mut unscheduled = by_phase.remove(&None).unwrap_or_default();
    for (_, rest) in by_phase {
        unscheduled.extend(rest);
    }
    Ok(PlanView {
        slug: project.slug.clone(),
        name: project.name.clone(),
        version: project.version,
        can_edit: seen.require_edit().is_ok(),
        today,
        launch: project.target_date,
        capacity_hours: project.capacity_hours,
        review_every_days: project.review_every_days,
        phases: views,
        unscheduled,
        path,
    })
}
