//! Project queries and rules.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use std::collections::HashMap;

use super::model::{MyGap, Portfolio, ProjectSummary, ProjectView, is_valid_slug, slugify};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    entities::{projects, teams},
    error::{AppError, Validator},
    teams::{model::TeamRole, service::teams_with_role},
};

/// A project as the audit log records it.
fn audit_state(p: &projects::Model) -> serde_json::Value {
    serde_json::json!({
        "team_id": p.team_id,
        "name": p.name,
        "slug": p.slug,
        "description": p.description,
        "threshold": p.threshold,
        "archived": p.archived,
    })
}

/// Finds a project by slug, without any access check (callers check through `authz`).
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<projects::Model, AppError> {
    projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Input for editing a project's settings, as typed.
#[derive(Clone, Debug)]
pub struct ProjectEdit {
    /// Display name.
    pub name: String,
    /// Description (Markdown).
    pub description: String,
    /// Readiness threshold, 0–100.
    pub threshold: i32,
}

/// Changes a project's name, description and threshold (editors and owners) if it is still at
/// `version`, the one the user saw; returns the new version. An edit from an older copy is a
/// conflict, never an overwrite of what was saved in between.
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    version: i32,
    input: ProjectEdit,
) -> Result<i32, AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_edit_project(db, user, &project).await?;
    let name = input.name.trim().to_owned();
    let description = input.description.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .check(
            name.chars().count() > 120,
            "name",
            "Use at most 120 characters.",
        )
        .check(
            description.chars().count() > 10_000,
            "description",
            "Use at most 10,000 characters.",
        )
        .check(
            !(0..=100).contains(&input.threshold),
            "threshold",
            "Use a whole number from 0 to 100.",
        )
        .finish()?;
    let txn = crate::txn::begin(db).await?;
    let res = projects::Entity::update_many()
        .col_expr(projects::Column::Name, Expr::value(name))
        .col_expr(projects::Column::Description, Expr::value(description))
        .col_expr(projects::Column::Threshold, Expr::value(input.threshold))
        .col_expr(projects::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(
            projects::Column::Version,
            Expr::col(projects::Column::Version).add(1),
        )
        .filter(projects::Column::Id.eq(project.id))
        .filter(projects::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(crate::checklist::service::stale("project", None));
    }
    let after = projects::Entity::find_by_id(project.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", after.id, "updated")
            .in_project(&after)
            .before(&audit_state(&project))
            .after(&audit_state(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// Moves a project to another team. The user must own both the project's team and the target.
pub async fn move_to_team(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    team_id: i32,
) -> Result<(), AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_manage_project(db, user, &project).await?;
    authz::can_manage_team(db, user, team_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound | AppError::Forbidden => {
                AppError::field("team_id", "Choose a team you own.")
            }
            other => other,
        })?;
    if project.team_id == team_id {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    let before = audit_state(&project);
    let mut active = project.into_active_model();
    active.team_id = Set(team_id);
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", after.id, "moved")
            .team(team_id)
            .project(after.id)
            .before(&before)
            .after(&audit_state(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Input for a new project, as typed.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// Display name.
    pub name: String,
    /// Slug; derived from the name when blank.
    pub slug: String,
    /// Description (Markdown).
    pub description: String,
    /// Owning team.
    pub team_id: i32,
}

/// What the portfolio shows of a project's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    verdict: crate::scoring::Verdict,
    overall: Option<u8>,
    blocking_gaps: u32,
    overdue: u32,
}

/// What a project's standing is computed from: its items and categories (the revision), its
/// threshold and the day (acceptances expire, due dates pass).
fn standing_key(p: &projects::Model, today: chrono::NaiveDate) -> (i64, i32, chrono::NaiveDate) {
    (p.score_revision, p.threshold, today)
}

/// Scores `projects` from their categories and items (two queries).
async fn standings(
    db: &impl ConnectionTrait,
    projects: &[&projects::Model],
    today: chrono::NaiveDate,
) -> Result<HashMap<i32, Standing>, AppError> {
    use crate::{
        checklist::service::{ItemScoreRow, category_facts, gap_state},
        entities::{categories, items},
        scoring::score_project,
    };
    let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await?;
    let rows: Vec<ItemScoreRow> = items::Entity::find()
        .filter(items::Column::ProjectId.is_in(ids))
        .into_partial_model()
        .all(db)
        .await?;
    // Grouped once, so the work grows with the rows, not with projects × rows.
    let mut cats_of: HashMap<i32, Vec<categories::Model>> = HashMap::new();
    for c in cats {
        cats_of.entry(c.project_id).or_default().push(c);
    }
    let mut items_of: HashMap<i32, Vec<ItemScoreRow>> = HashMap::new();
    for i in rows {
        items_of.entry(i.project_id).or_default().push(i);
    }
    let mut out = HashMap::with_capacity(projects.len());
    for p in projects {
        let p_cats = cats_of.remove(&p.id).unwrap_or_default();
        let p_items = items_of.remove(&p.id).unwrap_or_default();
        let threshold = u8::try_from(p.threshold).unwrap_or(80);
        let score = score_project(&category_facts(&p_cats, &p_items), threshold, today);
        let overdue = p_items.iter().filter(|i| gap_state(*i, today).1).count();
        out.insert(
            p.id,
            Standing {
                verdict: score.verdict,
                overall: score.overall,
                blocking_gaps: score.counts.blocking_gaps,
                overdue: u32::try_from(overdue).unwrap_or(u32::MAX),
            },
        );
    }
    Ok(out)
}

/// The user's gaps across `projects`, by due date (undated last), most severe first (one query).
async fn my_gaps(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    projects: &HashMap<i32, &projects::Model>,
    today: chrono::NaiveDate,
) -> Result<Vec<MyGap>, AppError> {
    use crate::{
        checklist::service::{ItemScoreRow, gap_state},
        entities::items,
        scoring::{Priority, Status},
    };
    let rows: Vec<ItemScoreRow> =
        items::Entity::find()
            .filter(items::Column::AssigneeId.eq(user.id))
            .filter(items::Column::ProjectId.is_in(projects.keys().copied()))
            // A gap, or an acceptance that may have expired.
            .filter(items::Column::Status.is_in(
                [Status::Open, Status::InProgress, Status::AcceptedRisk].map(Status::as_str),
            ))
            .order_by_asc(items::Column::Position)
            .order_by_asc(items::Column::Id)
            .into_partial_model()
            .all(db)
            .await?;
    let mut gaps: Vec<MyGap> = rows
        .into_iter()
        .filter_map(|i| {
            let (gap, overdue) = gap_state(&i, today);
            let p = projects.get(&i.project_id).filter(|_| gap)?;
            Some(MyGap {
                slug: p.slug.clone(),
                project: p.name.clone(),
                item_id: i.id,
                priority: Priority::parse(&i.priority).unwrap_or(Priority::Medium),
                blocking: i.blocking,
                due_date: i.due_date.map(|d| d.to_string()),
                overdue,
                title: i.title,
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        (
            a.due_date.is_none(),
            &a.due_date,
            std::cmp::Reverse(a.priority),
        )
            .cmp(&(
                b.due_date.is_none(),
                &b.due_date,
                std::cmp::Reverse(b.priority),
            ))
    });
    Ok(gaps)
}

/// Projects the user can see, by name, each scored; and the user's open items across them.
/// Five queries, plus two when a project changed since `memo` last scored it.
pub async fn portfolio(
    db: &impl ConnectionTrait,
    memo: &crate::memo::ProjectMemo,
    user: &AuthUser,
    today: chrono::NaiveDate,
) -> Result<Portfolio, AppError> {
    let mut query = projects::Entity::find()
        .find_also_related(teams::Entity)
        .filter(projects::Column::Archived.eq(false))
        .order_by_asc(projects::Column::Name);
    if let authz::TeamScope::Only(team_ids) =
        authz::teams_with_at_least(db, user, TeamRole::Viewer).await?
    {
        query = query.filter(projects::Column::TeamId.is_in(team_ids));
    }
    let rows = query.all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|(p, _)| p.id).collect();
    let serious = crate::risks::service::serious_counts(db, &ids).await?;
    let reviewed = crate::reviews::service::last_overall(db, &ids).await?;
    let by_id: HashMap<i32, &projects::Model> = rows.iter().map(|(p, _)| (p.id, p)).collect();
    let gaps = my_gaps(db, user, &by_id, today).await?;
    let mut known = HashMap::with_capacity(rows.len());
    let mut stale = Vec::new();
    for (p, _) in &rows {
        match memo.standings.get(p.id, &standing_key(p, today)) {
            Some(s) => drop(known.insert(p.id, s)),
            None => stale.push(p),
        }
    }
    if !stale.is_empty() {
        for (id, s) in standings(db, &stale, today).await? {
            memo.standings.put(id, standing_key(by_id[&id], today), s);
            known.insert(id, s);
        }
    }
    let projects = rows
        .into_iter()
        .map(|(p, t)| {
            let s = known[&p.id];
            ProjectSummary {
                since_review: match (s.overall, reviewed.get(&p.id).copied().flatten()) {
                    (Some(now), Some(then)) => Some(i32::from(now) - i32::from(then)),
                    _ => None,
                },
                serious_risks: serious.get(&p.id).copied().unwrap_or(0),
                slug: p.slug,
                name: p.name,
                team_name: t.map(|t| t.name).unwrap_or_default(),
                description: p.description,
                verdict: s.verdict,
                overall: s.overall,
                blocking_gaps: s.blocking_gaps,
                overdue: s.overdue,
            }
        })
        .collect();
    Ok(Portfolio {
        projects,
        my_gaps: gaps,
    })
}

/// The project with this slug, if the user may see it; `NotFound` otherwise.
pub async fn get_visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
) -> Result<ProjectView, AppError> {
    let (project, team) = projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .find_also_related(teams::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = authz::can_view_project(db, user, &project).await?;
    let permissions = authz::permissions(role);
    let move_targets = if permissions.can_manage {
        teams_with_role(db, user, TeamRole::Owner)
            .await?
            .into_iter()
            .filter(|t| t.id != project.team_id)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ProjectView {
        slug: project.slug,
        name: project.name,
        team_name: team.map(|t| t.name).unwrap_or_default(),
        team_id: project.team_id,
        description: project.description,
        threshold: project.threshold,
        version: project.version,
        permissions,
        move_targets,
    })
}

/// A new project's fields, checked.
#[derive(Clone, Debug)]
pub(crate) struct CheckedProject {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub team_id: i32,
}

/// Checks a new project's fields (slug derived from the name when blank).
pub(crate) fn check_new(input: NewProject) -> Result<CheckedProject, AppError> {
    let name = input.name.trim().to_owned();
    let slug = match input.slug.trim() {
        "" => slugify(&name),
        s => s.to_owned(),
    };
    let description = input.description.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .check(
            name.chars().count() > 120,
            "name",
            "Use at most 120 characters.",
        )
        .check(
            slug.is_empty(),
            "slug",
            "Enter a slug (lower-case letters, digits and hyphens).",
        )
        .check(
            !is_valid_slug(&slug),
            "slug",
            "Use lower-case letters, digits and single hyphens, at most 64 characters.",
        )
        .check(
            description.chars().count() > 10_000,
            "description",
            "Use at most 10,000 characters.",
        )
        .finish()?;
    Ok(CheckedProject {
        name,
        slug,
        description,
        team_id: input.team_id,
    })
}

/// Inserts a checked project (in the caller's transaction) and records it. The caller has
/// checked that the user may create projects in the team.
pub(crate) async fn insert_project(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    p: CheckedProject,
) -> Result<projects::Model, AppError> {
    let taken = || AppError::field("slug", "This slug is already taken.");
    if projects::Entity::find()
        .filter(projects::Column::Slug.eq(&p.slug))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let now = Utc::now();
    let project = projects::ActiveModel {
        team_id: Set(p.team_id),
        name: Set(p.name),
        slug: Set(p.slug),
        description: Set(p.description),
        repository_url: Set(None),
        target_date: Set(None),
        threshold: Set(80),
        archived: Set(false),
        evidence_required: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| AppError::unique_or_internal(e, taken))?;
    record(
        txn,
        &Actor::from(user),
        Event::new("project", project.id, "created")
            .in_project(&project)
            .after(&audit_state(&project)),
    )
    .await?;
    Ok(project)
}

/// Creates a project in a team where the user is editor or owner. Returns its slug.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    input: NewProject,
) -> Result<String, AppError> {
    let checked = check_new(input)?;
    // Another team answers 404, a viewer's own team 403 (the picker offers neither).
    authz::can_create_project_in_team(db, user, checked.team_id).await?;
    let txn = crate::txn::begin(db).await?;
    let project = insert_project(&txn, user, checked).await?;
    txn.commit().await?;
    Ok(project.slug)
}
