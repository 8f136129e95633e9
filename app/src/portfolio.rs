//! The portfolio: every project the user may see, scored, and the user's own gaps across them.
//! It sits above the features it reads from (checklist rows, risks, reviews).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use crate::{
    auth::model::AuthUser,
    authz,
    entities::{projects, teams},
    error::AppError,
    projects::model::{MyGap, Portfolio, PortfolioQuery, ProjectSummary, Standing},
    teams::model::TeamRole,
};

/// What the portfolio reads of every visible project: five numbers, read in name order (whole
/// rows of 5,000 projects cost more than everything else a page does; their names, as strings,
/// most of the rest).
#[derive(Clone, Debug, sea_orm::DerivePartialModel)]
#[sea_orm(entity = "projects::Entity")]
struct Listed {
    id: i32,
    team_id: i32,
    threshold: i32,
    score_revision: i64,
    tier_id: Option<i32>,
}

/// What a project's standing is computed from: its items and categories (the revision), its
/// threshold and the day (acceptances expire, due dates pass).
fn standing_key(p: &Listed, today: chrono::NaiveDate) -> (i64, i32, chrono::NaiveDate) {
    (p.score_revision, p.threshold, today)
}

/// How many projects' items [`standings`] reads in one go.
const STANDINGS_AT_ONCE: usize = 25;

/// Scores `projects` from their categories and items (two queries).
async fn standings(
    db: &impl ConnectionTrait,
    projects: &[&Listed],
    today: chrono::NaiveDate,
) -> Result<HashMap<i32, Standing>, AppError> {
    use crate::{
        checklist::rows::{ItemScoreRow, category_facts, gap_state},
        entities::{categories, items},
        scoring::score_project,
    };
    let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await?;
    let rows: Vec<ItemScoreRow> = items::Entity::find()
        .filter(items::Column::ProjectId.is_in(ids))
        .into_partial_model()
        .all(db)
        .await?;
    // Grouped once, so the work grows with the rows, not with projects × rows.
    let mut cats_of: HashMap<i32, Vec<categories::Model>> = HashMap::new();
    for c in cats {
        cats_of.entry(c.project_id).or_default().push(c);
    }
    let mut items_of: HashMap<i32, Vec<ItemScoreRow>> = HashMap::new();
    for i in rows {
        items_of.entry(i.project_id).or_default().push(i);
    }
    let mut out = HashMap::with_capacity(projects.len());
    for p in projects {
        let p_cats = cats_of.remove(&p.id).unwrap_or_default();
        let p_items = items_of.remove(&p.id).unwrap_or_default();
        let threshold = u8::try_from(p.threshold).unwrap_or(80);
        let score = score_project(&category_facts(&p_cats, &p_items), threshold, today);
        let overdue = p_items.iter().filter(|i| gap_state(*i, today).1).count();
        out.insert(
            p.id,
            Standing {
                verdict: score.verdict,
                overall: score.overall,
                blocking_gaps: score.counts.blocking_gaps,
                overdue: u32::try_from(overdue).unwrap_or(u32::MAX),
            },
        );
    }
    Ok(out)
}

/// The user's gaps across `projects`, by due date (undated last), most severe first (one query).
async fn my_gaps(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    projects: &HashMap<i32, &Listed>,
    today: chrono::NaiveDate,
) -> Result<Vec<MyGap>, AppError> {
    use crate::{
        checklist::rows::{ItemScoreRow, gap_state},
        entities::items,
        scoring::Status,
    };
    use sea_orm::QuerySelect;
    let rows: Vec<ItemScoreRow> =
        items::Entity::find()
            // By assignee alone (indexed); the projects are chosen below, not in a list of
            // thousands of parameters.
            .filter(items::Column::AssigneeId.eq(user.id))
            // A gap, or an acceptance that may have expired.
            .filter(items::Column::Status.is_in(
                [Status::Open, Status::InProgress, Status::AcceptedRisk].map(Status::as_str),
            ))
            .order_by_asc(items::Column::Position)
            .order_by_asc(items::Column::Id)
            .into_partial_model()
            .all(db)
            .await?;
    let rows: Vec<ItemScoreRow> = rows
        .into_iter()
        .filter(|i| projects.contains_key(&i.project_id) && gap_state(i, today).0)
        .collect();
    // The names of those projects alone.
    let names: HashMap<i32, (String, String)> = projects::Entity::find()
        .select_only()
        .columns([
            projects::Column::Id,
            projects::Column::Slug,
            projects::Column::Name,
        ])
        .filter(projects::Column::Id.is_in(rows.iter().map(|i| i.project_id)))
        .into_tuple::<(i32, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, slug, name)| (id, (slug, name)))
        .collect();
    let mut gaps: Vec<MyGap> = rows
        .into_iter()
        .filter_map(|i| {
            let (_, overdue) = gap_state(&i, today);
            let (slug, name) = names.get(&i.project_id)?;
            Some(MyGap {
                slug: slug.clone(),
                project: name.clone(),
                item_id: i.id,
                priority: i.priority,
                blocking: i.blocking,
                due_date: i.due_date.map(|d| d.to_string()),
                overdue,
                title: i.title,
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        (
            a.due_date.is_none(),
            &a.due_date,
            std::cmp::Reverse(a.priority),
        )
            .cmp(&(
                b.due_date.is_none(),
                &b.due_date,
                std::cmp::Reverse(b.priority),
            ))
    });
    Ok(gaps)
}

/// Projects a portfolio page shows.
pub const PER_PAGE: u32 = 50;

/// What the filters and orders read of a project before its page is chosen.
struct Row<'a> {
    project: &'a Listed,
    team_name: &'a str,
    standing: Standing,
    awaiting: Vec<String>,
    verdict: crate::scoring::Verdict,
}

/// What only some orders need, and every shown project: high risks, the change since the last
/// final review, the forecast.
#[derive(Default)]
struct Extras {
    serious: HashMap<i32, u32>,
    reviewed: HashMap<i32, Option<u8>>,
    outlooks: HashMap<i32, crate::forecast::Outlooked>,
}

impl Extras {
    async fn of(
        db: &impl ConnectionTrait,
        memo: &crate::memo::ProjectMemo,
        projects: &[&projects::Model],
        today: chrono::NaiveDate,
    ) -> Result<Self, AppError> {
        let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
        Ok(Extras {
            serious: crate::risks::service::serious_counts(db, &ids).await?,
            reviewed: crate::reviews::service::last_overall(db, &ids).await?,
            outlooks: crate::plan::remembered_outlooks(db, memo, projects, today).await?,
        })
    }

    fn since_review(&self, r: &Row) -> Option<i32> {
        match (
            r.standing.overall,
            self.reviewed.get(&r.project.id).copied().flatten(),
        ) {
            (Some(now), Some(then)) => Some(i32::from(now) - i32::from(then)),
            _ => None,
        }
    }
}

/// The portfolio's orders, on rows and what some of them need (see [`PortfolioQuery`]);
/// ties go by name, then slug, so pages never overlap.
fn order(rows: &mut [Row], extras: &Extras, sort: &str, desc: bool) {
    use crate::{forecast::Outlook, scoring::Verdict};
    use std::cmp::{Ordering, Reverse};
    let rank = |v: Verdict| match v {
        Verdict::NotReady => 0,
        Verdict::ReadyWithGaps => 1,
        Verdict::AwaitingSignOff => 2,
        Verdict::Ready => 3,
    };
    let outlook_key = |r: &Row| {
        let o = extras.outlooks.get(&r.project.id);
        let rank = match o.and_then(|o| o.forecast.outlook) {
            Some(Outlook::Late) => 0,
            Some(Outlook::AtRisk) => 1,
            Some(Outlook::OnTrack) => 2,
            None => 3,
        };
        let date = o.and_then(|o| o.forecast.date);
        (rank, date.is_none(), Reverse(date))
    };
    let by = |a: &Row, b: &Row| -> Ordering {
        match sort {
            "score" => a
                .standing
                .overall
                .map_or(-1, i16::from)
                .cmp(&b.standing.overall.map_or(-1, i16::from)),
            "verdict" => rank(a.verdict).cmp(&rank(b.verdict)),
            "blocking" => b.standing.blocking_gaps.cmp(&a.standing.blocking_gaps),
            "overdue" => b.standing.overdue.cmp(&a.standing.overdue),
            "risks" => {
                let n = |r: &Row| extras.serious.get(&r.project.id).copied().unwrap_or(0);
                n(b).cmp(&n(a))
            }
            "change" => {
                let n = |r: &Row| extras.since_review(r).unwrap_or(i32::MAX);
                n(a).cmp(&n(b))
            }
            "team" => a.team_name.cmp(b.team_name),
            "forecast" => outlook_key(a).cmp(&outlook_key(b)),
            _ => Ordering::Equal,
        }
    };
    // `rows` come by name (see `portfolio`); a stable sort keeps that order among equals.
    rows.sort_by(|a, b| {
        let o = by(a, b);
        if desc { o.reverse() } else { o }
    });
    if desc
        && !matches!(
            sort,
            "score" | "verdict" | "blocking" | "overdue" | "risks" | "change" | "team" | "forecast"
        )
    {
        rows.reverse();
    }
}

/// Whether the row passes the query's filters (the text, in the query already).
fn passes(r: &Row, q: &PortfolioQuery) -> bool {
    let p = r.project;
    (q.team.is_empty() || q.team == p.team_id.to_string())
        && match q.tier.as_str() {
            "" => true,
            "none" => p.tier_id.is_none(),
            t => p.tier_id.is_some_and(|id| id.to_string() == t),
        }
        && (q.verdict.is_empty() || q.verdict == r.verdict.as_str())
}

/// The projects `user` may see that pass the text filter, as [`Listed`] in name order, and the
/// names of their teams.
async fn listed(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    query: &PortfolioQuery,
) -> Result<(Vec<Listed>, HashMap<i32, String>), AppError> {
    let mut find = projects::Entity::find().filter(projects::Column::Archived.eq(false));
    let mut team_names = teams::Entity::find();
    if let authz::TeamScope::Only(team_ids) =
        authz::teams_with_at_least(db, user, TeamRole::Viewer).await?
    {
        find = find.filter(projects::Column::TeamId.is_in(team_ids.clone()));
        team_names = team_names.filter(teams::Column::Id.is_in(team_ids));
    }
    let needle = query.q.trim().to_lowercase();
    if !needle.is_empty() {
        use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
        let escaped: String = needle
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let like = || LikeExpr::new(format!("%{escaped}%")).escape('\\');
        let lower = |c: projects::Column| Expr::expr(Func::lower(Expr::col(c)));
        find = find.filter(
            sea_orm::Condition::any()
                .add(lower(projects::Column::Name).like(like()))
                .add(lower(projects::Column::Slug).like(like()))
                .add(lower(projects::Column::Description).like(like())),
        );
    }
    // By lower-cased name, then slug: the order among equals of every other order.
    let found: Vec<Listed> = find
        .order_by(
            sea_orm::sea_query::Func::lower(sea_orm::sea_query::Expr::col(projects::Column::Name)),
            sea_orm::Order::Asc,
        )
        .order_by_asc(projects::Column::Slug)
        .into_partial_model()
        .all(db)
        .await?;
    // The teams' names apart (a join would repeat them on every project row).
    let team_names: HashMap<i32, String> = team_names
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok((found, team_names))
}

/// The standings of `all`: from the memo, the others scored and kept.
async fn remembered_standings(
    db: &impl ConnectionTrait,
    memo: &crate::memo::ProjectMemo,
    all: &[&Listed],
    today: chrono::NaiveDate,
) -> Result<HashMap<i32, Standing>, AppError> {
    let mut known = HashMap::with_capacity(all.len());
    let mut stale = Vec::new();
    for p in all {
        match memo.standings.get(p.id, &standing_key(p, today)) {
            Some(s) => drop(known.insert(p.id, s)),
            None => stale.push(*p),
        }
    }
    // A few projects at a time: the rows read at once stay bounded (all million items of a
    // cold start at once held gigabytes, which the allocator then kept), and so do the query's
    // parameters.
    for chunk in stale.chunks(STANDINGS_AT_ONCE) {
        let scored = standings(db, chunk, today).await?;
        for p in chunk {
            if let Some(s) = scored.get(&p.id) {
                memo.standings.put(p.id, standing_key(p, today), *s);
                known.insert(p.id, *s);
            }
        }
    }
    Ok(known)
}

/// A page of the projects the user can see, each scored and forecast, filtered and ordered by
/// `query`; and the user's open items across them. The standings of every visible project come
/// from the memo (read again only for projects changed since), so filtering and ordering by them
/// costs no rows; high risks, the change since review and the forecast are read for the page
/// alone, or for all when the order needs them.
pub async fn portfolio(
    db: &impl ConnectionTrait,
    memo: &crate::memo::ProjectMemo,
    user: &AuthUser,
    today: chrono::NaiveDate,
    query: &PortfolioQuery,
    per_page: u32,
) -> Result<Portfolio, AppError> {
    if query.q.chars().count() > 200 {
        return Err(AppError::field("q", "Filter by at most 200 characters."));
    }
    let (found, team_names) = listed(db, user, query).await?;
    let by_id: HashMap<i32, &Listed> = found.iter().map(|p| (p.id, p)).collect();
    let gaps = my_gaps(db, user, &by_id, today).await?;
    let all: Vec<&Listed> = found.iter().collect();
    let ids: Vec<i32> = found.iter().map(|p| p.id).collect();
    let mut awaiting = crate::signoff::service::awaiting_by_id(db, &ids, today).await?;
    let known = remembered_standings(db, memo, &all, today).await?;
    let mut rows: Vec<Row> = found
        .iter()
        .map(|p| {
            let standing = known[&p.id];
            let awaiting = awaiting.remove(&p.id).unwrap_or_default();
            Row {
                project: p,
                team_name: team_names.get(&p.team_id).map_or("", String::as_str),
                verdict: crate::signoff::rules::with_signoffs(
                    standing.verdict,
                    !awaiting.is_empty(),
                ),
                standing,
                awaiting,
            }
        })
        .filter(|r| passes(r, query))
        .collect();
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let needs_all = matches!(query.sort.as_str(), "risks" | "change" | "forecast");
    // Whole rows (for the forecast and the summary) of the projects the order or the page needs.
    let whole = |rows: &[Row]| {
        let ids: Vec<i32> = rows.iter().map(|r| r.project.id).collect();
        projects::Entity::find()
            .filter(projects::Column::Id.is_in(ids))
            .all(db)
    };
    let mut models: HashMap<i32, projects::Model> = HashMap::new();
    let mut extras = Extras::default();
    if needs_all {
        models.extend(whole(&rows).await?.into_iter().map(|p| (p.id, p)));
        let list: Vec<&projects::Model> = models.values().collect();
        extras = Extras::of(db, memo, &list, today).await?;
    }
    order(&mut rows, &extras, &query.sort, query.desc == "1");
    let page = query.page.max(1);
    let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let shown: Vec<Row> = rows
        .into_iter()
        .skip(skip)
        .take(per_page as usize)
        .collect();
    if !needs_all {
        models.extend(whole(&shown).await?.into_iter().map(|p| (p.id, p)));
        let list: Vec<&projects::Model> = models.values().collect();
        extras = Extras::of(db, memo, &list, today).await?;
    }
    let projects = shown
        .into_iter()
        .filter_map(|r| {
            let o = extras.outlooks.remove(&r.project.id);
            let since_review = extras.since_review(&r);
            let p = models.remove(&r.project.id)?;
            Some(ProjectSummary {
                outlook: o.as_ref().and_then(|o| o.forecast.outlook),
                ready_date: o.as_ref().and_then(|o| o.forecast.date),
                review_overdue: o.as_ref().is_some_and(|o| o.review_overdue),
                forecast: o.map(|o| o.forecast.reason).unwrap_or_default(),
                since_review,
                serious_risks: extras.serious.get(&p.id).copied().unwrap_or(0),
                slug: p.slug,
                name: p.name,
                team_name: r.team_name.to_owned(),
                description: p.description,
                verdict: r.verdict,
                awaiting: r.awaiting,
                overall: r.standing.overall,
                blocking_gaps: r.standing.blocking_gaps,
                overdue: r.standing.overdue,
            })
        })
        .collect();
    Ok(Portfolio {
        projects,
        total,
        visible: u32::try_from(found.len()).unwrap_or(u32::MAX),
        page,
        per_page,
        my_gaps: gaps,
    })
}
