//! Server functions for reviewer groups and sign-off by discipline. Each authorizes inside.

use leptos::prelude::*;

use super::model::{ReviewerGroupView, SignoffState};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::clock::today()
}

/// Every reviewer group with its members (site admins).
#[server(prefix = "/rpc", endpoint = "list_reviewer_groups", input = server_fn::codec::GetUrl)]
pub async fn list_reviewer_groups() -> Result<Vec<ReviewerGroupView>, AppError> {
    use crate::state::{db, require_user};
    super::service::list_groups(&db()?, &require_user()?).await
}

/// Creates a reviewer group (site admins).
#[server(prefix = "/rpc", endpoint = "create_reviewer_group")]
pub async fn create_reviewer_group(
    name: String,
    #[server(default)] description: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::create_group(&db()?, &require_user()?, &name, &description).await
}

/// Deletes a reviewer group (site admins).
#[server(prefix = "/rpc", endpoint = "delete_reviewer_group")]
pub async fn delete_reviewer_group(id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete_group(&db()?, &require_user()?, id).await
}

/// Adds the account with `email` to a reviewer group (site admins).
#[server(prefix = "/rpc", endpoint = "add_reviewer")]
pub async fn add_reviewer(group: i32, email: String) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::add_member(&db()?, &require_user()?, group, &email).await
}

/// Removes a person from a reviewer group (site admins).
#[server(prefix = "/rpc", endpoint = "remove_reviewer")]
pub async fn remove_reviewer(group: i32, user: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::remove_member(&db()?, &require_user()?, group, user).await
}

/// A project's required groups and where each stands on its latest final review.
#[server(prefix = "/rpc", endpoint = "get_signoff_state", input = server_fn::codec::GetUrl)]
pub async fn get_signoff_state(slug: String) -> Result<SignoffState, AppError> {
    use crate::state::{db, require_user};
    super::service::state(&db()?, &require_user()?, &slug, today()).await
}

/// Requires (`required=true`) or stops requiring one group's sign-off for a project (team
/// owners).
#[server(prefix = "/rpc", endpoint = "require_signoff_group")]
pub async fn require_signoff_group(
    slug: String,
    group: i32,
    required: bool,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    let (db, user) = (db()?, require_user()?);
    let now = super::service::state(&db, &user, &slug, today()).await?;
    let mut ids: Vec<i32> = now.groups.iter().map(|g| g.group_id).collect();
    ids.retain(|g| *g != group);
    if required {
        ids.push(group);
    }
    super::service::set_required(&db, &user, &slug, &ids).await
}

/// Names the reviewer group that owns a category (`group` blank or 0: none) (team owners).
#[server(prefix = "/rpc", endpoint = "set_category_group")]
pub async fn set_category_group(
    category: i32,
    #[server(default)] group: String,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    let group = match group.trim() {
        "" | "0" => None,
        g => Some(
            g.parse::<i32>()
                .map_err(|_| AppError::field("group", "Choose a group."))?,
        ),
    };
    super::service::set_category_group(&db()?, &require_user()?, category, group).await
}

/// Asks the groups still awaited on a project's latest final review for their sign-off
/// (editors); returns how many people were told.
#[server(prefix = "/rpc", endpoint = "request_signoff")]
pub async fn request_signoff(slug: String) -> Result<usize, AppError> {
    use crate::state::{db, require_user};
    super::service::request(&db()?, &require_user()?, &slug, today()).await
}

/// The projects that need a sign-off of one of the viewer's reviewer groups.
#[server(prefix = "/rpc", endpoint = "list_signoff_queue", input = server_fn::codec::GetUrl)]
pub async fn list_signoff_queue() -> Result<Vec<SignoffState>, AppError> {
    use crate::state::{db, require_user};
    super::service::queue(&db()?, &require_user()?, today()).await
}
