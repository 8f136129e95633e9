//! Campaigns: made by a team's owners (its projects) or site admins (any project), applied to
//! projects in one transaction, followed per project, closed.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait, sea_query::Expr,
};

use super::{
    model::{Applied, BurnUpDay, CampaignItemView, CampaignSummary, CampaignView, ProjectProgress},
    rules::{Tally, burn_up, is_idle, parse_items},
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    checklist::service::{ItemValues, new_item_row},
    entities::{campaign_items, campaign_projects, campaigns, categories, items, projects, teams},
    error::{AppError, Validator},
    scoring::{ItemFacts, Status},
    teams::model::TeamRole,
};

/// The most projects one request applies a campaign to.
pub const MAX_PROJECTS: usize = 1000;
/// Rows per insert statement (SQLite binds at most 32,766 values; an item row has ~30).
const CHUNK: usize = 500;

/// A new campaign as submitted.
#[derive(Clone, Debug, Default)]
pub struct CampaignInput {
    pub name: String,
    pub description: String,
    /// The team whose projects it covers; `None`: site-wide (site admins).
    pub team_id: Option<i32>,
    /// The category its items go into (blank: the campaign's name).
    pub category: String,
    /// `YYYY-MM-DD` or blank.
    pub deadline: String,
    /// One item per line (see [`parse_items`]).
    pub items: String,
}

/// May `user` see campaign `c`: site admins; for a team's campaign, the team's members.
async fn may_view(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    c: &campaigns::Model,
) -> Result<TeamRole, AppError> {
    match c.team_id {
        _ if user.is_admin => Ok(TeamRole::Owner),
        Some(team) => authz::can_view_team(db, user, team).await,
        None => Err(AppError::NotFound),
    }
}

async fn campaign_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(campaigns::Model, TeamRole), AppError> {
    let c = campaigns::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = may_view(db, user, &c).await?;
    Ok((c, role))
}

fn require_manage(role: TeamRole) -> Result<(), AppError> {
    if role >= TeamRole::Owner {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Creates a campaign with its items; returns its id. A team's owners (for the team), or site
/// admins (also site-wide).
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    input: CampaignInput,
) -> Result<i32, AppError> {
    match input.team_id {
        Some(team) => authz::can_manage_team(db, user, team).await?,
        None => authz::require_admin(user)?,
    }
    let name = input.name.trim().to_owned();
    let description = input.description.trim().to_owned();
    let category = match input.category.trim() {
        "" => name.clone(),
        c => c.to_owned(),
    };
    let deadline = match input.deadline.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d").map(Some),
    };
    let written = parse_items(&input.items);
    let mut v = Validator::default();
    v.check(name.is_empty(), "name", "Enter a name.")
        .at_most(&name, 120, "name")
        .at_most(&description, crate::limits::MAX_TEXT, "description")
        .at_most(&category, 120, "category")
        .check(deadline.is_err(), "deadline", "Use a date like 2027-03-31.");
    if let Err(e) = &written {
        v.check(true, "items", e);
    }
    v.finish()?;
    let (Ok(deadline), Ok(written)) = (deadline, written) else {
        return Err(AppError::BadRequest);
    };
    let txn = crate::txn::begin(db).await?;
    let c = campaigns::ActiveModel {
        name: Set(name),
        description: Set(description),
        team_id: Set(input.team_id),
        category: Set(category),
        deadline: Set(deadline),
        state: Set("open".into()),
        created_by: Set(Some(user.id)),
        created_at: Set(Utc::now()),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    campaign_items::Entity::insert_many(written.iter().enumerate().map(|(n, w)| {
        campaign_items::ActiveModel {
            campaign_id: Set(c.id),
            position: Set(i32::try_from(n).unwrap_or(i32::MAX)),
            title: Set(w.title.clone()),
            description: Set(String::new()),
            priority: Set(w.priority),
            blocking: Set(w.blocking),
            ..Default::default()
        }
    }))
    .exec(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("campaign", c.id, "created").after(&serde_json::json!({
            "name": c.name, "team_id": c.team_id, "deadline": c.deadline,
            "items": written.iter().map(|w| &w.title).collect::<Vec<_>>(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// Which projects to apply a campaign to.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    /// By slug.
    pub slugs: Vec<String>,
    /// Every unarchived project of the campaign's team (team campaigns only).
    pub whole_team: bool,
    /// Every unarchived project on this launch tier (of the team, for a team's campaign).
    pub tier: Option<i32>,
}

/// Applies campaign `id` to `targets` (its managers): each project gets every campaign item it
/// does not have yet, in the campaign's category (made when missing), due on the deadline; one
/// transaction for all of them. A project outside the campaign's team is refused (422), as is
/// a closed campaign (409).
pub async fn apply(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    targets: Targets,
) -> Result<Applied, AppError> {
    let (c, role) = campaign_for(db, user, id).await?;
    require_manage(role)?;
    if c.state != "open" {
        return Err(AppError::Conflict(
            "This campaign is closed; open a new one to add items.".into(),
        ));
    }
    let mut slugs: Vec<String> = targets
        .slugs
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    slugs.sort();
    slugs.dedup();
    if slugs.len() > MAX_PROJECTS {
        return Err(AppError::field(
            "projects",
            format!("Apply to at most {MAX_PROJECTS} projects at a time."),
        ));
    }
    let mut query = projects::Entity::find().filter(projects::Column::Archived.eq(false));
    let by_slug = !targets.whole_team && targets.tier.is_none();
    query = match (targets.tier, targets.whole_team, c.team_id) {
        (Some(tier), _, Some(team)) => query
            .filter(projects::Column::TierId.eq(tier))
            .filter(projects::Column::TeamId.eq(team)),
        (Some(tier), _, None) => query.filter(projects::Column::TierId.eq(tier)),
        (None, true, Some(team)) => query.filter(projects::Column::TeamId.eq(team)),
        (None, true, None) => {
            return Err(AppError::field(
                "projects",
                "A site-wide campaign names its projects or a tier.",
            ));
        }
        (None, false, _) => query.filter(projects::Column::Slug.is_in(slugs.clone())),
    };
    let found = query.limit(MAX_PROJECTS as u64 + 1).all(db).await?;
    if found.len() > MAX_PROJECTS {
        return Err(AppError::field(
            "projects",
            format!("Apply to at most {MAX_PROJECTS} projects at a time."),
        ));
    }
    if by_slug {
        let known: HashSet<&str> = found.iter().map(|p| p.slug.as_str()).collect();
        if let Some(missing) = slugs.iter().find(|s| !known.contains(s.as_str())) {
            return Err(AppError::field(
                "projects",
                format!("No project “{missing}” (or it is archived)."),
            ));
        }
    }
    if let Some(team) = c.team_id
        && let Some(other) = found.iter().find(|p| p.team_id != team)
    {
        return Err(AppError::field(
            "projects",
            format!(
                "“{}” is not one of this campaign's team's projects.",
                other.slug
            ),
        ));
    }
    if found.is_empty() {
        return Err(AppError::field("projects", "Name at least one project."));
    }
    let wanted = campaign_items::Entity::find()
        .filter(campaign_items::Column::CampaignId.eq(id))
        .order_by_asc(campaign_items::Column::Position)
        .all(db)
        .await?;
    let txn = crate::txn::begin(db).await?;
    let added = add_items(&txn, user, &c, &found, &wanted).await?;
    let now = Utc::now();
    campaign_projects::Entity::insert_many(found.iter().map(|p| campaign_projects::ActiveModel {
        campaign_id: Set(id),
        project_id: Set(p.id),
        added_at: Set(now),
    }))
    .on_conflict_do_nothing_on([
        campaign_projects::Column::CampaignId,
        campaign_projects::Column::ProjectId,
    ])
    .exec(&txn)
    .await?;
    for p in &found {
        let n = added.get(&p.id).copied().unwrap_or(0);
        if n > 0 {
            record(
                &txn,
                &Actor::from(user),
                Event::new("campaign", id, "applied")
                    .in_project(p)
                    .after(&serde_json::json!({ "campaign": c.name, "items_added": n })),
            )
            .await?;
            crate::inbox::verdict::queue_check(&txn, p.id, now).await?;
        }
    }
    txn.commit().await?;
    Ok(Applied {
        projects: u32::try_from(found.len()).unwrap_or(u32::MAX),
        added: added.values().sum(),
    })
}

/// Adds each project's missing campaign items (part of [`apply`]'s transaction); returns how
/// many per project. A constant number of statements for any number of projects.
async fn add_items(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    c: &campaigns::Model,
    found: &[projects::Model],
    wanted: &[campaign_items::Model],
) -> Result<HashMap<i32, u32>, AppError> {
    let ids: Vec<i32> = found.iter().map(|p| p.id).collect();
    let have: HashSet<(i32, i32)> = items::Entity::find()
        .select_only()
        .columns([items::Column::ProjectId, items::Column::CampaignItemId])
        .filter(items::Column::ProjectId.is_in(ids.clone()))
        .filter(items::Column::CampaignItemId.is_in(wanted.iter().map(|w| w.id)))
        .into_tuple::<(i32, Option<i32>)>()
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|(p, ci)| ci.map(|ci| (p, ci)))
        .collect();
    let missing: Vec<(&projects::Model, Vec<&campaign_items::Model>)> = found
        .iter()
        .map(|p| {
            let m: Vec<&campaign_items::Model> = wanted
                .iter()
                .filter(|w| !have.contains(&(p.id, w.id)))
                .collect();
            (p, m)
        })
        .filter(|(_, m)| !m.is_empty())
        .collect();
    if missing.is_empty() {
        return Ok(HashMap::new());
    }
    let needing: Vec<i32> = missing.iter().map(|(p, _)| p.id).collect();
    let cat_of = campaign_categories(txn, c, &needing).await?;
    let now = Utc::now();
    // Items go after those already in the category.
    let cat_ids: Vec<i32> = cat_of.values().map(|c| c.id).collect();
    let mut next: HashMap<i32, i32> = items::Entity::find()
        .select_only()
        .column(items::Column::CategoryId)
        .column_as(items::Column::Position.max(), "max_position")
        .filter(items::Column::CategoryId.is_in(cat_ids))
        .group_by(items::Column::CategoryId)
        .into_tuple::<(i32, Option<i32>)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(cat, max)| (cat, max.unwrap_or(0)))
        .collect();
    let mut rows = Vec::new();
    let mut added: HashMap<i32, u32> = HashMap::new();
    for (p, m) in &missing {
        let Some(cat) = cat_of.get(&p.id) else {
            return Err(AppError::internal("campaign", "no category was made"));
        };
        for w in m {
            let position = next.entry(cat.id).or_insert(0);
            *position += 1;
            let values = ItemValues {
                title: w.title.clone(),
                description: w.description.clone(),
                priority: w.priority,
                blocking: w.blocking,
                status: Status::Open,
                status_reason: String::new(),
                accepted_until: None,
                assignee_id: None,
                due_date: c.deadline,
                effort_hours: None,
                evidence_url: String::new(),
                evidence_text: String::new(),
                phase_id: None,
            };
            let mut row = new_item_row(p.id, cat, *position, values, user.id, now);
            row.campaign_item_id = Set(Some(w.id));
            rows.push(row);
            *added.entry(p.id).or_default() += 1;
        }
    }
    for chunk in rows.chunks(CHUNK) {
        items::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    Ok(added)
}

/// The campaign's category in each of `needing` (made at the end of a project's list when it
/// has none), by project.
async fn campaign_categories(
    txn: &impl ConnectionTrait,
    c: &campaigns::Model,
    needing: &[i32],
) -> Result<HashMap<i32, categories::Model>, AppError> {
    // The campaign category of each project (made at the end of its list when missing).
    let all_cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.is_in(needing.iter().copied()))
        .all(txn)
        .await?;
    let mut cat_of: HashMap<i32, categories::Model> = HashMap::new();
    let mut last_position: HashMap<i32, i32> = HashMap::new();
    for cat in all_cats {
        let e = last_position.entry(cat.project_id).or_insert(0);
        *e = (*e).max(cat.position);
        if cat.name.to_lowercase() == c.category.to_lowercase() {
            cat_of.entry(cat.project_id).or_insert(cat);
        }
    }
    let now = Utc::now();
    let to_make: Vec<i32> = needing
        .iter()
        .copied()
        .filter(|p| !cat_of.contains_key(p))
        .collect();
    for chunk in to_make.chunks(CHUNK) {
        categories::Entity::insert_many(chunk.iter().map(|p| categories::ActiveModel {
            project_id: Set(*p),
            name: Set(c.category.clone()),
            position: Set(last_position.get(p).copied().unwrap_or(0) + 1),
            weight: Set(1),
            assessor_score: Set(None),
            assessor_note: Set(String::new()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(txn)
        .await?;
    }
    if !to_make.is_empty() {
        for cat in categories::Entity::find()
            .filter(categories::Column::ProjectId.is_in(to_make))
            .filter(categories::Column::Name.eq(c.category.clone()))
            .all(txn)
            .await?
        {
            cat_of.entry(cat.project_id).or_insert(cat);
        }
    }
    Ok(cat_of)
}

/// Closes a campaign (its managers): it can no longer be applied; its items stay.
pub async fn close(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (c, role) = campaign_for(db, user, id).await?;
    require_manage(role)?;
    if c.state != "open" {
        return Err(AppError::Conflict(
            "This campaign is closed already.".into(),
        ));
    }
    let txn = crate::txn::begin(db).await?;
    campaigns::Entity::update_many()
        .col_expr(campaigns::Column::State, Expr::value("closed"))
        .col_expr(campaigns::Column::ClosedAt, Expr::value(Some(Utc::now())))
        .filter(campaigns::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("campaign", id, "closed").before(&serde_json::json!({ "name": c.name })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Each linked item's facts, by project: `(campaign item, facts, closed_at, created_at,
/// updated_at)`.
type Linked = (
    i32,
    ItemFacts,
    Option<chrono::DateTime<Utc>>,
    chrono::DateTime<Utc>,
    chrono::DateTime<Utc>,
);

async fn linked_items(
    db: &impl ConnectionTrait,
    item_ids: &[i32],
) -> Result<HashMap<i32, Vec<Linked>>, AppError> {
    use crate::checklist::rows::ScoredItem;
    let mut out: HashMap<i32, Vec<Linked>> = HashMap::new();
    if item_ids.is_empty() {
        return Ok(out);
    }
    for i in items::Entity::find()
        .filter(items::Column::CampaignItemId.is_in(item_ids.iter().copied()))
        .all(db)
        .await?
    {
        out.entry(i.project_id).or_default().push((
            i.campaign_item_id.unwrap_or(0),
            i.facts(),
            i.closed_at,
            i.created_at,
            i.updated_at,
        ));
    }
    Ok(out)
}

/// A linked item's campaign item, status, acceptance end and evidence end.
type StatusRow = (Option<i32>, Status, Option<NaiveDate>, Option<NaiveDate>);

/// Campaigns the viewer may see, newest first, with their headline figures.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    today: NaiveDate,
) -> Result<Vec<CampaignSummary>, AppError> {
    let mut q = campaigns::Entity::find().order_by_desc(campaigns::Column::Id);
    if !user.is_admin {
        let teams: Vec<i32> = authz::memberships(db, user.id)
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        q = q.filter(campaigns::Column::TeamId.is_in(teams));
    }
    let rows = q.limit(200).all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let wanted = campaign_items::Entity::find()
        .filter(campaign_items::Column::CampaignId.is_in(ids.clone()))
        .all(db)
        .await?;
    let campaign_of: HashMap<i32, i32> = wanted.iter().map(|w| (w.id, w.campaign_id)).collect();
    // Only what the status as it counts today needs, however many items the campaigns added.
    let statuses: Vec<StatusRow> = items::Entity::find()
        .select_only()
        .columns([
            items::Column::CampaignItemId,
            items::Column::Status,
            items::Column::AcceptedUntil,
            items::Column::EvidenceUntil,
        ])
        .filter(items::Column::CampaignItemId.is_in(wanted.iter().map(|w| w.id)))
        .into_tuple()
        .all(db)
        .await?;
    let mut tallies: HashMap<i32, Tally> = HashMap::new();
    for (ci, status, accepted_until, evidence_until) in statuses {
        if let Some(c) = ci.and_then(|ci| campaign_of.get(&ci)) {
            let facts = ItemFacts {
                priority: crate::scoring::Priority::Low,
                status,
                blocking: false,
                effort_hours: None,
                accepted_until,
                evidence: None,
                evidence_until,
            };
            tallies
                .entry(*c)
                .or_default()
                .add(facts.effective_status(today));
        }
    }
    let mut project_counts: HashMap<i32, u32> = HashMap::new();
    for cp in campaign_projects::Entity::find()
        .filter(campaign_projects::Column::CampaignId.is_in(ids))
        .all(db)
        .await?
    {
        *project_counts.entry(cp.campaign_id).or_default() += 1;
    }
    let team_names = team_names(db).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let t = tallies.get(&c.id).copied().unwrap_or_default();
            CampaignSummary {
                id: c.id,
                team: c.team_id.and_then(|t| team_names.get(&t).cloned()),
                deadline: c.deadline.map(|d| d.to_string()),
                state: c.state,
                projects: project_counts.get(&c.id).copied().unwrap_or(0),
                items: u32::try_from(wanted.iter().filter(|w| w.campaign_id == c.id).count())
                    .unwrap_or(u32::MAX),
                done_percent: (t.total() > 0).then(|| t.percent()),
                name: c.name,
            }
        })
        .collect())
}

async fn team_names(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>, AppError> {
    Ok(teams::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// The orders the progress table takes (`sort`): `behind` (least done first, the default),
/// `name`, `open` (most open first), `activity` (longest without a change first).
pub fn sort_rows(rows: &mut [ProjectProgress], sort: &str) {
    match sort {
        "name" => rows.sort_by_key(|r| r.name.to_lowercase()),
        "open" => rows.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.name.cmp(&b.name))),
        "activity" => rows.sort_by(|a, b| {
            a.last_activity
                .cmp(&b.last_activity)
                .then_with(|| a.name.cmp(&b.name))
        }),
        _ => rows.sort_by(|a, b| {
            a.percent
                .cmp(&b.percent)
                .then_with(|| b.open.cmp(&a.open))
                .then_with(|| a.name.cmp(&b.name))
        }),
    }
}

/// Campaign `id` with its progress per project, ordered by `sort`.
pub async fn view(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
    sort: &str,
    today: NaiveDate,
) -> Result<CampaignView, AppError> {
    let (c, role) = campaign_for(db, user, id).await?;
    let wanted = campaign_items::Entity::find()
        .filter(campaign_items::Column::CampaignId.eq(id))
        .order_by_asc(campaign_items::Column::Position)
        .all(db)
        .await?;
    let applied: Vec<i32> = campaign_projects::Entity::find()
        .filter(campaign_projects::Column::CampaignId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|cp| cp.project_id)
        .collect();
    let projects = projects::Entity::find()
        .filter(projects::Column::Id.is_in(applied.clone()))
        .all(db)
        .await?;
    let mut linked = linked_items(db, &wanted.iter().map(|w| w.id).collect::<Vec<_>>()).await?;
    let team_names = team_names(db).await?;
    let now = Utc::now();
    let mut totals = Tally::default();
    let mut spans = Vec::new();
    let mut rows: Vec<ProjectProgress> = projects
        .into_iter()
        .map(|p| {
            let mine = linked.remove(&p.id).unwrap_or_default();
            let mut t = Tally::default();
            for (_, facts, closed_at, created_at, _) in &mine {
                let status = facts.effective_status(today);
                t.add(status);
                totals.add(status);
                let closed = (status != Status::Open && status != Status::InProgress)
                    .then(|| closed_at.map(|c| c.date_naive()))
                    .flatten();
                spans.push((created_at.date_naive(), closed));
            }
            let last = mine.iter().map(|i| i.4).max();
            ProjectProgress {
                team: team_names.get(&p.team_id).cloned().unwrap_or_default(),
                slug: p.slug,
                name: p.name,
                done: t.done,
                exception: t.exception,
                open: t.open,
                total: t.total(),
                percent: t.percent(),
                last_activity: last.map(|l| l.date_naive().to_string()),
                idle: is_idle(&t, last, now),
            }
        })
        .collect();
    sort_rows(&mut rows, sort);
    let burn = burn_up(&spans, c.created_at.date_naive(), today)
        .into_iter()
        .map(|(day, closed, total)| BurnUpDay {
            day: day.to_string(),
            closed,
            total,
        })
        .collect();
    let may_manage = role >= TeamRole::Owner && c.state == "open";
    let candidates = match (may_manage, c.team_id) {
        (true, Some(team)) => projects::Entity::find()
            .filter(projects::Column::TeamId.eq(team))
            .filter(projects::Column::Archived.eq(false))
            .filter(projects::Column::Id.is_not_in(applied.clone()))
            .order_by_asc(projects::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|p| super::model::ProjectRef {
                slug: p.slug,
                name: p.name,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(CampaignView {
        summary: CampaignSummary {
            id: c.id,
            name: c.name,
            team: c.team_id.and_then(|t| team_names.get(&t).cloned()),
            deadline: c.deadline.map(|d| d.to_string()),
            state: c.state,
            projects: u32::try_from(applied.len()).unwrap_or(u32::MAX),
            items: u32::try_from(wanted.len()).unwrap_or(u32::MAX),
            done_percent: (totals.total() > 0).then(|| totals.percent()),
        },
        description: c.description,
        category: c.category,
        items: wanted
            .into_iter()
            .map(|w| CampaignItemView {
                id: w.id,
                title: w.title,
                description: w.description,
                priority: w.priority.as_str().to_owned(),
                blocking: w.blocking,
            })
            .collect(),
        rows,
        done: totals.done,
        exception: totals.exception,
        open: totals.open,
        burn_up: burn,
        may_manage,
        candidates,
    })
}

/// The progress table as CSV (the same rows, in the same order as `sort`).
pub async fn csv(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
    sort: &str,
    today: NaiveDate,
) -> Result<crate::export::Export, AppError> {
    let v = view(db, user, id, sort, today).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal("campaign csv", e);
    w.write_record([
        "project",
        "slug",
        "team",
        "done",
        "exception",
        "open",
        "total",
        "percent",
        "last_activity",
        "idle",
    ])
    .map_err(fail)?;
    for r in &v.rows {
        w.write_record([
            crate::export::cell(&r.name),
            r.slug.clone(),
            crate::export::cell(&r.team),
            r.done.to_string(),
            r.exception.to_string(),
            r.open.to_string(),
            r.total.to_string(),
            r.percent.to_string(),
            r.last_activity.clone().unwrap_or_default(),
            r.idle.to_string(),
        ])
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::internal("campaign csv", e))?;
    Ok(crate::export::Export {
        filename: format!("campaign-{id}-progress-{today}.csv"),
        content_type: "text/csv; charset=utf-8",
        body: bytes,
    })
}
