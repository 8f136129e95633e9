//! Item changes (editors): the checked input, create, update at a version, delete.

use super::*;

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
    /// The id of the plan phase it is scheduled into, or blank for none.
    pub phase: String,
}

/// The checked values of an item: from an [`ItemInput`] ([`check_item`]) or a checked import.
#[derive(Clone, Debug)]
pub(crate) struct ItemValues {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) priority: Priority,
    pub(crate) blocking: bool,
    pub(crate) status: Status,
    pub(crate) status_reason: String,
    pub(crate) accepted_until: Option<NaiveDate>,
    pub(crate) assignee_id: Option<i32>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) effort_hours: Option<f64>,
    pub(crate) evidence_url: String,
    pub(crate) evidence_text: String,
    pub(crate) phase_id: Option<i32>,
}

/// A new item's row at `position` of `category`, written by `user_id`: the one place an item
/// row is made (forms, the REST API, imports).
pub(crate) fn new_item_row(
    project_id: i32,
    category: &categories::Model,
    position: i32,
    v: ItemValues,
    user_id: i32,
    now: chrono::DateTime<Utc>,
) -> items::ActiveModel {
    let (closed_by, closed_at) = closed_stamp(None, v.status, user_id, now);
    let evidence =
        super::evidence::evidence_stamp(None, v.status, user_id, now, category.valid_for_days);
    let mut am = items::ActiveModel {
        project_id: Set(project_id),
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
        phase_id: Set(v.phase_id),
        closed_by: Set(closed_by),
        closed_at: Set(closed_at),
        position: Set(position),
        version: Set(1),
        updated_by: Set(Some(user_id)),
        created_by: Set(Some(user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    evidence.set(&mut am);
    am
}

fn parse_date(s: &str) -> Result<Option<NaiveDate>, ()> {
    match s.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ()),
    }
}

/// The fields of an [`ItemInput`] that are a choice, a number or a date, each read or failed
/// (`Err`/`None`), before the checks name what failed.
struct Choices {
    priority: Option<Priority>,
    status: Option<Status>,
    blocking: Result<bool, ()>,
    accepted_until: Result<Option<NaiveDate>, ()>,
    due_date: Result<Option<NaiveDate>, ()>,
    assignee: Result<Option<i32>, ()>,
    effort: Result<Option<f64>, ()>,
    phase: Result<Option<i32>, ()>,
}

/// Who and what an item may name: the team's members and the project's plan phases.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Allowed<'a> {
    /// User ids an item may be assigned to.
    pub(crate) members: &'a [i32],
    /// Phase ids an item may be scheduled into.
    pub(crate) phases: &'a [i32],
}

/// Reads the choices of `input`.
fn read_choices(input: &ItemInput, allowed: Allowed<'_>) -> Choices {
    let members = allowed.members;
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
    let phase = match input.phase.trim() {
        "" => Ok(None),
        p => p
            .parse::<i32>()
            .ok()
            .filter(|id| allowed.phases.contains(id))
            .map(Some)
            .ok_or(()),
    };
    Choices {
        priority,
        status,
        blocking,
        accepted_until: parse_date(&input.accepted_until),
        due_date: parse_date(&input.due_date),
        assignee,
        effort,
        phase,
    }
}

/// Checks every field (all problems at once).
pub(super) fn check_item(
    input: &ItemInput,
    allowed: Allowed<'_>,
    evidence_required: bool,
    today: NaiveDate,
) -> Result<ItemValues, AppError> {
    let title = input.title.trim().to_owned();
    let description = input.description.trim().to_owned();
    let Choices {
        priority,
        status,
        blocking,
        accepted_until,
        due_date,
        assignee,
        effort,
        phase,
    } = read_choices(input, allowed);
    let evidence_url = input.evidence_url.trim().to_owned();
    let evidence_text = input.evidence_text.trim().to_owned();
    let reason = input.status_reason.trim().to_owned();
    let needs_reason = matches!(status, Some(Status::NotApplicable | Status::AcceptedRisk));
    let mut v = Validator::default();
    v.check(title.is_empty(), "title", "Enter a title.")
        .at_most(&title, MAX_TITLE, "title")
        .at_most(&description, MAX_TEXT, "description")
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
            phase.is_err(),
            "phase",
            "Choose a phase of this project's plan.",
        )
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
        .at_most(&evidence_url, 2000, "evidence_url")
        .at_most(&evidence_text, MAX_TEXT, "evidence_text")
        .check(
            needs_reason && reason.is_empty(),
            "status_reason",
            "Say why this does not apply or why the risk is accepted.",
        )
        .at_most(&reason, MAX_TEXT, "status_reason")
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
        phase_id: phase.ok().flatten(),
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
        "phase_id": i.phase_id,
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
    let v = check_in_project(db, &project, &input, &members, today).await?;
    let txn = crate::txn::begin(db).await?;
    check_room(&txn, project.id, 1, "title").await?;
    let last = items::Entity::find()
        .filter(items::Column::CategoryId.eq(category.id))
        .order_by_desc(items::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |i| i.position);
    let now = Utc::now();
    let item = new_item_row(project.id, &category, last + 1, v, user.id, now)
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
    crate::inbox::verdict::queue_check(&txn, project.id, now).await?;
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
        phase: item.phase_id.map(|p| p.to_string()).unwrap_or_default(),
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
    let members = allowed_assignees(&member_ids(db, project.team_id).await?, &item);
    let mut input = input_of(&item);
    change(&mut input);
    let v = check_in_project(db, project, &input, &members, today).await?;
    let txn = crate::txn::begin(db).await?;
    match write_item(&txn, user, project, item, version, v).await? {
        Some(after) => {
            txn.commit().await?;
            Ok(after)
        }
        None => Err(crate::txn::stale::<items::Entity>(&txn, id).await?),
    }
}

/// Checks `input` by the rules of `project`: the people it may be assigned to (`members`), its
/// plan's phases, whether it asks for evidence.
async fn check_in_project(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    input: &ItemInput,
    members: &[i32],
    today: NaiveDate,
) -> Result<ItemValues, AppError> {
    let phases = crate::phases::service::phase_ids(db, project.id).await?;
    check_item(
        input,
        Allowed {
            members,
            phases: &phases,
        },
        project.evidence_required,
        today,
    )
}

/// Who may be assigned `item`: the team's members, and whoever it is assigned to already
/// (an assignee who has left the team may stay, but nobody new from outside).
pub(super) fn allowed_assignees(members: &[i32], item: &items::Model) -> Vec<i32> {
    let mut allowed = members.to_vec();
    allowed.extend(item.assignee_id);
    allowed
}

/// Writes checked values over `item` if it is still at `version`, with its audit event;
/// `None` when someone changed it first. The caller owns the transaction.
///
/// Where the project asks for approval, a change to accepted risk (or not applicable) is not
/// written: the item keeps its status, reason and expiry, and the change becomes a pending
/// exception request (`crate::exceptions`), made in the same transaction.
pub(super) async fn write_item(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    item: items::Model,
    version: i32,
    v: ItemValues,
) -> Result<Option<i32>, AppError> {
    let mut v = v;
    let request = if crate::exceptions::rules::needs_approval(project, item.status, v.status) {
        let today = crate::clock::today();
        crate::exceptions::rules::check_until(
            v.status,
            v.accepted_until,
            today,
            project.exception_max_days,
        )
        .map_err(|msg| AppError::field("accepted_until", msg))?;
        let request = crate::exceptions::service::Requested {
            status: v.status,
            reason: std::mem::replace(&mut v.status_reason, item.status_reason.clone()),
            until: v.accepted_until.take(),
        };
        v.status = item.status;
        v.accepted_until = item.accepted_until;
        Some(request)
    } else {
        None
    };
    let item_id = item.id;
    let after = write_item_as_asked(txn, user, project, item, version, v).await?;
    if let (Some(request), Some(_)) = (request, after) {
        crate::exceptions::service::request(txn, user, project, item_id, request).await?;
    }
    Ok(after)
}

/// An approved exception's change: the item takes the status, reason and expiry asked for.
/// `None` when the item changed since (a conflict).
pub(crate) async fn write_approved_exception(
    txn: &impl ConnectionTrait,
    approver: &AuthUser,
    project: &projects::Model,
    item: items::Model,
    asked: (Status, &str, Option<NaiveDate>),
    today: NaiveDate,
) -> Result<Option<i32>, AppError> {
    let members = allowed_assignees(&member_ids(txn, project.team_id).await?, &item);
    let mut input = input_of(&item);
    input.status = asked.0.as_str().to_owned();
    input.status_reason = asked.1.to_owned();
    input.accepted_until = asked.2.map(|d| d.to_string()).unwrap_or_default();
    let v = check_in_project(txn, project, &input, &members, today).await?;
    let version = item.version;
    write_item_as_asked(txn, approver, project, item, version, v).await
}

async fn write_item_as_asked(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    item: items::Model,
    version: i32,
    v: ItemValues,
) -> Result<Option<i32>, AppError> {
    let id = item.id;
    let now = Utc::now();
    let (closed_by, closed_at) = closed_stamp(Some(&item), v.status, user.id, now);
    let category = categories::Entity::find_by_id(item.category_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let evidence = super::evidence::evidence_stamp(
        Some(&item),
        v.status,
        user.id,
        now,
        super::evidence::valid_for_of(item.valid_for_days, &category),
    );
    let changes = evidence
        .update(items::Entity::update_many())
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
        .col_expr(items::Column::PhaseId, Expr::value(v.phase_id))
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
    if let Some(after) = &after {
        crate::inbox::service::item_changed(txn, user, project, &item, after).await?;
        crate::inbox::verdict::queue_check(txn, project.id, now).await?;
    }
    Ok(after.map(|a| a.version))
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
    crate::inbox::verdict::queue_check(&txn, project.id, Utc::now()).await?;
    txn.commit().await?;
    Ok(())
}

/// Who closed an item and when, once it is at `status` after a change from `before` (`None`
/// for a new item): closing stamps the user and the time, moving between two closed statuses
/// stamps them anew, keeping the status keeps the stamp, and a gap has none. The one rule for
/// every write path (forms, the REST API, bulk changes, imports).
pub(crate) fn closed_stamp(
    before: Option<&items::Model>,
    status: Status,
    user_id: i32,
    now: chrono::DateTime<Utc>,
) -> (Option<i32>, Option<chrono::DateTime<Utc>>) {
    match before {
        _ if !status.is_closed() => (None, None),
        Some(b) if b.status == status => (b.closed_by, b.closed_at),
        _ => (Some(user_id), Some(now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: Status, closed_by: Option<i32>) -> items::Model {
        let then = chrono::DateTime::<Utc>::UNIX_EPOCH;
        items::Model {
            id: 1,
            project_id: 1,
            category_id: 1,
            title: "Backups".into(),
            description: String::new(),
            priority: Priority::High,
            blocking: false,
            status,
            status_reason: String::new(),
            accepted_until: None,
            assignee_id: None,
            due_date: None,
            effort_hours: None,
            evidence_url: String::new(),
            evidence_text: String::new(),
            closed_by,
            closed_at: closed_by.map(|_| then),
            position: 1,
            version: 1,
            updated_by: None,
            created_by: None,
            created_at: then,
            updated_at: then,
            evidence_kind: None,
            evidence_at: None,
            evidence_by: None,
            valid_for_days: None,
            evidence_until: None,
            phase_id: None,
            campaign_item_id: None,
        }
    }

    #[test]
    fn closing_stamps_keeping_keeps_and_reopening_clears() {
        let now = Utc::now();
        let then = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let open = row(Status::Open, None);
        let done = row(Status::Done, Some(7));
        assert_eq!(closed_stamp(None, Status::Open, 2, now), (None, None));
        assert_eq!(
            closed_stamp(None, Status::NotApplicable, 2, now),
            (Some(2), Some(now))
        );
        assert_eq!(
            closed_stamp(Some(&open), Status::Done, 2, now),
            (Some(2), Some(now))
        );
        assert_eq!(
            closed_stamp(Some(&done), Status::Done, 2, now),
            (Some(7), Some(then))
        );
        assert_eq!(
            closed_stamp(Some(&done), Status::AcceptedRisk, 2, now),
            (Some(2), Some(now))
        );
        assert_eq!(
            closed_stamp(Some(&done), Status::InProgress, 2, now),
            (None, None)
        );
    }
}
