//! Noticing a change of a project's verdict: every item write queues a check (at most one per
//! project per 10 s, run just after that window, so no write is missed); the check compares the
//! verdict with the one last seen and, when it changed, tells the project's watchers and
//! webhooks once (a compare-and-set on `projects.last_verdict`).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use super::service::{ProjectNews, project_news};
use crate::{
    entities::projects,
    error::AppError,
    jobs::{self, NewJob},
    scoring::Verdict,
};

/// The job (payload `{"project": id}`).
pub const VERDICT_CHECK: &str = "verdict.check";
/// Seconds of writes one check covers.
const WINDOW: i64 = 10;

/// Queues the check of project `project`'s verdict for the window `now` falls in.
pub async fn queue_check(
    db: &impl ConnectionTrait,
    project: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let window = now.timestamp().div_euclid(WINDOW);
    let run_at = DateTime::from_timestamp((window + 1) * WINDOW + 1, 0).unwrap_or(now);
    let mut job = NewJob::new(
        VERDICT_CHECK,
        serde_json::json!({ "project": project }),
        now,
    )
    .once(format!("{VERDICT_CHECK}:{project}:{window}"))
    .attempts(3);
    job.run_at = run_at;
    jobs::enqueue(db, job, now).await.map(|_| ())
}

/// Checks project `id`'s verdict on `today`; returns the change it told of, if any. The first
/// check of a project only records its verdict.
pub async fn check(
    db: &impl ConnectionTrait,
    id: i32,
    today: NaiveDate,
) -> Result<Option<(Verdict, Verdict)>, AppError> {
    let Some(project) = projects::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let snap = crate::reviews::service::live_snapshot(db, &project, today).await?;
    let awaiting = crate::signoff::service::awaiting_many(db, &[&project], today)
        .await?
        .remove(&project.id)
        .unwrap_or_default();
    let now = crate::signoff::rules::with_signoffs(snap.verdict, !awaiting.is_empty());
    let before = project.last_verdict.clone();
    if before.as_deref() == Some(now.as_str()) {
        return Ok(None);
    }
    let mut set = projects::Entity::update_many()
        .col_expr(
            projects::Column::LastVerdict,
            Expr::value(Some(now.as_str())),
        )
        .filter(projects::Column::Id.eq(id));
    set = match &before {
        Some(b) => set.filter(projects::Column::LastVerdict.eq(b.as_str())),
        None => set.filter(projects::Column::LastVerdict.is_null()),
    };
    if set.exec(db).await?.rows_affected == 0 {
        return Ok(None); // another process noticed it first
    }
    let Some(was) = before.as_deref().and_then(parse) else {
        return Ok(None);
    };
    let overall = snap
        .overall
        .map_or_else(|| "no score".to_owned(), |o| format!("{o}%"));
    let news = ProjectNews {
        kind: "verdict_changed",
        event: "project.verdict_changed",
        text: format!(
            "{} is now {} (was {}), overall {overall}.",
            project.name,
            crate::scoring::verdict_text(now, &awaiting),
            was.label()
        ),
        link: format!("/p/{}", project.slug),
        data: serde_json::json!({
            "verdict": { "from": was.as_str(), "to": now.as_str() },
            "awaiting_sign_off": awaiting,
            "overall": snap.overall,
        }),
    };
    project_news(db, None, &project, news).await?;
    Ok(Some((was, now)))
}

fn parse(s: &str) -> Option<Verdict> {
    Verdict::parse(s)
}
