//! Share links: owners hand stakeholders a read-only link to the live report or to one final
//! review. The token (256 random bits) is shown once and only its SHA-256 is stored; every use
//! checks revocation and expiry again.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait,
    IntoActiveModel, QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
    sea_query::Expr,
};

use super::{
    model::{ShareLinkView, ShareState},
    service::find_final,
};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    entities::{projects, reviews, share_links, users},
    error::{AppError, Validator},
    reviews::service::minute,
    secret::{digest as hash, is_secret_shaped, new_secret as new_token},
};

/// Longest label.
pub const MAX_LABEL: usize = 120;
/// Longest expiry, in days.
pub const MAX_DAYS: i64 = 365;

fn view(
    link: share_links::Model,
    review: Option<&reviews::Model>,
    creator: Option<String>,
) -> ShareLinkView {
    let now = Utc::now();
    let state = if link.revoked_at.is_some() {
        ShareState::Revoked
    } else if link.expires_at.is_some_and(|e| e <= now) {
        ShareState::Expired
    } else {
        ShareState::Active
    };
    ShareLinkView {
        id: link.id,
        label: link.label,
        review: review.map(|r| r.title.clone()),
        created_by: creator,
        created_at: minute(link.created_at),
        expires_at: link.expires_at.map(minute),
        last_used_at: link.last_used_at.map(minute),
        uses: link.uses,
        state,
    }
}

/// The share links of project `slug`, newest first (owners only).
pub async fn list(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
) -> Result<Vec<ShareLinkView>, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    let project = seen.project;
    let links = share_links::Entity::find()
        .filter(share_links::Column::ProjectId.eq(project.id))
        .order_by_desc(share_links::Column::Id)
        .all(db)
        .await?;
    let reviews = reviews::Entity::find()
        .filter(reviews::Column::Id.is_in(links.iter().filter_map(|l| l.review_id)))
        .all(db)
        .await?;
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(links.iter().filter_map(|l| l.created_by)))
        .all(db)
        .await?;
    Ok(links
        .into_iter()
        .map(|l| {
            let review = reviews.iter().find(|r| Some(r.id) == l.review_id);
            let creator = people
                .iter()
                .find(|u| Some(u.id) == l.created_by)
                .map(|u| u.display_name.clone());
            view(l, review, creator)
        })
        .collect())
}

/// Creates a link to project `slug`'s live report, or to its final review `review` (an id or
/// version label), valid for `expires_in_days` days (blank: until revoked). Returns the token,
/// which is never shown again.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    label: &str,
    review: &str,
    expires_in_days: &str,
) -> Result<String, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_manage()?;
    let project = seen.project;
    let label = label.trim();
    let days = expires_in_days.trim();
    let days: Option<i64> = if days.is_empty() {
        None
    } else {
        Some(days.parse().unwrap_or(0))
    };
    let mut v = Validator::default();
    v.check(
        label.chars().count() > MAX_LABEL,
        "label",
        format!("Keep the label within {MAX_LABEL} characters."),
    );
    v.check(
        days.is_some_and(|d| !(1..=MAX_DAYS).contains(&d)),
        "expires_in_days",
        format!("Give a whole number of days from 1 to {MAX_DAYS}, or leave it blank."),
    );
    v.finish()?;
    let review =
        match review.trim() {
            "" => None,
            r => Some(find_final(db, &project, r).await.map_err(|_| {
                AppError::field("review", "Choose a final review of this project.")
            })?),
        };
    let token = new_token();
    let now = Utc::now();
    let txn = crate::txn::begin(db).await?;
    let link = share_links::ActiveModel {
        project_id: Set(project.id),
        review_id: Set(review.as_ref().map(|r| r.id)),
        token_hash: Set(hash(&token)),
        label: Set(label.to_owned()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        expires_at: Set(days.map(|d| now + Duration::days(d))),
        revoked_at: Set(None),
        last_used_at: Set(None),
        uses: Set(0),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("share_link", link.id, "created")
            .in_project(&project)
            .after(&serde_json::json!({
                "label": link.label,
                "review": review.as_ref().map(|r| r.title.clone()),
                "expires_at": link.expires_at,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Revokes share link `id` at once (owners of its project only; another team's link is 404).
pub async fn revoke(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let link = share_links::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let seen = crate::projects::access::project_by_id(db, user, link.project_id).await?;
    seen.require_manage()?;
    let project = seen.project;
    if link.revoked_at.is_some() {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    let label = link.label.clone();
    let mut active = link.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("share_link", id, "revoked")
            .in_project(&project)
            .before(&serde_json::json!({ "label": label })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The project (and review) a token opens, counting the use. Unknown, revoked and expired
/// tokens are all the same 404, and a token of the wrong shape never reaches the database.
pub async fn open(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<(projects::Model, Option<reviews::Model>), AppError> {
    if !is_secret_shaped(token) {
        return Err(AppError::NotFound);
    }
    let now = Utc::now();
    let link = share_links::Entity::find()
        .filter(share_links::Column::TokenHash.eq(hash(&token.to_ascii_lowercase())))
        .one(db)
        .await?
        .filter(|l| l.revoked_at.is_none() && l.expires_at.is_none_or(|e| e > now))
        .ok_or(AppError::NotFound)?;
    share_links::Entity::update_many()
        .col_expr(share_links::Column::LastUsedAt, Expr::value(now))
        .col_expr(
            share_links::Column::Uses,
            Expr::col(share_links::Column::Uses).add(1),
        )
        .filter(share_links::Column::Id.eq(link.id))
        .exec(db)
        .await?;
    let project = projects::Entity::find_by_id(link.project_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let review = match link.review_id {
        Some(id) => Some(
            reviews::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    Ok((project, review))
}
