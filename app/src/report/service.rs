//! Loading a report: the project's rows and reviews read once, then the pure builder.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    build::{ItemDetail, RiskDetail, Sources, build},
    model::{Report, ReviewRef},
};
use crate::{
    auth::model::AuthUser,
    authz,
    checklist::rows::project_rows,
    entities::{projects, review_signoffs, reviews, teams, users},
    error::AppError,
    reviews::{
        model::SignOff,
        service::{finals, minute, project_risks, read_snapshot, snapshot_from},
    },
    risks::stored::matrix_of,
};

async fn signoffs(
    db: &impl ConnectionTrait,
    review: &reviews::Model,
) -> Result<(String, Vec<SignOff>), AppError> {
    let rows = review_signoffs::Entity::find()
        .filter(review_signoffs::Column::ReviewId.eq(review.id))
        .order_by_asc(review_signoffs::Column::SignedAt)
        .all(db)
        .await?;
    Ok((
        review.title.clone(),
        rows.into_iter()
            .map(|s| SignOff {
                name: s.name,
                signed_at: minute(s.signed_at),
                comment: s.comment,
            })
            .collect(),
    ))
}

/// The final review of `project` with this id or version label (404 when there is none).
pub async fn find_final(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    review: &str,
) -> Result<reviews::Model, AppError> {
    let finals = finals(db, project.id).await?;
    let by_id = review.parse::<i32>().ok();
    finals
        .into_iter()
        .rev()
        .find(|r| Some(r.id) == by_id || (!r.version_label.is_empty() && r.version_label == review))
        .ok_or(AppError::NotFound)
}

/// The report of `project`: live on `today`, or as of its final review `review`. No access
/// check: the caller has done it (a session, a share link or the command line).
pub async fn load(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    review: Option<&reviews::Model>,
    today: NaiveDate,
) -> Result<Report, AppError> {
    let finals = finals(db, project.id).await?;
    let team = teams::Entity::find_by_id(project.team_id)
        .one(db)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    // Read once: the live snapshot and the details a snapshot does not keep share them.
    let (cats, rows) = project_rows(db, project.id).await?;
    let register = project_risks(db, project.id).await?;
    let (matrix, _) = matrix_of(db, project.id).await?;
    let (snapshot, previous, review_ref, shown) = match review {
        Some(r) => {
            let at = finals
                .iter()
                .position(|f| f.id == r.id)
                .ok_or(AppError::NotFound)?;
            let previous = at.checked_sub(1).and_then(|n| finals.get(n));
            (
                read_snapshot(r)?,
                previous,
                Some(ReviewRef {
                    id: r.id,
                    title: r.title.clone(),
                    label: r.version_label.clone(),
                    date: r.review_date,
                }),
                Some(r),
            )
        }
        None => {
            let mut live =
                snapshot_from(db, project, cats, rows.clone(), &register, &matrix, today).await?;
            // Live, the verdict awaits the sign-offs the project requires.
            let awaiting = crate::signoff::service::awaiting_many(db, &[project], today)
                .await?
                .remove(&project.id)
                .unwrap_or_default();
            live.verdict = crate::signoff::rules::with_signoffs(live.verdict, !awaiting.is_empty());
            (live, finals.last(), None, finals.last())
        }
    };
    let previous = previous
        .map(|p| Ok::<_, AppError>((p.title.clone(), read_snapshot(p)?)))
        .transpose()?;
    let signed = match shown {
        Some(r) => Some(signoffs(db, r).await?),
        None => None,
    };

    // Due dates, efforts, reasons and acceptances are not frozen by a review: a review's report
    // shows none of them rather than what was written after it.
    let rows = if review.is_some() { Vec::new() } else { rows };
    let plan = match review {
        None => live_plan(db, project, &rows, today).await?,
        Some(_) => LivePlan::default(),
    };
    let items: HashMap<i32, ItemDetail> = rows
        .into_iter()
        .map(|i| {
            (
                i.id,
                ItemDetail {
                    due_date: i.due_date,
                    effort_hours: i.effort_hours,
                    reason: i.status_reason,
                    accepted_until: i.accepted_until,
                    phase: i.phase_id.and_then(|p| plan.names.get(&p).cloned()),
                },
            )
        })
        .collect();
    let register = if review.is_none() {
        let owner_ids: Vec<i32> = register.iter().filter_map(|r| r.owner_id).collect();
        let names: HashMap<i32, String> = if owner_ids.is_empty() {
            HashMap::new()
        } else {
            users::Entity::find()
                .filter(users::Column::Id.is_in(owner_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|u| (u.id, u.display_name))
                .collect()
        };
        let details: HashMap<i32, RiskDetail> = register
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    RiskDetail {
                        owner: r.owner_id.and_then(|o| names.get(&o).cloned()),
                        current: (r.likelihood, r.impact),
                        target: (r.target_likelihood, r.target_impact),
                    },
                )
            })
            .collect();
        Some((details, matrix))
    } else {
        None
    };
    let mut report = build(Sources {
        project: (
            &project.name,
            &project.slug,
            &project.description,
            &team,
            project.target_date,
        ),
        review: review_ref,
        snapshot: &snapshot,
        previous: previous.as_ref().map(|(t, s)| (t.as_str(), s)),
        items: &items,
        risks: register.as_ref().map(|(d, m)| (d, m)),
        signed,
    });
    report.forecast = plan.forecast;
    report.phases = plan.phases;
    Ok(report)
}

/// What a live report shows of the plan: phase names by id, the phases, the forecast.
#[derive(Default)]
struct LivePlan {
    names: HashMap<i32, String>,
    phases: Vec<super::model::ReportPhase>,
    forecast: Option<String>,
}

/// The plan of a live report (two queries, plus three for the forecast).
async fn live_plan(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    rows: &[crate::entities::items::Model],
    today: NaiveDate,
) -> Result<LivePlan, AppError> {
    let phases = crate::phases::service::phases_of(db, project.id).await?;
    let mut counts: HashMap<i32, (usize, usize)> = HashMap::new();
    for i in rows {
        if let Some(p) = i.phase_id {
            let c = counts.entry(p).or_default();
            c.0 += 1;
            if crate::checklist::rows::ScoredItem::facts(i)
                .effective_status(today)
                .is_gap()
            {
                c.1 += 1;
            }
        }
    }
    let forecast = crate::plan::outlooks(db, &[project], today)
        .await?
        .remove(&project.id)
        .map(|o| o.forecast.reason);
    Ok(LivePlan {
        names: phases.iter().map(|p| (p.id, p.name.clone())).collect(),
        phases: phases
            .into_iter()
            .map(|p| {
                let (items, open) = counts.get(&p.id).copied().unwrap_or_default();
                super::model::ReportPhase {
                    name: p.name,
                    goal: p.goal,
                    target_date: p.target_date,
                    items,
                    open,
                }
            })
            .collect(),
        forecast,
    })
}

/// The report of project `slug` for a user who may see it (reports are reads).
pub async fn report(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    review: Option<&str>,
    today: NaiveDate,
) -> Result<Report, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let project = seen.project;
    let review = match review.filter(|r| !r.is_empty()) {
        Some(r) => Some(find_final(db, &project, r).await?),
        None => None,
    };
    load(db, &project, review.as_ref(), today).await
}

/// The page around a report: the final reviews to pick from and whether the user may share.
pub async fn page_data(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    report: Report,
) -> Result<super::model::ReportPageData, AppError> {
    let seen = crate::projects::access::project(db, user, &report.slug).await?;
    let role = seen.role;
    let project = seen.project;
    let finals = finals(db, project.id)
        .await?
        .into_iter()
        .rev()
        .map(|r| {
            let label = if r.version_label.is_empty() {
                format!("{} ({})", r.title, r.review_date)
            } else {
                format!("{} ({})", r.title, r.version_label)
            };
            (r.id, label)
        })
        .collect();
    Ok(super::model::ReportPageData {
        report,
        finals,
        can_share: authz::permissions(role).can_manage,
    })
}
