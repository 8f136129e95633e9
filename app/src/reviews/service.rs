//! Review reads and changes. Editors create, edit and finalize; owners sign; everyone on the
//! team reads. A final review's snapshot is written once and never updated.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait, sea_query::Expr,
};

use super::{
    model::{
        LiveDiff, ReviewStatus, ReviewSummary, ReviewView, ReviewsView, SignOff, TrendPoint,
        TrendView, next_in_series,
    },
    snapshot::{self, LiveCategory, LiveItem, LiveRisk, Snapshot, diff},
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    checklist::rows::project_rows,
    entities::{categories, items, projects, review_signoffs, reviews, risks, users},
    error::{AppError, Validator},
    limits::{MAX_TEXT, MAX_TITLE},
    markdown::to_safe_html,
    projects::access::{ProjectAccess, project_by_id},
    risks::{matrix::RiskMatrix, stored::matrix_of},
    scoring::Verdict,
    teams::people::display_name,
};

mod review_writes;

pub use review_writes::*;

/// The live project as a snapshot on `today` (six queries).
pub(crate) async fn live_snapshot(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    today: NaiveDate,
) -> Result<Snapshot, AppError> {
    let (cats, rows) = project_rows(db, project.id).await?;
    let register = project_risks(db, project.id).await?;
    let (matrix, _) = matrix_of(db, project.id).await?;
    snapshot_from(db, project, cats, rows, &register, &matrix, today).await
}

/// A project's risks in the order they were added.
pub async fn project_risks(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<Vec<risks::Model>, AppError> {
    Ok(risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project_id))
        .order_by_asc(risks::Column::Id)
        .all(db)
        .await?)
}

/// The snapshot of rows already read (one more query: the assignees' names), for callers that
/// need the rows too.
pub async fn snapshot_from(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    cats: Vec<categories::Model>,
    rows: Vec<items::Model>,
    register: &[risks::Model],
    matrix: &RiskMatrix,
    today: NaiveDate,
) -> Result<Snapshot, AppError> {
    let cats: Vec<LiveCategory> = cats
        .into_iter()
        .map(|c| LiveCategory {
            id: c.id,
            name: c.name,
            weight: u32::try_from(c.weight).unwrap_or(0),
            assessor: c.assessor_score.and_then(|s| u8::try_from(s).ok()),
        })
        .collect();
    let assignees: Vec<i32> = rows.iter().filter_map(|i| i.assignee_id).collect();
    let names: HashMap<i32, String> = if assignees.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(assignees))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let live_items: Vec<LiveItem> = rows
        .into_iter()
        .map(|i| LiveItem {
            id: i.id,
            category_id: i.category_id,
            facts: crate::checklist::rows::ScoredItem::facts(&i),
            assignee: i.assignee_id.and_then(|a| names.get(&a).cloned()),
            title: i.title,
        })
        .collect();
    let live_risks: Vec<LiveRisk> = register
        .iter()
        .map(|r| LiveRisk {
            id: r.id,
            title: r.title.clone(),
            category_id: r.category_id,
            status: r.status,
            current: (r.likelihood, r.impact),
            target: (r.target_likelihood, r.target_impact),
        })
        .collect();
    Ok(snapshot::take(
        today,
        u8::try_from(project.threshold).unwrap_or(80),
        &cats,
        &live_items,
        &live_risks,
        matrix,
    ))
}

/// Reads a stored snapshot. Version 1 is the only format so far; a future format gets its own
/// reader here, and stored snapshots are never rewritten.
pub(crate) fn read_snapshot(r: &reviews::Model) -> Result<Snapshot, AppError> {
    read_stored(r)
}

/// What the trend needs of a snapshot. Read on its own, the items and risks are skipped
/// rather than built: a 1,000-item snapshot then costs a scan, not 1,000 allocations.
#[derive(serde::Deserialize)]
struct SnapshotScores {
    overall: Option<u8>,
    categories: Vec<super::snapshot::SnapCategory>,
}

/// Reads a stored snapshot (or the part of it `T` names), after checking its format.
fn read_stored<T: serde::de::DeserializeOwned>(r: &reviews::Model) -> Result<T, AppError> {
    #[derive(serde::Deserialize)]
    struct Format {
        format_version: Option<u64>,
    }
    let json = r.snapshot.as_deref().ok_or(AppError::Internal)?;
    let unreadable = |e: serde_json::Error| {
        tracing::error!(review = r.id, error = %e, "unreadable review snapshot");
        AppError::Internal
    };
    match serde_json::from_str::<Format>(json)
        .map_err(unreadable)?
        .format_version
    {
        Some(1) => serde_json::from_str(json).map_err(unreadable),
        other => {
            tracing::error!(review = r.id, ?other, "unknown review snapshot format");
            Err(AppError::Internal)
        }
    }
}

fn verdict_of(s: &str) -> Option<Verdict> {
    Verdict::parse(s)
}

fn summary(r: &reviews::Model, signoffs: usize) -> ReviewSummary {
    ReviewSummary {
        id: r.id,
        title: r.title.clone(),
        reviewer: r.reviewer.clone(),
        review_date: r.review_date,
        version_label: r.version_label.clone(),
        status: r.status,
        overall: r.overall.and_then(|o| u8::try_from(o).ok()),
        verdict: r.verdict.as_deref().and_then(verdict_of),
        signoffs,
        version: r.version,
    }
}

/// Final reviews of a project in the order they were frozen (one query).
pub(crate) async fn finals(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<Vec<reviews::Model>, AppError> {
    Ok(reviews::Entity::find()
        .filter(reviews::Column::ProjectId.eq(project_id))
        .filter(reviews::Column::Status.eq(ReviewStatus::Final))
        .order_by_asc(reviews::Column::FinalizedAt)
        .order_by_asc(reviews::Column::Id)
        .all(db)
        .await?)
}

/// The last final review of a project, as a snapshot with its id and title.
pub async fn last_final(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<Option<(i32, String, Snapshot)>, AppError> {
    let last = reviews::Entity::find()
        .filter(reviews::Column::ProjectId.eq(project_id))
        .filter(reviews::Column::Status.eq(ReviewStatus::Final))
        .order_by_desc(reviews::Column::FinalizedAt)
        .order_by_desc(reviews::Column::Id)
        .one(db)
        .await?;
    match last {
        Some(r) => Ok(Some((r.id, r.title.clone(), read_snapshot(&r)?))),
        None => Ok(None),
    }
}

/// The overall score of each project's last final review (one query), for the portfolio.
pub async fn last_overall(
    db: &impl ConnectionTrait,
    project_ids: &[i32],
) -> Result<HashMap<i32, Option<u8>>, AppError> {
    use sea_orm::QuerySelect;
    // Two columns: the snapshots (hundreds of kilobytes each on a large project) stay unread.
    let rows: Vec<(i32, Option<i32>)> = reviews::Entity::find()
        .filter(reviews::Column::ProjectId.is_in(project_ids.iter().copied()))
        .filter(reviews::Column::Status.eq(ReviewStatus::Final))
        .order_by_asc(reviews::Column::FinalizedAt)
        .order_by_asc(reviews::Column::Id)
        .select_only()
        .column(reviews::Column::ProjectId)
        .column(reviews::Column::Overall)
        .into_tuple()
        .all(db)
        .await?;
    // Later rows overwrite earlier ones: the last final review wins.
    Ok(rows
        .into_iter()
        .map(|(project, overall)| (project, overall.and_then(|o| u8::try_from(o).ok())))
        .collect())
}

async fn signoff_counts(
    db: &impl ConnectionTrait,
    review_ids: Vec<i32>,
) -> Result<HashMap<i32, usize>, AppError> {
    let mut out = HashMap::new();
    for s in review_signoffs::Entity::find()
        .filter(review_signoffs::Column::ReviewId.is_in(review_ids))
        .all(db)
        .await?
    {
        *out.entry(s.review_id).or_insert(0) += 1;
    }
    Ok(out)
}

/// `/p/{slug}/reviews`: the reviews, the trend over final ones, and the live project against
/// the last final review.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<ReviewsView, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let role = seen.role;
    let project = seen.project;
    let rows = reviews::Entity::find()
        .filter(reviews::Column::ProjectId.eq(project.id))
        .order_by_desc(reviews::Column::ReviewDate)
        .order_by_desc(reviews::Column::Id)
        .all(db)
        .await?;
    let counts = signoff_counts(db, rows.iter().map(|r| r.id).collect()).await?;
    let mut final_rows: Vec<&reviews::Model> = rows
        .iter()
        .filter(|r| r.status == ReviewStatus::Final)
        .collect();
    final_rows.sort_by_key(|r| (r.finalized_at, r.id));
    // Only the last final review is read whole, once: for its scores and what changed since.
    // The others are read as their scores only.
    let last = final_rows.last().map(|r| read_snapshot(r)).transpose()?;
    let mut scores: Vec<(&reviews::Model, SnapshotScores)> = final_rows
        .iter()
        .take(final_rows.len().saturating_sub(1))
        .map(|r| Ok((*r, read_stored(r)?)))
        .collect::<Result<_, AppError>>()?;
    if let (Some(r), Some(s)) = (final_rows.last(), &last) {
        let categories = s.categories.clone();
        scores.push((
            *r,
            SnapshotScores {
                overall: s.overall,
                categories,
            },
        ));
    }
    let live = live_snapshot(db, &project, today).await?;
    let labelled: Vec<(String, SnapshotScores)> = scores
        .into_iter()
        .map(|(r, s)| (trend_label(r), s))
        .collect();
    let live_order: Vec<(i32, String)> = live
        .categories
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect();
    let trend = trend(&labelled, live_order);
    let since_last = last.map(|s| diff(&s, &live));
    let reviews = rows
        .iter()
        .map(|r| summary(r, counts.get(&r.id).copied().unwrap_or(0)))
        .collect();
    Ok(ReviewsView {
        slug: project.slug,
        name: project.name,
        permissions: authz::permissions(role),
        reviews,
        trend,
        today,
        since_last,
    })
}

/// A final review's label on the trend: its version label, else its date.
fn trend_label(r: &reviews::Model) -> String {
    label_of(&r.version_label, r.review_date)
}

fn label_of(version_label: &str, review_date: NaiveDate) -> String {
    if version_label.is_empty() {
        review_date.format("%Y-%m-%d").to_string()
    } else {
        version_label.to_owned()
    }
}

/// Trend points over final reviews (label, scores), categories in the live order (`order`: by
/// id, so renamed ones stay one line; named as they are now), then those only reviews had.
fn trend(finals: &[(String, SnapshotScores)], mut order: Vec<(i32, String)>) -> Vec<TrendPoint> {
    for (_, s) in finals.iter().rev() {
        for c in &s.categories {
            if !order.iter().any(|(id, _)| *id == c.id) {
                order.push((c.id, c.name.clone()));
            }
        }
    }
    finals
        .iter()
        .map(|(label, s)| TrendPoint {
            label: label.clone(),
            overall: s.overall,
            categories: order
                .iter()
                .map(|(id, name)| {
                    (
                        name.clone(),
                        s.categories
                            .iter()
                            .find(|c| c.id == *id)
                            .and_then(|c| c.effective),
                    )
                })
                .collect(),
        })
        .collect()
}

/// The trend of project `slug`'s final reviews, for its overview. A final review never changes,
/// so the points are kept in `memo` under the project's revision (category names and order) and
/// the final reviews' ids and labels: a view reads those two short lists, not the snapshots.
pub async fn trend_of(
    db: &impl ConnectionTrait,
    memo: &crate::memo::ProjectMemo,
    user: &AuthUser,
    slug: &str,
) -> Result<TrendView, AppError> {
    use sea_orm::QuerySelect;
    let project = crate::projects::access::project(db, user, slug)
        .await?
        .project;
    let finals: Vec<(i32, String, NaiveDate)> = reviews::Entity::find()
        .select_only()
        .columns([
            reviews::Column::Id,
            reviews::Column::VersionLabel,
            reviews::Column::ReviewDate,
        ])
        .filter(reviews::Column::ProjectId.eq(project.id))
        .filter(reviews::Column::Status.eq(ReviewStatus::Final))
        .order_by_asc(reviews::Column::FinalizedAt)
        .order_by_asc(reviews::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let key = (
        project.score_revision,
        finals
            .iter()
            .map(|(id, label, date)| (*id, label_of(label, *date)))
            .collect::<Vec<_>>(),
    );
    if let Some(trend) = memo.trends.get(project.id, &key) {
        return Ok(TrendView {
            slug: project.slug,
            trend: trend.to_vec(),
        });
    }
    let mut stored: HashMap<i32, reviews::Model> = reviews::Entity::find()
        .filter(reviews::Column::Id.is_in(key.1.iter().map(|(id, _)| *id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut scored = Vec::with_capacity(key.1.len());
    for (id, label) in &key.1 {
        // Gone since the list was read: the next view reads again.
        if let Some(r) = stored.remove(id) {
            scored.push((label.clone(), read_stored::<SnapshotScores>(&r)?));
        }
    }
    let order: Vec<(i32, String)> = categories::Entity::find()
        .select_only()
        .columns([categories::Column::Id, categories::Column::Name])
        .filter(categories::Column::ProjectId.eq(project.id))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let trend = trend(&scored, order);
    if scored.len() == key.1.len() {
        memo.trends
            .put(project.id, key, std::sync::Arc::new(trend.clone()));
    }
    Ok(TrendView {
        slug: project.slug,
        trend,
    })
}

async fn review_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(reviews::Model, ProjectAccess), AppError> {
    let review = reviews::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let granted = project_by_id(db, user, review.project_id).await?;
    Ok((review, granted))
}

pub(crate) fn minute(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// One review: frozen (or, for a draft, live) scores, its diff against the previous final
/// review, and its sign-offs.
pub async fn detail(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
    today: NaiveDate,
) -> Result<ReviewView, AppError> {
    let (review, granted) = review_for(db, user, id).await?;
    let finals = finals(db, granted.project.id).await?;
    // Reviewer groups sign the latest final review.
    let groups = if review.status == ReviewStatus::Final && finals.last().map(|r| r.id) == Some(id)
    {
        let s = crate::signoff::service::state_of(db, user, &granted, today).await?;
        (!s.groups.is_empty()).then_some(s)
    } else {
        None
    };
    let role = granted.role;
    let project = granted.project;
    let (snapshot, previous) = if review.status == ReviewStatus::Final {
        let at = finals.iter().position(|r| r.id == review.id);
        let previous = at
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| finals.get(n));
        (read_snapshot(&review)?, previous)
    } else {
        // A draft compares with the review it follows, else with the last final one.
        let follows = review
            .previous_id
            .and_then(|p| finals.iter().find(|r| r.id == p));
        (
            live_snapshot(db, &project, today).await?,
            follows.or(finals.last()),
        )
    };
    let previous = previous
        .map(|p| Ok::<_, AppError>((p.id, p.title.clone(), read_snapshot(p)?)))
        .transpose()?;
    let signoffs: Vec<review_signoffs::Model> = review_signoffs::Entity::find()
        .filter(review_signoffs::Column::ReviewId.eq(review.id))
        .filter(review_signoffs::Column::GroupId.eq(0))
        .order_by_asc(review_signoffs::Column::SignedAt)
        .all(db)
        .await?;
    let finalized = match review.finalized_at {
        Some(at) => Some((
            display_name(db, review.finalized_by)
                .await?
                .unwrap_or_default(),
            minute(at),
        )),
        None => None,
    };
    let permissions = authz::permissions(role);
    let can_sign = review.status == ReviewStatus::Final
        && permissions.can_manage
        && !signoffs.iter().any(|s| s.user_id == Some(user.id));
    Ok(ReviewView {
        slug: project.slug,
        name: project.name,
        permissions,
        review: summary(&review, signoffs.len()),
        summary_html: to_safe_html(&review.summary),
        summary: review.summary.clone(),
        diff: previous.as_ref().map(|(_, _, s)| diff(s, &snapshot)),
        previous: previous.map(|(id, title, _)| (id, title)),
        snapshot,
        finalized,
        signoffs: signoffs
            .into_iter()
            .map(|s| SignOff {
                name: s.name,
                signed_at: minute(s.signed_at),
                comment: s.comment,
            })
            .collect(),
        can_sign,
        groups,
    })
}

/// The live project of `slug` against its last final review.
pub async fn live_diff(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<LiveDiff, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let project = seen.project;
    let last = last_final(db, project.id).await?;
    let live = live_snapshot(db, &project, today).await?;
    Ok(LiveDiff {
        slug: project.slug,
        name: project.name,
        diff: last.as_ref().map(|(_, _, s)| diff(s, &live)),
        last: last.map(|(id, title, _)| (id, title)),
    })
}
