//! Background work: the job queue's handlers ([`worker`]), the scheduled jobs enqueued once per
//! period ([`schedule`]), and the loop every `preflight serve` runs ([`spawn`]).
//!
//! Scheduled: hourly cleanup; daily from 07:00 UTC the reminders (due, overdue, expiring
//! acceptances) and the digests. Queued by changes: one mail per notification.

use std::time::Duration;

use app::{
    auth::throttle::ThrottlePolicy,
    checks::{probe::Prober, service::SWEEP},
    inbox::{
        mail::{self, MAIL_DIGEST, MAIL_NOTIFICATION, Mailer},
        reminders::{self, REMINDERS},
        verdict::VERDICT_CHECK,
        weekly::{self, MAIL_WEEKLY, WEEKLY_DIGESTS},
    },
    jobs::{self, NewJob, Worker},
    webhooks::{deliver::Deliverer, service::DELIVER},
};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use tower_sessions::ExpiredDeletion;

use crate::session_store::DbSessionStore;

/// Hourly: expired sessions, sign-in counters past their day, finished jobs and notifications
/// past keeping.
pub const CLEANUP: &str = "maintenance.cleanup";

/// Daily: each person with notifications waiting for their digest gets a digest job.
pub const DIGESTS: &str = "mail.daily_digests";

/// The hour (UTC) from which the day's reminders and digests go out.
pub const DAILY_HOUR: u32 = 7;

/// How often each process enqueues the current period's scheduled jobs.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
/// How often an idle worker looks for due jobs.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// How work leaves the instance: mail (when configured), webhook deliveries and checks' probes.
#[derive(Clone, Debug)]
pub struct Outbound {
    /// The SMTP mailer; `None`: mail is off.
    pub mailer: Option<Mailer>,
    /// Posts webhook messages.
    pub webhooks: Deliverer,
    /// Runs checks' probes.
    pub prober: Prober,
}

impl Default for Outbound {
    /// No mail; webhooks and probes to public addresses only, without links.
    fn default() -> Self {
        Self {
            mailer: None,
            prober: Prober::new(false, &[]),
            webhooks: Deliverer::new(None, false, app::webhooks::deliver::TIMEOUT)
                .unwrap_or_else(|e| panic!("HTTP client: {e}")),
        }
    }
}

/// A worker with every handler, named after this process (its claims show the name).
pub fn worker(db: &DatabaseConnection, throttle: ThrottlePolicy, out: Outbound) -> Worker {
    let name = format!("pid{}-{:08x}", std::process::id(), rand::random::<u32>());
    let conn = db.clone();
    let (c1, c2, c3, c4, c5) = (db.clone(), db.clone(), db.clone(), db.clone(), db.clone());
    let (c6, c7, c8) = (db.clone(), db.clone(), db.clone());
    let (m1, m2, m3) = (out.mailer.clone(), out.mailer.clone(), out.mailer);
    let hooks = out.webhooks;
    let (c9, prober) = (db.clone(), out.prober);
    Worker::new(db.clone(), name)
        .handle(SWEEP, move |_job| {
            let (db, prober) = (c9.clone(), prober.clone());
            async move {
                let swept = app::checks::service::sweep(&db, &prober, Utc::now())
                    .await
                    .map_err(|e| e.to_string())?;
                if swept.ran + swept.stale > 0 {
                    tracing::debug!(
                        ran = swept.ran,
                        failed = swept.failed,
                        stale = swept.stale,
                        "checks swept"
                    );
                }
                Ok(())
            }
        })
        .handle(DELIVER, move |job| {
            let (db, hooks) = (c5.clone(), hooks.clone());
            async move {
                let id = field(&job.payload, "message")?;
                hooks
                    .deliver(&db, id, job.attempts >= job.max_attempts)
                    .await
            }
        })
        .handle(CLEANUP, move |_job| {
            let (db, throttle) = (conn.clone(), throttle.clone());
            async move { cleanup(&db, &throttle).await }
        })
        .handle(MAIL_NOTIFICATION, move |job| {
            let (db, mailer) = (c1.clone(), m1.clone());
            async move {
                let id = field(&job.payload, "notification")?;
                mail::deliver_notification(&db, mailer.as_ref(), id).await
            }
        })
        .handle(MAIL_DIGEST, move |job| {
            let (db, mailer) = (c2.clone(), m2.clone());
            async move {
                let user = field(&job.payload, "user")?;
                mail::deliver_digest(&db, mailer.as_ref(), user).await
            }
        })
        .handle(WEEKLY_DIGESTS, move |_job| {
            let db = c7.clone();
            async move {
                weekly::enqueue(&db, Utc::now())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        })
        .handle(MAIL_WEEKLY, move |job| {
            let (db, mailer) = (c8.clone(), m3.clone());
            async move {
                let user = field(&job.payload, "user")?;
                weekly::deliver(&db, mailer.as_ref(), user, Utc::now()).await
            }
        })
        .handle(VERDICT_CHECK, move |job| {
            let db = c6.clone();
            async move {
                let project = field(&job.payload, "project")?;
                app::inbox::verdict::check(&db, project, Utc::now().date_naive())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        })
        .handle(REMINDERS, move |job| {
            let db = c3.clone();
            async move {
                let today = date(&job.payload)?;
                let sent = reminders::run(&db, today, Utc::now())
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::info!(%today, due = sent.due, expiring = sent.expiring, evidence = sent.evidence, reviews = sent.reviews, "reminders sent");
                Ok(())
            }
        })
        .handle(DIGESTS, move |job| {
            let db = c4.clone();
            async move {
                let today = date(&job.payload)?;
                enqueue_digests(&db, today, Utc::now())
                    .await
                    .map_err(|e| e.to_string())
            }
        })
}

/// The whole number `name` of a job's payload.
fn field(payload: &str, name: &str) -> Result<i32, String> {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get(name)?.as_i64())
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| format!("payload has no {name}"))
}

/// The `date` of a daily job's payload.
fn date(payload: &str) -> Result<NaiveDate, String> {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get("date")?.as_str()?.parse().ok())
        .ok_or_else(|| "payload has no date".to_owned())
}

/// One digest job per person with notifications waiting for their digest, once per date.
async fn enqueue_digests(
    db: &DatabaseConnection,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use app::entities::notifications;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let people: Vec<i32> = notifications::Entity::find()
        .select_only()
        .column(notifications::Column::UserId)
        .distinct()
        .filter(notifications::Column::Mail.eq("digest"))
        .into_tuple()
        .all(db)
        .await?;
    for user in people {
        let job = NewJob::new(MAIL_DIGEST, serde_json::json!({ "user": user }), now)
            .once(format!("{MAIL_DIGEST}:{user}:{today}"))
            .attempts(mail::MAIL_ATTEMPTS);
        jobs::enqueue(db, job, now).await?;
    }
    Ok(())
}

async fn cleanup(db: &DatabaseConnection, throttle: &ThrottlePolicy) -> jobs::Outcome {
    let now = Utc::now();
    let text = |e: &dyn std::fmt::Display| e.to_string();
    DbSessionStore::new(db.clone())
        .delete_expired()
        .await
        .map_err(|e| text(&e))?;
    app::auth::throttle::purge(db, throttle, now)
        .await
        .map_err(|e| text(&e))?;
    jobs::purge(db, now).await.map_err(|e| text(&e))?;
    app::inbox::service::purge(db, now)
        .await
        .map_err(|e| text(&e))?;
    app::webhooks::service::purge(db, now)
        .await
        .map_err(|e| text(&e))?;
    Ok(())
}

/// Enqueues the scheduled jobs of the period `now` falls in; a period's job exists once,
/// whichever process enqueued it first. Returns how many were new.
pub async fn schedule(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    schedule_from(db, now, DAILY_HOUR).await
}

/// As [`schedule`], the daily jobs from `daily_hour` (UTC).
pub async fn schedule_from(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    daily_hour: u32,
) -> Result<usize, DbErr> {
    let hour = now.format("%Y-%m-%dT%H");
    let minute = now.format("%Y-%m-%dT%H:%M");
    let mut due = vec![
        // Checks: due probes and CI results past their TTL, each minute. One attempt: the
        // next minute's sweep takes up whatever this one left.
        NewJob::new(SWEEP, serde_json::json!({}), now)
            .once(format!("{SWEEP}:{minute}"))
            .attempts(1),
        NewJob::new(CLEANUP, serde_json::json!({}), now)
            .once(format!("{CLEANUP}:{hour}"))
            .attempts(3),
        NewJob::new(WEEKLY_DIGESTS, serde_json::json!({}), now)
            .once(format!("{WEEKLY_DIGESTS}:{hour}"))
            .attempts(3),
    ];
    if now.hour() >= daily_hour {
        let today = now.date_naive();
        for kind in [REMINDERS, DIGESTS] {
            due.push(
                NewJob::new(kind, serde_json::json!({ "date": today.to_string() }), now)
                    .once(format!("{kind}:{today}"))
                    .attempts(5),
            );
        }
    }
    let mut added = 0;
    for job in due {
        added += usize::from(jobs::enqueue(db, job, now).await?);
    }
    Ok(added)
}

/// When the daily jobs start and how long a claim holds a job.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// The hour (UTC) from which the day's reminders and digests go out.
    pub daily_hour: u32,
    /// A claim's lease (renewed every third of it while the job runs).
    pub lease: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            daily_hour: DAILY_HOUR,
            lease: jobs::LEASE,
        }
    }
}

/// Starts this process's scheduler and worker; they stop when the task is aborted (a job cut
/// short is taken up again by a process when its lease runs out).
pub fn spawn(
    db: DatabaseConnection,
    throttle: ThrottlePolicy,
    out: Outbound,
    timing: Timing,
) -> tokio::task::JoinHandle<()> {
    let worker = worker(&db, throttle, out).lease(timing.lease);
    tokio::spawn(async move {
        let scheduler = async {
            let mut tick = tokio::time::interval(SCHEDULE_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) = schedule_from(&db, Utc::now(), timing.daily_hour).await {
                    tracing::warn!(error = %e, "could not enqueue scheduled jobs");
                }
            }
        };
        tokio::join!(scheduler, worker.run(POLL_EVERY, std::future::pending()));
    })
}
