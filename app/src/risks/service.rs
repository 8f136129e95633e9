//! Risk register reads and changes. Every function authorizes first (through `authz`), checks
//! its input into field errors, and records an audit event in the change's transaction.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
    sea_query::Expr,
};

use super::{
    matrix::{Level, RiskMatrix, RiskStatus, rescale, score},
    model::{
        CategoryRisk, CellCounts, ItemChoice, LinkedItem, MatrixSettings, RegisterView, Remap,
        RiskDetail, RiskFilter, RiskView, serious_live,
    },
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    checklist::model::Person,
    entities::{categories, items, projects, risk_items, risk_matrices, risks, users},
    error::{AppError, Validator},
    limits::{MAX_TEXT, MAX_TITLE},
    markdown::to_safe_html,
    projects::access::find_by_slug,
    projects::access::{ProjectAccess, item_for, project_by_id},
    scoring::{Priority, Status},
    teams::people::{member_ids, members},
};

use super::stored::{matrices_of, matrix_of};

/// Open or mitigating high/critical risks per project (one query), for the overview and the
/// portfolio.
pub async fn serious_counts(
    db: &impl ConnectionTrait,
    project_ids: &[i32],
) -> Result<HashMap<i32, u32>, AppError> {
    let matrices = matrices_of(db, project_ids).await?;
    let default = RiskMatrix::default();
    let mut counts = HashMap::new();
    let rows: Vec<(i32, RiskStatus, i32, i32)> = risks::Entity::find()
        .filter(risks::Column::ProjectId.is_in(project_ids.iter().copied()))
        .filter(risks::Column::Status.is_in([RiskStatus::Open, RiskStatus::Mitigating]))
        .select_only()
        .column(risks::Column::ProjectId)
        .column(risks::Column::Status)
        .column(risks::Column::Likelihood)
        .column(risks::Column::Impact)
        .into_tuple()
        .all(db)
        .await?;
    for (project, status, l, i) in rows {
        let m = matrices.get(&project).unwrap_or(&default);
        if serious_live(m.level(l, i), status) {
            *counts.entry(project).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// Risks an item mitigates: (id, title), by title (one query). The caller has authorized
/// reading the item's project.
pub async fn risks_of_item(
    db: &impl ConnectionTrait,
    item_id: i32,
) -> Result<Vec<(i32, String)>, AppError> {
    let ids: Vec<i32> = risk_items::Entity::find()
        .filter(risk_items::Column::ItemId.eq(item_id))
        .select_only()
        .column(risk_items::Column::RiskId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(risks::Entity::find()
        .filter(risks::Column::Id.is_in(ids))
        .order_by_asc(risks::Column::Title)
        .select_only()
        .column(risks::Column::Id)
        .column(risks::Column::Title)
        .into_tuple()
        .all(db)
        .await?)
}

/// Links of the given risks to their items: risk id → items (one query).
async fn links(
    db: &impl ConnectionTrait,
    risk_ids: &[i32],
) -> Result<HashMap<i32, Vec<LinkedItem>>, AppError> {
    let rows = risk_items::Entity::find()
        .filter(risk_items::Column::RiskId.is_in(risk_ids.iter().copied()))
        .find_also_related(items::Entity)
        .order_by_asc(risk_items::Column::ItemId)
        .all(db)
        .await?;
    let mut out: HashMap<i32, Vec<LinkedItem>> = HashMap::new();
    for (link, item) in rows {
        if let Some(item) = item {
            out.entry(link.risk_id).or_default().push(LinkedItem {
                id: item.id,
                title: item.title,
                status: item.status,
            });
        }
    }
    Ok(out)
}

fn risk_view(
    r: risks::Model,
    matrix: &RiskMatrix,
    categories: &HashMap<i32, String>,
    people: &HashMap<i32, String>,
    items: Vec<LinkedItem>,
) -> RiskView {
    let applicable: Vec<&LinkedItem> = items
        .iter()
        .filter(|i| i.status != Status::NotApplicable)
        .collect();
    let mitigations_complete = !applicable.is_empty()
        && applicable.iter().all(|i| i.status == Status::Done)
        && r.status.is_active();
    RiskView {
        id: r.id,
        version: r.version,
        description_html: to_safe_html(&r.description),
        description: r.description,
        title: r.title,
        category: r
            .category_id
            .and_then(|c| categories.get(&c).map(|n| (c, n.clone()))),
        owner: r.owner_id.and_then(|o| {
            people.get(&o).map(|n| Person {
                id: o,
                name: n.clone(),
            })
        }),
        status: r.status,
        likelihood: r.likelihood,
        impact: r.impact,
        score: score(r.likelihood, r.impact),
        level: matrix.level(r.likelihood, r.impact),
        target_likelihood: r.target_likelihood,
        target_impact: r.target_impact,
        target_score: score(r.target_likelihood, r.target_impact),
        target_level: matrix.level(r.target_likelihood, r.target_impact),
        items,
        mitigations_complete,
    }
}

fn matches(f: &RiskFilter, r: &RiskView) -> bool {
    let id_filter = |want: &str, have: Option<i32>| match want {
        "" => true,
        "none" => have.is_none(),
        w => w.parse::<i32>().ok() == have,
    };
    let cell = |want: &str, have: (i32, i32)| {
        want.is_empty() || RiskFilter::parse_cell(want) == Some(have)
    };
    (match f.status.as_str() {
        "" => true,
        "live" => r.status != RiskStatus::Closed,
        s => r.status.as_str() == s,
    }) && (f.level.is_empty() || r.level.as_str() == f.level)
        && id_filter(&f.category, r.category.as_ref().map(|c| c.0))
        && id_filter(&f.owner, r.owner.as_ref().map(|o| o.id))
        && cell(&f.current, (r.likelihood, r.impact))
        && cell(&f.target, (r.target_likelihood, r.target_impact))
}

fn sort(risks: &mut [RiskView], by: &str) {
    match by {
        "title" => risks.sort_by_key(|r| r.title.to_lowercase()),
        "target" => risks.sort_by_key(|r| std::cmp::Reverse((r.target_level, r.target_score))),
        "status" => risks.sort_by_key(|r| RiskStatus::ALL.iter().position(|s| *s == r.status)),
        "category" => risks.sort_by(|a, b| {
            let name = |r: &RiskView| r.category.as_ref().map(|c| c.1.to_lowercase());
            (name(a).is_none(), name(a)).cmp(&(name(b).is_none(), name(b)))
        }),
        _ => risks.sort_by_key(|r| std::cmp::Reverse((r.level, r.score))),
    }
}

/// A zeroed count grid for `matrix`.
fn grid(matrix: &RiskMatrix) -> CellCounts {
    vec![vec![0; matrix.impact_steps()]; matrix.likelihood_steps()]
}

fn bump(grid: &mut CellCounts, l: i32, i: i32) {
    let cell = usize::try_from(l - 1)
        .ok()
        .and_then(|l| grid.get_mut(l))
        .and_then(|row| usize::try_from(i - 1).ok().and_then(|i| row.get_mut(i)));
    if let Some(c) = cell {
        *c += 1;
    }
}

/// Reads shared by the register and the risk page: categories, names, matrix (3 queries).
struct Context {
    matrix: RiskMatrix,
    categories: Vec<(i32, String)>,
    category_names: HashMap<i32, String>,
    members: Vec<Person>,
    names: HashMap<i32, String>,
}

async fn context(
    db: &impl ConnectionTrait,
    project: &projects::Model,
) -> Result<Context, AppError> {
    let (matrix, _) = matrix_of(db, project.id).await?;
    let categories: Vec<(i32, String)> = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let members = members(db, project.team_id).await?;
    Ok(Context {
        category_names: categories.iter().cloned().collect(),
        names: members.iter().map(|p| (p.id, p.name.clone())).collect(),
        matrix,
        categories,
        members,
    })
}

/// Names of owners who are not (or no longer) members (one query when there are any).
async fn add_owner_names(
    db: &impl ConnectionTrait,
    rows: &[risks::Model],
    names: &mut HashMap<i32, String>,
) -> Result<(), AppError> {
    let missing: HashSet<i32> = rows
        .iter()
        .filter_map(|r| r.owner_id)
        .filter(|o| !names.contains_key(o))
        .collect();
    if !missing.is_empty() {
        for u in users::Entity::find()
            .filter(users::Column::Id.is_in(missing))
            .all(db)
            .await?
        {
            names.insert(u.id, u.display_name);
        }
    }
    Ok(())
}

/// The register of project `slug`, filtered and sorted (a constant number of queries).
pub async fn register(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    filter: &RiskFilter,
) -> Result<RegisterView, AppError> {
    let project = find_by_slug(db, slug).await?;
    let role = authz::can_view_project(db, user, &project).await?;
    let mut cx = context(db, &project).await?;
    let rows = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project.id))
        .order_by_asc(risks::Column::Id)
        .all(db)
        .await?;
    add_owner_names(db, &rows, &mut cx.names).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut links = links(db, &ids).await?;
    let total = rows.len();
    let all: Vec<RiskView> = rows
        .into_iter()
        .map(|r| {
            let items = links.remove(&r.id).unwrap_or_default();
            risk_view(r, &cx.matrix, &cx.category_names, &cx.names, items)
        })
        .collect();
    let (mut current_counts, mut target_counts) = (grid(&cx.matrix), grid(&cx.matrix));
    let mut by_cat: HashMap<Option<i32>, (Option<Level>, Option<Level>)> = HashMap::new();
    for r in all.iter().filter(|r| r.status != RiskStatus::Closed) {
        bump(&mut current_counts, r.likelihood, r.impact);
        bump(&mut target_counts, r.target_likelihood, r.target_impact);
        let e = by_cat.entry(r.category.as_ref().map(|c| c.0)).or_default();
        e.0 = e.0.max(Some(r.level));
        e.1 = e.1.max(Some(r.target_level));
    }
    // Previous: the highest level of the risks not closed at the last final review.
    let previous = crate::reviews::service::last_final(db, project.id)
        .await?
        .map(|(_, _, s)| s.risk_levels_by_category())
        .unwrap_or_default();
    let mut by_category: Vec<CategoryRisk> = cx
        .categories
        .iter()
        .map(|(id, name)| {
            let (current, target) = by_cat.get(&Some(*id)).copied().unwrap_or_default();
            CategoryRisk {
                name: name.clone(),
                previous: previous.get(&Some(*id)).copied(),
                current,
                target,
            }
        })
        .collect();
    if by_cat.contains_key(&None) || previous.contains_key(&None) {
        let (current, target) = by_cat.get(&None).copied().unwrap_or_default();
        by_category.push(CategoryRisk {
            name: "No category".into(),
            previous: previous.get(&None).copied(),
            current,
            target,
        });
    }
    let mut risks: Vec<RiskView> = all.into_iter().filter(|r| matches(filter, r)).collect();
    sort(&mut risks, &filter.sort);
    Ok(RegisterView {
        slug: project.slug,
        name: project.name,
        permissions: authz::permissions(role),
        matrix: cx.matrix,
        risks,
        total,
        current_counts,
        target_counts,
        by_category,
        categories: cx.categories,
        members: cx.members,
    })
}

/// A risk and its project, if the user may see the project.
async fn risk_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(risks::Model, ProjectAccess), AppError> {
    let risk = risks::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let granted = project_by_id(db, user, risk.project_id).await?;
    Ok((risk, granted))
}

/// One risk with what its page needs.
pub async fn detail(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<RiskDetail, AppError> {
    let (risk, granted) = risk_for(db, user, id).await?;
    let role = granted.role;
    let project = granted.project;
    let mut cx = context(db, &project).await?;
    add_owner_names(db, std::slice::from_ref(&risk), &mut cx.names).await?;
    let linked = links(db, &[risk.id])
        .await?
        .remove(&risk.id)
        .unwrap_or_default();
    let linked_ids: HashSet<i32> = linked.iter().map(|i| i.id).collect();
    let linkable = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .order_by_asc(items::Column::Title)
        .select_only()
        .column(items::Column::Id)
        .column(items::Column::Title)
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .filter(|(id, _)| !linked_ids.contains(id))
        .map(|(id, title)| ItemChoice { id, title })
        .collect();
    Ok(RiskDetail {
        risk: risk_view(risk, &cx.matrix, &cx.category_names, &cx.names, linked),
        slug: project.slug,
        name: project.name,
        permissions: authz::permissions(role),
        matrix: cx.matrix,
        categories: cx.categories,
        members: cx.members,
        linkable,
    })
}

/// A risk as submitted: every field a string, checked by [`check_risk`].
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Category id, or blank.
    pub category: String,
    /// Owner's user id, or blank.
    pub owner: String,
    /// Status word; blank: open.
    pub status: String,
    /// Current likelihood step.
    pub likelihood: String,
    /// Current impact step.
    pub impact: String,
    /// Target likelihood step; blank: the current one.
    pub target_likelihood: String,
    /// Target impact step; blank: the current one.
    pub target_impact: String,
}

struct RiskValues {
    title: String,
    description: String,
    category_id: Option<i32>,
    owner_id: Option<i32>,
    status: RiskStatus,
    likelihood: i32,
    impact: i32,
    target_likelihood: i32,
    target_impact: i32,
}

fn input_of(r: &risks::Model) -> RiskInput {
    RiskInput {
        title: r.title.clone(),
        description: r.description.clone(),
        category: r.category_id.map(|c| c.to_string()).unwrap_or_default(),
        owner: r.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        status: r.status.as_str().to_owned(),
        likelihood: r.likelihood.to_string(),
        impact: r.impact.to_string(),
        target_likelihood: r.target_likelihood.to_string(),
        target_impact: r.target_impact.to_string(),
    }
}

/// Checks `input` against the project's matrix, categories and possible owners.
fn check_risk(
    input: &RiskInput,
    matrix: &RiskMatrix,
    categories: &[i32],
    owners: &[i32],
) -> Result<RiskValues, AppError> {
    let title = input.title.trim().to_owned();
    let description = input.description.trim().to_owned();
    let status = match input.status.trim() {
        "" => Some(RiskStatus::Open),
        s => RiskStatus::parse(s),
    };
    let id_in = |s: &str, allowed: &[i32]| match s.trim() {
        "" => Ok(None),
        v => v
            .parse::<i32>()
            .ok()
            .filter(|id| allowed.contains(id))
            .map(Some)
            .ok_or(()),
    };
    let category = id_in(&input.category, categories);
    let owner = id_in(&input.owner, owners);
    let steps = |s: &str, max: usize| {
        s.trim()
            .parse::<i32>()
            .ok()
            .filter(|v| (1..=max as i32).contains(v))
    };
    let (ls, is) = (matrix.likelihood_steps(), matrix.impact_steps());
    let likelihood = steps(&input.likelihood, ls);
    let impact = steps(&input.impact, is);
    let or_current = |s: &str, current: Option<i32>, max| {
        if s.trim().is_empty() {
            current
        } else {
            steps(s, max)
        }
    };
    let target_likelihood = or_current(&input.target_likelihood, likelihood, ls);
    let target_impact = or_current(&input.target_impact, impact, is);
    let l_msg = format!("Choose a likelihood from 1 to {ls}.");
    let i_msg = format!("Choose an impact from 1 to {is}.");
    let mut v = Validator::default();
    v.check(title.is_empty(), "title", "Enter a title.")
        .at_most(&title, MAX_TITLE, "title")
        .at_most(&description, MAX_TEXT, "description")
        .check(
            status.is_none(),
            "status",
            "Choose open, mitigating, accepted or closed.",
        )
        .check(
            category.is_err(),
            "category",
            "Choose one of the project's categories.",
        )
        .check(
            owner.is_err(),
            "owner",
            "Choose a member of the project's team.",
        )
        .check(likelihood.is_none(), "likelihood", l_msg.clone())
        .check(impact.is_none(), "impact", i_msg.clone())
        .check(target_likelihood.is_none(), "target_likelihood", l_msg)
        .check(target_impact.is_none(), "target_impact", i_msg);
    v.finish()?;
    match (
        status,
        category,
        owner,
        likelihood,
        impact,
        target_likelihood,
        target_impact,
    ) {
        (Some(status), Ok(category_id), Ok(owner_id), Some(l), Some(i), Some(tl), Some(ti)) => {
            Ok(RiskValues {
                title,
                description,
                category_id,
                owner_id,
                status,
                likelihood: l,
                impact: i,
                target_likelihood: tl,
                target_impact: ti,
            })
        }
        _ => Err(AppError::BadRequest),
    }
}

fn risk_state(r: &risks::Model, matrix: &RiskMatrix) -> serde_json::Value {
    serde_json::json!({
        "title": r.title,
        "description": r.description,
        "category_id": r.category_id,
        "owner_id": r.owner_id,
        "status": r.status,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "level": matrix.level(r.likelihood, r.impact).as_str(),
        "target_likelihood": r.target_likelihood,
        "target_impact": r.target_impact,
        "target_level": matrix.level(r.target_likelihood, r.target_impact).as_str(),
    })
}

/// A project's matrix and the version it was read at.
type Matrix = (RiskMatrix, i32);

/// Inside a risk write's transaction: holds the project's matrix still until the write commits
/// (PostgreSQL: a lock on the project row, the one a resize takes; SQLite: the write lock the
/// transaction already holds) and checks it is still the version the risk's steps were checked
/// against. A resize in between is a conflict, never a risk left on a step the matrix no longer
/// has. The lock is exclusive, not shared: the score triggers of an item written later in the
/// same transaction (an import) update that row, and two shared holders upgrading would
/// deadlock.
pub(crate) async fn hold_matrix(
    txn: &impl ConnectionTrait,
    project_id: i32,
    seen: i32,
) -> Result<(), AppError> {
    projects::Entity::find_by_id(project_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if matrix_of(txn, project_id).await?.1 != seen {
        return Err(AppError::stale("risk matrix", None));
    }
    Ok(())
}

/// What a project allows in a risk: category ids and possible owners (`keep`: an owner who
/// may stay although no longer a member).
async fn allowed(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    keep: Option<i32>,
) -> Result<(Matrix, Vec<i32>, Vec<i32>), AppError> {
    let matrix = matrix_of(db, project.id).await?;
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .select_only()
        .column(categories::Column::Id)
        .into_tuple::<i32>()
        .all(db)
        .await?;
    let mut owners = member_ids(db, project.team_id).await?;
    owners.extend(keep);
    Ok((matrix, cats, owners))
}

async fn insert_risk(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    matrix: &RiskMatrix,
    v: RiskValues,
) -> Result<risks::Model, AppError> {
    let now = Utc::now();
    let r = risks::ActiveModel {
        project_id: Set(project.id),
        category_id: Set(v.category_id),
        title: Set(v.title),
        description: Set(v.description),
        owner_id: Set(v.owner_id),
        status: Set(v.status),
        likelihood: Set(v.likelihood),
        impact: Set(v.impact),
        target_likelihood: Set(v.target_likelihood),
        target_impact: Set(v.target_impact),
        version: Set(1),
        updated_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    record(
        txn,
        &Actor::from(user),
        Event::new("risk", r.id, "created")
            .in_project(project)
            .after(&risk_state(&r, matrix)),
    )
    .await?;
    Ok(r)
}

/// Adds a risk to project `slug` (editors); returns its id.
pub async fn create_risk(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    input: RiskInput,
) -> Result<i32, AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_edit_project(db, user, &project).await?;
    let ((matrix, seen), cats, owners) = allowed(db, &project, None).await?;
    let v = check_risk(&input, &matrix, &cats, &owners)?;
    let txn = crate::txn::begin(db).await?;
    hold_matrix(&txn, project.id, seen).await?;
    let r = insert_risk(&txn, user, &project, &matrix, v).await?;
    txn.commit().await?;
    Ok(r.id)
}

/// Changes a risk (editors) if it is still at `version`; returns the new version.
pub async fn update_risk(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    change: impl FnOnce(&mut RiskInput),
) -> Result<i32, AppError> {
    let (risk, granted) = risk_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let ((matrix, seen), cats, owners) = allowed(db, &project, risk.owner_id).await?;
    let mut input = input_of(&risk);
    change(&mut input);
    let v = check_risk(&input, &matrix, &cats, &owners)?;
    let txn = crate::txn::begin(db).await?;
    hold_matrix(&txn, project.id, seen).await?;
    let changes = risks::Entity::update_many()
        .col_expr(risks::Column::Title, Expr::value(v.title))
        .col_expr(risks::Column::Description, Expr::value(v.description))
        .col_expr(risks::Column::CategoryId, Expr::value(v.category_id))
        .col_expr(risks::Column::OwnerId, Expr::value(v.owner_id))
        .col_expr(risks::Column::Status, Expr::value(v.status))
        .col_expr(risks::Column::Likelihood, Expr::value(v.likelihood))
        .col_expr(risks::Column::Impact, Expr::value(v.impact))
        .col_expr(
            risks::Column::TargetLikelihood,
            Expr::value(v.target_likelihood),
        )
        .col_expr(risks::Column::TargetImpact, Expr::value(v.target_impact))
        .col_expr(risks::Column::UpdatedBy, Expr::value(Some(user.id)))
        .col_expr(risks::Column::UpdatedAt, Expr::value(Utc::now()));
    let after = crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("risk", id, "updated")
            .in_project(&project)
            .before(&risk_state(&risk, &matrix))
            .after(&risk_state(after, &matrix))
    })
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// Deletes a risk (editors).
pub async fn delete_risk(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (risk, granted) = risk_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let (matrix, _) = matrix_of(db, project.id).await?;
    let txn = crate::txn::begin(db).await?;
    risks::Entity::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("risk", id, "deleted")
            .in_project(&project)
            .before(&risk_state(&risk, &matrix)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Links (or unlinks) a checklist item of the same project to a risk as a mitigation
/// (editors). Linking twice or unlinking what is not linked changes nothing.
pub async fn set_link(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    risk_id: i32,
    item_id: i32,
    linked: bool,
) -> Result<(), AppError> {
    let (risk, granted) = risk_for(db, user, risk_id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let item = items::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .filter(|i| i.project_id == project.id)
        .ok_or_else(|| AppError::field("item_id", "Choose an item of this project."))?;
    let existing = risk_items::Entity::find_by_id((risk.id, item.id))
        .one(db)
        .await?;
    if existing.is_some() == linked {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    if linked {
        risk_items::ActiveModel {
            risk_id: Set(risk.id),
            item_id: Set(item.id),
        }
        .insert(&txn)
        .await?;
    } else {
        risk_items::Entity::delete_by_id((risk.id, item.id))
            .exec(&txn)
            .await?;
    }
    let state = serde_json::json!({ "item_id": item.id, "item": item.title });
    let event = Event::new(
        "risk",
        risk.id,
        if linked {
            "item_linked"
        } else {
            "item_unlinked"
        },
    )
    .in_project(&project);
    let event = if linked {
        event.after(&state)
    } else {
        event.before(&state)
    };
    record(&txn, &Actor::from(user), event).await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a risk from a failed (open or in progress) critical or high item, pre-filled from
/// it and linked to it (editors). Returns the new risk's id.
pub async fn create_from_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item_id: i32,
) -> Result<i32, AppError> {
    let (item, project) = item_for(db, user, item_id).await?;
    authz::can_edit_project(db, user, &project).await?;
    let priority = item.priority;
    let status = item.status;
    if !matches!(priority, Priority::Critical | Priority::High)
        || !matches!(status, Status::Open | Status::InProgress)
    {
        return Err(AppError::Conflict(
            "Only an open or in-progress critical or high item can become a risk.".into(),
        ));
    }
    let (matrix, seen) = matrix_of(db, project.id).await?;
    let (ls, is) = (
        matrix.likelihood_steps() as i32,
        matrix.impact_steps() as i32,
    );
    // A gap that is still open is at least possible; a critical one hurts most.
    let likelihood = (ls + 1) / 2 + 1;
    let impact = if priority == Priority::Critical {
        is
    } else {
        is - 1
    };
    let owners = member_ids(db, project.team_id).await?;
    let v = RiskValues {
        title: item.title.clone(),
        description: format!(
            "From the checklist item “{}”, still {}.\n\n{}",
            item.title,
            status.label().to_lowercase(),
            item.description
        )
        .trim()
        .chars()
        .take(MAX_TEXT)
        .collect(),
        category_id: Some(item.category_id),
        owner_id: item.assignee_id.filter(|a| owners.contains(a)),
        status: RiskStatus::Open,
        likelihood: std::cmp::min(likelihood, ls),
        impact,
        target_likelihood: 1,
        target_impact: impact,
    };
    let txn = crate::txn::begin(db).await?;
    hold_matrix(&txn, project.id, seen).await?;
    let r = insert_risk(&txn, user, &project, &matrix, v).await?;
    risk_items::ActiveModel {
        risk_id: Set(r.id),
        item_id: Set(item.id),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(r.id)
}

/// Risks that moving from `from` to `to` would put in other cells.
fn remaps(rows: &[risks::Model], from: &RiskMatrix, to: &RiskMatrix) -> Vec<Remap> {
    let (fl, fi, tl, ti) = (
        from.likelihood_steps(),
        from.impact_steps(),
        to.likelihood_steps(),
        to.impact_steps(),
    );
    rows.iter()
        .filter_map(|r| {
            let cur = (r.likelihood, r.impact);
            let tgt = (r.target_likelihood, r.target_impact);
            let new_cur = (rescale(cur.0, fl, tl), rescale(cur.1, fi, ti));
            let new_tgt = (rescale(tgt.0, fl, tl), rescale(tgt.1, fi, ti));
            (cur != new_cur || tgt != new_tgt).then(|| Remap {
                title: r.title.clone(),
                current: (cur, new_cur),
                target: (tgt, new_tgt),
            })
        })
        .collect()
}

/// The matrix editor: the saved matrix, or a draft of it at another size with the risks the
/// draft would move.
pub async fn matrix_settings(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    size: Option<(usize, usize)>,
) -> Result<MatrixSettings, AppError> {
    let project = find_by_slug(db, slug).await?;
    let role = authz::can_view_project(db, user, &project).await?;
    let (saved, version) = matrix_of(db, project.id).await?;
    let saved_size = (saved.likelihood_steps(), saved.impact_steps());
    let matrix = match size {
        Some(s) if s != saved_size => saved.resized(s.0, s.1),
        _ => saved.clone(),
    };
    let rows = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project.id))
        .order_by_asc(risks::Column::Id)
        .all(db)
        .await?;
    Ok(MatrixSettings {
        remaps: remaps(&rows, &saved, &matrix),
        slug: project.slug,
        name: project.name,
        permissions: authz::permissions(role),
        matrix,
        saved_size,
        version,
    })
}

/// A matrix as submitted from the editor.
#[derive(Debug, Clone, Default)]
pub struct MatrixInput {
    /// Likelihood labels, least likely first.
    pub likelihood: Vec<String>,
    /// Impact labels, least severe first.
    pub impact: Vec<String>,
    /// Level words, row by row (likelihood 1 first), impact 1 first in each row.
    pub levels: Vec<String>,
    /// The user saw which risks move, and agrees.
    pub confirm_remap: bool,
}

/// Saves project `slug`'s matrix (editors) if it is still at `version` (0: never saved). A
/// new size moves every risk to the nearest step, but only once the user confirmed the move
/// they were shown; risks moved get new versions. Returns how many risks moved.
pub async fn save_matrix(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    version: i32,
    input: MatrixInput,
) -> Result<usize, AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_edit_project(db, user, &project).await?;
    let trim = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_owned()).collect();
    let likelihood: Vec<String> = trim(input.likelihood);
    let impact: Vec<String> = trim(input.impact);
    let levels: Option<Vec<Level>> = input
        .levels
        .iter()
        .map(|l| Level::parse(l.trim()))
        .collect();
    let Some(levels) = levels else {
        return Err(AppError::field("levels", "Choose a level for every cell."));
    };
    let rows_of = impact.len().max(1);
    let matrix = RiskMatrix {
        levels: levels.chunks(rows_of).map(<[Level]>::to_vec).collect(),
        likelihood,
        impact,
    };
    let mut v = Validator::default();
    for (field, message) in matrix.problems() {
        v.check(true, field, message);
    }
    v.finish()?;
    let spec = serde_json::to_string(&matrix).map_err(|e| {
        tracing::error!(error = %e, "serializing a risk matrix");
        AppError::Internal
    })?;
    // The matrix and the risks are read inside the transaction and locked (PostgreSQL; SQLite
    // holds the write lock): the project row keeps risks from being created or re-stepped
    // against the old matrix (`hold_matrix`), the risk rows wait for any write in flight and
    // are then read as it left them. Nothing is rescaled from an older copy.
    let txn = crate::txn::begin(db).await?;
    projects::Entity::find_by_id(project.id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (saved, saved_version) = matrix_of(&txn, project.id).await?;
    let rows = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project.id))
        .lock_exclusive()
        .all(&txn)
        .await?;
    let moves = remaps(&rows, &saved, &matrix);
    if !moves.is_empty() && !input.confirm_remap {
        return Err(AppError::field(
            "confirm_remap",
            format!(
                "The new size moves {} risk{}; confirm to save.",
                moves.len(),
                if moves.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    if version != saved_version {
        return Err(AppError::stale("risk matrix", None));
    }
    let now = Utc::now();
    if saved_version == 0 {
        risk_matrices::ActiveModel {
            project_id: Set(project.id),
            spec: Set(spec),
            version: Set(1),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        // Someone else saved the first version at the same moment.
        .map_err(|_| AppError::stale("risk matrix", None))?;
    } else {
        let res = risk_matrices::Entity::update_many()
            .col_expr(risk_matrices::Column::Spec, Expr::value(spec))
            .col_expr(risk_matrices::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                risk_matrices::Column::Version,
                Expr::col(risk_matrices::Column::Version).add(1),
            )
            .filter(risk_matrices::Column::ProjectId.eq(project.id))
            .filter(risk_matrices::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::stale("risk matrix", None));
        }
    }
    let (fl, fi, tl, ti) = (
        saved.likelihood_steps(),
        saved.impact_steps(),
        matrix.likelihood_steps(),
        matrix.impact_steps(),
    );
    let moved = moves.len();
    if moved > 0 {
        for r in rows {
            let mut active = r.clone().into_active_model();
            active.likelihood = Set(rescale(r.likelihood, fl, tl));
            active.impact = Set(rescale(r.impact, fi, ti));
            active.target_likelihood = Set(rescale(r.target_likelihood, fl, tl));
            active.target_impact = Set(rescale(r.target_impact, fi, ti));
            active.version = Set(r.version + 1);
            active.updated_by = Set(Some(user.id));
            active.updated_at = Set(now);
            // Every writer of a risk's steps holds the matrix (`hold_matrix`); a write that does
            // not (none should) still cannot be overwritten unseen.
            crate::txn::update_at_version(&txn, active, risks::Column::Version, r.version)
                .await?
                .ok_or_else(|| AppError::stale("risk", None))?;
        }
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("risk_matrix", project.id, "updated")
            .in_project(&project)
            .before(&serde_json::json!({ "matrix": saved }))
            .after(&serde_json::json!({ "matrix": matrix, "risks_moved": moved })),
    )
    .await?;
    txn.commit().await?;
    Ok(moved)
}
