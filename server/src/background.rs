//! Background work: the job queue's handlers ([`worker`]), the scheduled jobs enqueued once per
//! period ([`schedule`]), and the loop every `preflight serve` runs ([`spawn`]).

use std::time::Duration;

use app::{
    auth::throttle::ThrottlePolicy,
    jobs::{self, NewJob, Worker},
};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use tower_sessions::ExpiredDeletion;

use crate::session_store::DbSessionStore;

/// Hourly: expired sessions, sign-in counters past their day, finished jobs and notifications
/// past keeping.
pub const CLEANUP: &str = "maintenance.cleanup";

/// How often each process enqueues the current period's scheduled jobs.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
/// How often an idle worker looks for due jobs.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// A worker with every handler, named after this process (its claims show the name).
pub fn worker(db: &DatabaseConnection, throttle: ThrottlePolicy) -> Worker {
    let name = format!("pid{}-{:08x}", std::process::id(), rand::random::<u32>());
    let conn = db.clone();
    Worker::new(db.clone(), name).handle(CLEANUP, move |_job| {
        let (db, throttle) = (conn.clone(), throttle.clone());
        async move { cleanup(&db, &throttle).await }
    })
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
    Ok(())
}

/// Enqueues the scheduled jobs of the period `now` falls in; a period's job exists once,
/// whichever process enqueued it first. Returns how many were new.
pub async fn schedule(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let hour = now.format("%Y-%m-%dT%H");
    let due = [NewJob::new(CLEANUP, serde_json::json!({}), now)
        .once(format!("{CLEANUP}:{hour}"))
        .attempts(3)];
    let mut added = 0;
    for job in due {
        added += usize::from(jobs::enqueue(db, job, now).await?);
    }
    Ok(added)
}

/// Starts this process's scheduler and worker; they stop when the task is aborted (a job cut
/// short is taken up again by a process when its lease runs out).
pub fn spawn(db: DatabaseConnection, throttle: ThrottlePolicy) -> tokio::task::JoinHandle<()> {
    let worker = worker(&db, throttle);
    tokio::spawn(async move {
        let scheduler = async {
            let mut tick = tokio::time::interval(SCHEDULE_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) = schedule(&db, Utc::now()).await {
                    tracing::warn!(error = %e, "could not enqueue scheduled jobs");
                }
            }
        };
        tokio::join!(scheduler, worker.run(POLL_EVERY, std::future::pending()));
    })
}
