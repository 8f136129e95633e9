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
    projects::access::{ProjectAccess, project_by_id},
    scoring::{Priority, Status},
    teams::people::{member_ids, members},
};

use super::stored::{matrices_of, matrix_of};

mod matrix_writes;
mod risk_writes;

pub use matrix_writes::*;
pub use risk_writes::*;

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
    let seen = crate::projects::access::project(db, user, slug).await?;
    let role = seen.role;
    let project = seen.project;
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
