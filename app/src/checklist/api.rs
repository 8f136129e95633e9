//! Server functions for checklists. Each authorizes through `authz` (in the service); every
//! item change carries the version the user saw.
// A server function takes one parameter per form field, and item forms have many fields.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{ChecklistView, CommentView, ItemFilter, ItemView};
use crate::{audit::model::AuditEntry, error::AppError};

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::clock::today()
}

/// The project's checklist, filtered (every filter field optional; see [`ItemFilter`]).
#[server(prefix = "/rpc", endpoint = "get_checklist", input = server_fn::codec::GetUrl)]
pub async fn get_checklist(
    slug: String,
    #[server(default)] filter: ItemFilter,
    /// The part of a long checklist to show (see [`super::model::Window`]).
    #[server(default)]
    window: super::model::Window,
) -> Result<ChecklistView, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    let user = require_user()?;
    super::service::load_window(&s.db, &s.memo, &user, &slug, &filter, window, today()).await
}

/// The project overview's readiness panel (verdict, category scores, blocking gaps, overdue
/// items, open items per assignee).
#[server(prefix = "/rpc", endpoint = "get_overview", input = server_fn::codec::GetUrl)]
pub async fn get_overview(slug: String) -> Result<super::model::OverviewView, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    super::service::overview(&s.db, &s.memo, &require_user()?, &slug, today()).await
}

/// An item with its comments and history.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemDetail {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub project_name: String,
    /// The item's category name.
    pub category_name: String,
    /// What the viewer may do.
    pub permissions: crate::teams::model::Permissions,
    /// Team members (assignee choices).
    pub members: Vec<super::model::Person>,
    /// The item.
    pub item: ItemView,
    /// Comments, oldest first.
    pub comments: Vec<CommentView>,
    /// Audit events of the item, newest first.
    pub history: Vec<AuditEntry>,
    /// Risks this item mitigates (id, title).
    pub risks: Vec<(i32, String)>,
    /// Checks that measure it, with their latest results.
    pub checks: Vec<crate::checks::model::CheckView>,
    /// Evidence files attached to it.
    pub files: Vec<crate::files::model::FileView>,
    /// The plan's phases (id, name), to schedule it into.
    pub phases: Vec<(i32, String)>,
    /// An exception asked for it and waiting for approval: (status label, until, who asked).
    #[serde(default)]
    pub pending_exception: Option<(String, Option<String>, String)>,
}

/// One item with comments and history.
#[server(prefix = "/rpc", endpoint = "get_item", input = server_fn::codec::GetUrl)]
pub async fn get_item(item_id: i32) -> Result<ItemDetail, AppError> {
    use crate::state::{db, require_user};
    use sea_orm::EntityTrait;
    let db = db()?;
    let user = require_user()?;
    let (item, seen) = crate::projects::access::item(&db, &user, item_id).await?;
    let (project, role) = (seen.project.clone(), seen.role);
    let category_name = crate::entities::categories::Entity::find_by_id(item.category_id)
        .one(&db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let view = super::service::item_detail_view(&db, item, today()).await?;
    Ok(ItemDetail {
        slug: project.slug,
        project_name: project.name,
        category_name,
        permissions: crate::authz::permissions(role),
        members: crate::teams::people::members(&db, project.team_id).await?,
        item: view,
        comments: super::service::comments(&db, &seen, item_id).await?,
        history: crate::audit::service::history(&db, "item", &item_id.to_string()).await?,
        risks: crate::risks::service::risks_of_item(&db, item_id).await?,
        checks: crate::checks::service::item_checks(&db, &user, item_id)
            .await?
            .checks,
        files: crate::files::service::files_of(&db, &seen.project, Some(item_id)).await?,
        phases: crate::phases::service::phases_of(&db, seen.project.id)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        pending_exception: crate::exceptions::service::pending_of(&db, item_id).await?,
    })
}

/// Adds a category at the end.
#[server(prefix = "/rpc", endpoint = "create_category")]
pub async fn create_category(
    slug: String,
    name: String,
    #[server(default)] weight: String,
) -> Result<i32, AppError> {
    use super::service::{CategoryInput, create_category};
    use crate::state::{db, require_user};
    let input = CategoryInput {
        name,
        weight,
        ..Default::default()
    };
    create_category(&db()?, &require_user()?, &slug, input).await
}

/// Renames a category, sets its weight and the assessor's score and note.
#[server(prefix = "/rpc", endpoint = "update_category")]
pub async fn update_category(
    category_id: i32,
    version: i32,
    name: String,
    #[server(default)] weight: String,
    #[server(default)] assessor_score: String,
    #[server(default)] assessor_note: String,
) -> Result<(), AppError> {
    use super::service::{CategoryInput, update_category};
    use crate::state::{db, require_user};
    let input = CategoryInput {
        name,
        weight,
        assessor_score,
        assessor_note,
    };
    update_category(&db()?, &require_user()?, category_id, version, input).await
}

/// Moves a category up (`up=true`) or down one place.
#[server(prefix = "/rpc", endpoint = "move_category")]
pub async fn move_category(category_id: i32, up: bool) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::move_category(&db()?, &require_user()?, category_id, up).await
}

/// Deletes a category and its items.
#[server(prefix = "/rpc", endpoint = "delete_category")]
pub async fn delete_category(category_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete_category(&db()?, &require_user()?, category_id).await
}

/// Adds an item to a category.
#[server(prefix = "/rpc", endpoint = "create_item")]
pub async fn create_item(
    category_id: i32,
    title: String,
    #[server(default)] priority: String,
    #[server(default)] blocking: String,
    #[server(default)] description: String,
    #[server(default)] assignee: String,
    #[server(default)] due_date: String,
    #[server(default)] effort_hours: String,
) -> Result<i32, AppError> {
    use super::service::{ItemInput, create_item};
    use crate::state::{db, require_user};
    let input = ItemInput {
        title,
        description,
        priority: if priority.is_empty() {
            "medium".into()
        } else {
            priority
        },
        blocking,
        assignee,
        due_date,
        effort_hours,
        ..Default::default()
    };
    create_item(&db()?, &require_user()?, category_id, input, today()).await
}

/// Edits an item's details. Answers the new version.
#[server(prefix = "/rpc", endpoint = "update_item")]
pub async fn update_item(
    item_id: i32,
    version: i32,
    title: String,
    #[server(default)] description: String,
    priority: String,
    #[server(default)] blocking: String,
    #[server(default)] assignee: String,
    #[server(default)] due_date: String,
    #[server(default)] effort_hours: String,
    /// A phase id, or blank for none; not sent: the phase stays.
    #[server(default)]
    phase: Option<String>,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::update_item(
        &db()?,
        &require_user()?,
        item_id,
        version,
        |i| {
            i.title = title;
            i.description = description;
            i.priority = priority;
            i.blocking = if blocking.is_empty() {
                "false".into()
            } else {
                blocking
            };
            i.assignee = assignee;
            i.due_date = due_date;
            i.effort_hours = effort_hours;
            if let Some(phase) = phase {
                i.phase = phase;
            }
        },
        today(),
    )
    .await
}

/// Changes an item's status, with the reason, expiry or evidence the status needs.
#[server(prefix = "/rpc", endpoint = "set_item_status")]
pub async fn set_item_status(
    item_id: i32,
    version: i32,
    status: String,
    #[server(default)] status_reason: Option<String>,
    #[server(default)] accepted_until: Option<String>,
    #[server(default)] evidence_url: Option<String>,
    #[server(default)] evidence_text: Option<String>,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::update_item(
        &db()?,
        &require_user()?,
        item_id,
        version,
        |i| {
            i.status = status;
            // Fields not sent keep their values.
            if let Some(r) = status_reason {
                i.status_reason = r;
            }
            if let Some(a) = accepted_until {
                i.accepted_until = a;
            }
            if let Some(u) = evidence_url {
                i.evidence_url = u;
            }
            if let Some(t) = evidence_text {
                i.evidence_text = t;
            }
        },
        today(),
    )
    .await
}

/// One row's status, from the checklist: a category's rows share one form, each row's select
/// is `status[ID]`, and the row's "Set" button sends `set=ID:VERSION`. Only that row changes.
#[server(prefix = "/rpc", endpoint = "set_row_status")]
pub async fn set_row_status(
    set: String,
    #[server(default)] status: std::collections::HashMap<String, String>,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let (item_id, version) = parse_row_ref(&set)?;
    let Some(status) = status.get(&item_id.to_string()).cloned() else {
        return Err(AppError::field("status", "Choose a status for the item."));
    };
    super::service::update_item(
        &db()?,
        &require_user()?,
        item_id,
        version,
        |i| i.status = status,
        today(),
    )
    .await
}

/// `ID:VERSION`, as a row's "Set" button sends it.
pub(crate) fn parse_row_ref(set: &str) -> Result<(i32, i32), AppError> {
    set.split_once(':')
        .and_then(|(id, version)| Some((id.parse().ok()?, version.parse().ok()?)))
        .ok_or_else(|| AppError::field("set", "Not an item of this checklist."))
}

/// What a status change on the checklist changed, as HTML to put in place by element id: the
/// item's row, its category's score line and the readiness summary (the same components as
/// the page). `set` is the row's `ID:VERSION`; the version is not checked (this only reads).
#[server(prefix = "/rpc", endpoint = "checklist_fragments", input = server_fn::codec::GetUrl)]
pub async fn checklist_fragments(slug: String, set: String) -> Result<String, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    let user = require_user()?;
    let (item_id, _) = parse_row_ref(&set)?;
    let window = super::model::Window {
        item: Some(item_id),
        ..Default::default()
    };
    let view = super::service::load_window(
        &s.db,
        &s.memo,
        &user,
        &slug,
        &ItemFilter::default(),
        window,
        today(),
    )
    .await?;
    super::page::fragments_html(&view, item_id).ok_or(AppError::NotFound)
}

/// Assigns an item to a team member (blank: nobody).
#[server(prefix = "/rpc", endpoint = "set_item_assignee")]
pub async fn set_item_assignee(
    item_id: i32,
    version: i32,
    #[server(default)] assignee: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    super::service::update_item(
        &db()?,
        &user,
        item_id,
        version,
        |i| i.assignee = assignee,
        today(),
    )
    .await
}

/// Changes an item's priority.
#[server(prefix = "/rpc", endpoint = "set_item_priority")]
pub async fn set_item_priority(
    item_id: i32,
    version: i32,
    priority: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    super::service::update_item(
        &db()?,
        &user,
        item_id,
        version,
        |i| i.priority = priority,
        today(),
    )
    .await
}

/// Sets one status, assignee and/or priority on many items of project `slug` at once. Each
/// selected item comes as `id:version` (the version the user saw); all or nothing.
#[server(prefix = "/rpc", endpoint = "bulk_update_items")]
pub async fn bulk_update_items(
    slug: String,
    #[server(default)] items: Vec<String>,
    #[server(default)] status: String,
    #[server(default)] status_reason: String,
    #[server(default)] accepted_until: String,
    #[server(default)] assignee: String,
    #[server(default)] priority: String,
    #[server(default)] phase: String,
) -> Result<usize, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    let selected = items
        .iter()
        .map(|s| {
            let (id, version) = s.split_once(':').ok_or(AppError::BadRequest)?;
            Ok((
                id.parse().map_err(|_| AppError::BadRequest)?,
                version.parse().map_err(|_| AppError::BadRequest)?,
            ))
        })
        .collect::<Result<Vec<(i32, i32)>, AppError>>()?;
    let change = super::service::BulkChange {
        status,
        status_reason,
        accepted_until,
        assignee,
        priority,
        phase,
    };
    super::service::bulk_update_items(&db()?, &user, &slug, &selected, &change, today()).await
}

/// Deletes an item.
#[server(prefix = "/rpc", endpoint = "delete_item")]
pub async fn delete_item(
    item_id: i32,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{db, redirect_next, require_user};
    super::service::delete_item(&db()?, &require_user()?, item_id).await?;
    redirect_next(next.as_deref(), item_id);
    Ok(())
}

/// Comments on an item (viewers may comment).
#[server(prefix = "/rpc", endpoint = "add_comment")]
pub async fn add_comment(item_id: i32, body: String) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::add_comment(&db()?, &require_user()?, item_id, &body).await
}

/// Whether marking an item done needs evidence (owners).
#[server(prefix = "/rpc", endpoint = "set_evidence_required")]
pub async fn set_evidence_required(slug: String, required: bool) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::set_evidence_required(&db()?, &require_user()?, &slug, required).await
}

/// Vouches for a done item anew (editors): its evidence holds again for its "valid for".
/// Answers the new version.
#[server(prefix = "/rpc", endpoint = "attest_item")]
pub async fn attest_item(item_id: i32, version: i32) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::attest_item(
        &db()?,
        &require_user()?,
        item_id,
        version,
        crate::clock::now(),
    )
    .await
}

/// Sets how long an item's evidence holds (editors): whole days, or blank for its category's.
/// Answers the new version.
#[server(prefix = "/rpc", endpoint = "set_item_valid_for")]
pub async fn set_item_valid_for(
    item_id: i32,
    version: i32,
    #[server(default)] valid_for_days: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::set_item_valid_for(&db()?, &require_user()?, item_id, version, &valid_for_days)
        .await
}

/// Sets how long the evidence of a category's items holds (editors): whole days, or blank
/// for ever.
#[server(prefix = "/rpc", endpoint = "set_category_valid_for")]
pub async fn set_category_valid_for(
    category_id: i32,
    version: i32,
    #[server(default)] valid_for_days: String,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::set_category_valid_for(
        &db()?,
        &require_user()?,
        category_id,
        version,
        &valid_for_days,
    )
    .await
}

/// Removes an evidence file from its item (editors).
#[server(prefix = "/rpc", endpoint = "delete_evidence_file")]
pub async fn delete_evidence_file(file_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    crate::files::service::remove(&db()?, &require_user()?, file_id).await
}
