//! The job queue (`app::jobs`) on the real database (SQLite, or PostgreSQL with
//! `DATABASE_URL`): jobs run once however many workers ask, scheduled jobs exist once per
//! period, a lease that runs out passes the job on and refuses its late finisher, failures are
//! retried with backoff and then given up, and a job that outlives its lease keeps it while it
//! runs.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use app::{
    entities::jobs as job_rows,
    jobs::{self, NewJob, Worker},
};
use chrono::{SubsecRound, Utc};
use preflight_server::db;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::support::fresh_db;

async fn queue() -> DatabaseConnection {
    let db = fresh_db().await;
    db::migrate(&db).await.unwrap();
    db
}

async fn rows(db: &DatabaseConnection) -> Vec<job_rows::Model> {
    job_rows::Entity::find().all(db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_job_runs_once_however_many_workers_ask() {
    let db = queue().await;
    let now = Utc::now();
    for n in 0..40 {
        let job = NewJob::new("count", serde_json::json!({ "n": n }), now);
        assert!(jobs::enqueue(&db, job, now).await.unwrap());
    }
    let runs: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
    let mut workers = Vec::new();
    for w in 0..4 {
        let runs = runs.clone();
        let worker = Worker::new(db.clone(), format!("w{w}")).handle("count", move |job| {
            let runs = runs.clone();
            async move {
                let n = serde_json::from_str::<serde_json::Value>(&job.payload).unwrap()["n"]
                    .as_i64()
                    .unwrap();
                *runs.lock().unwrap().entry(n).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok(())
            }
        });
        workers.push(tokio::spawn(async move { worker.run_due().await.unwrap() }));
    }
    let mut ran = 0;
    for w in workers {
        ran += w.await.unwrap();
    }
    assert_eq!(ran, 40, "runs reported by the workers");
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 40, "every job ran");
    assert!(runs.values().all(|&n| n == 1), "none twice: {runs:?}");
    let rows = rows(&db).await;
    assert!(
        rows.iter()
            .all(|j| j.state == jobs::DONE && j.attempts == 1),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .all(|j| j.locked_by.is_none() && j.finished_at.is_some())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scheduled_job_exists_once_per_period_whoever_enqueues_it() {
    let db = queue().await;
    let now = Utc::now();
    let mut tries = Vec::new();
    for _ in 0..6 {
        let db = db.clone();
        // The hourly jobs (cleanup, weekly-digest check) and the minute's checks sweep: a daily
        // hour of 24 never comes, so the count does not depend on when the test runs.
        tries.push(tokio::spawn(async move {
            preflight_server::background::schedule_from(&db, now, 24)
                .await
                .unwrap()
        }));
    }
    let mut added = 0;
    for t in tries {
        added += t.await.unwrap();
    }
    assert_eq!(
        added, 3,
        "one process added the period's three jobs, the others found them"
    );
    let rows = rows(&db).await;
    let mut kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            app::checks::service::SWEEP,
            app::inbox::weekly::WEEKLY_DIGESTS,
            preflight_server::background::CLEANUP
        ]
    );
    for row in &rows {
        let key = row.dedupe_key.clone().unwrap();
        let period = if row.kind == app::checks::service::SWEEP {
            now.format("%Y-%m-%dT%H:%M")
        } else {
            now.format("%Y-%m-%dT%H")
        };
        assert!(key.ends_with(&period.to_string()), "{key}");
    }

    // The next hour has its own.
    let later = now + chrono::Duration::hours(1);
    assert_eq!(
        preflight_server::background::schedule_from(&db, later, 24)
            .await
            .unwrap(),
        3
    );
    assert_eq!(job_rows::Entity::find().count(&db).await.unwrap(), 6);
    // And the cleanup runs (on an empty database it has nothing to delete, and says so by
    // finishing).
    let throttle = app::auth::throttle::ThrottlePolicy::default();
    let ran = preflight_server::background::worker(&db, throttle, Default::default())
        .run_due()
        .await
        .unwrap();
    assert_eq!(
        ran, 3,
        "the current period's jobs; the next hour's wait for their time"
    );
}

#[tokio::test]
async fn a_lease_that_runs_out_passes_the_job_on_and_the_late_finisher_is_refused() {
    let db = queue().await;
    let t0 = Utc::now();
    let lease = Duration::from_secs(60);
    jobs::enqueue(&db, NewJob::new("slow", serde_json::json!({}), t0), t0)
        .await
        .unwrap();
    let first = jobs::claim(&db, "a", t0, lease).await.unwrap().unwrap();
    assert_eq!(
        (first.attempts, first.locked_by.as_deref()),
        (1, Some("a#1"))
    );

    // Held: nobody else gets it while the lease lasts.
    let t30 = t0 + chrono::Duration::seconds(30);
    assert!(jobs::claim(&db, "b", t30, lease).await.unwrap().is_none());

    // "a" died without a word; after the lease "b" takes the job as its second attempt.
    let t61 = t0 + chrono::Duration::seconds(61);
    let second = jobs::claim(&db, "b", t61, lease).await.unwrap().unwrap();
    assert_eq!((second.id, second.attempts), (first.id, 2));
    assert_eq!(second.locked_by.as_deref(), Some("b#2"));

    // "a" comes back: it can neither renew nor finish what it lost.
    assert!(!jobs::renew(&db, &first, t61, lease).await.unwrap());
    assert!(!jobs::finish(&db, &first, Ok(()), t61).await.unwrap());
    assert_eq!(rows(&db).await[0].state, jobs::RUNNING);
    assert!(jobs::finish(&db, &second, Ok(()), t61).await.unwrap());
    let row = &rows(&db).await[0];
    assert_eq!((row.state.as_str(), row.attempts), (jobs::DONE, 2));
}

#[tokio::test]
async fn a_failing_job_is_retried_with_growing_delays_then_given_up() {
    let db = queue().await;
    // Whole seconds: the database keeps microseconds, the clock has nanoseconds.
    let t0 = Utc::now().trunc_subsecs(0);
    let lease = Duration::from_secs(60);
    let job = NewJob::new("flaky", serde_json::json!({}), t0).attempts(3);
    jobs::enqueue(&db, job, t0).await.unwrap();

    let one = jobs::claim(&db, "w", t0, lease).await.unwrap().unwrap();
    assert!(
        jobs::finish(&db, &one, Err("SMTP server down".into()), t0)
            .await
            .unwrap()
    );
    let row = &rows(&db).await[0];
    assert_eq!((row.state.as_str(), row.attempts), (jobs::QUEUED, 1));
    assert_eq!(row.run_at, t0 + chrono::Duration::seconds(30));
    assert_eq!(row.last_error, "SMTP server down");
    // Not before its time.
    let early = t0 + chrono::Duration::seconds(29);
    assert!(jobs::claim(&db, "w", early, lease).await.unwrap().is_none());

    let t1 = t0 + chrono::Duration::seconds(30);
    let two = jobs::claim(&db, "w", t1, lease).await.unwrap().unwrap();
    jobs::finish(&db, &two, Err("still down".into()), t1)
        .await
        .unwrap();
    assert_eq!(
        rows(&db).await[0].run_at,
        t1 + chrono::Duration::seconds(60),
        "doubled"
    );

    let t2 = t1 + chrono::Duration::seconds(60);
    let three = jobs::claim(&db, "w", t2, lease).await.unwrap().unwrap();
    jobs::finish(&db, &three, Err("gone".into()), t2)
        .await
        .unwrap();
    let row = &rows(&db).await[0];
    assert_eq!((row.state.as_str(), row.attempts), (jobs::FAILED, 3));
    assert_eq!(row.last_error, "gone");
    let much_later = t2 + chrono::Duration::days(1);
    assert!(
        jobs::claim(&db, "w", much_later, lease)
            .await
            .unwrap()
            .is_none(),
        "given up"
    );

    // Finished jobs are deleted after their keeping time: failed after 30 days.
    assert_eq!(
        jobs::purge(&db, t2 + chrono::Duration::days(29))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        jobs::purge(&db, t2 + chrono::Duration::days(31))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        jobs::backoff(20),
        chrono::Duration::hours(1),
        "delays stop growing at an hour"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_longer_than_its_lease_keeps_it_while_it_runs() {
    let db = queue().await;
    let now = Utc::now();
    jobs::enqueue(&db, NewJob::new("long", serde_json::json!({}), now), now)
        .await
        .unwrap();
    let runs = Arc::new(Mutex::new(0));
    let counted = runs.clone();
    // A 1 s lease, renewed every third of a second, on a job that takes 2.5 s.
    let slow = Worker::new(db.clone(), "slow")
        .lease(Duration::from_secs(1))
        .handle("long", move |_| {
            let counted = counted.clone();
            async move {
                *counted.lock().unwrap() += 1;
                tokio::time::sleep(Duration::from_millis(2500)).await;
                Ok(())
            }
        });
    let running = tokio::spawn(async move { slow.run_one().await.unwrap() });
    // Meanwhile another worker keeps looking for due work.
    let other_runs = runs.clone();
    let other = Worker::new(db.clone(), "other").handle("long", move |_| {
        let other_runs = other_runs.clone();
        async move {
            *other_runs.lock().unwrap() += 1;
            Ok(())
        }
    });
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(!other.run_one().await.unwrap(), "the job is held");
    }
    assert!(running.await.unwrap());
    assert_eq!(*runs.lock().unwrap(), 1);
    assert_eq!(rows(&db).await[0].state, jobs::DONE);
}

#[tokio::test]
async fn a_job_of_no_known_kind_is_kept_with_the_reason() {
    let db = queue().await;
    let now = Utc::now();
    jobs::enqueue(
        &db,
        NewJob::new("from.the.future", serde_json::json!({}), now),
        now,
    )
    .await
    .unwrap();
    let ran = Worker::new(db.clone(), "w").run_due().await.unwrap();
    assert_eq!(ran, 1);
    let row = &rows(&db).await[0];
    assert_eq!(
        row.state,
        jobs::QUEUED,
        "retried later: a newer process may know it"
    );
    assert!(row.last_error.contains("no handler"), "{}", row.last_error);
}
