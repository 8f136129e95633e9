//! The import write path: a [`Document`] (from Markdown, CSV or JSON) becomes a new project, or
//! is merged into an existing one: categories matched by name, items by title within their
//! category, never duplicated. Everything is checked before anything is written, and written
//! in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};

use super::{
    csv_items,
    doc::{self, CategoryDoc, Document, ItemDoc, ItemRef, RiskDoc, name_key},
    markdown,
    model::{
        ImportPreview, ImportSummary, MAX_IMPORT_BYTES, MAX_IMPORT_CATEGORIES, MAX_IMPORT_ITEMS,
        MAX_IMPORT_RISKS, PreviewCategory, PreviewItem, too_many,
    },
    text,
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    checklist::rows::project_rows,
    checklist::service::{category_state, item_state},
    entities::{
        categories, item_comments, items, projects, risk_items, risk_matrices, risks, team_members,
        users,
    },
    error::AppError,
    limits::{MAX_TEXT, MAX_TITLE},
    projects::{
        access::find_by_slug,
        model::slugify,
        service::{NewProject, check_new, insert_project},
    },
    risks::{matrix::RiskMatrix, stored::matrix_of},
    scoring::{CategoryFacts, ItemFacts, Priority, Status, score_project},
};

/// A document read from text, with what the reader had to say about it.
#[derive(Clone, Debug)]
pub struct Read {
    /// The project it describes.
    pub doc: Document,
    /// What was skipped or repaired.
    pub warnings: Vec<String>,
    /// The document's own overall score, when it states one.
    pub document_score: Option<i32>,
}

fn document_error(message: impl Into<String>) -> AppError {
    AppError::field("document", message)
}

/// Reads text in a format (`markdown`, `csv` or `json`) into a document. Bad input is a
/// `document` field error that says what is wrong and where.
pub fn read(format: &str, input: &str) -> Result<Read, AppError> {
    read_bytes(format, input.as_bytes())
}

/// [`read`] for a file's bytes, which need not be UTF-8.
pub fn read_bytes(format: &str, input: &[u8]) -> Result<Read, AppError> {
    let read = parse(format, input)?;
    check(&read.doc)?;
    Ok(read)
}

/// Decodes and parses, without [`check`] (the write path checks what it writes).
fn parse(format: &str, input: &[u8]) -> Result<Read, AppError> {
    if input.len() > MAX_IMPORT_BYTES {
        return Err(document_error(format!(
            "This document is {:.1} MB; the importer takes at most {} MB.",
            input.len() as f64 / 1_048_576.0,
            MAX_IMPORT_BYTES / 1_048_576
        )));
    }
    let decoded = text::decode(input);
    let mut warnings = Vec::new();
    if decoded.not_utf8 {
        warnings.push("The file is not UTF-8; it was read as Windows-1252.".to_owned());
    }
    if decoded.repaired > 0 {
        warnings.push(format!(
            "Repaired {} characters of text that had been decoded as {}.",
            decoded.repaired,
            decoded.repaired_from.unwrap_or("the wrong code page")
        ));
    }
    if decoded.text.trim().is_empty() {
        return Err(document_error("The document is empty."));
    }
    let read = match format {
        "markdown" | "md" => {
            let parsed = markdown::parse(&decoded.text).map_err(document_error)?;
            warnings.extend(parsed.warnings);
            Read {
                doc: parsed.doc,
                warnings,
                document_score: parsed.document_score,
            }
        }
        "csv" => Read {
            doc: from_csv(&decoded.text)?,
            warnings,
            document_score: None,
        },
        "json" => Read {
            doc: doc::from_json(&decoded.text).map_err(document_error)?,
            warnings,
            document_score: None,
        },
        _ => return Err(AppError::field("format", "Choose Markdown, CSV or JSON.")),
    };
    Ok(read)
}

/// A CSV of items as a document (categories in order of first appearance).
fn from_csv(text: &str) -> Result<Document, AppError> {
    let rows = csv_items::parse(text).map_err(|errors| {
        let shown: Vec<String> = errors.iter().take(20).map(ToString::to_string).collect();
        let more = errors.len().saturating_sub(shown.len());
        let mut message = format!(
            "{} problem{} in the CSV; nothing was imported: {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            shown.join("; ")
        );
        if more > 0 {
            message.push_str(&format!("; and {more} more"));
        }
        document_error(message)
    })?;
    let mut doc = Document::new("Imported project");
    if rows.len() > MAX_IMPORT_ITEMS {
        return Err(document_error(too_many("items", MAX_IMPORT_ITEMS)));
    }
    // Category by name, so placing n rows stays linear.
    let mut positions: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let mut item = ItemDoc::new(row.title);
        item.description = row.description;
        item.priority = row.priority;
        item.blocking = Some(row.blocking);
        item.status = row.status;
        item.assignee = row.assignee;
        item.due_date = row.due_date;
        item.effort_hours = row.effort_hours;
        item.evidence_url = row.evidence_url;
        item.evidence_text = row.evidence_text;
        let key = name_key(&row.category);
        let at = match positions.get(&key) {
            Some(at) => *at,
            None => {
                if doc.categories.len() == MAX_IMPORT_CATEGORIES {
                    return Err(document_error(too_many(
                        "categories",
                        MAX_IMPORT_CATEGORIES,
                    )));
                }
                doc.categories.push(CategoryDoc::new(&row.category));
                positions.insert(key, doc.categories.len() - 1);
                doc.categories.len() - 1
            }
        };
        doc.categories[at].items.push(item);
    }
    Ok(doc)
}

/// Checks what does not depend on the database: lengths, ranges, the matrix and risk cells,
/// references between risks and items. Up to ten problems are named, each with its place.
fn check(doc: &Document) -> Result<(), AppError> {
    check_size(doc)?;
    let mut problems: Vec<String> = Vec::new();
    let mut say = |place: String, message: &str| problems.push(format!("{place}: {message}"));
    if doc.project.name.trim().chars().count() > 120 {
        say("project name".into(), "use at most 120 characters");
    }
    if let Some(t) = doc.project.threshold
        && !(0..=100).contains(&t)
    {
        say("project threshold".into(), "use 0 to 100");
    }
    let mut seen = HashSet::new();
    for c in &doc.categories {
        let place = format!("category “{}”", c.name);
        if c.name.trim().is_empty() || c.name.chars().count() > 120 {
            say(place.clone(), "a name needs 1 to 120 characters");
        }
        if !seen.insert(name_key(&c.name)) {
            say(place.clone(), "this name appears twice");
        }
        if !(0..=100).contains(&c.weight) {
            say(place.clone(), "weight must be 0 to 100");
        }
        if c.assessor_score.is_some_and(|s| !(0..=100).contains(&s)) {
            say(place.clone(), "assessor score must be 0 to 100");
        }
        if c.assessor_note.chars().count() > MAX_TEXT {
            say(place.clone(), "the assessor note is too long");
        }
        for i in &c.items {
            let place = format!("item “{}” in “{}”", i.title, c.name);
            if i.title.trim().is_empty() || i.title.chars().count() > MAX_TITLE {
                say(place.clone(), "a title needs 1 to 200 characters");
            }
            if i.description.chars().count() > MAX_TEXT
                || i.evidence_text.chars().count() > MAX_TEXT
                || i.status_reason.chars().count() > MAX_TEXT
            {
                say(place.clone(), "a text is longer than 20,000 characters");
            }
            if i.evidence_url.chars().count() > 2000 {
                say(
                    place.clone(),
                    "the evidence link is longer than 2,000 characters",
                );
            }
            let url = i.evidence_url.trim();
            if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
                say(
                    place.clone(),
                    "the evidence link must start with https:// or http://",
                );
            }
            if i.status == Status::AcceptedRisk && i.accepted_until.is_none() {
                say(place.clone(), "an accepted risk needs accepted_until");
            }
            if i.comments
                .iter()
                .any(|n| n.body.trim().is_empty() || n.body.chars().count() > MAX_TEXT)
            {
                say(place.clone(), "a comment needs 1 to 20,000 characters");
            }
            if i.effort_hours
                .is_some_and(|h| !h.is_finite() || !(0.0..=100_000.0).contains(&h))
            {
                say(place.clone(), "effort must be 0 to 100,000 hours");
            }
        }
    }
    let index = ItemIndex::of(doc);
    let matrix = doc.matrix.clone().unwrap_or_default();
    if let Some(m) = &doc.matrix {
        for (_, message) in m.problems() {
            say("matrix".into(), &message);
        }
    }
    for r in &doc.risks {
        let place = format!("risk “{}”", r.title);
        if r.title.trim().is_empty() || r.title.chars().count() > MAX_TITLE {
            say(place.clone(), "a title needs 1 to 200 characters");
        }
        if r.description.chars().count() > MAX_TEXT {
            say(
                place.clone(),
                "the description is longer than 20,000 characters",
            );
        }
        if !matrix.contains(r.likelihood, r.impact)
            || !matrix.contains(r.target_likelihood, r.target_impact)
        {
            say(
                place.clone(),
                "likelihood and impact must lie on the matrix",
            );
        }
        for link in &r.items {
            if !index.contains(link) {
                say(
                    place.clone(),
                    &format!(
                        "links “{}” in “{}”, which is not in the document",
                        link.title, link.category
                    ),
                );
            }
        }
    }
    nothing_imported(problems)
}

/// `Ok` without problems, else the `document` error naming the first ten of them.
fn nothing_imported(problems: Vec<String>) -> Result<(), AppError> {
    if problems.is_empty() {
        return Ok(());
    }
    let n = problems.len();
    let mut message = problems.into_iter().take(10).collect::<Vec<_>>().join("; ");
    if n > 10 {
        message.push_str(&format!("; and {} more", n - 10));
    }
    Err(document_error(format!("Nothing was imported. {message}.")))
}

/// A document over the size limits is refused before anything else is looked at.
fn check_size(doc: &Document) -> Result<(), AppError> {
    let items: usize = doc.categories.iter().map(|c| c.items.len()).sum();
    if doc.categories.len() > MAX_IMPORT_CATEGORIES {
        return Err(document_error(too_many(
            "categories",
            MAX_IMPORT_CATEGORIES,
        )));
    }
    if items > MAX_IMPORT_ITEMS {
        return Err(document_error(too_many("items", MAX_IMPORT_ITEMS)));
    }
    if doc.risks.len() > MAX_IMPORT_RISKS {
        return Err(document_error(too_many("risks", MAX_IMPORT_RISKS)));
    }
    Ok(())
}

/// The document's items by (category key, title key), for risk links.
struct ItemIndex(HashSet<(String, String)>);

impl ItemIndex {
    fn of(doc: &Document) -> Self {
        ItemIndex(
            doc.categories
                .iter()
                .flat_map(|c| {
                    let key = name_key(&c.name);
                    c.items
                        .iter()
                        .map(move |i| (key.clone(), name_key(&i.title)))
                })
                .collect(),
        )
    }

    fn contains(&self, link: &ItemRef) -> bool {
        self.0
            .contains(&(name_key(&link.category), name_key(&link.title)))
    }
}

/// Team members by lower-case email.
async fn members_by_email(
    db: &impl ConnectionTrait,
    team_id: i32,
) -> Result<HashMap<String, i32>, AppError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team_id))
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, u)| u)
        .map(|u| (u.email.to_lowercase(), u.id))
        .collect())
}

/// Checks that every assignee and risk owner is a member of the team.
fn check_people(doc: &Document, members: &HashMap<String, i32>) -> Result<(), AppError> {
    let strangers: Vec<String> = doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter().filter_map(|i| i.assignee.as_ref()))
        .chain(doc.risks.iter().filter_map(|r| r.owner.as_ref()))
        .filter(|e| !members.contains_key(&e.trim().to_lowercase()))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if strangers.is_empty() {
        Ok(())
    } else {
        Err(document_error(format!(
            "Nothing was imported. Not members of the project's team: {}.",
            strangers.join(", ")
        )))
    }
}

/// What an item of the document does to the project.
#[derive(Clone, Debug, PartialEq)]
enum ItemAction {
    Add,
    Update(i32),
    Same(i32),
}

/// The merge of a document into a project, worked out before anything is written.
struct Plan {
    /// Per category of the document: the existing row, whether its score changes, and per
    /// item what happens.
    categories: Vec<(Option<categories::Model>, bool, Vec<ItemAction>)>,
    /// Per risk of the document: whether it is new.
    risks: Vec<bool>,
    summary: ImportSummary,
}

/// The fields the document sets on an existing item, if any differ.
fn item_changes(existing: &items::Model, i: &ItemDoc, members: &HashMap<String, i32>) -> bool {
    existing.status != i.status
        || existing.priority != i.priority
        || i.blocking.is_some_and(|b| b != existing.blocking)
        || (!i.description.is_empty() && i.description != existing.description)
        || i.effort_hours
            .is_some_and(|h| Some(h) != existing.effort_hours)
        || i.due_date.is_some_and(|d| Some(d) != existing.due_date)
        || i.accepted_until
            .is_some_and(|d| Some(d) != existing.accepted_until)
        || (!i.evidence_url.is_empty() && i.evidence_url != existing.evidence_url)
        || (!i.evidence_text.is_empty() && i.evidence_text != existing.evidence_text)
        || (!i.status_reason.is_empty() && i.status_reason != existing.status_reason)
        || i.assignee
            .as_ref()
            .and_then(|e| members.get(&e.to_lowercase()))
            .is_some_and(|id| Some(*id) != existing.assignee_id)
}

fn plan(
    doc: &Document,
    cats: &[categories::Model],
    rows: &[items::Model],
    risk_titles: &HashSet<String>,
    members: &HashMap<String, i32>,
) -> Plan {
    let mut summary = ImportSummary::default();
    let mut out = Vec::new();
    let by_name: HashMap<String, &categories::Model> =
        cats.iter().map(|c| (name_key(&c.name), c)).rev().collect();
    // Existing items by (category, title key), in checklist order: the first not yet taken
    // matches.
    let mut by_title: HashMap<(i32, String), std::collections::VecDeque<&items::Model>> =
        HashMap::new();
    for r in rows {
        by_title
            .entry((r.category_id, name_key(&r.title)))
            .or_default()
            .push_back(r);
    }
    for c in &doc.categories {
        let key = name_key(&c.name);
        let existing = by_name.get(&key).map(|c| (*c).clone());
        let score_changes = existing
            .as_ref()
            .is_some_and(|e| c.assessor_score.is_some() && c.assessor_score != e.assessor_score);
        match (&existing, score_changes) {
            (None, _) => summary.categories_added += 1,
            (Some(_), true) => summary.categories_updated += 1,
            (Some(_), false) => summary.categories_unchanged += 1,
        }
        let actions = c
            .items
            .iter()
            .map(|i| {
                let found = existing.as_ref().and_then(|e| {
                    by_title
                        .get_mut(&(e.id, name_key(&i.title)))
                        .and_then(std::collections::VecDeque::pop_front)
                });
                match found {
                    None => {
                        summary.items_added += 1;
                        ItemAction::Add
                    }
                    Some(r) => {
                        if item_changes(r, i, members) {
                            summary.items_updated += 1;
                            ItemAction::Update(r.id)
                        } else {
                            summary.items_unchanged += 1;
                            ItemAction::Same(r.id)
                        }
                    }
                }
            })
            .collect();
        out.push((existing, score_changes, actions));
    }
    let risks = doc
        .risks
        .iter()
        .map(|r| {
            let new = !risk_titles.contains(&name_key(&r.title));
            if new {
                summary.risks_added += 1;
            } else {
                summary.risks_unchanged += 1;
            }
            new
        })
        .collect();
    Plan {
        categories: out,
        risks,
        summary,
    }
}

/// The project's categories, items and risk titles (three queries).
async fn current(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<(Vec<categories::Model>, Vec<items::Model>, HashSet<String>), AppError> {
    let (cats, rows) = project_rows(db, project_id).await?;
    let titles = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| name_key(&r.title))
        .collect();
    Ok((cats, rows, titles))
}

fn facts(i: &ItemDoc) -> ItemFacts {
    ItemFacts {
        priority: i.priority,
        status: i.status,
        blocking: i.is_blocking(),
        effort_hours: i.effort_hours,
        accepted_until: i.accepted_until,
    }
}

fn item_facts_of(r: &items::Model) -> ItemFacts {
    ItemFacts {
        priority: r.priority,
        status: r.status,
        blocking: r.blocking,
        effort_hours: r.effort_hours,
        accepted_until: r.accepted_until,
    }
}

/// Builds the preview: the document's categories and items, what merging would do, and the
/// project's scores as they would be after the import.
fn preview_of(
    read: &Read,
    existing: Option<(
        &projects::Model,
        &[categories::Model],
        &[items::Model],
        &Plan,
    )>,
    summary: ImportSummary,
    today: NaiveDate,
) -> ImportPreview {
    let doc = &read.doc;
    let categories: Vec<PreviewCategory> = doc
        .categories
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let actions = existing.map(|(_, _, _, p)| &p.categories[n]);
            let mut by_status = [0u32; 5];
            let mut by_priority = [0u32; 4];
            for i in &c.items {
                by_status[Status::ALL.iter().position(|s| *s == i.status).unwrap_or(0)] += 1;
                by_priority[Priority::ALL
                    .iter()
                    .position(|p| *p == i.priority)
                    .unwrap_or(0)] += 1;
            }
            let score = crate::scoring::score_category(
                &CategoryFacts {
                    weight: 1,
                    assessor_score: None,
                    items: c.items.iter().map(facts).collect(),
                },
                today,
            );
            PreviewCategory {
                name: c.name.clone(),
                exists: actions.is_some_and(|a| a.0.is_some()),
                assessor_score: c.assessor_score,
                computed: score.computed,
                by_status,
                by_priority,
                items: c
                    .items
                    .iter()
                    .enumerate()
                    .map(|(k, i)| PreviewItem {
                        title: i.title.clone(),
                        status: i.status.as_str().to_owned(),
                        priority: i.priority.as_str().to_owned(),
                        blocking: i.is_blocking(),
                        action: match actions.and_then(|a| a.2.get(k)) {
                            Some(ItemAction::Update(_)) => "update",
                            Some(ItemAction::Same(_)) => "same",
                            _ => "add",
                        }
                        .to_owned(),
                    })
                    .collect(),
            }
        })
        .collect();
    // Scores after the import: the project's rows with the document's changes applied.
    let (threshold, facts_after) = match existing {
        None => (
            doc.project.threshold.unwrap_or(80),
            doc.categories
                .iter()
                .map(|c| CategoryFacts {
                    weight: u32::try_from(c.weight).unwrap_or(1),
                    assessor_score: c.assessor_score.and_then(|s| u8::try_from(s).ok()),
                    items: c.items.iter().map(facts).collect(),
                })
                .collect::<Vec<_>>(),
        ),
        Some((project, cats, rows, plan)) => {
            let mut updated: HashMap<i32, ItemFacts> = HashMap::new();
            let mut extra: HashMap<i32, Vec<ItemFacts>> = HashMap::new();
            let mut scores: HashMap<i32, Option<i32>> = HashMap::new();
            let mut new_cats = Vec::new();
            for (c, (row, score_changes, actions)) in doc.categories.iter().zip(&plan.categories) {
                match row {
                    Some(row) => {
                        if *score_changes {
                            scores.insert(row.id, c.assessor_score);
                        }
                        for (i, a) in c.items.iter().zip(actions) {
                            match a {
                                ItemAction::Update(id) => {
                                    updated.insert(*id, facts(i));
                                }
                                ItemAction::Add => extra.entry(row.id).or_default().push(facts(i)),
                                ItemAction::Same(_) => {}
                            }
                        }
                    }
                    None => new_cats.push(CategoryFacts {
                        weight: u32::try_from(c.weight).unwrap_or(1),
                        assessor_score: c.assessor_score.and_then(|s| u8::try_from(s).ok()),
                        items: c.items.iter().map(facts).collect(),
                    }),
                }
            }
            let mut all: Vec<CategoryFacts> = cats
                .iter()
                .map(|c| CategoryFacts {
                    weight: u32::try_from(c.weight).unwrap_or(1),
                    assessor_score: scores
                        .get(&c.id)
                        .copied()
                        .unwrap_or(c.assessor_score)
                        .and_then(|s| u8::try_from(s).ok()),
                    items: rows
                        .iter()
                        .filter(|r| r.category_id == c.id)
                        .map(|r| {
                            updated
                                .get(&r.id)
                                .copied()
                                .unwrap_or_else(|| item_facts_of(r))
                        })
                        .chain(extra.remove(&c.id).unwrap_or_default())
                        .collect(),
                })
                .collect();
            all.extend(new_cats);
            (project.threshold, all)
        }
    };
    let score = score_project(&facts_after, u8::try_from(threshold).unwrap_or(80), today);
    ImportPreview {
        name: doc.project.name.clone(),
        slug: if doc.project.slug.is_empty() {
            slugify(&doc.project.name)
        } else {
            doc.project.slug.clone()
        },
        categories,
        risks: doc.risks.len(),
        warnings: read.warnings.clone(),
        document_score: read.document_score,
        overall: score.overall,
        verdict: score.verdict.as_str().to_owned(),
        summary,
    }
}

/// Where an import goes.
#[derive(Clone, Debug)]
pub enum Target {
    /// Into this existing project (by slug).
    Existing(String),
    /// A new project in this team, named (blank: the document's name) and with this slug
    /// (blank: from the name).
    New {
        /// Owning team.
        team_id: i32,
        /// Name.
        name: String,
        /// Slug.
        slug: String,
    },
}

/// Reads a document and shows what importing it would do; writes nothing.
pub async fn preview(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    target: &Target,
    format: &str,
    input: &str,
    today: NaiveDate,
) -> Result<ImportPreview, AppError> {
    // Access first: reading grows with the input.
    let project = authorize(db, user, target).await?;
    let (format, input) = (format.to_owned(), input.to_owned());
    let read = read_off_the_workers(move || read(&format, &input)).await?;
    match (project, target) {
        (Some(project), _) => {
            let members = members_by_email(db, project.team_id).await?;
            check_people(&read.doc, &members)?;
            let (cats, rows, risk_titles) = current(db, project.id).await?;
            let plan = plan(&read.doc, &cats, &rows, &risk_titles, &members);
            let summary = plan.summary;
            Ok(preview_of(
                &read,
                Some((&project, &cats, &rows, &plan)),
                summary,
                today,
            ))
        }
        (None, Target::New { team_id, .. }) => {
            check_people(&read.doc, &members_by_email(db, *team_id).await?)?;
            let summary = plan(&read.doc, &[], &[], &HashSet::new(), &HashMap::new()).summary;
            Ok(preview_of(&read, None, summary, today))
        }
        (None, Target::Existing(_)) => Err(AppError::NotFound),
    }
}

/// Imports a document: into a new project, or merged into an existing one. All or nothing.
/// Returns the project's slug and what was done.
///
/// Access is decided before the document is read: reading is work that grows with the input,
/// so only someone who may import here pays for it. Reading and checking run on a blocking
/// thread, outside the write transaction (they are CPU work, linear in the document, which is
/// capped in bytes and in categories, items and risks).
pub async fn import(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    target: Target,
    format: &str,
    input: String,
) -> Result<(String, ImportSummary), AppError> {
    authorize(db, user, &target).await?;
    let owned_format = format.to_owned();
    let read = read_off_the_workers(move || read(&owned_format, &input)).await?;
    write_document(db, user, target, read.doc, format).await
}

/// May `user` import into `target`? The existing project, when it is one. (The write path
/// checks again inside its transaction.)
async fn authorize(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    target: &Target,
) -> Result<Option<projects::Model>, AppError> {
    match target {
        Target::Existing(slug) => {
            let project = find_by_slug(db, slug).await?;
            authz::can_edit_project(db, user, &project).await?;
            Ok(Some(project))
        }
        Target::New { team_id, .. } => {
            authz::can_create_project_in_team(db, user, *team_id).await?;
            Ok(None)
        }
    }
}

/// Runs a document's reading on a blocking thread.
async fn read_off_the_workers(
    work: impl FnOnce() -> Result<Read, AppError> + Send + 'static,
) -> Result<Read, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal("reading a document", e))?
}

/// Writes a document (a template's, say): into a new project, or merged into an existing one.
/// All or nothing. `source` names where it came from, for the audit log.
pub async fn import_document(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    target: Target,
    doc: Document,
    source: &str,
) -> Result<(String, ImportSummary), AppError> {
    check(&doc)?;
    write_document(db, user, target, doc, source).await
}

/// [`import_document`] for a document [`check`] has passed.
async fn write_document(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    target: Target,
    doc: Document,
    source: &str,
) -> Result<(String, ImportSummary), AppError> {
    let txn = crate::txn::begin(db).await?;
    let (project, members, (cats, rows, risk_titles), is_new) = match target {
        Target::Existing(slug) => {
            let project = find_by_slug(&txn, &slug).await?;
            authz::can_edit_project(&txn, user, &project).await?;
            let members = members_by_email(&txn, project.team_id).await?;
            let now = current(&txn, project.id).await?;
            (project, members, now, false)
        }
        Target::New {
            team_id,
            name,
            slug,
        } => {
            let checked = check_new(NewProject {
                name: if name.trim().is_empty() {
                    doc.project.name.clone()
                } else {
                    name
                },
                slug: if slug.trim().is_empty() {
                    doc.project.slug.clone()
                } else {
                    slug
                },
                description: doc.project.description.clone(),
                team_id,
            })?;
            authz::can_create_project_in_team(&txn, user, team_id).await?;
            let members = members_by_email(&txn, team_id).await?;
            check_people(&doc, &members)?;
            let mut project = insert_project(&txn, user, checked).await?;
            let p = &doc.project;
            if p.threshold.is_some()
                || p.evidence_required
                || p.repository_url.is_some()
                || p.target_date.is_some()
            {
                let mut am: projects::ActiveModel = project.clone().into();
                am.threshold = Set(p.threshold.unwrap_or(80));
                am.evidence_required = Set(p.evidence_required);
                am.repository_url = Set(p.repository_url.clone());
                am.target_date = Set(p.target_date);
                project = am.update(&txn).await?;
            }
            if let Some(m) = &doc.matrix {
                risk_matrices::ActiveModel {
                    project_id: Set(project.id),
                    spec: Set(serde_json::to_string(m).unwrap_or_default()),
                    version: Set(1),
                    updated_at: Set(Utc::now()),
                }
                .insert(&txn)
                .await?;
            }
            (project, members, Default::default(), true)
        }
    };
    check_people(&doc, &members)?;
    let (matrix, seen) = matrix_of(&txn, project.id).await?;
    crate::risks::service::hold_matrix(&txn, project.id, seen).await?;
    check_risks_fit(&doc, &matrix)?;
    let plan = plan(&doc, &cats, &rows, &risk_titles, &members);
    check_rules(&doc, &plan, &rows, &project, Utc::now().date_naive())?;
    crate::checklist::service::check_room(
        &txn,
        project.id,
        u64::try_from(plan.summary.items_added).unwrap_or(u64::MAX),
        "document",
    )
    .await?;
    let comments = write(&txn, user, &project, &doc, &plan, &members, &cats).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", project.id, "imported")
            .in_project(&project)
            .after(&serde_json::json!({
                "format": source,
                "new_project": is_new,
                "summary": plan.summary,
                "comments_added": comments,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok((project.slug, plan.summary))
}

/// The rules the checklist applies to a change apply to an import's too, for every item it adds
/// or changes: a project that requires evidence gets no item marked done without any, and an
/// accepted risk is accepted until today or later.
fn check_rules(
    doc: &Document,
    plan: &Plan,
    rows: &[items::Model],
    project: &projects::Model,
    today: NaiveDate,
) -> Result<(), AppError> {
    let existing: HashMap<i32, &items::Model> = rows.iter().map(|r| (r.id, r)).collect();
    let mut problems: Vec<String> = Vec::new();
    for (c, (_, _, actions)) in doc.categories.iter().zip(&plan.categories) {
        for (i, action) in c.items.iter().zip(actions) {
            let before = match action {
                ItemAction::Add => None,
                ItemAction::Update(id) => existing.get(id).copied(),
                ItemAction::Same(_) => continue,
            };
            let has = |new: &str, old: Option<&str>| {
                !new.trim().is_empty() || old.is_some_and(|o| !o.trim().is_empty())
            };
            let evidence = has(&i.evidence_url, before.map(|b| b.evidence_url.as_str()))
                || has(&i.evidence_text, before.map(|b| b.evidence_text.as_str()));
            if project.evidence_required && i.status == Status::Done && !evidence {
                problems.push(format!(
                    "“{}” in “{}” is done without evidence, which this project requires",
                    i.title, c.name
                ));
            }
            let was = before.map(|b| (b.status.as_str(), b.accepted_until));
            let changes_acceptance = was != Some((Status::AcceptedRisk.as_str(), i.accepted_until));
            if i.status == Status::AcceptedRisk
                && changes_acceptance
                && i.accepted_until.is_some_and(|d| d < today)
            {
                problems.push(format!(
                    "“{}” in “{}” is accepted until a day already past",
                    i.title, c.name
                ));
            }
        }
    }
    nothing_imported(problems)
}

/// Risks must lie on the project's matrix (merging into a project with a 3 × 3 matrix).
fn check_risks_fit(doc: &Document, matrix: &RiskMatrix) -> Result<(), AppError> {
    let off: Vec<&str> = doc
        .risks
        .iter()
        .filter(|r| {
            !matrix.contains(r.likelihood, r.impact)
                || !matrix.contains(r.target_likelihood, r.target_impact)
        })
        .map(|r| r.title.as_str())
        .collect();
    if off.is_empty() {
        Ok(())
    } else {
        Err(document_error(format!(
            "Nothing was imported. These risks lie outside the project's {}×{} matrix: {}.",
            matrix.likelihood_steps(),
            matrix.impact_steps(),
            off.join(", ")
        )))
    }
}

fn new_item(
    project_id: i32,
    category_id: i32,
    position: i32,
    i: &ItemDoc,
    user: &AuthUser,
    members: &HashMap<String, i32>,
) -> items::ActiveModel {
    let now = Utc::now();
    let closed = i.status.is_closed();
    items::ActiveModel {
        project_id: Set(project_id),
        category_id: Set(category_id),
        title: Set(i.title.trim().to_owned()),
        description: Set(i.description.clone()),
        priority: Set(i.priority),
        blocking: Set(i.is_blocking()),
        status: Set(i.status),
        status_reason: Set(i.status_reason.clone()),
        accepted_until: Set(i.accepted_until),
        assignee_id: Set(i
            .assignee
            .as_ref()
            .and_then(|e| members.get(&e.trim().to_lowercase()).copied())),
        due_date: Set(i.due_date),
        effort_hours: Set(i.effort_hours),
        evidence_url: Set(i.evidence_url.clone()),
        evidence_text: Set(i.evidence_text.clone()),
        closed_by: Set(closed.then_some(user.id)),
        closed_at: Set(closed.then_some(now)),
        position: Set(position),
        version: Set(1),
        updated_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

#[allow(clippy::too_many_arguments)]
async fn write(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
    plan: &Plan,
    members: &HashMap<String, i32>,
    cats: &[categories::Model],
) -> Result<u64, AppError> {
    let actor = Actor::from(user);
    let now = Utc::now();
    let mut next_category = cats.iter().map(|c| c.position).max().unwrap_or(0);
    let existing_rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let rows_by_id: HashMap<i32, &items::Model> = existing_rows.iter().map(|r| (r.id, r)).collect();
    let mut next_item: HashMap<i32, i32> = HashMap::new();
    for r in &existing_rows {
        let e = next_item.entry(r.category_id).or_insert(0);
        *e = (*e).max(r.position);
    }
    let mut inserts: Vec<items::ActiveModel> = Vec::new();
    let mut category_ids: Vec<i32> = Vec::with_capacity(doc.categories.len());
    for (c, (row, score_changes, actions)) in doc.categories.iter().zip(&plan.categories) {
        let category_id = match row {
            Some(row) => {
                if *score_changes {
                    let before = category_state(row);
                    let mut am: categories::ActiveModel = row.clone().into();
                    am.assessor_score = Set(c.assessor_score);
                    am.version = Set(row.version + 1);
                    am.updated_at = Set(now);
                    let after = crate::txn::update_at_version(
                        txn,
                        am,
                        categories::Column::Version,
                        row.version,
                    )
                    .await?
                    .ok_or_else(|| changed_meanwhile("category", &row.name))?;
                    record(
                        txn,
                        &actor,
                        Event::new("category", after.id, "updated")
                            .in_project(project)
                            .before(&before)
                            .after(&category_state(&after)),
                    )
                    .await?;
                }
                row.id
            }
            None => {
                next_category += 1;
                insert_category(txn, project.id, next_category, c).await?.id
            }
        };
        category_ids.push(category_id);
        for (i, action) in c.items.iter().zip(actions) {
            match action {
                ItemAction::Add => {
                    let position = next_item.entry(category_id).or_insert(0);
                    *position += 1;
                    inserts.push(new_item(
                        project.id,
                        category_id,
                        *position,
                        i,
                        user,
                        members,
                    ));
                }
                ItemAction::Update(id) => {
                    if let Some(r) = rows_by_id.get(id) {
                        update_item(txn, &actor, user, project, r, i, members).await?;
                    }
                }
                ItemAction::Same(_) => {}
            }
        }
    }
    // Many rows a statement, few enough to stay under SQLite's and Postgres' bind limits.
    let mut pending = inserts.into_iter().peekable();
    while pending.peek().is_some() {
        let chunk: Vec<items::ActiveModel> = pending.by_ref().take(500).collect();
        items::Entity::insert_many(chunk).exec(txn).await?;
    }
    let comments = write_comments(txn, user, project, doc, &category_ids, members).await?;
    write_risks(txn, user, project, doc, plan, members).await?;
    Ok(comments)
}

/// Adds the document's comments that the items do not have yet (same time and text), so a
/// re-import adds none twice. Returns how many.
///
/// A document can say anything about who wrote what: an importer's comments are their own,
/// with the document's author and date kept in the text, and only a site administrator
/// (restoring a project, say) keeps the document's authors (those on the team; the others'
/// words are kept without an author).
async fn write_comments(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
    category_ids: &[i32],
    members: &HashMap<String, i32>,
) -> Result<u64, AppError> {
    if doc
        .categories
        .iter()
        .all(|c| c.items.iter().all(|i| i.comments.is_empty()))
    {
        return Ok(0);
    }
    let rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let ids: HashMap<(i32, String), i32> = rows
        .iter()
        .map(|r| ((r.category_id, name_key(&r.title)), r.id))
        .collect();
    let existing: std::collections::HashSet<(i32, i64, String)> = item_comments::Entity::find()
        .filter(item_comments::Column::ItemId.is_in(rows.iter().map(|r| r.id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|n| (n.item_id, n.created_at.timestamp_micros(), n.body))
        .collect();
    let mut inserts: Vec<item_comments::ActiveModel> = Vec::new();
    for (c, category_id) in doc.categories.iter().zip(category_ids) {
        for i in &c.items {
            let Some(item_id) = ids.get(&(*category_id, name_key(&i.title))) else {
                continue;
            };
            for n in &i.comments {
                let (author_id, body) = if user.is_admin {
                    let author = n
                        .author
                        .as_ref()
                        .and_then(|e| members.get(&e.trim().to_lowercase()))
                        .copied();
                    (author, n.body.clone())
                } else {
                    let said_by = n.author.as_deref().map(str::trim).unwrap_or_default();
                    let body = if said_by.is_empty() || said_by.eq_ignore_ascii_case(&user.email) {
                        n.body.clone()
                    } else {
                        format!(
                            "{}\n\n— imported; written by {said_by} on {}",
                            n.body,
                            n.created_at.format("%Y-%m-%d")
                        )
                    };
                    (Some(user.id), body)
                };
                let key = (*item_id, n.created_at.timestamp_micros(), body.clone());
                if existing.contains(&key) {
                    continue;
                }
                inserts.push(item_comments::ActiveModel {
                    item_id: Set(*item_id),
                    author_id: Set(author_id),
                    body: Set(body),
                    created_at: Set(n.created_at),
                    ..Default::default()
                });
            }
        }
    }
    let added = inserts.len() as u64;
    let mut pending = inserts.into_iter().peekable();
    while pending.peek().is_some() {
        let chunk: Vec<item_comments::ActiveModel> = pending.by_ref().take(500).collect();
        item_comments::Entity::insert_many(chunk).exec(txn).await?;
    }
    Ok(added)
}

async fn insert_category(
    txn: &impl ConnectionTrait,
    project_id: i32,
    position: i32,
    c: &CategoryDoc,
) -> Result<categories::Model, AppError> {
    let now = Utc::now();
    Ok(categories::ActiveModel {
        project_id: Set(project_id),
        name: Set(c.name.trim().to_owned()),
        position: Set(position),
        weight: Set(c.weight),
        assessor_score: Set(c.assessor_score),
        assessor_note: Set(c.assessor_note.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// A row the import read changed before the import wrote it (someone saved it meanwhile): the
/// import stops and nothing of it is kept, rather than overwrite that change.
fn changed_meanwhile(what: &str, name: &str) -> AppError {
    AppError::Conflict(format!(
        "The {what} “{name}” was changed while the document was being imported, so nothing \
         was imported. Import it again to apply it on top of that change."
    ))
}

#[allow(clippy::too_many_arguments)]
async fn update_item(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    user: &AuthUser,
    project: &projects::Model,
    r: &items::Model,
    i: &ItemDoc,
    members: &HashMap<String, i32>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let before = item_state(r);
    let was_closed = r.status.is_closed();
    let closed = i.status.is_closed();
    let mut am: items::ActiveModel = r.clone().into();
    am.status = Set(i.status);
    am.priority = Set(i.priority);
    if let Some(b) = i.blocking {
        am.blocking = Set(b);
    }
    if !i.description.is_empty() {
        am.description = Set(i.description.clone());
    }
    if i.effort_hours.is_some() {
        am.effort_hours = Set(i.effort_hours);
    }
    if i.due_date.is_some() {
        am.due_date = Set(i.due_date);
    }
    if !i.evidence_url.is_empty() {
        am.evidence_url = Set(i.evidence_url.clone());
    }
    if !i.evidence_text.is_empty() {
        am.evidence_text = Set(i.evidence_text.clone());
    }
    if !i.status_reason.is_empty() {
        am.status_reason = Set(i.status_reason.clone());
    }
    am.accepted_until = Set(if i.status == Status::AcceptedRisk {
        i.accepted_until
    } else {
        None
    });
    if let Some(id) = i
        .assignee
        .as_ref()
        .and_then(|e| members.get(&e.trim().to_lowercase()))
    {
        am.assignee_id = Set(Some(*id));
    }
    if closed && !was_closed {
        am.closed_by = Set(Some(user.id));
        am.closed_at = Set(Some(now));
    } else if !closed {
        am.closed_by = Set(None);
        am.closed_at = Set(None);
    }
    am.version = Set(r.version + 1);
    am.updated_by = Set(Some(user.id));
    am.updated_at = Set(now);
    let after = crate::txn::update_at_version(txn, am, items::Column::Version, r.version)
        .await?
        .ok_or_else(|| changed_meanwhile("item", &r.title))?;
    record(
        txn,
        actor,
        Event::new("item", after.id, "updated")
            .in_project(project)
            .before(&before)
            .after(&item_state(&after)),
    )
    .await?;
    Ok(())
}

async fn write_risks(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
    plan: &Plan,
    members: &HashMap<String, i32>,
) -> Result<(), AppError> {
    if !plan.risks.iter().any(|new| *new) {
        return Ok(());
    }
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let category_ids: HashMap<String, i32> = cats
        .iter()
        .rev()
        .map(|c| (name_key(&c.name), c.id))
        .collect();
    let category_id = |name: &str| category_ids.get(&name_key(name)).copied();
    let mut item_ids: HashMap<(i32, String), i32> = HashMap::new();
    for i in rows.iter().rev() {
        item_ids.insert((i.category_id, name_key(&i.title)), i.id);
    }
    for (r, _) in doc.risks.iter().zip(&plan.risks).filter(|(_, new)| **new) {
        let risk = new_risk(
            project.id,
            r,
            r.category.as_deref().and_then(category_id),
            members,
            user,
        )
        .insert(txn)
        .await?;
        let mut linked = HashSet::new();
        for link in &r.items {
            let Some(cid) = category_id(&link.category) else {
                continue;
            };
            if let Some(item_id) = item_ids.get(&(cid, name_key(&link.title))).copied()
                && linked.insert(item_id)
            {
                risk_items::ActiveModel {
                    risk_id: Set(risk.id),
                    item_id: Set(item_id),
                }
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(())
}

fn new_risk(
    project_id: i32,
    r: &RiskDoc,
    category_id: Option<i32>,
    members: &HashMap<String, i32>,
    user: &AuthUser,
) -> risks::ActiveModel {
    let now = Utc::now();
    risks::ActiveModel {
        project_id: Set(project_id),
        category_id: Set(category_id),
        title: Set(r.title.trim().to_owned()),
        description: Set(r.description.clone()),
        owner_id: Set(r
            .owner
            .as_ref()
            .and_then(|e| members.get(&e.trim().to_lowercase()).copied())),
        status: Set(r.status),
        likelihood: Set(r.likelihood),
        impact: Set(r.impact),
        target_likelihood: Set(r.target_likelihood),
        target_impact: Set(r.target_impact),
        version: Set(1),
        updated_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}
