//! Runs a search: one query for the page, one for the (capped) count, each with the user's
//! visibility as one of its conditions.

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionSession, TransactionTrait, Value};

use super::{
    COUNT_CAP,
    model::{Fragment, SearchFilter, SearchHit, SearchResults},
    query::{SearchQuery, parse, words},
};
use crate::{
    auth::model::AuthUser,
    error::AppError,
    scoring::{Priority, Status},
};

/// The kinds of things found.
pub const KINDS: [&str; 4] = ["project", "item", "risk", "comment"];

/// SQL text with its bound values, numbered as the backend wants them.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        if self.backend == DbBackend::Postgres {
            let n = self.values.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }
}

/// The filter checked: the parsed query and each condition, or a field error.
struct Checked {
    query: SearchQuery,
    kind: Option<&'static str>,
    team: Option<i32>,
    status: Option<Status>,
    priority: Option<Priority>,
    /// `Some(None)`: unassigned.
    assignee: Option<Option<i32>>,
}

fn check(user: &AuthUser, f: &SearchFilter) -> Result<Checked, AppError> {
    let query = parse(&f.q)?;
    let kind = match f.kind.trim() {
        "" => None,
        k => Some(KINDS.into_iter().find(|&x| x == k).ok_or_else(|| {
            AppError::field("kind", "Choose projects, items, risks or comments.")
        })?),
    };
    let team = match f.team.trim() {
        "" => None,
        t => Some(
            t.parse()
                .map_err(|_| AppError::field("team", "Choose a team."))?,
        ),
    };
    let status = match f.status.trim() {
        "" => None,
        s => Some(Status::parse(s).ok_or_else(|| AppError::field("status", "Choose a status."))?),
    };
    let priority = match f.priority.trim() {
        "" => None,
        p => Some(
            Priority::parse(p).ok_or_else(|| AppError::field("priority", "Choose a priority."))?,
        ),
    };
    let assignee = match f.assignee.trim() {
        "" => None,
        "me" => Some(Some(user.id)),
        "none" => Some(None),
        a => Some(Some(a.parse().map_err(|_| {
            AppError::field("assignee", "Choose me, nobody or a user id.")
        })?)),
    };
    Ok(Checked {
        query,
        kind,
        team,
        status,
        priority,
        assignee,
    })
}

/// Which projects a search may look in.
enum Visible {
    /// A site admin: every project not archived.
    All,
    /// The projects the user may see, listed (no more than [`Visible::LISTED`]).
    Ids(Vec<i32>),
    /// More than that: the rule itself, as a condition of the query.
    Rule,
}

impl Visible {
    /// Up to this many visible projects are listed in the query: a short list lets PostgreSQL
    /// combine the text index with the project index (the rule as sub-queries made it walk every
    /// document newest first, 600 ms for a word found nowhere the user may look).
    const LISTED: usize = 1000;

    /// The projects `user` may see: a member of the project's team, a member of a reviewer group
    /// it names, or a site admin (the rule of [`crate::authz::can_view_project`]); archived
    /// projects left out.
    async fn of(db: &impl ConnectionTrait, user: &AuthUser) -> Result<Self, AppError> {
        if user.is_admin {
            return Ok(Self::All);
        }
        let mut sql = Sql {
            backend: db.get_database_backend(),
            text: "SELECT p.id FROM projects p WHERE p.archived = ".into(),
            values: Vec::new(),
        };
        sql.bind(false);
        Self::rule(&mut sql, user);
        sql.push(" LIMIT ")
            .bind(i64::try_from(Self::LISTED + 1).unwrap_or(i64::MAX));
        let mut ids = Vec::new();
        for row in db.query_all_raw(sql.statement()).await? {
            ids.push(row.try_get::<i32>("", "id")?);
        }
        Ok(if ids.len() > Self::LISTED {
            Self::Rule
        } else {
            Self::Ids(ids)
        })
    }

    /// ` AND (…)`: the visibility rule over `p`, the projects table.
    fn rule(sql: &mut Sql, user: &AuthUser) {
        sql.push(" AND (p.team_id IN (SELECT team_id FROM team_members WHERE user_id = ")
            .bind(user.id)
            .push(
                ") OR p.exception_group_id IN \
                 (SELECT group_id FROM reviewer_group_members WHERE user_id = ",
            )
            .bind(user.id)
            .push(
                ") OR p.id IN (SELECT s.project_id FROM project_signoff_groups s \
                 JOIN reviewer_group_members m ON m.group_id = s.group_id WHERE m.user_id = ",
            )
            .bind(user.id)
            .push("))");
    }
}

/// `FROM … WHERE …` of a search: the text match, the filters, and what the user may see.
fn from_where(
    sql: &mut Sql,
    user: &AuthUser,
    visible: &Visible,
    c: &Checked,
    project: &str,
    items: bool,
) {
    let items_join = if items {
        " LEFT JOIN items i ON i.id = d.item_id"
    } else {
        ""
    };
    if sql.backend == DbBackend::Postgres {
        sql.push(" FROM search_docs d JOIN projects p ON p.id = d.project_id")
            .push(items_join)
            .push(" WHERE d.tsv @@ to_tsquery('simple', ")
            .bind(c.query.tsquery())
            .push(")");
    } else {
        sql.push(
            " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid \
             JOIN projects p ON p.id = d.project_id",
        )
        .push(items_join)
        .push(" WHERE search_fts MATCH ")
        .bind(c.query.fts5());
    }
    sql.push(" AND p.archived = ").bind(false);
    match visible {
        Visible::All => {}
        // Ids read from the database a moment ago, written as numbers (a thousand placeholders
        // would be a thousand values to bind on every query).
        Visible::Ids(ids) => {
            let list: Vec<String> = ids.iter().map(i32::to_string).collect();
            sql.push(" AND d.project_id IN (")
                .push(&list.join(","))
                .push(")");
        }
        Visible::Rule => Visible::rule(sql, user),
    }
    if let Some(kind) = c.kind {
        sql.push(" AND d.kind = ").bind(kind);
    }
    if !project.is_empty() {
        sql.push(" AND p.slug = ").bind(project.to_owned());
    }
    if let Some(team) = c.team {
        sql.push(" AND p.team_id = ").bind(team);
    }
    if let Some(status) = c.status {
        sql.push(" AND i.status = ").bind(status.as_str());
    }
    if let Some(priority) = c.priority {
        sql.push(" AND i.priority = ").bind(priority.as_str());
    }
    match c.assignee {
        Some(Some(id)) => {
            sql.push(" AND i.assignee_id = ").bind(id);
        }
        Some(None) => {
            sql.push(" AND i.id IS NOT NULL AND i.assignee_id IS NULL");
        }
        None => {}
    }
}

/// One page of `filter`'s results for `user` (`per_page` hits), newest text first, and how many
/// match (counted up to [`COUNT_CAP`]). Three queries: the projects the user may see, the count,
/// the page.
pub async fn search<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user: &AuthUser,
    filter: &SearchFilter,
    per_page: u32,
) -> Result<SearchResults, AppError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return run(db, user, filter, per_page).await;
    }
    // PostgreSQL plans a prepared statement once for any parameters after a few runs, guessing
    // every text query equally selective: a word in every document then went through the whole
    // GIN posting list (a page 366 ms instead of 0.2). Custom plans, for these queries only.
    let txn = db.begin().await?;
    txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
        .await?;
    let found = run(&txn, user, filter, per_page).await?;
    txn.commit().await?;
    Ok(found)
}

async fn run(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    filter: &SearchFilter,
    per_page: u32,
) -> Result<SearchResults, AppError> {
    let checked = check(user, filter)?;
    let page = filter.page.max(1);
    if page.saturating_mul(per_page) > COUNT_CAP + per_page - 1 {
        return Err(AppError::field(
            "page",
            format!("Results go {COUNT_CAP} deep: narrow the search instead."),
        ));
    }
    let backend = db.get_database_backend();
    let new = || Sql {
        backend,
        text: String::new(),
        values: Vec::new(),
    };
    let project = filter.project.trim();
    let visible = Visible::of(db, user).await?;
    let nothing = || SearchResults {
        hits: Vec::new(),
        total: 0,
        total_capped: false,
        page,
        per_page,
        has_more: false,
    };
    if matches!(&visible, Visible::Ids(ids) if ids.is_empty()) {
        return Ok(nothing());
    }

    let mut count = new();
    count.push("SELECT COUNT(*) AS n FROM (SELECT 1 AS one");
    let item_filter =
        checked.status.is_some() || checked.priority.is_some() || checked.assignee.is_some();
    from_where(&mut count, user, &visible, &checked, project, item_filter);
    count
        .push(" LIMIT ")
        .bind(i64::from(COUNT_CAP) + 1)
        .push(") t");
    let total: i64 = db
        .query_one_raw(count.statement())
        .await?
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    if total == 0 {
        return Ok(nothing());
    }
    let capped = total > i64::from(COUNT_CAP);

    let mut rows = new();
    rows.push(
        "SELECT d.kind, d.ref_id, d.item_id, d.title, d.body, p.slug, p.name, \
         i.title AS item_title",
    );
    from_where(&mut rows, user, &visible, &checked, project, true);
    // Newest text first. On SQLite ordered by the FTS table's own rowid (the document's id), so
    // FTS5 walks its matches newest first and stops at the page instead of sorting them all.
    // On PostgreSQL, walking the documents newest first stops early when matches are many; when
    // they are few (the count says so) `+ 0` keeps the planner off that walk: the text index
    // finds them and a small sort orders them.
    rows.push(match backend {
        DbBackend::Postgres if capped => " ORDER BY d.id DESC LIMIT ",
        DbBackend::Postgres => " ORDER BY d.id + 0 DESC LIMIT ",
        _ => " ORDER BY search_fts.rowid DESC LIMIT ",
    })
    .bind(i64::from(per_page) + 1)
    .push(" OFFSET ")
    .bind(i64::from((page - 1) * per_page));
    let mut hits = Vec::new();
    for row in db.query_all_raw(rows.statement()).await? {
        let kind: String = row.try_get("", "kind")?;
        let id: i32 = row.try_get("", "ref_id")?;
        let item_id: Option<i32> = row.try_get("", "item_id")?;
        let slug: String = row.try_get("", "slug")?;
        let title: String = row.try_get("", "title")?;
        let body: String = row.try_get("", "body")?;
        let item_title: Option<String> = row.try_get("", "item_title")?;
        let url = match kind.as_str() {
            "project" => format!("/p/{slug}"),
            "item" => format!("/p/{slug}/items/{id}"),
            "risk" => format!("/p/{slug}/risks/{id}"),
            _ => format!("/p/{slug}/items/{}#comment-{id}", item_id.unwrap_or(0)),
        };
        let title = if kind == "comment" {
            vec![Fragment {
                text: format!("Comment on {}", item_title.unwrap_or_default()),
                hit: false,
            }]
        } else {
            highlight(&title, &checked.query)
        };
        hits.push(SearchHit {
            project_name: row.try_get("", "name")?,
            project_slug: slug,
            kind,
            id,
            item_id,
            title,
            snippet: snippet(&body, &checked.query),
            url,
        });
    }
    let has_more = hits.len() > per_page as usize;
    hits.truncate(per_page as usize);
    Ok(SearchResults {
        hits,
        total: u32::try_from(total.min(i64::from(COUNT_CAP))).unwrap_or(COUNT_CAP),
        total_capped: capped,
        page,
        per_page,
        has_more,
    })
}

/// `text` cut into fragments, the words the query looks for marked.
pub fn highlight(text: &str, query: &SearchQuery) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut push = |text: &str, hit: bool| match out.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(text),
        _ => out.push(Fragment {
            text: text.to_owned(),
            hit,
        }),
    };
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() != in_word {
            let piece = &text[start..i];
            push(piece, in_word && is_hit(piece, query));
            start = i;
            in_word = !in_word;
        }
    }
    let piece = &text[start..];
    push(piece, in_word && is_hit(piece, query));
    out.retain(|f| !f.text.is_empty());
    out
}

fn is_hit(word: &str, query: &SearchQuery) -> bool {
    words(word).first().is_some_and(|w| query.matches_word(w))
}

/// About 200 characters of `body` around its first match (its start when the match was in the
/// title), whitespace folded, in fragments.
pub fn snippet(body: &str, query: &SearchQuery) -> Vec<Fragment> {
    const BEFORE: usize = 60;
    const LENGTH: usize = 200;
    let folded: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    let first = highlight(&folded, query)
        .iter()
        .scan(0usize, |at, f| {
            let here = *at;
            *at += f.text.chars().count();
            Some((here, f.hit))
        })
        .find(|&(_, hit)| hit)
        .map_or(0, |(at, _)| at);
    let from = first.saturating_sub(BEFORE);
    let to = (from + LENGTH).min(chars.len());
    let byte = |n: usize| chars.get(n).map_or(folded.len(), |&(b, _)| b);
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    text.push_str(&folded[byte(from)..byte(to)]);
    if to < chars.len() {
        text.push('…');
    }
    highlight(&text, query)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn highlights_whole_words_the_query_looks_for() {
        let q = parse("deploy* plan").unwrap();
        let f = highlight("Deployment: no plan, no deploy-ment.", &q);
        let marked: Vec<&str> = f
            .iter()
            .filter(|f| f.hit)
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(marked, ["Deployment", "plan", "deploy"]);
        let text: String = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(text, "Deployment: no plan, no deploy-ment.");
    }

    #[test]
    fn a_snippet_starts_near_the_first_match() {
        let q = parse("needle").unwrap();
        let body = format!(
            "{} the needle here {}",
            "hay ".repeat(100),
            "straw ".repeat(100)
        );
        let s = snippet(&body, &q);
        let text: String = s.iter().map(|f| f.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.chars().count() <= 202);
        assert!(s.iter().any(|f| f.hit && f.text == "needle"));
        // No match in the body (it was in the title): the body's start.
        let s = snippet("short body", &q);
        assert_eq!(s[0].text, "short body");
    }
}
