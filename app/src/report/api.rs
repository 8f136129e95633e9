//! Report server functions. Each authorizes inside its service call.

use leptos::prelude::*;

pub use super::model::ReportPageData;
use crate::error::AppError;

/// The report of project `slug`, live or as of final review `review` (id or version label).
#[server(prefix = "/rpc", endpoint = "get_report", input = server_fn::codec::GetUrl)]
pub async fn get_report(slug: String, review: Option<String>) -> Result<ReportPageData, AppError> {
    use crate::state::{db, require_user};
    let db = db()?;
    let user = require_user()?;
    let today = chrono::Utc::now().date_naive();
    let report = super::service::report(&db, &user, &slug, review.as_deref(), today).await?;
    super::service::page_data(&db, &user, report).await
}

/// The share links of project `slug` (owners only).
#[server(prefix = "/rpc", endpoint = "list_share_links", input = server_fn::codec::GetUrl)]
pub async fn list_share_links(slug: String) -> Result<Vec<super::model::ShareLinkView>, AppError> {
    use crate::state::{db, require_user};
    super::share::list(&db()?, &require_user()?, &slug).await
}

/// Creates a share link; returns its address (`/share/{token}`), shown only this once.
#[server(prefix = "/rpc", endpoint = "create_share_link")]
pub async fn create_share_link(
    slug: String,
    #[server(default)] label: String,
    #[server(default)] review: String,
    #[server(default)] expires_in_days: String,
) -> Result<String, AppError> {
    use crate::state::{db, require_user};
    let token = super::share::create(
        &db()?,
        &require_user()?,
        &slug,
        &label,
        &review,
        &expires_in_days,
    )
    .await?;
    Ok(format!("/share/{token}"))
}

/// Revokes a share link at once.
#[server(prefix = "/rpc", endpoint = "revoke_share_link")]
pub async fn revoke_share_link(id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::share::revoke(&db()?, &require_user()?, id).await
}
