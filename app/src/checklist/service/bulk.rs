//! One change applied to many items at once, each at its own version.

use super::*;

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
    /// `none` for no phase, a phase id, or blank.
    pub phase: String,
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
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    if selected.is_empty() {
        return Err(AppError::field("items", "Select at least one item."));
    }
    if selected.len() > MAX_BULK {
        return Err(AppError::field(
            "items",
            format!("Select at most {MAX_BULK} items at once."),
        ));
    }
    if [
        &change.status,
        &change.assignee,
        &change.priority,
        &change.phase,
    ]
    .iter()
    .all(|f| f.trim().is_empty())
    {
        return Err(AppError::field(
            "status",
            "Choose a status, assignee, priority or phase to set.",
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
    let phases = crate::phases::service::phase_ids(db, project.id).await?;
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
            Allowed {
                members: &allowed_assignees(&members, item),
                phases: &phases,
            },
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
    match change.phase.trim() {
        "" => {}
        "none" => input.phase = String::new(),
        p => p.clone_into(&mut input.phase),
    }
}
