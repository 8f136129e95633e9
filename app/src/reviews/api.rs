//! Review server functions. Each authorizes inside its service call.

use leptos::prelude::*;

use super::model::{LiveDiff, ReviewView, ReviewsView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::clock::today()
}

/// The reviews of project `slug`, the trend and the diff since the last final review.
#[server(prefix = "/rpc", endpoint = "get_reviews", input = server_fn::codec::GetUrl)]
pub async fn get_reviews(slug: String) -> Result<ReviewsView, AppError> {
    use crate::state::{db, require_user};
    super::service::list(&db()?, &require_user()?, &slug, today()).await
}

/// The scores of project `slug`'s final reviews, oldest first (the overview's chart).
#[server(prefix = "/rpc", endpoint = "get_trend", input = server_fn::codec::GetUrl)]
pub async fn get_trend(slug: String) -> Result<super::model::TrendView, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    super::service::trend_of(&s.db, &s.memo, &require_user()?, &slug).await
}

/// One review with its snapshot, diff and sign-offs.
#[server(prefix = "/rpc", endpoint = "get_review", input = server_fn::codec::GetUrl)]
pub async fn get_review(review_id: i32) -> Result<ReviewView, AppError> {
    use crate::state::{db, require_user};
    super::service::detail(&db()?, &require_user()?, review_id, today()).await
}

/// The live project of `slug` against its last final review.
#[server(prefix = "/rpc", endpoint = "get_live_diff", input = server_fn::codec::GetUrl)]
pub async fn get_live_diff(slug: String) -> Result<LiveDiff, AppError> {
    use crate::state::{db, require_user};
    super::service::live_diff(&db()?, &require_user()?, &slug, today()).await
}

/// Starts a draft review.
#[server(prefix = "/rpc", endpoint = "create_review")]
pub async fn create_review(
    slug: String,
    title: String,
    #[server(default)] reviewer: String,
    #[server(default)] review_date: String,
    #[server(default)] version_label: String,
    #[server(default)] summary: String,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<i32, AppError> {
    use crate::state::{db, redirect_next, require_user};
    let input = super::service::ReviewInput {
        title,
        reviewer,
        review_date,
        version_label,
        summary,
    };
    let id = super::service::create(&db()?, &require_user()?, &slug, input, today()).await?;
    redirect_next(next.as_deref(), id);
    Ok(id)
}

/// Edits a draft seen at `version`.
#[server(prefix = "/rpc", endpoint = "update_review")]
pub async fn update_review(
    review_id: i32,
    version: i32,
    title: String,
    #[server(default)] reviewer: String,
    #[server(default)] review_date: String,
    #[server(default)] version_label: String,
    #[server(default)] summary: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::ReviewInput {
        title,
        reviewer,
        review_date,
        version_label,
        summary,
    };
    super::service::update(&db()?, &require_user()?, review_id, version, input, today()).await
}

/// Deletes a draft.
#[server(prefix = "/rpc", endpoint = "delete_review")]
pub async fn delete_review(
    review_id: i32,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{db, redirect_next, require_user};
    super::service::delete(&db()?, &require_user()?, review_id).await?;
    redirect_next(next.as_deref(), review_id);
    Ok(())
}

/// Freezes a draft seen at `version`.
#[server(prefix = "/rpc", endpoint = "finalize_review")]
pub async fn finalize_review(review_id: i32, version: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::finalize(&db()?, &require_user()?, review_id, version, today()).await
}

/// Signs a final review: as a team owner, or (`group`, a reviewer group's id) for a reviewer
/// group one is in.
#[server(prefix = "/rpc", endpoint = "sign_review")]
pub async fn sign_review(
    review_id: i32,
    #[server(default)] comment: String,
    #[server(default)] group: i32,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::sign(
        &db()?,
        &require_user()?,
        review_id,
        &comment,
        group,
        today(),
    )
    .await
}

/// Starts the next review after `review_id`; returns the new draft's id.
#[server(prefix = "/rpc", endpoint = "start_next_review")]
pub async fn start_next_review(
    review_id: i32,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<i32, AppError> {
    use crate::state::{db, redirect_next, require_user};
    let id = super::service::start_next(&db()?, &require_user()?, review_id, today()).await?;
    redirect_next(next.as_deref(), id);
    Ok(id)
}
