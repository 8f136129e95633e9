//! Checklist reads and changes. Reads use a constant number of queries whatever the number of
//! items; every change is authorized through `authz`, versioned, and audited in its transaction.

use std::{collections::HashMap, sync::Arc};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
    sea_query::Expr,
};

use super::model::{
    CategoryView, ChecklistView, CommentView, GapLine, GateItem, GateView, ItemFilter, ItemRow,
    ItemView, OverviewView, Person, Window,
};
use super::rows::{
    ChecklistRow, Filtered, ItemScoreRow, ScoredItem, categories_of, category_facts, gap_state,
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    entities::{categories, item_comments, items, projects, users},
    error::{AppError, FieldErrors, Validator},
    limits::{MAX_TEXT, MAX_TITLE},
    markdown::to_safe_html,
    memo::{Memoized, ProjectMemo},
    projects::access::{self, ProjectAccess},
    scoring::{Priority, ProjectScore, Status, score_project},
    teams::model::TeamRole,
    teams::people::{member_ids, members},
};

mod bulk;
mod category_writes;
mod comments;
mod evidence;
mod item_writes;

pub use bulk::*;
pub use category_writes::*;
pub use comments::*;
pub use evidence::*;
pub use item_writes::*;

/// Most items one project may hold: every checklist page, score and report reads them all (a
/// real readiness review has a few hundred; `make bench` measures 1,000).
pub const MAX_PROJECT_ITEMS: u64 = 5_000;

/// A field error on `field` when the project already holds `adding` items too many for
/// [`MAX_PROJECT_ITEMS`].
pub async fn check_room(
    db: &impl ConnectionTrait,
    project_id: i32,
    adding: u64,
    field: &str,
) -> Result<(), AppError> {
    let held = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project_id))
        .count(db)
        .await?;
    if held.saturating_add(adding) > MAX_PROJECT_ITEMS {
        return Err(AppError::field(
            field,
            format!(
                "A project holds at most {MAX_PROJECT_ITEMS} items; this one has {held}{}.",
                if adding > 1 {
                    format!(" and this would add {adding}")
                } else {
                    String::new()
                }
            ),
        ));
    }
    Ok(())
}

/// The longest text search, in characters, and the most words it may hold: each word is looked
/// for in every item's title and description. Beyond either, the search is a field error on `q`.
pub const MAX_QUERY_CHARS: usize = 200;
/// See [`MAX_QUERY_CHARS`].
pub const MAX_QUERY_WORDS: usize = 12;

/// The words of `filter`'s text search, lowercased once, or a field error on `q` beyond the
/// limits. The work is bounded before it starts: the length is checked in bytes first.
fn search_words(filter: &ItemFilter) -> Result<Vec<String>, AppError> {
    let q = filter.q.as_str();
    let too_long = || {
        AppError::field(
            "q",
            format!("Search for at most {MAX_QUERY_CHARS} characters."),
        )
    };
    if q.len() > MAX_QUERY_CHARS * 4 || q.chars().count() > MAX_QUERY_CHARS {
        return Err(too_long());
    }
    let words: Vec<String> = q
        .split_whitespace()
        .take(MAX_QUERY_WORDS + 1)
        .map(str::to_lowercase)
        .collect();
    if words.len() > MAX_QUERY_WORDS {
        return Err(AppError::field(
            "q",
            format!("Search for at most {MAX_QUERY_WORDS} words."),
        ));
    }
    Ok(words)
}

/// Whether item `i` (overdue or not) passes `filter` for the viewer `me`; `words` are the
/// search's, lowercased ([`search_words`]). The texts are lowercased once per item, and only
/// when the other conditions hold.
fn matches(
    filter: &ItemFilter,
    words: &[String],
    i: &Filtered<'_>,
    description: Option<&str>,
    (overdue, stale): (bool, bool),
    me: i32,
) -> bool {
    let status_ok = filter.status.is_empty() || filter.status == i.status.as_str();
    let priority_ok = filter.priority.is_empty() || filter.priority == i.priority.as_str();
    let assignee_ok = match filter.assignee.as_str() {
        "" => true,
        "me" => i.assignee_id == Some(me),
        "none" => i.assignee_id.is_none(),
        id => i.assignee_id.is_some_and(|a| a.to_string() == id),
    };
    let blocking_ok = match filter.blocking.as_str() {
        "yes" => i.blocking,
        "no" => !i.blocking,
        _ => true,
    };
    let overdue_ok = filter.overdue != "yes" || overdue;
    let stale_ok = filter.stale != "yes" || stale;
    if !(status_ok && priority_ok && assignee_ok && blocking_ok && overdue_ok && stale_ok) {
        return false;
    }
    if words.is_empty() {
        return true;
    }
    let title = i.title.to_lowercase();
    let description = description.map(str::to_lowercase);
    words.iter().all(|word| {
        title.contains(word.as_str())
            || description
                .as_deref()
                .is_some_and(|d| d.contains(word.as_str()))
    })
}

/// Names of users by id, for assignees and last editors.
type Names = HashMap<i32, String>;

fn person(names: &Names, id: Option<i32>) -> Option<Person> {
    id.map(|id| Person {
        id,
        name: names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "deleted user".into()),
    })
}

/// How an item stands on a day beyond its stored status.
#[derive(Clone, Copy)]
struct Standing {
    /// An accepted risk past its expiry.
    expired: bool,
    /// A gap past its due date.
    overdue: bool,
    /// Done, with its evidence run out.
    stale: bool,
}

impl Standing {
    fn of(i: &impl ScoredItem, today: NaiveDate) -> Self {
        let f = i.facts();
        let effective = f.effective_status(today);
        Standing {
            expired: f.status == Status::AcceptedRisk && effective == Status::Open,
            overdue: effective.is_gap() && i.due().is_some_and(|d| d < today),
            stale: f.is_stale(today),
        }
    }
}

fn item_view(
    i: items::Model,
    names: &Names,
    valid_for: &HashMap<i32, Option<i32>>,
    today: NaiveDate,
) -> ItemView {
    let f = i.facts();
    let Standing {
        expired,
        overdue,
        stale,
    } = Standing::of(&i, today);
    ItemView {
        id: i.id,
        category_id: i.category_id,
        description_html: to_safe_html(&i.description),
        title: i.title,
        description: i.description,
        priority: f.priority,
        blocking: i.blocking,
        status: f.status,
        expired,
        status_reason: i.status_reason,
        accepted_until: i.accepted_until,
        assignee: person(names, i.assignee_id),
        due_date: i.due_date,
        overdue,
        effort_hours: i.effort_hours,
        evidence_url: i.evidence_url,
        evidence_text: i.evidence_text,
        evidence_kind: i.evidence_kind,
        evidence_at: i.evidence_at.map(|t| t.to_rfc3339()),
        evidence_by: i.evidence_by.and_then(|id| names.get(&id).cloned()),
        valid_for_days: i.valid_for_days,
        effective_valid_for_days: i
            .valid_for_days
            .or_else(|| valid_for.get(&i.category_id).copied().flatten()),
        evidence_until: i.evidence_until,
        stale,
        phase_id: i.phase_id,
        version: i.version,
        updated_by: i.updated_by.and_then(|id| names.get(&id).cloned()),
    }
}

fn item_row(i: &ItemScoreRow, names: &Names, s: Standing) -> ItemRow {
    let f = i.facts();
    let Standing {
        expired,
        overdue,
        stale,
    } = s;
    ItemRow {
        id: i.id,
        category_id: i.category_id,
        title: i.title.clone(),
        priority: f.priority,
        blocking: i.blocking,
        status: f.status,
        expired,
        assignee: person(names, i.assignee_id),
        due_date: i.due_date,
        overdue,
        stale,
        evidence: i.evidence_kind.filter(|k| k.is_measured()),
        version: i.version,
    }
}

/// A project's checklist as read once for a page or an API answer: the categories with their
/// scores, the items in checklist order, the team and the names items mention.
struct Loaded<R> {
    project: projects::Model,
    role: TeamRole,
    categories: Vec<CategoryView>,
    /// Shared with the memo, when it keeps this row type.
    rows: Arc<Vec<R>>,
    members: Vec<Person>,
    names: Names,
    score: ProjectScore,
}

impl<R: ChecklistRow + Memoized> Loaded<R> {
    /// Reads the checklist; the item rows come from `memo` when it has them at the project's
    /// current revision.
    async fn read(
        db: &impl ConnectionTrait,
        memo: Option<&ProjectMemo>,
        user: &AuthUser,
        slug: &str,
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        let seen = crate::projects::access::project(db, user, slug).await?;
        let role = seen.role;
        let project = seen.project;
        let cats = categories_of(db, project.id).await?;
        let rows = match memo.and_then(|m| R::recall(m, &project)) {
            Some(rows) => rows,
            None => {
                let mut rows = R::select(project.id).all(db).await?;
                // Items in category order, then position (a stable sort keeps the positions).
                let order: HashMap<i32, usize> =
                    cats.iter().enumerate().map(|(n, c)| (c.id, n)).collect();
                rows.sort_by_key(|i| order.get(&i.category()).copied().unwrap_or(usize::MAX));
                let rows = Arc::new(rows);
                if let Some(memo) = memo {
                    R::keep(memo, &project, &rows);
                }
                rows
            }
        };
        let members = members(db, project.team_id).await?;
        // Names of everyone an item mentions (assignees, last editors), members or not.
        let mut names: Names = members.iter().map(|p| (p.id, p.name.clone())).collect();
        let mut unknown: Vec<i32> = rows
            .iter()
            .flat_map(ChecklistRow::mentions)
            .flatten()
            .filter(|id| !names.contains_key(id))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        if !unknown.is_empty() {
            for u in users::Entity::find()
                .filter(users::Column::Id.is_in(unknown))
                .all(db)
                .await?
            {
                names.insert(u.id, u.display_name);
            }
        }

        let category_facts = category_facts(&cats, &rows);
        let mut score = score_project(
            &category_facts,
            u8::try_from(project.threshold).unwrap_or(80),
            today,
        );
        crate::signoff::service::apply(db, &project, &cats, &rows, today, &mut score).await?;
        let categories = cats
            .into_iter()
            .zip(&score.categories)
            .zip(&category_facts)
            .map(|((c, s), f)| CategoryView {
                id: c.id,
                name: c.name,
                weight: f.weight,
                assessor_score: f.assessor_score,
                assessor_note: c.assessor_note,
                computed: s.computed,
                effective: s.effective,
                counts: s.counts,
                version: c.version,
                valid_for_days: c.valid_for_days,
            })
            .collect::<Vec<_>>();
        Ok(Self {
            project,
            role,
            categories,
            rows,
            members,
            names,
            score,
        })
    }

    /// The descriptions of the project's items when `filter` searches text (they are long,
    /// and only a search reads them), by item id.
    async fn descriptions(
        &self,
        db: &impl ConnectionTrait,
        filter: &ItemFilter,
    ) -> Result<HashMap<i32, String>, AppError> {
        if filter.q.trim().is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i32, String)> = items::Entity::find()
            .filter(items::Column::ProjectId.eq(self.project.id))
            .select_only()
            .column(items::Column::Id)
            .column(items::Column::Description)
            .into_tuple()
            .all(db)
            .await?;
        Ok(rows.into_iter().collect())
    }

    async fn serious_risks(&self, db: &impl ConnectionTrait) -> Result<u32, AppError> {
        let id = self.project.id;
        Ok(crate::risks::service::serious_counts(db, &[id])
            .await?
            .get(&id)
            .copied()
            .unwrap_or(0))
    }
}

/// The checklist page of the project `slug` as `user` sees it on `today`, filtered.
pub async fn load(
    db: &impl ConnectionTrait,
    memo: &ProjectMemo,
    user: &AuthUser,
    slug: &str,
    filter: &ItemFilter,
    today: NaiveDate,
) -> Result<ChecklistView, AppError> {
    load_window(db, memo, user, slug, filter, Window::default(), today).await
}

/// The checklist as [`load`] reads it, a long one windowed (see [`Window`]): the HTML of a page
/// stays bounded whatever the project's size, and the filters still answer in one request.
pub async fn load_window(
    db: &impl ConnectionTrait,
    memo: &ProjectMemo,
    user: &AuthUser,
    slug: &str,
    filter: &ItemFilter,
    window: Window,
    today: NaiveDate,
) -> Result<ChecklistView, AppError> {
    let l = Loaded::<ItemScoreRow>::read(db, Some(memo), user, slug, today).await?;
    let words = search_words(filter)?;
    let serious_risks = l.serious_risks(db).await?;
    let descriptions = l.descriptions(db, filter).await?;
    let total_items = l.rows.len();
    let names = &l.names;
    let passing: Vec<(&ItemScoreRow, Standing)> = l
        .rows
        .iter()
        .filter_map(|i| {
            let s = Standing::of(i, today);
            let description = descriptions.get(&i.id).map(String::as_str);
            matches(
                filter,
                &words,
                &i.filtered(),
                description,
                (s.overdue, s.stale),
                user.id,
            )
            .then_some((i, s))
        })
        .collect();
    let mut matched: Vec<(i32, u32)> = l.categories.iter().map(|c| (c.id, 0)).collect();
    for (i, _) in &passing {
        if let Some(m) = matched.iter_mut().find(|(c, _)| *c == i.category_id) {
            m.1 += 1;
        }
    }
    let matched_items = passing.len();
    let collapsed = matched_items > Window::EXPANDED_MAX;
    let items = if let Some(id) = window.item {
        passing
            .into_iter()
            .filter(|(i, _)| i.id == id)
            .map(|(i, s)| item_row(i, names, s))
            .collect()
    } else if collapsed {
        passing
            .into_iter()
            .filter(|(i, _)| Some(i.category_id) == window.open)
            .skip(window.from as usize)
            .take(Window::PAGE)
            .map(|(i, s)| item_row(i, names, s))
            .collect()
    } else {
        passing
            .into_iter()
            .map(|(i, s)| item_row(i, names, s))
            .collect()
    };
    Ok(ChecklistView {
        slug: l.project.slug,
        name: l.project.name,
        permissions: authz::permissions(l.role),
        evidence_required: l.project.evidence_required,
        categories: l.categories,
        items,
        total_items,
        matched_items,
        collapsed,
        matched,
        window,
        members: l.members,
        score: l.score,
        serious_risks,
        me: user.id,
    })
}

/// The items of the project `slug` that pass `filter`, in checklist order, as the API shows
/// them. Each view is made as it is taken, so a page of them renders only its descriptions.
pub async fn list_items(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    filter: &ItemFilter,
    today: NaiveDate,
) -> Result<impl ExactSizeIterator<Item = ItemView>, AppError> {
    let l = Loaded::<items::Model>::read(db, None, user, slug, today).await?;
    let words = search_words(filter)?;
    // Not kept by any memo, so the only holder: no copy.
    let rows = Arc::try_unwrap(l.rows).unwrap_or_else(|rows| rows.as_ref().clone());
    let rows: Vec<items::Model> = rows
        .into_iter()
        .filter(|i| {
            let s = Standing::of(i, today);
            matches(
                filter,
                &words,
                &i.filtered(),
                Some(&i.description),
                (s.overdue, s.stale),
                user.id,
            )
        })
        .collect();
    let names = l.names;
    let valid_for = l
        .categories
        .iter()
        .map(|c| (c.id, c.valid_for_days))
        .collect();
    Ok(rows
        .into_iter()
        .map(move |i| item_view(i, &names, &valid_for, today)))
}

/// The categories of the project `slug` with their scores on `today`.
pub async fn category_views(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<Vec<CategoryView>, AppError> {
    Ok(Loaded::<ItemScoreRow>::read(db, None, user, slug, today)
        .await?
        .categories)
}

/// The project overview's readiness panel: verdict, category scores, blocking gaps, overdue
/// items and open items per assignee, from every item.
pub async fn overview(
    db: &impl ConnectionTrait,
    memo: &ProjectMemo,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<OverviewView, AppError> {
    let l = Loaded::<ItemScoreRow>::read(db, Some(memo), user, slug, today).await?;
    let serious_risks = l.serious_risks(db).await?;
    let line = |i: &ItemScoreRow| GapLine {
        id: i.id,
        title: i.title.clone(),
        priority: i.priority,
        assignee: person(&l.names, i.assignee_id).map(|p| p.name),
        due_date: i.due_date,
    };
    let (mut blocking, mut overdue, mut stale) = (Vec::new(), Vec::new(), Vec::new());
    let (mut blocking_total, mut overdue_total, mut stale_total) = (0, 0, 0);
    let listed = |list: &mut Vec<GapLine>, total: &mut usize, i: &ItemScoreRow| {
        *total += 1;
        if list.len() < OverviewView::LISTED {
            list.push(line(i));
        }
    };
    let mut by_assignee: HashMap<Option<i32>, usize> = HashMap::new();
    for i in l.rows.iter() {
        if i.facts().is_stale(today) {
            listed(&mut stale, &mut stale_total, i);
        }
        let (gap, late) = gap_state(i, today);
        if gap {
            if i.blocking {
                listed(&mut blocking, &mut blocking_total, i);
            }
            *by_assignee.entry(i.assignee_id).or_default() += 1;
        }
        if late {
            listed(&mut overdue, &mut overdue_total, i);
        }
    }
    let by_assignee: HashMap<String, usize> = by_assignee
        .into_iter()
        .map(|(id, n)| {
            let name = person(&l.names, id).map_or_else(|| "Unassigned".to_owned(), |p| p.name);
            (name, n)
        })
        .collect();
    let mut by_assignee: Vec<(String, usize)> = by_assignee.into_iter().collect();
    by_assignee.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(OverviewView {
        slug: l.project.slug,
        categories: l.categories,
        score: l.score,
        serious_risks,
        blocking,
        blocking_total,
        overdue,
        overdue_total,
        stale,
        stale_total,
        by_assignee,
    })
}

/// Whether project `slug` may ship on `today`: it passes when ready, or (with `allow_gaps`)
/// ready with gaps; otherwise the answer names every blocking gap. `base` prefixes the items'
/// links.
pub async fn gate(
    db: &impl ConnectionTrait,
    memo: &ProjectMemo,
    user: &AuthUser,
    slug: &str,
    allow_gaps: bool,
    base: &str,
    today: NaiveDate,
) -> Result<GateView, AppError> {
    use crate::scoring::Verdict;
    let l = Loaded::<ItemScoreRow>::read(db, Some(memo), user, slug, today).await?;
    let blocking: Vec<GateItem> = l
        .rows
        .iter()
        .filter(|i| i.blocking && gap_state(*i, today).0)
        .map(|i| {
            let s = Standing::of(i, today);
            GateItem {
                id: i.id,
                title: i.title.clone(),
                priority: i.priority,
                status: i.status,
                reason: if s.stale {
                    "stale".to_owned()
                } else if s.expired {
                    "expired".to_owned()
                } else {
                    i.status.as_str().to_owned()
                },
                assignee: person(&l.names, i.assignee_id).map(|p| p.name),
                url: format!("{base}/p/{}/items/{}", l.project.slug, i.id),
            }
        })
        .collect();
    let score = &l.score;
    let threshold = u8::try_from(l.project.threshold).unwrap_or(80);
    let overall = score
        .overall
        .map_or_else(|| "no score yet".to_owned(), |o| format!("score {o}"));
    let (pass, summary) = match score.verdict {
        Verdict::Ready => (
            true,
            format!("Ready: no blocking gap, {overall} of {threshold} needed."),
        ),
        Verdict::ReadyWithGaps if allow_gaps => (
            true,
            format!("Ready with gaps ({overall} of {threshold} needed), allowed by this gate."),
        ),
        Verdict::ReadyWithGaps => (
            false,
            format!("Ready with gaps: no blocking gap, but {overall} of {threshold} needed."),
        ),
        Verdict::AwaitingSignOff => (
            false,
            format!(
                "{}: no blocking gap, but the latest final review lacks these sign-offs.",
                score.verdict_text()
            ),
        ),
        Verdict::NotReady => (
            false,
            format!(
                "Not ready: {} blocking gap{}.",
                blocking.len(),
                if blocking.len() == 1 { "" } else { "s" }
            ),
        ),
    };
    Ok(GateView {
        project: l.project.slug.clone(),
        pass,
        verdict: score.verdict,
        overall: score.overall,
        threshold,
        allow_gaps,
        summary,
        blocking,
    })
}

// ---------------------------------------------------------------------------------------------
// One item, and the project's evidence rule

/// One item as the checklist shows it (one query for the names it mentions).
pub async fn item_detail_view(
    db: &impl ConnectionTrait,
    item: items::Model,
    today: NaiveDate,
) -> Result<ItemView, AppError> {
    let ids: Vec<i32> = [item.assignee_id, item.updated_by, item.evidence_by]
        .into_iter()
        .flatten()
        .collect();
    let category_valid_for = categories::Entity::find_by_id(item.category_id)
        .one(db)
        .await?
        .and_then(|c| c.valid_for_days);
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let valid_for = HashMap::from([(item.category_id, category_valid_for)]);
    Ok(item_view(item, &names, &valid_for, today))
}

/// Sets the projects' `evidence_required` rule (owners).
pub async fn set_evidence_required(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    required: bool,
) -> Result<(), AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    let project = seen.project;
    if project.evidence_required == required {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    let mut active = project.into_active_model();
    active.evidence_required = Set(required);
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", after.id, "updated")
            .in_project(&after)
            .before(&serde_json::json!({ "evidence_required": !required }))
            .after(&serde_json::json!({ "evidence_required": required })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
