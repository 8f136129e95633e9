//! A project's path to ready read from the database: the forecast and the burn-down that
//! [`crate::forecast`] computes, fed from the items as they are and their audit events.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::{
    auth::model::AuthUser,
    checklist::rows::{ScoredItem, project_rows},
    entities::{audit_events, items, projects, reviews},
    error::AppError,
    forecast::{self, Before, BurnDay, Change, Closing, Forecast, ForecastInput, ItemState},
    scoring::Status,
};

/// Days the burn-down reaches back at most.
pub const BURNDOWN_DAYS: u64 = 365;

/// A final review, as a marker on the burn-down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewMark {
    /// The day it was finalized.
    pub day: NaiveDate,
    /// Its version label (or "Review {id}").
    pub label: String,
}

/// A project's forecast and burn-down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PathToReady {
    /// The forecast of the ready date.
    pub forecast: Forecast,
    /// Open effort at the end of each day, oldest first: from the project's creation (at most
    /// 365 days back) to today.
    pub burndown: Vec<BurnDay>,
    /// Final reviews in that time.
    pub reviews: Vec<ReviewMark>,
    /// The target launch date.
    pub launch: Option<NaiveDate>,
}

/// The path to ready of project `slug`, for anyone who may see it.
pub async fn path_to_ready(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<PathToReady, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    project_path(db, &seen.project, today).await
}

/// The path to ready of `project` (no access check). Four queries, whatever the project's
/// size; the work is linear in items × days plus events.
pub async fn project_path(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    today: NaiveDate,
) -> Result<PathToReady, AppError> {
    let (_, rows) = project_rows(db, project.id).await?;
    path_of_rows(db, project, &rows, today).await
}

/// [`project_path`] for a caller that read the project's items already (two queries).
pub async fn path_of_rows(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    rows: &[items::Model],
    today: NaiveDate,
) -> Result<PathToReady, AppError> {
    let started = project.created_at.date_naive().min(today);
    let from = today
        .checked_sub_days(Days::new(BURNDOWN_DAYS))
        .map_or(started, |d| d.max(started));
    let since = Utc.from_utc_datetime(&from.and_time(chrono::NaiveTime::MIN));
    let events = audit_events::Entity::find()
        .filter(audit_events::Column::ProjectId.eq(project.id))
        .filter(audit_events::Column::Entity.eq("item"))
        .filter(audit_events::Column::CreatedAt.gte(since))
        .order_by_asc(audit_events::Column::Id)
        .all(db)
        .await?;
    let finals = reviews::Entity::find()
        .filter(reviews::Column::ProjectId.eq(project.id))
        .filter(reviews::Column::FinalizedAt.gte(since))
        .order_by_asc(reviews::Column::FinalizedAt)
        .all(db)
        .await?;

    let (remaining, unestimated) = blocking_left(rows, today);
    let effort: HashMap<i32, f64> = rows
        .iter()
        .map(|r| (r.id, r.effort_hours.unwrap_or(0.0).max(0.0)))
        .collect();
    let (changes, closings) = history(&events, &effort);
    let now: Vec<(i32, NaiveDate, ItemState)> = rows
        .iter()
        .map(|r| (r.id, r.created_at.date_naive(), state(r)))
        .collect();
    let input = ForecastInput {
        remaining_hours: remaining,
        unestimated,
        weeks: forecast::weekly_closed(&closings, started, today),
        capacity_hours: project.capacity_hours.map(f64::from),
        launch: project.target_date,
    };
    Ok(PathToReady {
        forecast: forecast::forecast(&input, today),
        burndown: forecast::burndown(&now, &changes, from, today),
        reviews: finals
            .into_iter()
            .filter_map(|r| {
                r.finalized_at.map(|at| ReviewMark {
                    day: at.date_naive(),
                    label: if r.version_label.is_empty() {
                        format!("Review {}", r.id)
                    } else {
                        r.version_label
                    },
                })
            })
            .collect(),
        launch: project.target_date,
    })
}

/// Hours of blocking work that counts as open on `today`, and such items without an estimate.
fn blocking_left(rows: &[impl ScoredItem], today: NaiveDate) -> (f64, usize) {
    let (mut remaining, mut unestimated) = (0.0, 0);
    for row in rows {
        let facts = row.facts();
        if facts.blocking && facts.effective_status(today).is_gap() {
            match facts.effort_hours {
                Some(h) => remaining += h.max(0.0),
                None => unestimated += 1,
            }
        }
    }
    (remaining, unestimated)
}

/// What the burn-down counts of an item now.
fn state(r: &items::Model) -> ItemState {
    ItemState {
        open: r.status.is_gap(),
        blocking: r.blocking,
        hours: r.effort_hours.unwrap_or(0.0).max(0.0),
    }
}

/// The fields of an item state an event's JSON names.
#[derive(Deserialize)]
struct Named {
    status: Option<Status>,
    blocking: Option<bool>,
    /// Present and `null`: not estimated (0 hours); absent: not named.
    #[serde(default, deserialize_with = "present")]
    effort_hours: Option<Option<f64>>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Ok(Some(Option::<f64>::deserialize(d)?))
}

fn named(json: Option<&str>) -> Option<Named> {
    serde_json::from_str(json?).ok()
}

/// The burn-down's changes and the pace's closings from item events. Imports record their
/// changes as `updated`: they change the burn-down but are not work closed.
fn history(
    events: &[audit_events::Model],
    effort: &HashMap<i32, f64>,
) -> (Vec<Change>, Vec<Closing>) {
    let (mut changes, mut closings) = (Vec::new(), Vec::new());
    for e in events {
        let Ok(item) = e.entity_id.parse::<i32>() else {
            continue;
        };
        let day = e.created_at.date_naive();
        let before = named(e.before.as_deref());
        let after = named(e.after.as_deref());
        match (&before, e.action.as_str()) {
            (None, "created") => changes.push(Change {
                item,
                day,
                before: None,
            }),
            (None, _) => {}
            (Some(b), _) => changes.push(Change {
                item,
                day,
                before: Some(Before {
                    open: b.status.map(Status::is_gap),
                    blocking: b.blocking,
                    hours: b.effort_hours.map(|h| h.unwrap_or(0.0).max(0.0)),
                }),
            }),
        }
        if !matches!(
            e.action.as_str(),
            "status_changed" | "done_by_check" | "reopened_by_check"
        ) {
            continue;
        }
        let (Some(b), Some(a)) = (
            before.as_ref().and_then(|b| b.status),
            after.as_ref().and_then(|a| a.status),
        ) else {
            continue;
        };
        let hours = after
            .as_ref()
            .and_then(|a| a.effort_hours)
            .map(|h| h.unwrap_or(0.0).max(0.0))
            .or_else(|| effort.get(&item).copied())
            .unwrap_or(0.0);
        if b.is_gap() && a == Status::Done {
            closings.push(Closing { day, hours });
        } else if b == Status::Done && a.is_gap() {
            closings.push(Closing { day, hours: -hours });
        }
    }
    (changes, closings)
}

pub use crate::forecast::Outlooked;

/// When the next final review of `project` is due: its cadence after the last final review
/// (or after the project was made, before the first); none without a cadence.
pub fn review_due(project: &projects::Model, last_review: Option<NaiveDate>) -> Option<NaiveDate> {
    let every = u64::try_from(project.review_every_days?).ok()?;
    last_review
        .unwrap_or_else(|| project.created_at.date_naive())
        .checked_add_days(Days::new(every))
}

/// The day each of `projects` last had a review finalized (one query of two columns: the
/// snapshots, hundreds of kilobytes each on a large project, stay unread).
pub async fn last_final_days(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, NaiveDate>, AppError> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, Option<chrono::DateTime<Utc>>)> = reviews::Entity::find()
        .select_only()
        .column(reviews::Column::ProjectId)
        .column_as(reviews::Column::FinalizedAt.max(), "finalized_at")
        .filter(reviews::Column::ProjectId.is_in(ids.iter().copied()))
        .filter(reviews::Column::FinalizedAt.is_not_null())
        .group_by(reviews::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, at)| at.map(|at| (p, at.date_naive())))
        .collect())
}

/// The outlook of each project: the forecast from the memo while the project's items, settings
/// and the day are unchanged (it reads every item and a month of status changes), the review
/// dates always (one query of two columns).
pub async fn remembered_outlooks(
    db: &impl ConnectionTrait,
    memo: &crate::memo::ProjectMemo,
    projects: &[&projects::Model],
    today: NaiveDate,
) -> Result<HashMap<i32, Outlooked>, AppError> {
    let key = |p: &projects::Model| (p.score_revision, p.version, today);
    let stale: Vec<&projects::Model> = projects
        .iter()
        .copied()
        .filter(|p| memo.forecasts.get(p.id, &key(p)).is_none())
        .collect();
    let mut fresh = if stale.is_empty() {
        HashMap::new()
    } else {
        outlooks(db, &stale, today).await?
    };
    for p in &stale {
        if let Some(o) = fresh.get(&p.id) {
            memo.forecasts.put(p.id, key(p), o.forecast.clone());
        }
    }
    let last = last_final_days(db, &projects.iter().map(|p| p.id).collect::<Vec<_>>()).await?;
    let mut out = HashMap::with_capacity(projects.len());
    for p in projects {
        let forecast = match fresh.remove(&p.id) {
            Some(o) => o.forecast,
            None => match memo.forecasts.get(p.id, &key(p)) {
                Some(f) => f,
                None => continue,
            },
        };
        let last_review = last.get(&p.id).copied();
        let due = review_due(p, last_review);
        out.insert(
            p.id,
            Outlooked {
                forecast,
                last_review,
                review_due: due,
                review_overdue: due.is_some_and(|d| d < today),
            },
        );
    }
    Ok(out)
}

/// The outlook of each of `projects` (three queries, whatever their number and size).
pub async fn outlooks(
    db: &impl ConnectionTrait,
    projects: &[&projects::Model],
    today: NaiveDate,
) -> Result<HashMap<i32, Outlooked>, AppError> {
    use crate::checklist::rows::ItemScoreRow;
    let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<ItemScoreRow> = items::Entity::find()
        .filter(items::Column::ProjectId.is_in(ids.clone()))
        .into_partial_model()
        .all(db)
        .await?;
    let since = today
        .checked_sub_days(Days::new(7 * forecast::PACE_WEEKS as u64))
        .unwrap_or(today);
    let since = Utc.from_utc_datetime(&since.and_time(chrono::NaiveTime::MIN));
    let events = audit_events::Entity::find()
        .filter(audit_events::Column::ProjectId.is_in(ids.clone()))
        .filter(audit_events::Column::Entity.eq("item"))
        .filter(audit_events::Column::Action.is_in([
            "status_changed",
            "done_by_check",
            "reopened_by_check",
        ]))
        .filter(audit_events::Column::CreatedAt.gte(since))
        .order_by_asc(audit_events::Column::Id)
        .all(db)
        .await?;
    let last_of = last_final_days(db, &ids).await?;
    let mut rows_of: HashMap<i32, Vec<ItemScoreRow>> = HashMap::new();
    for r in rows {
        rows_of.entry(r.project_id).or_default().push(r);
    }
    let mut events_of: HashMap<i32, Vec<audit_events::Model>> = HashMap::new();
    for e in events {
        if let Some(p) = e.project_id {
            events_of.entry(p).or_default().push(e);
        }
    }
    let mut out = HashMap::with_capacity(projects.len());
    for p in projects {
        let rows = rows_of.remove(&p.id).unwrap_or_default();
        let (remaining, unestimated) = blocking_left(&rows, today);
        let effort: HashMap<i32, f64> = rows
            .iter()
            .map(|r| (r.id, r.effort_hours.unwrap_or(0.0).max(0.0)))
            .collect();
        let events = events_of.remove(&p.id).unwrap_or_default();
        let (_, closings) = history(&events, &effort);
        let input = ForecastInput {
            remaining_hours: remaining,
            unestimated,
            weeks: forecast::weekly_closed(&closings, p.created_at.date_naive().min(today), today),
            capacity_hours: p.capacity_hours.map(f64::from),
            launch: p.target_date,
        };
        let last_review = last_of.get(&p.id).copied();
        let due = review_due(p, last_review);
        out.insert(
            p.id,
            Outlooked {
                forecast: forecast::forecast(&input, today),
                last_review,
                review_due: due,
                review_overdue: due.is_some_and(|d| d < today),
            },
        );
    }
    Ok(out)
}

/// The outlook of project `slug`, for anyone who may see it.
pub async fn outlook(
    db: &impl ConnectionTrait,
    memo: &crate::memo::ProjectMemo,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<Outlooked, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    remembered_outlooks(db, memo, &[&seen.project], today)
        .await?
        .remove(&seen.project.id)
        .ok_or(AppError::NotFound)
}
