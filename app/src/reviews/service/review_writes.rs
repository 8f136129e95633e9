//! Review changes: create, start the next, edit a draft, delete, finalize, sign.

use super::*;

/// A review's fields as submitted.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// Title.
    pub title: String,
    /// Reviewer's name.
    pub reviewer: String,
    /// `YYYY-MM-DD`; blank: today.
    pub review_date: String,
    /// Version label.
    pub version_label: String,
    /// Summary (Markdown).
    pub summary: String,
}

pub(super) struct ReviewValues {
    title: String,
    reviewer: String,
    review_date: NaiveDate,
    version_label: String,
    summary: String,
}

pub(super) fn check_review(
    input: &ReviewInput,
    today: NaiveDate,
) -> Result<ReviewValues, AppError> {
    let title = input.title.trim().to_owned();
    let reviewer = input.reviewer.trim().to_owned();
    let version_label = input.version_label.trim().to_owned();
    let summary = input.summary.trim().to_owned();
    let date = match input.review_date.trim() {
        "" => Ok(today),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| ()),
    };
    let mut v = Validator::default();
    v.check(title.is_empty(), "title", "Enter a title.")
        .at_most(&title, MAX_TITLE, "title")
        .at_most(&reviewer, 120, "reviewer")
        .check(date.is_err(), "review_date", "Use a date like 2026-12-31.")
        .at_most(&version_label, 60, "version_label")
        .at_most(&summary, MAX_TEXT, "summary");
    v.finish()?;
    Ok(ReviewValues {
        title,
        reviewer,
        review_date: date.map_err(|()| AppError::BadRequest)?,
        version_label,
        summary,
    })
}

pub(super) fn review_state(r: &reviews::Model) -> serde_json::Value {
    serde_json::json!({
        "title": r.title,
        "reviewer": r.reviewer,
        "review_date": r.review_date,
        "version_label": r.version_label,
        "status": r.status,
        "overall": r.overall,
        "verdict": r.verdict,
    })
}

pub(super) async fn insert_review(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    project: &projects::Model,
    v: ReviewValues,
    previous_id: Option<i32>,
) -> Result<i32, AppError> {
    let txn = crate::txn::begin(db).await?;
    let now = Utc::now();
    let r = reviews::ActiveModel {
        project_id: Set(project.id),
        title: Set(v.title),
        reviewer: Set(v.reviewer),
        review_date: Set(v.review_date),
        version_label: Set(v.version_label),
        summary: Set(v.summary),
        status: Set(ReviewStatus::Draft),
        previous_id: Set(previous_id),
        snapshot: Set(None),
        overall: Set(None),
        verdict: Set(None),
        finalized_at: Set(None),
        finalized_by: Set(None),
        version: Set(1),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("review", r.id, "created")
            .in_project(project)
            .after(&review_state(&r)),
    )
    .await?;
    txn.commit().await?;
    Ok(r.id)
}

/// Starts a draft review of project `slug` (editors).
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    input: ReviewInput,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let v = check_review(&input, today)?;
    let previous = finals(db, project.id).await?.last().map(|r| r.id);
    insert_review(db, user, &project, v, previous).await
}

/// Starts the review after review `id` (editors): the same title pattern and reviewer, the
/// next version label, dated today, linked to it.
pub async fn start_next(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let (review, granted) = review_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    let v = ReviewValues {
        title: next_in_series(&review.title),
        reviewer: review.reviewer.clone(),
        review_date: today,
        version_label: next_in_series(&review.version_label),
        summary: String::new(),
    };
    insert_review(db, user, &project, v, Some(review.id)).await
}

pub(super) fn frozen() -> AppError {
    AppError::Conflict("This review is final and can no longer change.".into())
}

/// Edits a draft (editors) seen at `version`; returns the new version.
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    input: ReviewInput,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let (review, granted) = review_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    if review.status == ReviewStatus::Final {
        return Err(frozen());
    }
    let v = check_review(&input, today)?;
    let txn = crate::txn::begin(db).await?;
    let changes = reviews::Entity::update_many()
        .col_expr(reviews::Column::Title, Expr::value(v.title))
        .col_expr(reviews::Column::Reviewer, Expr::value(v.reviewer))
        .col_expr(reviews::Column::ReviewDate, Expr::value(v.review_date))
        .col_expr(reviews::Column::VersionLabel, Expr::value(v.version_label))
        .col_expr(reviews::Column::Summary, Expr::value(v.summary))
        .col_expr(reviews::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(reviews::Column::Status.eq(ReviewStatus::Draft));
    let after = crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("review", id, "updated")
            .in_project(&project)
            .before(&review_state(&review))
            .after(&review_state(after))
    })
    .await?;
    txn.commit().await?;
    Ok(after.version)
}

/// Deletes a draft (editors). Final reviews stay.
pub async fn delete(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (review, granted) = review_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    if review.status == ReviewStatus::Final {
        return Err(frozen());
    }
    let txn = crate::txn::begin(db).await?;
    reviews::Entity::delete_many()
        .filter(reviews::Column::Id.eq(id))
        .filter(reviews::Column::Status.eq(ReviewStatus::Draft))
        .exec(&txn)
        .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("review", id, "deleted")
            .in_project(&project)
            .before(&review_state(&review)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Finalizes a draft seen at `version` (editors): freezes the project as it is now.
pub async fn finalize(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    today: NaiveDate,
) -> Result<(), AppError> {
    let (review, granted) = review_for(db, user, id).await?;
    granted.require_edit()?;
    let project = granted.project;
    if review.status == ReviewStatus::Final {
        return Err(frozen());
    }
    let txn = crate::txn::begin(db).await?;
    let snap = live_snapshot(&txn, &project, today).await?;
    let json = serde_json::to_string(&snap).map_err(|e| {
        tracing::error!(error = %e, "serializing a snapshot");
        AppError::Internal
    })?;
    let now = Utc::now();
    let changes = reviews::Entity::update_many()
        .col_expr(reviews::Column::Status, Expr::value(ReviewStatus::Final))
        .col_expr(reviews::Column::Snapshot, Expr::value(Some(json)))
        .col_expr(
            reviews::Column::Overall,
            Expr::value(snap.overall.map(i32::from)),
        )
        .col_expr(
            reviews::Column::Verdict,
            Expr::value(Some(snap.verdict.as_str())),
        )
        .col_expr(reviews::Column::FinalizedAt, Expr::value(Some(now)))
        .col_expr(reviews::Column::FinalizedBy, Expr::value(Some(user.id)))
        .col_expr(reviews::Column::UpdatedAt, Expr::value(now))
        .filter(reviews::Column::Status.eq(ReviewStatus::Draft));
    crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("review", id, "finalized")
            .in_project(&project)
            .before(&review_state(&review))
            .after(&review_state(after))
    })
    .await?;
    let overall = snap
        .overall
        .map_or_else(|| "no score".to_owned(), |o| format!("{o}%"));
    let label = &review.version_label;
    let news = crate::inbox::service::ProjectNews {
        kind: "review",
        event: "review.finalized",
        text: format!(
            "{} finalized review {label} of {}: {}, {overall}.",
            user.display_name,
            project.name,
            snap.verdict.label()
        ),
        link: format!("/p/{}/reviews/{id}", project.slug),
        data: serde_json::json!({
            "review": { "id": id, "version_label": label, "verdict": snap.verdict.as_str(), "overall": snap.overall },
            "actor": { "id": user.id, "name": user.display_name },
        }),
    };
    crate::inbox::service::project_news(&txn, Some(user.id), &project, news).await?;
    crate::signoff::service::ask_groups(&txn, user, &project, id, label, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Signs a final review: as a team owner (`group_id` 0), once per owner; or for reviewer group
/// `group_id` (its members, on the project's latest final review, for a group the project
/// requires), recording the fingerprint of what the group's sign-off covers now — again only
/// once the one given before no longer holds.
pub async fn sign(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    comment: &str,
    group_id: i32,
    today: NaiveDate,
) -> Result<(), AppError> {
    let (review, granted) = review_for(db, user, id).await?;
    if group_id == 0 {
        granted.require_manage()?;
    }
    let project = granted.project;
    if review.status != ReviewStatus::Final {
        return Err(AppError::Conflict(
            "Only a final review can be signed; finalize it first.".into(),
        ));
    }
    let comment = comment.trim();
    let mut v = Validator::default();
    v.at_most(comment, 2000, "comment");
    v.finish()?;
    let (group, scope) = if group_id == 0 {
        (None, String::new())
    } else {
        let name = crate::signoff::service::may_sign_for(db, user, &project, id, group_id).await?;
        let scope = crate::signoff::service::current_scope(db, project.id, group_id, today).await?;
        (Some(name), scope)
    };
    let signed = review_signoffs::Entity::find()
        .filter(review_signoffs::Column::ReviewId.eq(id))
        .filter(review_signoffs::Column::UserId.eq(user.id))
        .filter(review_signoffs::Column::GroupId.eq(group_id))
        .filter(review_signoffs::Column::Scope.eq(&scope))
        .count(db)
        .await?;
    let already = || match &group {
        None => AppError::Conflict("You have signed this review already.".into()),
        Some(g) => AppError::Conflict(format!(
            "You have signed this review for {g} already, and your sign-off still holds."
        )),
    };
    if signed > 0 {
        return Err(already());
    }
    let txn = crate::txn::begin(db).await?;
    let s = review_signoffs::ActiveModel {
        review_id: Set(id),
        user_id: Set(Some(user.id)),
        name: Set(user.display_name.clone()),
        comment: Set(comment.to_owned()),
        signed_at: Set(Utc::now()),
        group_id: Set(group_id),
        scope: Set(scope),
        ..Default::default()
    }
    .insert(&txn)
    .await
    // The unique index: the same person signing twice at once.
    .map_err(|_| already())?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("review", id, "signed")
            .in_project(&project)
            .after(
                &serde_json::json!({ "signed_by": s.name, "comment": s.comment, "group": group }),
            ),
    )
    .await?;
    let label = &review.version_label;
    let for_group = group
        .as_ref()
        .map(|g| format!(" for {g}"))
        .unwrap_or_default();
    let news = crate::inbox::service::ProjectNews {
        kind: "review",
        event: "review.signed_off",
        text: format!(
            "{} signed off review {label} of {}{for_group}.",
            user.display_name, project.name
        ),
        link: format!("/p/{}/reviews/{id}", project.slug),
        data: serde_json::json!({
            "review": { "id": id, "version_label": label },
            "actor": { "id": user.id, "name": user.display_name },
            "comment": s.comment,
            "group": group,
        }),
    };
    crate::inbox::service::project_news(&txn, Some(user.id), &project, news).await?;
    txn.commit().await?;
    Ok(())
}
