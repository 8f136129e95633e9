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
        model::slugify,
        service::{NewProject, check_new, insert_project},
    },
    risks::{matrix::RiskMatrix, stored::matrix_of},
    scoring::{CategoryFacts, ItemFacts, Priority, Status, score_project},
};

mod check;
mod plan;
mod write;

use check::*;
use plan::*;
use write::*;

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
            let mut doc = parsed.doc;
            if let Some(days) = parsed.ready_within_days
                && doc.project.target_date.is_none()
            {
                let date = crate::clock::today() + chrono::Days::new(u64::from(days));
                doc.project.target_date = Some(date);
                warnings.push(format!(
                    "The document says production-ready within {days} days: the target launch \
                     date is {date}, {days} days from today (the day of this import), unless \
                     the project has one already."
                ));
            }
            Read {
                doc,
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
            let seen = crate::projects::access::project(db, user, slug).await?;
            seen.require_edit()?;
            let project = seen.project;
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
