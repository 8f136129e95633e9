//! The portfolio: every project the user may see, scored, and the user's own gaps across them.
//! It sits above the features it reads from (checklist rows, risks, reviews).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use crate::{
    auth::model::AuthUser,
    authz,
    entities::{projects, teams},
    error::AppError,
    projects::model::{MyGap, Portfolio, ProjectSummary, Standing},
    teams::model::TeamRole,
};

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
        checklist::rows::{ItemScoreRow, category_facts, gap_state},
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
        checklist::rows::{ItemScoreRow, gap_state},
        entities::items,
        scoring::Status,
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
                priority: i.priority,
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

/// Projects the user can see, by name, each scored and forecast; and the user's open items
/// across them. Nine queries (six more when some project requires sign-offs), plus two when a
/// project changed since `memo` last scored it.
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
    let all: Vec<&projects::Model> = rows.iter().map(|(p, _)| p).collect();
    let mut outlooks = crate::plan::outlooks(db, &all, today).await?;
    let mut awaiting = crate::signoff::service::awaiting_many(db, &all, today).await?;
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
            let o = outlooks.remove(&p.id);
            let awaiting = awaiting.remove(&p.id).unwrap_or_default();
            ProjectSummary {
                outlook: o.as_ref().and_then(|o| o.forecast.outlook),
                ready_date: o.as_ref().and_then(|o| o.forecast.date),
                review_overdue: o.as_ref().is_some_and(|o| o.review_overdue),
                forecast: o.map(|o| o.forecast.reason).unwrap_or_default(),
                since_review: match (s.overall, reviewed.get(&p.id).copied().flatten()) {
                    (Some(now), Some(then)) => Some(i32::from(now) - i32::from(then)),
                    _ => None,
                },
                serious_risks: serious.get(&p.id).copied().unwrap_or(0),
                slug: p.slug,
                name: p.name,
                team_name: t.map(|t| t.name).unwrap_or_default(),
                description: p.description,
                verdict: crate::signoff::rules::with_signoffs(s.verdict, !awaiting.is_empty()),
                awaiting,
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
