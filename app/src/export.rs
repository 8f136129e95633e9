//! Exports of a whole project: Preflight JSON (everything the importer reads, so an export
//! imports back to the same project) and a CSV of items (the importer's columns, with cells
//! that a spreadsheet would run as formulas escaped).

pub mod archive;

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    auth::model::AuthUser,
    checklist::rows::project_rows,
    entities::{
        evidence_files, item_comments, items, projects, reviews, risk_items, risk_matrices, risks,
        users,
    },
    error::AppError,
    import::{
        csv_items::{COLUMNS, FORMULA_START},
        doc::{self, CategoryDoc, CommentDoc, Document, ItemDoc, ItemRef, ProjectDoc, RiskDoc},
    },
    report,
    risks::matrix::RiskMatrix,
};

/// The formats a project exports to.
pub const FORMATS: [&str; 5] = ["pdf", "md", "html", "csv", "json"];

/// A file to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// `{slug}-readiness-{date}.{ext}`.
    pub filename: String,
    /// Content type with charset.
    pub content_type: &'static str,
    /// The bytes.
    pub body: Vec<u8>,
}

/// The project's evidence files as the export lists them, by item.
async fn files_by_item(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<HashMap<i32, Vec<doc::FileDoc>>, AppError> {
    let mut files: HashMap<i32, Vec<doc::FileDoc>> = HashMap::new();
    for f in evidence_files::Entity::find()
        .filter(evidence_files::Column::ProjectId.eq(project_id))
        .order_by_asc(evidence_files::Column::Id)
        .all(db)
        .await?
    {
        files.entry(f.item_id).or_default().push(doc::FileDoc {
            path: archive::path_of(f.id, &f.name),
            name: f.name,
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
            uploaded_at: f.created_at,
        });
    }
    Ok(files)
}

/// What a document carries of a project's governance: its tier, required groups, category
/// owners, pending exception requests and the campaigns its items came from, by name.
struct Governance {
    tier: Option<String>,
    groups: Vec<String>,
    group_names: HashMap<i32, String>,
    pending: HashMap<i32, crate::import::doc::ExceptionDoc>,
    campaigns: HashMap<i32, String>,
}

/// Reads a project's [`Governance`] (six queries).
async fn governance(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    rows: &[items::Model],
) -> Result<Governance, AppError> {
    use crate::entities::{
        campaign_items, campaigns, exceptions, project_signoff_groups, reviewer_groups, tiers,
    };
    let group_names: HashMap<i32, String> = reviewer_groups::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut groups: Vec<String> = project_signoff_groups::Entity::find()
        .filter(project_signoff_groups::Column::ProjectId.eq(project.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| group_names.get(&r.group_id).cloned())
        .collect();
    groups.sort();
    let tier = match project.tier_id {
        Some(id) => tiers::Entity::find_by_id(id).one(db).await?.map(|t| t.name),
        None => None,
    };
    let requests = exceptions::Entity::find()
        .filter(exceptions::Column::ProjectId.eq(project.id))
        .filter(exceptions::Column::State.eq("pending"))
        .all(db)
        .await?;
    let askers: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(requests.iter().filter_map(|r| r.requested_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let pending = requests
        .into_iter()
        .map(|r| {
            (
                r.item_id,
                crate::import::doc::ExceptionDoc {
                    requested_by: r.requested_by.and_then(|u| askers.get(&u).cloned()),
                    status: r.status,
                    reason: r.reason,
                    until: r.until,
                    requested_at: r.requested_at,
                },
            )
        })
        .collect();
    let linked: Vec<i32> = rows.iter().filter_map(|i| i.campaign_item_id).collect();
    let mut campaigns_by_item = HashMap::new();
    if !linked.is_empty() {
        let wanted = campaign_items::Entity::find()
            .filter(campaign_items::Column::Id.is_in(linked))
            .all(db)
            .await?;
        let names: HashMap<i32, String> = campaigns::Entity::find()
            .filter(campaigns::Column::Id.is_in(wanted.iter().map(|w| w.campaign_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        for w in wanted {
            if let Some(n) = names.get(&w.campaign_id) {
                campaigns_by_item.insert(w.id, n.clone());
            }
        }
    }
    Ok(Governance {
        tier,
        groups,
        group_names,
        pending,
        campaigns: campaigns_by_item,
    })
}

/// The project's own fields as the document carries them.
fn project_doc(project: &projects::Model, gov: &Governance) -> ProjectDoc {
    ProjectDoc {
        name: project.name.clone(),
        slug: project.slug.clone(),
        description: project.description.clone(),
        repository_url: project.repository_url.clone(),
        target_date: project.target_date,
        threshold: Some(project.threshold),
        evidence_required: project.evidence_required,
        capacity_hours: project.capacity_hours,
        review_every_days: project.review_every_days,
        tier: gov.tier.clone(),
        signoff_groups: gov.groups.clone(),
        approve_accepted_risk: project.approve_accepted_risk,
        approve_not_applicable: project.approve_not_applicable,
        exception_max_days: (project.exception_max_days != 90)
            .then_some(project.exception_max_days),
        exception_approvers: project
            .exception_group_id
            .and_then(|g| gov.group_names.get(&g).cloned()),
    }
}

/// The whole project as a Preflight document (fourteen queries whatever its size).
pub async fn document(
    db: &impl ConnectionTrait,
    project: &projects::Model,
) -> Result<Document, AppError> {
    let (cats, rows) = project_rows(db, project.id).await?;
    let register = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project.id))
        .order_by_asc(risks::Column::Id)
        .all(db)
        .await?;
    let links = risk_items::Entity::find()
        .filter(risk_items::Column::RiskId.is_in(register.iter().map(|r| r.id)))
        .all(db)
        .await?;
    let matrix = risk_matrices::Entity::find_by_id(project.id)
        .one(db)
        .await?;
    let notes = item_comments::Entity::find()
        .filter(item_comments::Column::ItemId.is_in(rows.iter().map(|i| i.id)))
        .order_by_asc(item_comments::Column::CreatedAt)
        .order_by_asc(item_comments::Column::Id)
        .all(db)
        .await?;
    let mut comments: HashMap<i32, Vec<&item_comments::Model>> = HashMap::new();
    for n in &notes {
        comments.entry(n.item_id).or_default().push(n);
    }
    let people: Vec<i32> = rows
        .iter()
        .filter_map(|i| i.assignee_id)
        .chain(register.iter().filter_map(|r| r.owner_id))
        .chain(notes.iter().filter_map(|n| n.author_id))
        .collect();
    let emails: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let email = |id: Option<i32>| id.and_then(|id| emails.get(&id).cloned());
    let category_names: HashMap<i32, String> =
        cats.iter().map(|c| (c.id, c.name.clone())).collect();

    let mut gov = governance(db, project, &rows).await?;
    let mut files = files_by_item(db, project.id).await?;
    let phases = crate::phases::service::phases_of(db, project.id).await?;
    let phase_names: HashMap<i32, String> = phases.iter().map(|p| (p.id, p.name.clone())).collect();
    let mut by_category: HashMap<i32, Vec<&items::Model>> = HashMap::new();
    for i in &rows {
        by_category.entry(i.category_id).or_default().push(i);
    }
    let categories = cats
        .iter()
        .map(|c| CategoryDoc {
            name: c.name.clone(),
            weight: c.weight,
            assessor_score: c.assessor_score,
            assessor_note: c.assessor_note.clone(),
            valid_for_days: c.valid_for_days,
            reviewer_group: c
                .reviewer_group_id
                .and_then(|g| gov.group_names.get(&g).cloned()),
            items: by_category
                .get(&c.id)
                .map(|items| {
                    items
                        .iter()
                        .map(|i| {
                            let mut doc = item_doc(i, &email, comments.get(&i.id));
                            doc.files = files.remove(&i.id).unwrap_or_default();
                            doc.phase = i.phase_id.and_then(|p| phase_names.get(&p).cloned());
                            doc.exception = gov.pending.remove(&i.id);
                            doc.campaign = i
                                .campaign_item_id
                                .and_then(|c| gov.campaigns.get(&c).cloned());
                            doc
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let item_refs: HashMap<i32, (i32, ItemRef)> = rows
        .iter()
        .filter_map(|i| {
            category_names.get(&i.category_id).map(|c| {
                (
                    i.id,
                    (
                        i.position,
                        ItemRef {
                            category: c.clone(),
                            title: i.title.clone(),
                        },
                    ),
                )
            })
        })
        .collect();
    let risks = risk_docs(&register, &links, &item_refs, &category_names, &email);
    Ok(Document {
        format: doc::FORMAT.to_owned(),
        version: doc::VERSION,
        project: project_doc(project, &gov),
        categories,
        risks,
        matrix: matrix.and_then(|m| serde_json::from_str::<RiskMatrix>(&m.spec).ok()),
        phases: phases
            .into_iter()
            .map(|p| crate::import::doc::PhaseDoc {
                name: p.name,
                goal: p.goal,
                target_date: p.target_date,
            })
            .collect(),
    })
}

/// One item as the document carries it, with its comments.
fn item_doc(
    i: &items::Model,
    email: &impl Fn(Option<i32>) -> Option<String>,
    comments: Option<&Vec<&item_comments::Model>>,
) -> ItemDoc {
    ItemDoc {
        title: i.title.clone(),
        description: i.description.clone(),
        status: i.status,
        priority: i.priority,
        blocking: Some(i.blocking),
        status_reason: i.status_reason.clone(),
        accepted_until: i.accepted_until,
        assignee: email(i.assignee_id),
        due_date: i.due_date,
        effort_hours: i.effort_hours,
        evidence_url: i.evidence_url.clone(),
        evidence_text: i.evidence_text.clone(),
        comments: comments
            .map(|list| {
                list.iter()
                    .map(|n| CommentDoc {
                        author: email(n.author_id),
                        created_at: n.created_at,
                        body: n.body.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        valid_for_days: i.valid_for_days,
        files: Vec::new(),
        phase: None,
        exception: None,
        campaign: None,
    }
}

/// The register as the document carries it: each risk with the items it is linked to, in
/// category and checklist order.
fn risk_docs(
    register: &[risks::Model],
    links: &[risk_items::Model],
    item_refs: &HashMap<i32, (i32, ItemRef)>,
    category_names: &HashMap<i32, String>,
    email: &impl Fn(Option<i32>) -> Option<String>,
) -> Vec<RiskDoc> {
    let mut linked_to: HashMap<i32, Vec<&(i32, ItemRef)>> = HashMap::new();
    for l in links {
        if let Some(item) = item_refs.get(&l.item_id) {
            linked_to.entry(l.risk_id).or_default().push(item);
        }
    }
    register
        .iter()
        .map(|r| {
            let mut linked = linked_to.remove(&r.id).unwrap_or_default();
            linked.sort_by(|a, b| (&a.1.category, a.0).cmp(&(&b.1.category, b.0)));
            RiskDoc {
                title: r.title.clone(),
                description: r.description.clone(),
                category: r
                    .category_id
                    .and_then(|id| category_names.get(&id).cloned()),
                owner: email(r.owner_id),
                status: r.status,
                likelihood: r.likelihood,
                impact: r.impact,
                target_likelihood: r.target_likelihood,
                target_impact: r.target_impact,
                items: linked.into_iter().map(|(_, i)| i.clone()).collect(),
            }
        })
        .collect()
}

/// A cell as text a spreadsheet will not evaluate: `=`, `+`, `-`, `@`, a tab or a carriage
/// return at the start get a leading `'` (the importer takes it off again).
pub(crate) fn cell(text: &str) -> String {
    if text.starts_with(FORMULA_START) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The items as CSV with the importer's columns.
pub fn items_csv(doc: &Document) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![COLUMNS.iter().map(|c| (*c).to_owned()).collect()];
    for c in &doc.categories {
        for i in &c.items {
            rows.push(vec![
                cell(&c.name),
                cell(&i.title),
                cell(&i.description),
                i.priority.as_str().to_owned(),
                i.is_blocking().to_string(),
                i.status.as_str().to_owned(),
                cell(i.assignee.as_deref().unwrap_or_default()),
                i.due_date.map(|d| d.to_string()).unwrap_or_default(),
                i.effort_hours.map(|h| h.to_string()).unwrap_or_default(),
                cell(if i.evidence_url.is_empty() {
                    &i.evidence_text
                } else {
                    &i.evidence_url
                }),
            ]);
        }
    }
    for row in rows {
        // Writing to memory cannot fail.
        let _ = out.write_record(&row);
    }
    out.into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// PDF renders running at once, per process: each takes a core for up to a second on a large
/// project, so a burst of them must not take every core from the pages. A render waits up to
/// [`PDF_WAIT`] for a slot, then answers `Busy` (503 with `Retry-After`).
pub const PDF_RENDERS: usize = 2;
/// See [`PDF_RENDERS`].
pub const PDF_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

async fn pdf_slot() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    pdf_slot_within(PDF_WAIT).await
}

/// A PDF render slot, waiting at most `wait` for one.
pub async fn pdf_slot_within(
    wait: std::time::Duration,
) -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PDF_RENDERS);
    slot(&SLOTS, wait).await
}

/// A permit of `slots`, waiting at most `wait` for one (then `Busy`: 503 with `Retry-After`).
pub(crate) async fn slot(
    slots: &'static tokio::sync::Semaphore,
    wait: std::time::Duration,
) -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    match tokio::time::timeout(wait, slots.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) => Err(AppError::Internal),
        Err(_) => Err(AppError::Busy(5)),
    }
}

/// Project `project` in `format`, live or as of final review `review` (reports only; CSV
/// and JSON are always the live project), named for `today`. No access check: the caller has
/// done it (or is the command line, or a share link).
pub async fn export_project(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    format: &str,
    review: Option<&reviews::Model>,
    today: NaiveDate,
) -> Result<Export, AppError> {
    let (content_type, body) = match format {
        "json" => (
            "application/json",
            doc::to_json(&document(db, project).await?).into_bytes(),
        ),
        "csv" => (
            "text/csv; charset=utf-8",
            items_csv(&document(db, project).await?).into_bytes(),
        ),
        "md" | "html" | "pdf" => {
            let report = report::service::load(db, project, review, today).await?;
            match format {
                "md" => (
                    "text/markdown; charset=utf-8",
                    report::markdown::render(&report).into_bytes(),
                ),
                "html" => (
                    "text/html; charset=utf-8",
                    report::html::document(&report, report::html::Styles::Inline).into_bytes(),
                ),
                // Layout and font subsetting are CPU work: kept off the async workers, and
                // only a few at once (see `PDF_RENDERS`).
                _ => {
                    let _slot = pdf_slot().await?;
                    (
                        "application/pdf",
                        tokio::task::spawn_blocking(move || report::pdf::render(&report))
                            .await
                            .map_err(|_| AppError::Internal)??,
                    )
                }
            }
        }
        _ => {
            return Err(AppError::field(
                "format",
                format!("Choose one of: {}.", FORMATS.join(", ")),
            ));
        }
    };
    let suffix = review
        .map(|r| {
            if r.version_label.is_empty() {
                format!("-review-{}", r.id)
            } else {
                format!("-{}", crate::projects::model::slugify(&r.version_label))
            }
        })
        .unwrap_or_default();
    Ok(Export {
        filename: format!("{}-readiness-{today}{suffix}.{format}", project.slug),
        content_type,
        body,
    })
}

/// Project `slug` in `format` (as of final review `review`, an id or a version label), for a
/// user who may see it (exports are reads).
pub async fn export(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    format: &str,
    review: Option<&str>,
    today: NaiveDate,
) -> Result<Export, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let project = seen.project;
    let review = match review.filter(|r| !r.is_empty()) {
        Some(r) => Some(report::service::find_final(db, &project, r).await?),
        None => None,
    };
    export_project(db, &project, format, review.as_ref(), today).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pdf_renders_past_the_limit_wait_then_answer_busy() {
        let held: Vec<_> = futures_slots(PDF_RENDERS).await;
        let busy = pdf_slot_within(std::time::Duration::from_millis(50)).await;
        assert!(matches!(busy, Err(AppError::Busy(_))), "{busy:?}");
        drop(held);
        assert!(
            pdf_slot_within(std::time::Duration::from_millis(50))
                .await
                .is_ok()
        );
    }

    async fn futures_slots(n: usize) -> Vec<tokio::sync::SemaphorePermit<'static>> {
        let mut held = Vec::new();
        for _ in 0..n {
            held.push(
                pdf_slot_within(PDF_WAIT)
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        held
    }
}
