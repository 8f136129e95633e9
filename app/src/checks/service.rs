//! Checks: adding and removing them (editors), running them (the sweep, "run now", a pipeline's
//! report), and what a result does to its item.
//!
//! - **Pass**: an open, in-progress or done item becomes (or stays) done, vouched for by the
//!   check (`measured`, or `ci` for a pipeline's report) from now for the item's "valid for";
//!   a CI result holds at most its TTL. Becoming done is audited (`done_by_check`); staying done
//!   only refreshes the evidence. Not-applicable items and accepted risks are left as people
//!   decided.
//! - **Fail**: a done item is reopened (open again, its closing and evidence cleared), audited
//!   (`reopened_by_check`), and its holders and watchers are told; webhooks get `check.failed`.
//!   Each check's first failure after a pass is told even when the item was not done.
//! - **Stale** (CI checks): no result within the TTL marks the check stale; a done item it
//!   vouched for goes stale at once (its evidence ends yesterday) and is told like a failure.
//! - **Sweep** (`checks.sweep`, a job each minute, once across instances): claims the probes that
//!   are due (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite's write lock), sets their next run
//!   before running them, runs up to [`PARALLEL`] at once, then looks for CI checks past their
//!   TTL. A probe claimed by a process that dies is run again at its next interval.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, LockBehavior, LockType},
};

use super::{
    model::{CheckInput, CheckView, ItemChecks, KEEP_RUNS, RunView},
    probe::{Outcome, Prober},
    spec::{CheckSpec, MAX_PER_ITEM, MAX_PER_PROJECT, check_input},
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    checklist::service::{Evidence, valid_for_of},
    entities::{categories, check_runs, checks, items, projects},
    error::AppError,
    inbox::service::{Notice, notify},
    projects::access,
    scoring::{EvidenceKind, Status},
};

/// The sweep's job kind.
pub const SWEEP: &str = "checks.sweep";
/// Probes run at once by one sweep.
pub const PARALLEL: usize = 32;
/// Most probes one sweep takes (the rest wait for the next minute).
pub const SWEEP_BATCH: u64 = 2000;

/// What a check run leaves: `pass`, `fail` or `stale`.
fn state_word(ok: bool) -> &'static str {
    if ok { "pass" } else { "fail" }
}

fn view(c: &checks::Model, runs: Vec<RunView>) -> CheckView {
    let spec: Option<CheckSpec> = serde_json::from_str(&c.config).ok();
    CheckView {
        id: c.id,
        item_id: c.item_id,
        kind: c.kind.clone(),
        target: spec.map_or_else(String::new, |s| s.target(c.key.as_deref())),
        key: c.key.clone(),
        interval_minutes: c.interval_seconds / 60,
        ttl_hours: c.ttl_seconds.map(|s| s / 3600),
        state: c.last_state.clone(),
        last_run_at: c.last_run_at.map(|t| t.to_rfc3339()),
        runs,
    }
}

fn run_view(r: check_runs::Model) -> RunView {
    RunView {
        ok: r.ok,
        summary: r.summary,
        url: r.url,
        latency_ms: r.latency_ms,
        at: r.created_at.to_rfc3339(),
    }
}

/// The checks of item `item_id` with their latest runs (viewers).
pub async fn item_checks(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    item_id: i32,
) -> Result<ItemChecks, AppError> {
    let (_, seen) = access::item(db, user, item_id).await?;
    let rows = checks::Entity::find()
        .filter(checks::Column::ItemId.eq(item_id))
        .order_by_asc(checks::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let mut runs: HashMap<i32, Vec<RunView>> = HashMap::new();
    if !ids.is_empty() {
        // At most 10 checks of 100 kept runs each.
        for r in check_runs::Entity::find()
            .filter(check_runs::Column::CheckId.is_in(ids))
            .order_by_asc(check_runs::Column::Id)
            .all(db)
            .await?
        {
            runs.entry(r.check_id).or_default().push(run_view(r));
        }
    }
    Ok(ItemChecks {
        checks: rows
            .iter()
            .map(|c| view(c, runs.remove(&c.id).unwrap_or_default()))
            .collect(),
        can_edit: seen.permissions().can_edit,
        slug: seen.project.slug,
    })
}

/// Adds a check to item `item_id` (editors). A probe's host must resolve, and to a public
/// address unless `allow_private`. Returns its id.
pub async fn create_check(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item_id: i32,
    input: &CheckInput,
    allow_private: bool,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (item, seen) = access::item(db, user, item_id).await?;
    seen.require_edit()?;
    let checked = check_input(input)?;
    if let Some((host, port)) = checked.spec.connects_to() {
        let field = if checked.spec.kind() == "http" {
            "url"
        } else {
            "host"
        };
        let url = format!("http://{}:{port}/", bracket(&host));
        crate::webhooks::guard::check_url(&url, allow_private, "PREFLIGHT_CHECKS_ALLOW_PRIVATE")
            .await
            .map_err(|e| AppError::field(field, e))?;
    }
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    let on_item = checks::Entity::find()
        .filter(checks::Column::ItemId.eq(item.id))
        .count(&txn)
        .await?;
    if on_item >= MAX_PER_ITEM {
        return Err(AppError::field(
            "kind",
            format!("An item has at most {MAX_PER_ITEM} checks."),
        ));
    }
    let in_project = checks::Entity::find()
        .filter(checks::Column::ProjectId.eq(project.id))
        .count(&txn)
        .await?;
    if in_project >= MAX_PER_PROJECT {
        return Err(AppError::field(
            "kind",
            format!("A project has at most {MAX_PER_PROJECT} checks."),
        ));
    }
    if let Some(key) = &checked.key {
        let taken = checks::Entity::find()
            .filter(checks::Column::ProjectId.eq(project.id))
            .filter(checks::Column::Key.eq(key.as_str()))
            .count(&txn)
            .await?;
        if taken > 0 {
            return Err(AppError::field(
                "key",
                "This project already has a CI check with that key.",
            ));
        }
    }
    let config = serde_json::to_string(&checked.spec)
        .map_err(|e| AppError::internal("check config", e.to_string()))?;
    let row = checks::ActiveModel {
        project_id: Set(project.id),
        item_id: Set(item.id),
        kind: Set(checked.spec.kind().to_owned()),
        key: Set(checked.key.clone()),
        config: Set(config),
        interval_seconds: Set(checked.interval_seconds),
        ttl_seconds: Set(checked.ttl_seconds),
        enabled: Set(true),
        last_state: Set(None),
        last_run_at: Set(None),
        // A probe's first run is at the next sweep; a CI check's TTL counts from now.
        next_run_at: Set(Some(now)),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("check", row.id, "created")
            .in_project(&project)
            .after(&serde_json::json!({
                "item_id": item.id,
                "kind": row.kind,
                "key": row.key,
                "target": checked.spec.target(row.key.as_deref()),
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// A check of a project `user` may change, with the project.
async fn editable(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    check_id: i32,
) -> Result<(checks::Model, projects::Model), AppError> {
    let check = checks::Entity::find_by_id(check_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, seen) = access::item(db, user, check.item_id).await?;
    seen.require_edit()?;
    Ok((check, seen.project))
}

/// Removes a check and its runs (editors); its item keeps its status.
pub async fn delete_check(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    check_id: i32,
) -> Result<(), AppError> {
    let (check, project) = editable(db, user, check_id).await?;
    let txn = crate::txn::begin(db).await?;
    checks::Entity::delete_by_id(check.id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("check", check.id, "deleted")
            .in_project(&project)
            .before(&serde_json::json!({ "item_id": check.item_id, "kind": check.kind, "key": check.key })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Runs a probe now (editors), records its result, and answers it.
pub async fn run_now(
    db: &DatabaseConnection,
    user: &AuthUser,
    check_id: i32,
    prober: &Prober,
    now: DateTime<Utc>,
) -> Result<CheckView, AppError> {
    let (check, _) = editable(db, user, check_id).await?;
    let spec: CheckSpec = serde_json::from_str(&check.config)
        .map_err(|e| AppError::internal("check config", e.to_string()))?;
    if matches!(spec, CheckSpec::Ci { .. }) {
        return Err(AppError::field(
            "check",
            "A CI check runs when a pipeline reports to it.",
        ));
    }
    let outcome = prober.run(&spec).await;
    apply(db, &check, &outcome, "", now).await?;
    let check = checks::Entity::find_by_id(check.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view(&check, Vec::new()))
}

/// What a pipeline reports.
#[derive(Clone, Debug, Default)]
pub struct CiReport {
    /// Passed.
    pub ok: bool,
    /// A link to the run.
    pub url: String,
    /// What it found.
    pub summary: String,
}

/// A pipeline's result for the CI check `key` of project `slug` (editors, through a
/// read-write token).
pub async fn report_ci(
    db: &DatabaseConnection,
    user: &AuthUser,
    slug: &str,
    key: &str,
    report: &CiReport,
    now: DateTime<Utc>,
) -> Result<CheckView, AppError> {
    let seen = access::project(db, user, slug).await?;
    seen.require_edit()?;
    let ok = report.ok;
    let url = report.url.trim();
    let summary = report.summary.trim();
    crate::error::Validator::default()
        .check(
            !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")),
            "url",
            "Use a link starting with https:// or http://.",
        )
        .at_most(url, 2000, "url")
        .at_most(summary, 1000, "summary")
        .finish()?;
    if !super::spec::is_key(key) {
        return Err(AppError::NotFound);
    }
    let check = checks::Entity::find()
        .filter(checks::Column::ProjectId.eq(seen.project.id))
        .filter(checks::Column::Key.eq(key))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome = Outcome {
        ok,
        summary: if summary.is_empty() {
            format!("CI reported {}", state_word(ok))
        } else {
            summary.to_owned()
        },
        latency_ms: None,
    };
    apply(db, &check, &outcome, url, now).await?;
    let check = checks::Entity::find_by_id(check.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view(&check, Vec::new()))
}

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Probes run.
    pub ran: usize,
    /// Of which failed.
    pub failed: usize,
    /// CI checks found past their TTL.
    pub stale: usize,
}

/// Runs every probe due at `now` (up to [`PARALLEL`] at once) and marks CI checks past their
/// TTL stale. Safe to run in several processes at once: a probe is claimed by one.
pub async fn sweep(
    db: &DatabaseConnection,
    prober: &Prober,
    now: DateTime<Utc>,
) -> Result<Swept, AppError> {
    let due = claim_due(db, now).await?;
    let mut swept = Swept::default();
    let results: Vec<(checks::Model, Outcome)> = futures::stream::iter(due)
        .map(|check| async move {
            let outcome = match serde_json::from_str::<CheckSpec>(&check.config) {
                Ok(spec) => prober.run(&spec).await,
                Err(e) => Outcome {
                    ok: false,
                    summary: format!("unreadable settings: {e}"),
                    latency_ms: None,
                },
            };
            (check, outcome)
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for (check, outcome) in results {
        swept.ran += 1;
        swept.failed += usize::from(!outcome.ok);
        if let Err(e) = apply(db, &check, &outcome, "", now).await {
            tracing::warn!(check = check.id, error = %e, "could not record a check's result");
        }
    }
    swept.stale = expire_ci(db, now).await?;
    Ok(swept)
}

/// Takes the probes due at `now` (a quarter of a minute early, so a sweep each minute keeps a
/// one-minute interval), setting each one's next run before anything runs.
async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<checks::Model>, DbErr> {
    let horizon = now + chrono::Duration::seconds(15);
    let due = || {
        checks::Entity::find()
            .filter(checks::Column::Enabled.eq(true))
            .filter(checks::Column::Kind.ne("ci"))
            .filter(
                Condition::any()
                    .add(checks::Column::NextRunAt.is_null())
                    .add(checks::Column::NextRunAt.lte(horizon)),
            )
            .order_by_asc(checks::Column::NextRunAt)
            .limit(SWEEP_BATCH)
    };
    if due().count(db).await? == 0 {
        return Ok(Vec::new());
    }
    let txn = crate::txn::begin(db).await?;
    let mut find = due();
    if txn.get_database_backend() == DbBackend::Postgres {
        find = find.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = find.all(&txn).await?;
    for c in &rows {
        checks::Entity::update_many()
            .col_expr(
                checks::Column::NextRunAt,
                Expr::value(now + chrono::Duration::seconds(i64::from(c.interval_seconds))),
            )
            .filter(checks::Column::Id.eq(c.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(rows)
}

/// Marks the CI checks without a result within their TTL stale (once each), and lets the done
/// items they vouched for go stale. Returns how many.
async fn expire_ci(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let candidates = checks::Entity::find()
        .filter(checks::Column::Kind.eq("ci"))
        .filter(checks::Column::Enabled.eq(true))
        .filter(
            Condition::any()
                .add(checks::Column::LastState.is_null())
                .add(checks::Column::LastState.ne("stale")),
        )
        .all(db)
        .await?;
    let mut n = 0;
    for check in candidates {
        let since = check.last_run_at.unwrap_or(check.created_at);
        let ttl = chrono::Duration::seconds(i64::from(check.ttl_seconds.unwrap_or(86_400)));
        if since + ttl > now {
            continue;
        }
        let txn = crate::txn::begin(db).await?;
        let marked = checks::Entity::update_many()
            .col_expr(checks::Column::LastState, Expr::value("stale"))
            .filter(checks::Column::Id.eq(check.id))
            .filter(
                Condition::any()
                    .add(checks::Column::LastState.is_null())
                    .add(checks::Column::LastState.ne("stale")),
            )
            .exec(&txn)
            .await?
            .rows_affected;
        if marked == 1 {
            let summary = format!(
                "no CI result for “{}” within {} h",
                check.key.as_deref().unwrap_or_default(),
                ttl.num_hours()
            );
            went_stale(&txn, &check, &summary, now).await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// Records `outcome` of `check` at `now` (with a link to the run, for CI) and applies it to
/// the check's item, in one transaction.
pub async fn apply(
    db: &DatabaseConnection,
    check: &checks::Model,
    outcome: &Outcome,
    url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::txn::begin(db).await?;
    let summary: String = outcome.summary.chars().take(1000).collect();
    check_runs::ActiveModel {
        check_id: Set(check.id),
        ok: Set(outcome.ok),
        summary: Set(summary.clone()),
        url: Set(url.chars().take(2000).collect()),
        latency_ms: Set(outcome.latency_ms),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    prune_runs(&txn, check.id).await?;
    let was = check.last_state.clone();
    checks::Entity::update_many()
        .col_expr(
            checks::Column::LastState,
            Expr::value(state_word(outcome.ok)),
        )
        .col_expr(checks::Column::LastRunAt, Expr::value(now))
        .filter(checks::Column::Id.eq(check.id))
        .exec(&txn)
        .await?;
    if outcome.ok {
        passed(&txn, check, now).await?;
    } else {
        failed(&txn, check, &summary, was.as_deref() != Some("fail"), now).await?;
    }
    Ok(txn.commit().await?)
}

/// Keeps the newest [`KEEP_RUNS`] runs of a check.
async fn prune_runs(txn: &impl ConnectionTrait, check_id: i32) -> Result<(), DbErr> {
    let cutoff: Option<i32> = check_runs::Entity::find()
        .select_only()
        .column(check_runs::Column::Id)
        .filter(check_runs::Column::CheckId.eq(check_id))
        .order_by_desc(check_runs::Column::Id)
        .offset(KEEP_RUNS - 1)
        .into_tuple()
        .one(txn)
        .await?;
    if let Some(cutoff) = cutoff {
        check_runs::Entity::delete_many()
            .filter(check_runs::Column::CheckId.eq(check_id))
            .filter(check_runs::Column::Id.lt(cutoff))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The item and project of `check`, when the item is still there.
async fn subject(
    txn: &impl ConnectionTrait,
    check: &checks::Model,
) -> Result<Option<(items::Model, projects::Model, categories::Model)>, DbErr> {
    let Some(item) = items::Entity::find_by_id(check.item_id).one(txn).await? else {
        return Ok(None);
    };
    let project = projects::Entity::find_by_id(item.project_id)
        .one(txn)
        .await?;
    let category = categories::Entity::find_by_id(item.category_id)
        .one(txn)
        .await?;
    Ok(project.zip(category).map(|(p, c)| (item, p, c)))
}

/// Writes `changes` over `item` at its version (the check is a writer like any other: a
/// person's concurrent change wins, and the result applies to what they left on the next run).
async fn write(
    txn: &impl ConnectionTrait,
    item: &items::Model,
    changes: sea_orm::UpdateMany<items::Entity>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let n = changes
        .col_expr(items::Column::Version, Expr::value(item.version + 1))
        .col_expr(items::Column::UpdatedBy, Expr::value(Option::<i32>::None))
        .col_expr(items::Column::UpdatedAt, Expr::value(now))
        .filter(items::Column::Id.eq(item.id))
        .filter(items::Column::Version.eq(item.version))
        .exec(txn)
        .await?
        .rows_affected;
    Ok(n == 1)
}

async fn passed(
    txn: &impl ConnectionTrait,
    check: &checks::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some((item, project, category)) = subject(txn, check).await? else {
        return Ok(());
    };
    if !matches!(
        item.status,
        Status::Open | Status::InProgress | Status::Done
    ) {
        return Ok(());
    }
    let kind = if check.kind == "ci" {
        EvidenceKind::Ci
    } else {
        EvidenceKind::Measured
    };
    let mut evidence = Evidence::fresh(
        kind,
        None,
        now,
        valid_for_of(item.valid_for_days, &category),
    );
    if let Some(ttl) = check.ttl_seconds {
        let last = (now + chrono::Duration::seconds(i64::from(ttl))).date_naive();
        evidence.until = Some(evidence.until.map_or(last, |u| u.min(last)));
    }
    let becomes_done = item.status != Status::Done;
    let mut changes = evidence.update(items::Entity::update_many());
    if becomes_done {
        changes = changes
            .col_expr(items::Column::Status, Expr::value(Status::Done))
            .col_expr(items::Column::ClosedBy, Expr::value(Option::<i32>::None))
            .col_expr(items::Column::ClosedAt, Expr::value(Some(now)));
    }
    if write(txn, &item, changes, now).await? && becomes_done {
        record(
            txn,
            &Actor::system(),
            Event::new("item", item.id, "done_by_check")
                .in_project(&project)
                .before(&serde_json::json!({ "status": item.status }))
                .after(&serde_json::json!({ "status": Status::Done, "check_id": check.id, "evidence_kind": kind })),
        )
        .await?;
        crate::inbox::verdict::queue_check(txn, project.id, now).await?;
    }
    Ok(())
}

async fn failed(
    txn: &impl ConnectionTrait,
    check: &checks::Model,
    summary: &str,
    newly: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some((item, project, _)) = subject(txn, check).await? else {
        return Ok(());
    };
    let reopened =
        item.status == Status::Done && reopen(txn, &item, &project, check, summary, now).await?;
    if reopened || newly {
        let what = if reopened { "reopened" } else { "is failing" };
        let text = format!(
            "A check on “{}” in {} failed ({summary}): the item {what}.",
            item.title, project.name
        );
        tell(txn, &project, &item, check, text, now).await?;
    }
    Ok(())
}

async fn went_stale(
    txn: &impl ConnectionTrait,
    check: &checks::Model,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some((item, project, _)) = subject(txn, check).await? else {
        return Ok(());
    };
    if item.status == Status::Done && item.evidence_kind == Some(EvidenceKind::Ci) {
        let yesterday = now.date_naive().pred_opt();
        let changes = items::Entity::update_many()
            .col_expr(items::Column::EvidenceUntil, Expr::value(yesterday));
        write(txn, &item, changes, now).await?;
        record(
            txn,
            &Actor::system(),
            Event::new("item", item.id, "stale_by_check")
                .in_project(&project)
                .after(&serde_json::json!({ "check_id": check.id, "summary": summary })),
        )
        .await?;
        crate::inbox::verdict::queue_check(txn, project.id, now).await?;
    }
    let text = format!(
        "The evidence of “{}” in {} went stale: {summary}.",
        item.title, project.name
    );
    tell(txn, &project, &item, check, text, now).await
}

/// Reopens done `item` after `check` failed: `false` when someone changed it meanwhile.
async fn reopen(
    txn: &impl ConnectionTrait,
    item: &items::Model,
    project: &projects::Model,
    check: &checks::Model,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let changes = items::Entity::update_many()
        .col_expr(items::Column::Status, Expr::value(Status::Open))
        .col_expr(items::Column::ClosedBy, Expr::value(Option::<i32>::None))
        .col_expr(
            items::Column::ClosedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    let changes = Evidence::none().update(changes);
    if !write(txn, item, changes, now).await? {
        return Ok(false);
    }
    record(
        txn,
        &Actor::system(),
        Event::new("item", item.id, "reopened_by_check")
            .in_project(project)
            .before(&serde_json::json!({ "status": item.status, "evidence_kind": item.evidence_kind }))
            .after(&serde_json::json!({ "status": Status::Open, "check_id": check.id, "summary": summary })),
    )
    .await?;
    crate::inbox::verdict::queue_check(txn, project.id, now).await?;
    Ok(true)
}

/// Tells `item`'s holders and watchers, and the team's webhooks, that `check` failed.
async fn tell(
    txn: &impl ConnectionTrait,
    project: &projects::Model,
    item: &items::Model,
    check: &checks::Model,
    text: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let link = format!("/p/{}/items/{}", project.slug, item.id);
    for to in crate::inbox::watch::item_watchers(txn, project, item).await? {
        let notice = Notice {
            kind: "check_failed",
            text: text.clone(),
            link: link.clone(),
            project: Some(project.id),
            item: Some(item.id),
            actor: None,
        };
        notify(txn, to, notice, now).await?;
    }
    let event = crate::webhooks::service::Event {
        name: "check.failed",
        data: serde_json::json!({
            "project": { "slug": project.slug, "name": project.name },
            "item": { "id": item.id, "title": item.title },
            "check": { "id": check.id, "kind": check.kind, "key": check.key },
            "link": link,
        }),
        text,
    };
    Ok(crate::webhooks::service::emit(txn, project.team_id, event, now).await?)
}
