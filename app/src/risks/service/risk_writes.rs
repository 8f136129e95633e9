//! Risk changes (editors): the checked input, create, update at a version, delete, links to items.

use super::*;

/// A risk as submitted: every field a string, checked by [`check_risk`].
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Category id, or blank.
    pub category: String,
    /// Owner's user id, or blank.
    pub owner: String,
    /// Status word; blank: open.
    pub status: String,
    /// Current likelihood step.
    pub likelihood: String,
    /// Current impact step.
    pub impact: String,
    /// Target likelihood step; blank: the current one.
    pub target_likelihood: String,
    /// Target impact step; blank: the current one.
    pub target_impact: String,
}

pub(super) struct RiskValues {
    title: String,
    description: String,
    category_id: Option<i32>,
    owner_id: Option<i32>,
    status: RiskStatus,
    likelihood: i32,
    impact: i32,
    target_likelihood: i32,
    target_impact: i32,
}

pub(super) fn input_of(r: &risks::Model) -> RiskInput {
    RiskInput {
        title: r.title.clone(),
        description: r.description.clone(),
        category: r.category_id.map(|c| c.to_string()).unwrap_or_default(),
        owner: r.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        status: r.status.as_str().to_owned(),
        likelihood: r.likelihood.to_string(),
        impact: r.impact.to_string(),
        target_likelihood: r.target_likelihood.to_string(),
        target_impact: r.target_impact.to_string(),
    }
}

/// Checks `input` against the project's matrix, categories and possible owners.
pub(super) fn check_risk(
    input: &RiskInput,
    matrix: &RiskMatrix,
    categories: &[i32],
    owners: &[i32],
) -> Result<RiskValues, AppError> {
    let title = input.title.trim().to_owned();
    let description = input.description.trim().to_owned();
    let status = match input.status.trim() {
        "" => Some(RiskStatus::Open),
        s => RiskStatus::parse(s),
    };
    let id_in = |s: &str, allowed: &[i32]| match s.trim() {
        "" => Ok(None),
        v => v
            .parse::<i32>()
            .ok()
            .filter(|id| allowed.contains(id))
            .map(Some)
            .ok_or(()),
    };
    let category = id_in(&input.category, categories);
    let owner = id_in(&input.owner, owners);
    let steps = |s: &str, max: usize| {
        s.trim()
            .parse::<i32>()
            .ok()
            .filter(|v| (1..=max as i32).contains(v))
    };
    let (ls, is) = (matrix.likelihood_steps(), matrix.impact_steps());
    let likelihood = steps(&input.likelihood, ls);
    let impact = steps(&input.impact, is);
    let or_current = |s: &str, current: Option<i32>, max| {
        if s.trim().is_empty() {
            current
        } else {
            steps(s, max)
        }
    };
    let target_likelihood = or_current(&input.target_likelihood, likelihood, ls);
    let target_impact = or_current(&input.target_impact, impact, is);
    let l_msg = format!("Choose a likelihood from 1 to {ls}.");
    let i_msg = format!("Choose an impact from 1 to {is}.");
    let mut v = Validator::default();
    v.check(title.is_empty(), "title", "Enter a title.")
        .at_most(&title, MAX_TITLE, "title")
        .at_most(&description, MAX_TEXT, "description")
        .check(
            status.is_none(),
            "status",
            "Choose open, mitigating, accepted or closed.",
        )
        .check(
            category.is_err(),
            "category",
            "Choose one of the project's categories.",
        )
        .check(
            owner.is_err(),
            "owner",
            "Choose a member of the project's team.",
        )
        .check(likelihood.is_none(), "likelihood", l_msg.clone())
        .check(impact.is_none(), "impact", i_msg.clone())
        .check(target_likelihood.is_none(), "target_likelihood", l_msg)
        .check(target_impact.is_none(), "target_impact", i_msg);
    v.finish()?;
    match (
        status,
        category,
        owner,
        likelihood,
        impact,
        target_likelihood,
        target_impact,
    ) {
        (Some(status), Ok(category_id), Ok(owner_id), Some(l), Some(i), Some(tl), Some(ti)) => {
            Ok(RiskValues {
                title,
                description,
                category_id,
                owner_id,
                status,
                likelihood: l,
                impact: i,
                target_likelihood: tl,
                target_impact: ti,
            })
        }
        _ => Err(AppError::BadRequest),
    }
}

pub(super) fn risk_state(r: &risks::Model, matrix: &RiskMatrix) -> serde_json::Value {
    serde_json::json!({
        "title": r.title,
        "description": r.description,
        "category_id": r.category_id,
        "owner_id": r.owner_id,
        "status": r.status,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "level": matrix.level(r.likelihood, r.impact).as_str(),
        "target_likelihood": r.target_likelihood,
        "target_impact": r.target_impact,
        "target_level": matrix.level(r.target_likelihood, r.target_impact).as_str(),
    })
}

/// A project's matrix and the version it was read at.
pub(super) type Matrix = (RiskMatrix, i32);

/// Inside a risk write's transaction: holds the project's matrix still until the write commits
/// (PostgreSQL: a lock on the project row, the one a resize takes; SQLite: the write lock the
/// transaction already holds) and checks it is still the version the risk's steps were checked
/// against. A resize in between is a conflict, never a risk left on a step the matrix no longer
/// has. The lock is exclusive, not shared: the score triggers of an item written later in the
/// same transaction (an import) update that row, and two shared holders upgrading would
/// deadlock.
pub(crate) async fn hold_matrix(
    txn: &impl ConnectionTrait,
    project_id: i32,
    seen: i32,
) -> Result<(), AppError> {
    projects::Entity::find_by_id(project_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if matrix_of(txn, project_id).await?.1 != seen {
        return Err(AppError::stale("risk matrix", None));
    }
    Ok(())
}

/// What a project allows in a risk: category ids and possible owners (`keep`: an owner who
/// may stay although no longer a member).
pub(super) async fn allowed(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    keep: Option<i32>,
) -> Result<(Matrix, Vec<i32>, Vec<i32>), AppError> {
    let matrix = matrix_of(db, project.id).await?;
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .select_only()
        .column(categories::Column::Id)
        .into_tuple::<i32>()
        .all(db)
        .await?;
    let mut owners = member_ids(db, project.team_id).await?;
    owners.extend(keep);
    Ok((matrix, cats, owners))
}

pub(super) async fn insert_risk(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    matrix: &RiskMatrix,
    v: RiskValues,
) -> Result<risks::Model, AppError> {
    let now = Utc::now();
    let r = risks::ActiveModel {
        project_id: Set(project.id),
        category_id: Set(v.category_id),
        title: Set(v.title),
        description: Set(v.description),
        owner_id: Set(v.owner_id),
        status: Set(v.status),
        likelihood: Set(v.likelihood),
        impact: Set(v.impact),
        target_likelihood: Set(v.target_likelihood),
        target_impact: Set(v.target_impact),
        version: Set(1),
        updated_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    record(
        txn,
        &Actor::from(user),
        Event::new("risk", r.id, "created")
            .in_project(project)
            .after(&risk_state(&r, matrix)),
    )
    .await?;
    Ok(r)
}

/// Adds a risk to project `slug` (editors); returns its id.
pub async fn create_risk(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    input: RiskInput,
) -> Result<i32, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let ((matrix, seen), cats, owners) = allowed(db, &project, None).await?;
    let v = check_risk(&input, &matrix, &cats, &owners)?;
    let txn = crate::txn::begin(db).await?;
    hold_matrix(&txn, project.id, seen).await?;
    let r = insert_risk(&txn, user, &project, &matrix, v).await?;
    txn.commit().await?;
    Ok(r.id)
}

/// Changes a risk (editors) if it is still at `version`; returns the new version.
pub async fn update_risk(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    change: impl FnOnce(&mut RiskInput),
) -> Result<i32, AppError> {
    let (risk, granted) = risk_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let ((matrix, seen), cats, owners) = allowed(db, &project, risk.owner_id).await?;
    let mut input = input_of(&risk);
    change(&mut input);
    let v = check_risk(&input, &matrix, &cats, &owners)?;
    let txn = crate::txn::begin(db).await?;
    hold_matrix(&txn, project.id, seen).await?;
    let changes = risks::Entity::update_many()
        .col_expr(risks::Column::Title, Expr::value(v.title))
        .col_expr(risks::Column::Description, Expr::value(v.description))
        .col_expr(risks::Column::CategoryId, Expr::value(v.category_id))
        .col_expr(risks::Column::OwnerId, Expr::value(v.owner_id))
        .col_expr(risks::Column::Status, Expr::value(v.status))
        .col_expr(risks::Column::Likelihood, Expr::value(v.likelihood))
        .col_expr(risks::Column::Impact, Expr::value(v.impact))
        .col_expr(
            risks::Column::TargetLikelihood,
            Expr::value(v.target_likelihood),
        )
        .col_expr(risks::Column::TargetImpact, Expr::value(v.target_impact))
        .col_expr(risks::Column::UpdatedBy, Expr::value(Some(user.id)))
        .col_expr(risks::Column::UpdatedAt, Expr::value(Utc::now()));
    let after = crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("risk", id, "updated")
            .in_project(&project)
            .before(&risk_state(&risk, &matrix))
            .after(&risk_state(after, &matrix))
    })
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// Deletes a risk (editors).
pub async fn delete_risk(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (risk, granted) = risk_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let (matrix, _) = matrix_of(db, project.id).await?;
    let txn = crate::txn::begin(db).await?;
    risks::Entity::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("risk", id, "deleted")
            .in_project(&project)
            .before(&risk_state(&risk, &matrix)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Links (or unlinks) a checklist item of the same project to a risk as a mitigation
/// (editors). Linking twice or unlinking what is not linked changes nothing.
pub async fn set_link(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    risk_id: i32,
    item_id: i32,
    linked: bool,
) -> Result<(), AppError> {
    let (risk, granted) = risk_for(db, user, risk_id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let item = items::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .filter(|i| i.project_id == project.id)
        .ok_or_else(|| AppError::field("item_id", "Choose an item of this project."))?;
    let existing = risk_items::Entity::find_by_id((risk.id, item.id))
        .one(db)
        .await?;
    if existing.is_some() == linked {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    if linked {
        risk_items::ActiveModel {
            risk_id: Set(risk.id),
            item_id: Set(item.id),
        }
        .insert(&txn)
        .await?;
    } else {
        risk_items::Entity::delete_by_id((risk.id, item.id))
            .exec(&txn)
            .await?;
    }
    let state = serde_json::json!({ "item_id": item.id, "item": item.title });
    let event = Event::new(
        "risk",
        risk.id,
        if linked {
            "item_linked"
        } else {
            "item_unlinked"
        },
    )
    .in_project(&project);
    let event = if linked {
        event.after(&state)
    } else {
        event.before(&state)
    };
    record(&txn, &Actor::from(user), event).await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a risk from a failed (open or in progress) critical or high item, pre-filled from
/// it and linked to it (editors). Returns the new risk's id.
pub async fn create_from_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item_id: i32,
) -> Result<i32, AppError> {
    let (item, seen) = crate::projects::access::item(db, user, item_id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let priority = item.priority;
    let status = item.status;
    if !matches!(priority, Priority::Critical | Priority::High)
        || !matches!(status, Status::Open | Status::InProgress)
    {
        return Err(AppError::Conflict(
            "Only an open or in-progress critical or high item can become a risk.".into(),
        ));
    }
    let (matrix, seen) = matrix_of(db, project.id).await?;
    let (ls, is) = (
        matrix.likelihood_steps() as i32,
        matrix.impact_steps() as i32,
    );
    // A gap that is still open is at least possible; a critical one hurts most.
    let likelihood = (ls + 1) / 2 + 1;
    let impact = if priority == Priority::Critical {
        is
    } else {
        is - 1
    };
    let owners = member_ids(db, project.team_id).await?;
    let v = RiskValues {
        title: item.title.clone(),
        description: format!(
            "From the checklist item “{}”, still {}.\n\n{}",
            item.title,
            status.label().to_lowercase(),
            item.description
        )
        .trim()
        .chars()
        .take(MAX_TEXT)
        .collect(),
        category_id: Some(item.category_id),
        owner_id: item.assignee_id.filter(|a| owners.contains(a)),
        status: RiskStatus::Open,
        likelihood: std::cmp::min(likelihood, ls),
        impact,
        target_likelihood: 1,
        target_impact: impact,
    };
    let txn = crate::txn::begin(db).await?;
    hold_matrix(&txn, project.id, seen).await?;
    let r = insert_risk(&txn, user, &project, &matrix, v).await?;
    risk_items::ActiveModel {
        risk_id: Set(r.id),
        item_id: Set(item.id),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(r.id)
}
