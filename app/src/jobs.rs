//! The background job queue: one table (`jobs`), on PostgreSQL and SQLite alike, worked by
//! every `preflight serve` process and by `preflight notify --run-due`.
//!
//! - **Enqueue** ([`enqueue`]): a job names its handler (`kind`), its input (JSON) and when it
//!   may run. Scheduled work names its period in a `dedupe_key` (`"cleanup:2026-12-02T16"`),
//!   unique in the table: however many processes enqueue it, one job exists.
//! - **Claim** ([`claim`]): the next due job — queued and due, or running with its lease run
//!   out (its process died) — is taken in a write transaction: PostgreSQL reads it `FOR UPDATE
//!   SKIP LOCKED` (processes take different jobs, none waits), SQLite takes its single write
//!   lock at `BEGIN IMMEDIATE` (claims happen one after another). The update re-checks that the
//!   job is still due, so a job is never held by two claims. The claim is a lease: the job's
//!   `locked_by` (`worker#attempt`, unique per claim) until `locked_until`.
//! - **Run** ([`Worker`]): the handler runs while the worker renews the lease every third of
//!   its length; a process that dies stops renewing, and another takes the job when the lease
//!   runs out. Finishing ([`finish`]) is accepted only from the claim that holds the job, so a
//!   worker that lost its lease cannot mark the job done or failed over the new holder.
//! - **Retry**: a handler's error puts the job back with a delay that doubles per attempt (30 s,
//!   1 min, 2 min, … at most 1 h); after `max_attempts` it is `failed`, with the last error.
//! - Clocks: times come from the process (`now` parameters), so instances' clocks should agree
//!   to well within a lease (60 s); tests pass their own `now`.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, LockBehavior, LockType, OnConflict},
};

use crate::entities::jobs::{self, Column};

/// Waiting for its time, or for a retry.
pub const QUEUED: &str = "queued";
/// Held by a claim.
pub const RUNNING: &str = "running";
/// Finished.
pub const DONE: &str = "done";
/// Gave up after its last attempt.
pub const FAILED: &str = "failed";

/// How long a claim holds a job before another process may take it (renewed while it runs).
pub const LEASE: Duration = Duration::from_secs(60);

/// A job to add.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// The handler's name.
    pub kind: String,
    /// The handler's input.
    pub payload: serde_json::Value,
    /// Not before this.
    pub run_at: DateTime<Utc>,
    /// At most one job with this key, ever (scheduled work: its kind and period).
    pub dedupe_key: Option<String>,
    /// Attempts before giving up.
    pub max_attempts: i32,
}

impl NewJob {
    /// A job of `kind` with `payload`, due at `now`, tried up to 8 times (about 1 h of retries).
    pub fn new(kind: &str, payload: serde_json::Value, now: DateTime<Utc>) -> Self {
        NewJob {
            kind: kind.to_owned(),
            payload,
            run_at: now,
            dedupe_key: None,
            max_attempts: 8,
        }
    }

    /// One job per `key`: enqueueing it again (from this or another process) adds nothing.
    #[must_use]
    pub fn once(mut self, key: String) -> Self {
        self.dedupe_key = Some(key);
        self
    }

    /// Tried at most `n` times.
    #[must_use]
    pub fn attempts(mut self, n: i32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
}

/// Adds `job`: `false` when a job with its dedupe key exists already (nothing is added).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    job: NewJob,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = jobs::ActiveModel {
        kind: Set(job.kind),
        payload: Set(job.payload.to_string()),
        dedupe_key: Set(job.dedupe_key),
        state: Set(QUEUED.to_owned()),
        run_at: Set(job.run_at),
        attempts: Set(0),
        max_attempts: Set(job.max_attempts),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(String::new()),
        created_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    };
    let insert = jobs::Entity::insert(row);
    if db.get_database_backend() == DbBackend::Postgres {
        // Inside a transaction a unique violation would abort it: skip the row instead.
        let added = insert
            .on_conflict(
                OnConflict::column(Column::DedupeKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        return Ok(added == 1);
    }
    // SQLite: a plain insert. (`ON CONFLICT` is checked against the connection's cached schema
    // when the statement is prepared, and a pooled connection that read the schema while the
    // migrations ran can miss the unique index: "ON CONFLICT clause does not match", seen in
    // the tests. A violation is reported at run time, against the real schema.)
    match insert.exec_without_returning(db).await {
        Ok(added) => Ok(added == 1),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Jobs a claim at `now` may take: queued and due, or running on a lease that ran out.
fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(Column::State.eq(QUEUED))
                .add(Column::RunAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(Column::State.eq(RUNNING))
                .add(Column::LockedUntil.lt(now)),
        )
}

/// Takes the next claimable job for `worker`, holding it for `lease` from `now`; `None` when
/// nothing is due. The job comes back as claimed (attempts counted, `locked_by` its claim).
pub async fn claim(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<jobs::Model>, DbErr> {
    let next = || {
        jobs::Entity::find()
            .filter(claimable(now))
            .order_by_asc(Column::RunAt)
            .order_by_asc(Column::Id)
    };
    // A look without the write lock first: most polls find nothing.
    if next().one(db).await?.is_none() {
        return Ok(None);
    }
    let txn = crate::txn::begin(db).await?;
    let mut find = next();
    if txn.get_database_backend() == DbBackend::Postgres {
        find = find.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(job) = find.one(&txn).await? else {
        txn.commit().await?;
        return Ok(None);
    };
    let attempt = job.attempts + 1;
    let holder = format!("{worker}#{attempt}");
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let taken = jobs::Entity::update_many()
        .col_expr(Column::State, Expr::value(RUNNING))
        .col_expr(Column::Attempts, Expr::value(attempt))
        .col_expr(Column::LockedBy, Expr::value(holder.clone()))
        .col_expr(Column::LockedUntil, Expr::value(until))
        .filter(Column::Id.eq(job.id))
        .filter(Column::Attempts.eq(job.attempts))
        .filter(claimable(now))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok((taken == 1).then(|| jobs::Model {
        state: RUNNING.to_owned(),
        attempts: attempt,
        locked_by: Some(holder),
        locked_until: Some(until),
        ..job
    }))
}

/// Extends the claim on `job` to `lease` from `now`: `false` when the claim no longer holds it.
pub async fn renew(
    db: &impl ConnectionTrait,
    job: &jobs::Model,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<bool, DbErr> {
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let renewed = jobs::Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(until))
        .filter(held_by(job))
        .exec(db)
        .await?
        .rows_affected;
    Ok(renewed == 1)
}

fn held_by(job: &jobs::Model) -> Condition {
    Condition::all()
        .add(Column::Id.eq(job.id))
        .add(Column::State.eq(RUNNING))
        .add(Column::LockedBy.eq(job.locked_by.clone()))
}

/// The delay before attempt `attempts + 1`: 30 s doubled per attempt made, at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(7);
    chrono::Duration::seconds(30 * (1 << doublings)).min(chrono::Duration::hours(1))
}

/// Records how the claim on `job` ended: done, or (with an error) queued again after
/// [`backoff`], or failed after its last attempt. `false` when the claim had lost the job (its
/// lease ran out and another process took it): nothing is written.
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &jobs::Model,
    outcome: Result<(), String>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let update = jobs::Entity::update_many()
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    let update = match outcome {
        Ok(()) => update
            .col_expr(Column::State, Expr::value(DONE))
            .col_expr(Column::FinishedAt, Expr::value(now)),
        Err(error) => {
            let error: String = error.chars().take(2000).collect();
            let update = update.col_expr(Column::LastError, Expr::value(error));
            if job.attempts >= job.max_attempts {
                update
                    .col_expr(Column::State, Expr::value(FAILED))
                    .col_expr(Column::FinishedAt, Expr::value(now))
            } else {
                update
                    .col_expr(Column::State, Expr::value(QUEUED))
                    .col_expr(Column::RunAt, Expr::value(now + backoff(job.attempts)))
            }
        }
    };
    let written = update.filter(held_by(job)).exec(db).await?.rows_affected;
    Ok(written == 1)
}

/// Deletes finished jobs: done ones after 7 days, failed ones after 30 (kept to be looked at).
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = Condition::all()
        .add(Column::State.eq(DONE))
        .add(Column::FinishedAt.lt(now - chrono::Duration::days(7)));
    let failed = Condition::all()
        .add(Column::State.eq(FAILED))
        .add(Column::FinishedAt.lt(now - chrono::Duration::days(30)));
    Ok(jobs::Entity::delete_many()
        .filter(Condition::any().add(done).add(failed))
        .exec(db)
        .await?
        .rows_affected)
}

/// What a handler returns: an error is the message kept on the job, and means "try again".
pub type Outcome = Result<(), String>;
type Handler =
    Arc<dyn Fn(jobs::Model) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

/// Runs claimed jobs through their handlers, by kind.
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    name: String,
    handlers: HashMap<String, Handler>,
    lease: Duration,
}

impl Worker {
    /// A worker named `name` (its claims show it: the host and process are a good name).
    pub fn new(db: DatabaseConnection, name: impl Into<String>) -> Self {
        Worker {
            db,
            name: name.into(),
            handlers: HashMap::new(),
            lease: LEASE,
        }
    }

    /// Holds claimed jobs for `lease` at a time (renewed while they run).
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Runs jobs of `kind` with `handler`.
    #[must_use]
    pub fn handle<F, Fut>(mut self, kind: &str, handler: F) -> Self
    where
        F: Fn(jobs::Model) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        self.handlers
            .insert(kind.to_owned(), Arc::new(move |job| Box::pin(handler(job))));
        self
    }

    /// Claims and runs one due job: `false` when none was due.
    pub async fn run_one(&self) -> Result<bool, DbErr> {
        let Some(job) = claim(&self.db, &self.name, Utc::now(), self.lease).await? else {
            return Ok(false);
        };
        let outcome = match self.handlers.get(&job.kind) {
            Some(handler) => self.run_held(handler(job.clone()), &job).await?,
            None => Err(format!("no handler for jobs of kind {:?}", job.kind)),
        };
        if let Err(error) = &outcome {
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed");
        }
        if !finish(&self.db, &job, outcome, Utc::now()).await? {
            tracing::warn!(job = job.id, kind = %job.kind, "job's lease was lost before it finished");
        }
        Ok(true)
    }

    /// Awaits `run`, renewing the claim on `job` every third of the lease meanwhile.
    async fn run_held(
        &self,
        run: Pin<Box<dyn Future<Output = Outcome> + Send>>,
        job: &jobs::Model,
    ) -> Result<Outcome, DbErr> {
        let mut run = run;
        let mut tick = tokio::time::interval(self.lease / 3);
        tick.tick().await;
        loop {
            tokio::select! {
                outcome = &mut run => return Ok(outcome),
                _ = tick.tick() => {
                    if let Err(e) = renew(&self.db, job, Utc::now(), self.lease).await {
                        tracing::warn!(job = job.id, error = %e, "could not renew a job's lease");
                    }
                }
            }
        }
    }

    /// Runs jobs until none is due; returns how many ran.
    pub async fn run_due(&self) -> Result<usize, DbErr> {
        let mut ran = 0;
        while self.run_one().await? {
            ran += 1;
        }
        Ok(ran)
    }

    /// Works the queue until `stop` resolves: runs what is due, then looks again every `poll`.
    pub async fn run(self, poll: Duration, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            match self.run_due().await {
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "job queue unavailable"),
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}
