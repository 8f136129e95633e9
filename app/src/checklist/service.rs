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
    CategoryView, ChecklistView, CommentView, GapLine, ItemFilter, ItemRow, ItemView, OverviewView,
    Person,
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
    projects::access::{self, ProjectAccess, find_by_slug, item_for},
    scoring::{Priority, ProjectScore, Status, score_project},
    teams::model::TeamRole,
    teams::people::{member_ids, members},
};

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
    overdue: bool,
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
    if !(status_ok && priority_ok && assignee_ok && blocking_ok && overdue_ok) {
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

/// Whether the item is an accepted risk past its expiry, and whether it is overdue.
fn expired_overdue(i: &impl ScoredItem, today: NaiveDate) -> (bool, bool) {
    let f = i.facts();
    let effective = f.effective_status(today);
    (
        f.status == Status::AcceptedRisk && effective == Status::Open,
        effective.is_gap() && i.due().is_some_and(|d| d < today),
    )
}

fn item_view(i: items::Model, names: &Names, today: NaiveDate) -> ItemView {
    let f = i.facts();
    let (expired, overdue) = expired_overdue(&i, today);
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
        version: i.version,
        updated_by: i.updated_by.and_then(|id| names.get(&id).cloned()),
    }
}

fn item_row(i: &ItemScoreRow, names: &Names, expired: bool, overdue: bool) -> ItemRow {
    let f = i.facts();
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
        let project = find_by_slug(db, slug).await?;
        let role = authz::can_view_project(db, user, &project).await?;
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
        let score = score_project(
            &category_facts,
            u8::try_from(project.threshold).unwrap_or(80),
            today,
        );
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
    let l = Loaded::<ItemScoreRow>::read(db, Some(memo), user, slug, today).await?;
    let words = search_words(filter)?;
    let serious_risks = l.serious_risks(db).await?;
    let descriptions = l.descriptions(db, filter).await?;
    let total_items = l.rows.len();
    let names = &l.names;
    let items = l
        .rows
        .iter()
        .filter_map(|i| {
            let (expired, overdue) = expired_overdue(i, today);
            let description = descriptions.get(&i.id).map(String::as_str);
            matches(filter, &words, &i.filtered(), description, overdue, user.id)
                .then(|| item_row(i, names, expired, overdue))
        })
        .collect();
    Ok(ChecklistView {
        slug: l.project.slug,
        name: l.project.name,
        permissions: authz::permissions(l.role),
        evidence_required: l.project.evidence_required,
        categories: l.categories,
        items,
        total_items,
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
            let overdue = expired_overdue(i, today).1;
            matches(
                filter,
                &words,
                &i.filtered(),
                Some(&i.description),
                overdue,
                user.id,
            )
        })
        .collect();
    let names = l.names;
    Ok(rows.into_iter().map(move |i| item_view(i, &names, today)))
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
    let (mut blocking, mut overdue) = (Vec::new(), Vec::new());
    let mut by_assignee: HashMap<String, usize> = HashMap::new();
    for i in l.rows.iter() {
        let (gap, late) = gap_state(i, today);
        if gap {
            if i.blocking {
                blocking.push(line(i));
            }
            let name =
                person(&l.names, i.assignee_id).map_or_else(|| "Unassigned".to_owned(), |p| p.name);
            *by_assignee.entry(name).or_default() += 1;
        }
        if late {
            overdue.push(line(i));
        }
    }
    let mut by_assignee: Vec<(String, usize)> = by_assignee.into_iter().collect();
    by_assignee.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(OverviewView {
        slug: l.project.slug,
        categories: l.categories,
        score: l.score,
        serious_risks,
        blocking,
        overdue,
        by_assignee,
    })
}

// ---------------------------------------------------------------------------------------------
// Categories

/// A category as typed in a form.
#[derive(Clone, Debug, Default)]
pub struct CategoryInput {
    /// Name.
    pub name: String,
    /// Weight, as typed ("1" when blank).
    pub weight: String,
    /// Assessor score 0–100, blank for none.
    pub assessor_score: String,
    /// Assessor's note.
    pub assessor_note: String,
}

struct CategoryValues {
    name: String,
    weight: i32,
    assessor_score: Option<i32>,
    assessor_note: String,
}

fn check_category(input: &CategoryInput) -> Result<CategoryValues, AppError> {
    let name = input.name.trim().to_owned();
    let weight = match input.weight.trim() {
        "" => Ok(1),
        w => w.parse::<i32>().map_err(|_| ()).and_then(|w| {
            if (0..=100).contains(&w) {
                Ok(w)
            } else {
                Err(())
            }
        }),
    };
    let score = match input.assessor_score.trim() {
        "" => Ok(None),
        s => s.parse::<i32>().map_err(|_| ()).and_then(|s| {
            if (0..=100).contains(&s) {
                Ok(Some(s))
            } else {
                Err(())
            }
        }),
    };
    let note = input.assessor_note.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .check(
            name.chars().count() > 120,
            "name",
            "Use at most 120 characters.",
        )
        .check(
            weight.is_err(),
            "weight",
            "Use a whole number from 0 to 100.",
        )
        .check(
            score.is_err(),
            "assessor_score",
            "Use a whole number from 0 to 100, or leave it blank.",
        )
        .check(
            note.chars().count() > MAX_TEXT,
            "assessor_note",
            "Use at most 20,000 characters.",
        )
        .finish()?;
    Ok(CategoryValues {
        name,
        weight: weight.unwrap_or(1),
        assessor_score: score.unwrap_or(None),
        assessor_note: note,
    })
}

pub(crate) fn category_state(c: &categories::Model) -> serde_json::Value {
    serde_json::json!({
        "name": c.name,
        "position": c.position,
        "weight": c.weight,
        "assessor_score": c.assessor_score,
        "assessor_note": c.assessor_note,
    })
}

/// Adds a category at the end of the project's list (editors).
pub async fn create_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    input: CategoryInput,
) -> Result<i32, AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_edit_project(db, user, &project).await?;
    let v = check_category(&input)?;
    let txn = crate::txn::begin(db).await?;
    let last = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .order_by_desc(categories::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |c| c.position);
    let now = Utc::now();
    let c = categories::ActiveModel {
        project_id: Set(project.id),
        name: Set(v.name),
        position: Set(last + 1),
        weight: Set(v.weight),
        assessor_score: Set(v.assessor_score),
        assessor_note: Set(v.assessor_note),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", c.id, "created")
            .in_project(&project)
            .after(&category_state(&c)),
    )
    .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// Changes a category (editors); `version` must be the one the user saw.
pub async fn update_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    input: CategoryInput,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let v = check_category(&input)?;
    let txn = crate::txn::begin(db).await?;
    let changes = categories::Entity::update_many()
        .col_expr(categories::Column::Name, Expr::value(v.name))
        .col_expr(categories::Column::Weight, Expr::value(v.weight))
        .col_expr(
            categories::Column::AssessorScore,
            Expr::value(v.assessor_score),
        )
        .col_expr(
            categories::Column::AssessorNote,
            Expr::value(v.assessor_note),
        )
        .col_expr(categories::Column::UpdatedAt, Expr::value(Utc::now()));
    crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("category", id, "updated")
            .in_project(&project)
            .before(&category_state(&category))
            .after(&category_state(after))
    })
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a category one place up (`up = true`) or down (editors).
pub async fn move_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    up: bool,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    let all = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(&txn)
        .await?;
    let Some(at) = all.iter().position(|c| c.id == id) else {
        return Err(AppError::NotFound);
    };
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(other) = other.and_then(|o| all.get(o)) else {
        return Ok(()); // already first / last
    };
    // Renumber densely with the two swapped, so equal positions cannot stick.
    let mut order: Vec<i32> = all.iter().map(|c| c.id).collect();
    let o = order.iter().position(|c| *c == other.id).unwrap_or(at);
    order.swap(at, o);
    for (n, cid) in order.iter().enumerate() {
        categories::Entity::update_many()
            .col_expr(
                categories::Column::Position,
                Expr::value(i32::try_from(n).unwrap_or(i32::MAX)),
            )
            .filter(categories::Column::Id.eq(*cid))
            .exec(&txn)
            .await?;
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", id, if up { "moved_up" } else { "moved_down" })
            .in_project(&project)
            .before(&serde_json::json!({ "position": category.position })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a category with all its items (editors; the UI asks first).
pub async fn delete_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    let titles: Vec<String> = items::Entity::find()
        .filter(items::Column::CategoryId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| i.title)
        .collect();
    items::Entity::delete_many()
        .filter(items::Column::CategoryId.eq(id))
        .exec(&txn)
        .await?;
    categories::Entity::delete_by_id(id).exec(&txn).await?;
    let mut before = category_state(&category);
    before["items"] = serde_json::json!(titles);
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", id, "deleted")
            .in_project(&project)
            .before(&before),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Items

/// An item as typed in a form; every field a string so bad input becomes a field error.
#[derive(Clone, Debug, Default)]
pub struct ItemInput {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// `critical` | `high` | `medium` | `low`.
    pub priority: String,
    /// `true` / `false`; blank: true for critical, else false.
    pub blocking: String,
    /// Status word; blank: open.
    pub status: String,
    /// Reason (needed for not applicable and accepted risk).
    pub status_reason: String,
    /// `YYYY-MM-DD` (needed for accepted risk).
    pub accepted_until: String,
    /// User id, or blank.
    pub assignee: String,
    /// `YYYY-MM-DD`, or blank.
    pub due_date: String,
    /// Hours, or blank.
    pub effort_hours: String,
    /// Evidence URL (http or https), or blank.
    pub evidence_url: String,
    /// Evidence text.
    pub evidence_text: String,
}

/// The checked values of an [`ItemInput`].
#[derive(Clone, Debug)]
struct ItemValues {
    title: String,
    description: String,
    priority: Priority,
    blocking: bool,
    status: Status,
    status_reason: String,
    accepted_until: Option<NaiveDate>,
    assignee_id: Option<i32>,
    due_date: Option<NaiveDate>,
    effort_hours: Option<f64>,
    evidence_url: String,
    evidence_text: String,
}

fn parse_date(s: &str) -> Result<Option<NaiveDate>, ()> {
    match s.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ()),
    }
}

/// Checks every field (all problems at once); `members` are the team's user ids.
fn check_item(
    input: &ItemInput,
    members: &[i32],
    evidence_required: bool,
    today: NaiveDate,
) -> Result<ItemValues, AppError> {
    let title = input.title.trim().to_owned();
    let description = input.description.trim().to_owned();
    let priority = Priority::parse(input.priority.trim());
    let status = match input.status.trim() {
        "" => Some(Status::Open),
        s => Status::parse(s),
    };
    let blocking = match input.blocking.trim() {
        "" => Ok(priority == Some(Priority::Critical)),
        "true" | "on" | "yes" => Ok(true),
        "false" | "off" | "no" => Ok(false),
        _ => Err(()),
    };
    let accepted_until = parse_date(&input.accepted_until);
    let due_date = parse_date(&input.due_date);
    let assignee = match input.assignee.trim() {
        "" => Ok(None),
        a => a
            .parse::<i32>()
            .ok()
            .filter(|id| members.contains(id))
            .map(Some)
            .ok_or(()),
    };
    let effort = match input.effort_hours.trim() {
        "" => Ok(None),
        e => e
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && (0.0..=100_000.0).contains(h))
            .map(Some)
            .ok_or(()),
    };
    let evidence_url = input.evidence_url.trim().to_owned();
    let evidence_text = input.evidence_text.trim().to_owned();
    let reason = input.status_reason.trim().to_owned();
    let needs_reason = matches!(status, Some(Status::NotApplicable | Status::AcceptedRisk));
    let mut v = Validator::default();
    v.check(title.is_empty(), "title", "Enter a title.")
        .check(
            title.chars().count() > MAX_TITLE,
            "title",
            "Use at most 200 characters.",
        )
        .check(
            description.chars().count() > MAX_TEXT,
            "description",
            "Use at most 20,000 characters.",
        )
        .check(
            priority.is_none(),
            "priority",
            "Choose critical, high, medium or low.",
        )
        .check(status.is_none(), "status", "Choose a status.")
        .check(blocking.is_err(), "blocking", "Choose yes or no.")
        .check(
            assignee.is_err(),
            "assignee",
            "Choose a member of the project's team.",
        )
        .check(due_date.is_err(), "due_date", "Use a date like 2026-12-31.")
        .check(
            effort.is_err(),
            "effort_hours",
            "Use a number of hours (for example 2 or 1.5).",
        )
        .check(
            !(evidence_url.is_empty()
                || evidence_url.starts_with("https://")
                || evidence_url.starts_with("http://")),
            "evidence_url",
            "Use a link starting with https:// or http://.",
        )
        .check(
            evidence_url.chars().count() > 2000,
            "evidence_url",
            "Use at most 2,000 characters.",
        )
        .check(
            evidence_text.chars().count() > MAX_TEXT,
            "evidence_text",
            "Use at most 20,000 characters.",
        )
        .check(
            needs_reason && reason.is_empty(),
            "status_reason",
            "Say why this does not apply or why the risk is accepted.",
        )
        .check(
            reason.chars().count() > MAX_TEXT,
            "status_reason",
            "Use at most 20,000 characters.",
        )
        .check(
            accepted_until.is_err(),
            "accepted_until",
            "Use a date like 2026-12-31.",
        )
        .check(
            status == Some(Status::AcceptedRisk)
                && accepted_until
                    .as_ref()
                    .is_ok_and(|d| d.is_none_or(|d| d < today)),
            "accepted_until",
            "Accepted risks need an expiry date, today or later.",
        )
        .check(
            status == Some(Status::Done)
                && evidence_required
                && evidence_url.is_empty()
                && evidence_text.is_empty(),
            "evidence_url",
            "This project needs evidence (a link or a note) to mark an item done.",
        );
    v.finish()?;
    let status = status.unwrap_or(Status::Open);
    Ok(ItemValues {
        title,
        description,
        priority: priority.unwrap_or(Priority::Medium),
        blocking: blocking.unwrap_or(false),
        status,
        status_reason: if needs_reason { reason } else { String::new() },
        accepted_until: if status == Status::AcceptedRisk {
            accepted_until.ok().flatten()
        } else {
            None
        },
        assignee_id: assignee.ok().flatten(),
        due_date: due_date.ok().flatten(),
        effort_hours: effort.ok().flatten(),
        evidence_url,
        evidence_text,
    })
}

/// The item as the audit log records it.
pub(crate) fn item_state(i: &items::Model) -> serde_json::Value {
    serde_json::json!({
        "title": i.title,
        "category_id": i.category_id,
        "priority": i.priority,
        "blocking": i.blocking,
        "status": i.status,
        "status_reason": i.status_reason,
        "accepted_until": i.accepted_until,
        "assignee_id": i.assignee_id,
        "due_date": i.due_date,
        "effort_hours": i.effort_hours,
        "evidence_url": i.evidence_url,
        "evidence_text": i.evidence_text,
        "description": i.description,
    })
}

/// Adds an item at the end of a category (editors). Returns its id.
pub async fn create_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    category_id: i32,
    input: ItemInput,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let (category, seen) = access::category(db, user, category_id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let members = member_ids(db, project.team_id).await?;
    let v = check_item(&input, &members, project.evidence_required, today)?;
    let txn = crate::txn::begin(db).await?;
    check_room(&txn, project.id, 1, "title").await?;
    let last = items::Entity::find()
        .filter(items::Column::CategoryId.eq(category.id))
        .order_by_desc(items::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |i| i.position);
    let now = Utc::now();
    let closed = v.status.is_closed();
    let item = items::ActiveModel {
        project_id: Set(project.id),
        category_id: Set(category.id),
        title: Set(v.title),
        description: Set(v.description),
        priority: Set(v.priority),
        blocking: Set(v.blocking),
        status: Set(v.status),
        status_reason: Set(v.status_reason),
        accepted_until: Set(v.accepted_until),
        assignee_id: Set(v.assignee_id),
        due_date: Set(v.due_date),
        effort_hours: Set(v.effort_hours),
        evidence_url: Set(v.evidence_url),
        evidence_text: Set(v.evidence_text),
        closed_by: Set(closed.then_some(user.id)),
        closed_at: Set(closed.then_some(now)),
        position: Set(last + 1),
        version: Set(1),
        updated_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("item", item.id, "created")
            .in_project(&project)
            .after(&item_state(&item)),
    )
    .await?;
    txn.commit().await?;
    Ok(item.id)
}

/// The input that leaves `item` as it is (the base for partial changes).
pub fn input_of(item: &items::Model) -> ItemInput {
    ItemInput {
        title: item.title.clone(),
        description: item.description.clone(),
        priority: item.priority.as_str().to_owned(),
        blocking: item.blocking.to_string(),
        status: item.status.as_str().to_owned(),
        status_reason: item.status_reason.clone(),
        accepted_until: item
            .accepted_until
            .map(|d| d.to_string())
            .unwrap_or_default(),
        assignee: item.assignee_id.map(|a| a.to_string()).unwrap_or_default(),
        due_date: item.due_date.map(|d| d.to_string()).unwrap_or_default(),
        effort_hours: item.effort_hours.map(|h| h.to_string()).unwrap_or_default(),
        evidence_url: item.evidence_url.clone(),
        evidence_text: item.evidence_text.clone(),
    }
}

/// Changes an item (editors), if it is still at `version`; returns the new version.
pub async fn update_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    change: impl FnOnce(&mut ItemInput),
    today: NaiveDate,
) -> Result<i32, AppError> {
    let (item, seen) = access::item(db, user, id).await?;
    update_seen_item(db, user, item, &seen, version, change, today).await
}

/// [`update_item`] for an item its caller loaded with [`access::item`] (the REST API reads the
/// item's version first: the role is asked once).
pub async fn update_seen_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item: items::Model,
    seen: &ProjectAccess,
    version: i32,
    change: impl FnOnce(&mut ItemInput),
    today: NaiveDate,
) -> Result<i32, AppError> {
    seen.require_edit()?;
    let id = item.id;
    let project = &seen.project;
    let members = member_ids(db, project.team_id).await?;
    let mut input = input_of(&item);
    change(&mut input);
    let v = check_item(
        &input,
        &allowed_assignees(&members, &item),
        project.evidence_required,
        today,
    )?;
    let txn = crate::txn::begin(db).await?;
    match write_item(&txn, user, project, item, version, v).await? {
        Some(after) => {
            txn.commit().await?;
            Ok(after)
        }
        None => Err(crate::txn::stale::<items::Entity>(&txn, id).await?),
    }
}

/// Who may be assigned `item`: the team's members, and whoever it is assigned to already
/// (an assignee who has left the team may stay, but nobody new from outside).
fn allowed_assignees(members: &[i32], item: &items::Model) -> Vec<i32> {
    let mut allowed = members.to_vec();
    allowed.extend(item.assignee_id);
    allowed
}

/// Writes checked values over `item` if it is still at `version`, with its audit event;
/// `None` when someone changed it first. The caller owns the transaction.
async fn write_item(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    item: items::Model,
    version: i32,
    v: ItemValues,
) -> Result<Option<i32>, AppError> {
    let id = item.id;
    let now = Utc::now();
    let was_closed = item.status.is_closed();
    let closed = v.status.is_closed();
    let (closed_by, closed_at) = match (was_closed, closed) {
        (false, true) => (Some(user.id), Some(now)),
        (true, true) if item.status != v.status => (Some(user.id), Some(now)),
        (_, true) => (item.closed_by, item.closed_at),
        (_, false) => (None, None),
    };
    let changes = items::Entity::update_many()
        .col_expr(items::Column::Title, Expr::value(v.title))
        .col_expr(items::Column::Description, Expr::value(v.description))
        .col_expr(items::Column::Priority, Expr::value(v.priority))
        .col_expr(items::Column::Blocking, Expr::value(v.blocking))
        .col_expr(items::Column::Status, Expr::value(v.status))
        .col_expr(items::Column::StatusReason, Expr::value(v.status_reason))
        .col_expr(items::Column::AcceptedUntil, Expr::value(v.accepted_until))
        .col_expr(items::Column::AssigneeId, Expr::value(v.assignee_id))
        .col_expr(items::Column::DueDate, Expr::value(v.due_date))
        .col_expr(items::Column::EffortHours, Expr::value(v.effort_hours))
        .col_expr(items::Column::EvidenceUrl, Expr::value(v.evidence_url))
        .col_expr(items::Column::EvidenceText, Expr::value(v.evidence_text))
        .col_expr(items::Column::ClosedBy, Expr::value(closed_by))
        .col_expr(items::Column::ClosedAt, Expr::value(closed_at))
        .col_expr(items::Column::UpdatedBy, Expr::value(Some(user.id)))
        .col_expr(items::Column::UpdatedAt, Expr::value(now));
    let after = crate::txn::try_save(txn, &Actor::from(user), id, version, changes, |after| {
        let action = if after.status != item.status {
            "status_changed"
        } else {
            "updated"
        };
        Event::new("item", id, action)
            .in_project(project)
            .before(&item_state(&item))
            .after(&item_state(after))
    })
    .await?;
    Ok(after.map(|a| a.version))
}

/// Most items one bulk change may touch.
pub const MAX_BULK: usize = 2000;

/// One change applied to many items: blank fields are left as they are.
#[derive(Debug, Clone, Default)]
pub struct BulkChange {
    /// New status word, or blank.
    pub status: String,
    /// Reason for not applicable / accepted risk.
    pub status_reason: String,
    /// Expiry for accepted risk.
    pub accepted_until: String,
    /// `none` for nobody, a user id, or blank.
    pub assignee: String,
    /// New priority word, or blank.
    pub priority: String,
}

/// Applies `change` to the selected items of project `slug` (editors), each at the version
/// the user saw (`(id, version)` pairs). All or nothing: when any item was changed by someone
/// else or the change is not valid for it, nothing is written and every such item is named.
/// Returns how many items changed.
pub async fn bulk_update_items(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    selected: &[(i32, i32)],
    change: &BulkChange,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_edit_project(db, user, &project).await?;
    if selected.is_empty() {
        return Err(AppError::field("items", "Select at least one item."));
    }
    if selected.len() > MAX_BULK {
        return Err(AppError::field(
            "items",
            format!("Select at most {MAX_BULK} items at once."),
        ));
    }
    if [&change.status, &change.assignee, &change.priority]
        .iter()
        .all(|f| f.trim().is_empty())
    {
        return Err(AppError::field(
            "status",
            "Choose a status, assignee or priority to set.",
        ));
    }
    let ids: Vec<i32> = selected.iter().map(|(id, _)| *id).collect();
    let rows: HashMap<i32, items::Model> = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .filter(items::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let members = member_ids(db, project.team_id).await?;
    let mut invalid: FieldErrors = FieldErrors::new();
    let mut checked = Vec::with_capacity(selected.len());
    let mut gone = 0;
    for &(id, version) in selected {
        let Some(item) = rows.get(&id) else {
            gone += 1;
            continue;
        };
        let mut input = input_of(item);
        apply_bulk(&mut input, change);
        match check_item(
            &input,
            &allowed_assignees(&members, item),
            project.evidence_required,
            today,
        ) {
            Ok(v) => checked.push((item.clone(), version, v)),
            Err(AppError::Validation(errors)) => {
                for (field, message) in errors {
                    invalid
                        .entry(field)
                        .or_insert_with(|| format!("“{}”: {message}", item.title));
                }
            }
            Err(e) => return Err(e),
        }
    }
    if gone > 0 {
        return Err(AppError::Conflict(format!(
            "{gone} of the selected items no longer exist. Nothing was changed; reload the \
             checklist and try again."
        )));
    }
    if !invalid.is_empty() {
        return Err(AppError::Validation(invalid));
    }
    let txn = crate::txn::begin(db).await?;
    let mut stale_titles = Vec::new();
    let count = checked.len();
    for (item, version, v) in checked {
        let title = item.title.clone();
        if write_item(&txn, user, &project, item, version, v)
            .await?
            .is_none()
        {
            stale_titles.push(title);
        }
    }
    if !stale_titles.is_empty() {
        drop(txn);
        let shown: Vec<String> = stale_titles
            .iter()
            .take(5)
            .map(|t| format!("“{t}”"))
            .collect();
        let more = stale_titles.len().saturating_sub(shown.len());
        return Err(AppError::Conflict(format!(
            "{} of the selected items were changed by someone else since you loaded them ({}{}). \
             Nothing was changed; reload the checklist and try again.",
            stale_titles.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
        )));
    }
    txn.commit().await?;
    Ok(count)
}

fn apply_bulk(input: &mut ItemInput, change: &BulkChange) {
    let status = change.status.trim();
    if !status.is_empty() {
        input.status = status.to_owned();
        if !change.status_reason.trim().is_empty() {
            input.status_reason = change.status_reason.clone();
        }
        if !change.accepted_until.trim().is_empty() {
            input.accepted_until = change.accepted_until.clone();
        }
    }
    match change.assignee.trim() {
        "" => {}
        "none" => input.assignee = String::new(),
        a => input.assignee = a.to_owned(),
    }
    let priority = change.priority.trim();
    if !priority.is_empty() {
        input.priority = priority.to_owned();
    }
}

/// Deletes an item (editors).
pub async fn delete_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (item, seen) = access::item(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    items::Entity::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("item", id, "deleted")
            .in_project(&project)
            .before(&item_state(&item)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One item as the checklist shows it (one query for the names it mentions).
pub async fn item_detail_view(
    db: &impl ConnectionTrait,
    item: items::Model,
    today: NaiveDate,
) -> Result<ItemView, AppError> {
    let ids: Vec<i32> = [item.assignee_id, item.updated_by]
        .into_iter()
        .flatten()
        .collect();
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(item_view(item, &names, today))
}

// ---------------------------------------------------------------------------------------------
// Comments

/// Adds a comment (anyone who can see the project, viewers included).
pub async fn add_comment(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item_id: i32,
    body: &str,
) -> Result<i32, AppError> {
    let (_, project) = item_for(db, user, item_id).await?;
    authz::can_comment_project(db, user, &project).await?;
    let body = body.trim().to_owned();
    Validator::default()
        .check(body.is_empty(), "body", "Write a comment.")
        .check(
            body.chars().count() > MAX_TEXT,
            "body",
            "Use at most 20,000 characters.",
        )
        .finish()?;
    let txn = crate::txn::begin(db).await?;
    let c = item_comments::ActiveModel {
        item_id: Set(item_id),
        author_id: Set(Some(user.id)),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("item", item_id, "commented")
            .in_project(&project)
            .after(&serde_json::json!({ "comment": c.body })),
    )
    .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// An item's comments, oldest first.
pub async fn comments(
    db: &impl ConnectionTrait,
    item_id: i32,
) -> Result<Vec<CommentView>, AppError> {
    Ok(item_comments::Entity::find()
        .filter(item_comments::Column::ItemId.eq(item_id))
        .order_by_asc(item_comments::Column::Id)
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(c, u)| CommentView {
            id: c.id,
            author: u.map_or_else(|| "deleted user".to_owned(), |u| u.display_name),
            at: c
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            body_html: to_safe_html(&c.body),
        })
        .collect())
}

/// Sets the projects' `evidence_required` rule (owners).
pub async fn set_evidence_required(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    required: bool,
) -> Result<(), AppError> {
    let project = find_by_slug(db, slug).await?;
    authz::can_manage_project(db, user, &project).await?;
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
