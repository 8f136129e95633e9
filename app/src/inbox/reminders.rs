//! The day's reminders: one per person for their items due within 3 days or overdue, and one
//! per accepted risk entering its last 7 days. Run once a day (the job is enqueued once per
//! date, whichever process does it); running again the same day tells nobody twice.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::service::{Notice, notify};
use crate::{
    entities::{items, notifications, projects, team_members},
    scoring::Status,
};

/// The daily job (payload `{"date": "YYYY-MM-DD"}`).
pub const REMINDERS: &str = "reminders.daily";
/// Days ahead a due date is reminded of.
pub const DUE_WITHIN_DAYS: i64 = 3;
/// Days before an accepted risk's expiry its holders are told.
pub const EXPIRY_WITHIN_DAYS: i64 = 7;
/// How an evidence notice says the evidence ran out (and how a second one is known).
const RAN_OUT: &str = "ran out";
/// Items one reminder names (the rest are counted).
const NAMED: usize = 5;

/// What one day's run told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    /// People reminded of due or overdue items.
    pub due: usize,
    /// Accepted risks whose holders were told of the expiry.
    pub expiring: usize,
    /// Done items whose holders were told their evidence runs out (or ran out).
    pub evidence: usize,
    /// Projects whose owners were told a final review is due.
    pub reviews: usize,
}

/// Sends `today`'s reminders (dates compare in UTC).
pub async fn run(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Sent, DbErr> {
    let due = due_items(db, today, now).await?;
    let expiring = tell_expiring(db, &ACCEPTED, today, now).await?;
    let evidence = tell_expiring(db, &EVIDENCE, today, now).await?;
    let reviews = reviews_due(db, today, now).await?;
    Ok(Sent {
        due,
        expiring,
        evidence,
        reviews,
    })
}

/// Projects with a review cadence whose next final review is due (today or earlier): their
/// team's owners are told once per due date.
async fn reviews_due(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    use crate::{entities::reviews, teams::model::TeamRole};
    let projects = projects::Entity::find()
        .filter(projects::Column::ReviewEveryDays.is_not_null())
        .filter(projects::Column::Archived.eq(false))
        .all(db)
        .await?;
    if projects.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
    let mut last: HashMap<i32, NaiveDate> = HashMap::new();
    for r in reviews::Entity::find()
        .filter(reviews::Column::ProjectId.is_in(ids.clone()))
        .filter(reviews::Column::FinalizedAt.is_not_null())
        .all(db)
        .await?
    {
        if let Some(at) = r.finalized_at {
            let day = at.date_naive();
            let l = last.entry(r.project_id).or_insert(day);
            *l = (*l).max(day);
        }
    }
    let owners: Vec<team_members::Model> = team_members::Entity::find()
        .filter(team_members::Column::Role.eq(TeamRole::Owner.as_str()))
        .all(db)
        .await?;
    let told: HashSet<(i32, i32, NaiveDate)> = notifications::Entity::find()
        .filter(notifications::Column::Kind.eq("review_due"))
        .filter(notifications::Column::ProjectId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|n| Some((n.user_id, n.project_id?, n.created_at.date_naive())))
        .collect();
    let mut count = 0;
    for p in &projects {
        let Some(due) = crate::plan::review_due(p, last.get(&p.id).copied()) else {
            continue;
        };
        if due > today {
            continue;
        }
        let mut any = false;
        for o in owners.iter().filter(|o| o.team_id == p.team_id) {
            // Once per due date: told on or after it already, nothing more.
            if told
                .iter()
                .any(|(u, project, day)| *u == o.user_id && *project == p.id && *day >= due)
            {
                continue;
            }
            let notice = Notice {
                kind: "review_due",
                text: format!(
                    "{} is due its final review (every {} days): it was due {due}.",
                    p.name,
                    p.review_every_days.unwrap_or_default()
                ),
                link: format!("/p/{}/reviews", p.slug),
                project: Some(p.id),
                item: None,
                actor: None,
            };
            notify(db, o.user_id, notice, now).await?;
            any = true;
        }
        count += usize::from(any);
    }
    Ok(count)
}

/// A kind of date on done or accepted items that runs out, and how its holders are told.
struct Expiry {
    /// The notification kind.
    kind: &'static str,
    /// Items in this status.
    status: Status,
    /// The date that runs out.
    column: items::Column,
    /// Told from this many days after it ran out (0: only before).
    after_days: i64,
    until: fn(&items::Model) -> Option<NaiveDate>,
    /// Who is told, after the assignee.
    fallback: fn(&items::Model) -> Option<i32>,
    /// The notice's text: the item, its project, and the days left (negative: ran out).
    text: fn(&items::Model, &projects::Model, NaiveDate, i64) -> String,
}

/// Done items whose evidence runs out within 7 days, or ran out yesterday (stale from today),
/// each told once in that time to its assignee, else to whoever vouched for it or closed it.
const EVIDENCE: Expiry = Expiry {
    kind: "evidence_expiring",
    status: Status::Done,
    column: items::Column::EvidenceUntil,
    after_days: 1,
    until: |i| i.evidence_until,
    fallback: |i| i.evidence_by.or(i.closed_by),
    text: |item, project, until, days| {
        let when = match days {
            n if n < 0 => {
                format!("{RAN_OUT}: it counts as open until it is re-attested or re-measured")
            }
            0 => "runs out today".to_owned(),
            1 => "runs out tomorrow".to_owned(),
            n => format!("runs out in {n} days ({until})"),
        };
        format!(
            "The evidence of “{}” in {} {when}.",
            item.title, project.name
        )
    },
};

/// Accepted risks entering their last 7 days, each told once to its assignee (else to whoever
/// accepted it), while they are still on the team.
const ACCEPTED: Expiry = Expiry {
    kind: "risk_expiring",
    status: Status::AcceptedRisk,
    column: items::Column::AcceptedUntil,
    after_days: 0,
    until: |i| i.accepted_until,
    fallback: |i| i.closed_by,
    text: |item, project, until, days| {
        let when = match days {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            n => format!("in {n} days ({until})"),
        };
        format!(
            "The accepted risk “{}” in {} expires {when}: fix it, or accept it again with a reason.",
            item.title, project.name
        )
    },
};

/// Tells the holders of items whose `e` date falls within [`EXPIRY_WITHIN_DAYS`] (or ran out
/// up to `e.after_days` ago), once before and once after it ran out, while they are on the
/// project's team.
async fn tell_expiring(
    db: &impl ConnectionTrait,
    e: &Expiry,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let rows = items::Entity::find()
        .filter(items::Column::Status.eq(e.status))
        .filter(e.column.gte(today - Duration::days(e.after_days)))
        .filter(e.column.lte(today + Duration::days(EXPIRY_WITHIN_DAYS)))
        .all(db)
        .await?;
    let rows = with_projects(db, rows).await?;
    let members = memberships(db).await?;
    // Told within the window already: once that it runs out soon, once that it ran out.
    let since = now - Duration::days(EXPIRY_WITHIN_DAYS + e.after_days + 1);
    let (mut told_soon, mut told_out) = (HashSet::new(), HashSet::new());
    for n in notifications::Entity::find()
        .filter(notifications::Column::Kind.eq(e.kind))
        .filter(notifications::Column::CreatedAt.gte(since))
        .all(db)
        .await?
    {
        if let Some(item) = n.item_id {
            told_soon.insert((n.user_id, item));
            if n.text.contains(RAN_OUT) {
                told_out.insert((n.user_id, item));
            }
        }
    }
    let mut count = 0;
    for (item, project) in rows {
        let (Some(project), Some(until)) = (project, (e.until)(&item)) else {
            continue;
        };
        let Some(to) = item.assignee_id.or_else(|| (e.fallback)(&item)) else {
            continue;
        };
        let days = (until - today).num_days();
        let told = if days < 0 { &told_out } else { &told_soon };
        if !members.contains(&(to, project.team_id)) || told.contains(&(to, item.id)) {
            continue;
        }
        let notice = Notice {
            kind: e.kind,
            text: (e.text)(&item, &project, until, days),
            link: format!("/p/{}/items/{}", project.slug, item.id),
            project: Some(project.id),
            item: Some(item.id),
            actor: None,
        };
        notify(db, to, notice, now).await?;
        count += 1;
    }
    Ok(count)
}

/// Open items with an assignee and a due date on or before `today` + 3 days, of projects
/// whose team the assignee is still in, grouped per person into one notification.
async fn due_items(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    use sea_orm::QuerySelect;
    // Five columns of each item and four of each project: overdue items pile up over the
    // months, and whole rows of 50,000 of them (with a copy of their project each) held
    // 250 MB.
    let rows: Vec<DueRow> = items::Entity::find()
        .select_only()
        .columns([
            items::Column::Id,
            items::Column::ProjectId,
            items::Column::AssigneeId,
            items::Column::Title,
            items::Column::DueDate,
        ])
        .filter(items::Column::AssigneeId.is_not_null())
        .filter(items::Column::DueDate.lte(today + Duration::days(DUE_WITHIN_DAYS)))
        .filter(items::Column::Status.is_in([Status::Open, Status::InProgress]))
        .order_by_asc(items::Column::DueDate)
        .order_by_asc(items::Column::Id)
        .into_model()
        .all(db)
        .await?;
    let ids: BTreeSet<i32> = rows.iter().map(|r| r.project_id).collect();
    let projects: HashMap<i32, DueProject> = projects::Entity::find()
        .select_only()
        .columns([
            projects::Column::Id,
            projects::Column::TeamId,
            projects::Column::Slug,
            projects::Column::Name,
        ])
        .filter(projects::Column::Id.is_in(ids))
        .into_model()
        .all(db)
        .await?
        .into_iter()
        .map(|p: DueProject| (p.id, p))
        .collect();
    let members = memberships(db).await?;
    let already = told_today(db, "due", today).await?;
    let mut per_person: BTreeMap<i32, Vec<(&DueRow, &DueProject)>> = BTreeMap::new();
    for row in &rows {
        let (Some(to), Some(project)) = (row.assignee_id, projects.get(&row.project_id)) else {
            continue;
        };
        if members.contains(&(to, project.team_id)) && !already.contains(&to) {
            per_person.entry(to).or_default().push((row, project));
        }
    }
    let people = per_person.len();
    for (to, list) in per_person {
        let Some((first, project)) = list.first() else {
            continue;
        };
        let notice = Notice {
            kind: "due",
            text: due_text(&list, today),
            link: format!("/p/{}/items/{}", project.slug, first.id),
            project: Some(project.id),
            item: Some(first.id),
            actor: None,
        };
        notify(db, to, notice, now).await?;
    }
    Ok(people)
}

/// What a reminder reads of an item.
#[derive(sea_orm::FromQueryResult)]
struct DueRow {
    id: i32,
    project_id: i32,
    assignee_id: Option<i32>,
    title: String,
    due_date: Option<NaiveDate>,
}

/// What a reminder reads of a project.
#[derive(sea_orm::FromQueryResult)]
struct DueProject {
    id: i32,
    team_id: i32,
    slug: String,
    name: String,
}

/// "2 overdue and 1 due within 3 days: “Backups” (Checkout, overdue since 2026-11-30), …"
fn due_text(list: &[(&DueRow, &DueProject)], today: NaiveDate) -> String {
    let overdue = list
        .iter()
        .filter(|(i, _)| i.due_date.is_some_and(|d| d < today))
        .count();
    let soon = list.len() - overdue;
    let count = match (overdue, soon) {
        (0, n) => format!("{n} due within {DUE_WITHIN_DAYS} days"),
        (n, 0) => format!("{n} overdue"),
        (o, s) => format!("{o} overdue and {s} due within {DUE_WITHIN_DAYS} days"),
    };
    let named: Vec<String> = list
        .iter()
        .take(NAMED)
        .map(|(i, p)| {
            let when = match i.due_date {
                Some(d) if d < today => format!("overdue since {d}"),
                Some(d) if d == today => "due today".to_owned(),
                Some(d) => format!("due {d}"),
                None => String::new(),
            };
            format!("“{}” ({}, {when})", i.title, p.name)
        })
        .collect();
    let more = list.len().saturating_sub(NAMED);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("Your items: {count}: {}{more}.", named.join(", "))
}

/// Each item with its project.
async fn with_projects(
    db: &impl ConnectionTrait,
    rows: Vec<items::Model>,
) -> Result<Vec<(items::Model, Option<projects::Model>)>, DbErr> {
    let ids: BTreeSet<i32> = rows.iter().map(|i| i.project_id).collect();
    let projects: HashMap<i32, projects::Model> = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(rows
        .into_iter()
        .map(|i| {
            let p = projects.get(&i.project_id).cloned();
            (i, p)
        })
        .collect())
}

/// (user, team) of every membership.
async fn memberships(db: &impl ConnectionTrait) -> Result<HashSet<(i32, i32)>, DbErr> {
    Ok(team_members::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.team_id))
        .collect())
}

/// Who already had a notification of `kind` on `today` (UTC).
async fn told_today(
    db: &impl ConnectionTrait,
    kind: &str,
    today: NaiveDate,
) -> Result<HashSet<i32>, DbErr> {
    let start = today.and_time(chrono::NaiveTime::MIN).and_utc();
    Ok(notifications::Entity::find()
        .filter(notifications::Column::Kind.eq(kind))
        .filter(notifications::Column::CreatedAt.gte(start))
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.user_id)
        .collect())
}
