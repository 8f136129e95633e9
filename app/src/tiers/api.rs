//! Server functions for launch tiers. Each authorizes inside.

use leptos::prelude::*;

use super::model::{ProjectTier, TierView};
use crate::error::AppError;

/// Every tier, in order (any signed-in user: tiers are the site's policy).
#[server(prefix = "/rpc", endpoint = "list_tiers", input = server_fn::codec::GetUrl)]
pub async fn list_tiers() -> Result<Vec<TierView>, AppError> {
    use crate::state::{db, require_user};
    require_user()?;
    super::service::list(&db()?).await
}

/// Creates a tier (site admins); `sections` one per line, `groups` reviewer group names
/// separated by commas.
#[server(prefix = "/rpc", endpoint = "create_tier")]
pub async fn create_tier(
    name: String,
    #[server(default)] description: String,
    threshold: i32,
    #[server(default)] sections: String,
    #[server(default)] groups: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::TierInput {
        name,
        description,
        threshold,
        sections,
        groups,
    };
    super::service::create(&db()?, &require_user()?, input).await
}

/// Changes a tier (site admins); its projects follow. Returns how many did.
#[server(prefix = "/rpc", endpoint = "update_tier")]
pub async fn update_tier(
    id: i32,
    name: String,
    #[server(default)] description: String,
    threshold: i32,
    #[server(default)] sections: String,
    #[server(default)] groups: String,
) -> Result<usize, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::TierInput {
        name,
        description,
        threshold,
        sections,
        groups,
    };
    super::service::update(&db()?, &require_user()?, id, input).await
}

/// Deletes a tier (site admins).
#[server(prefix = "/rpc", endpoint = "delete_tier")]
pub async fn delete_tier(id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete(&db()?, &require_user()?, id).await
}

/// A project's tier and the tiers to choose from.
#[server(prefix = "/rpc", endpoint = "get_project_tier", input = server_fn::codec::GetUrl)]
pub async fn get_project_tier(slug: String) -> Result<ProjectTier, AppError> {
    use crate::state::{db, require_user};
    super::service::project_tier(&db()?, &require_user()?, &slug).await
}

/// Puts a project on a tier (`tier` 0: none) (team owners).
#[server(prefix = "/rpc", endpoint = "set_project_tier")]
pub async fn set_project_tier(slug: String, #[server(default)] tier: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::set_project_tier(&db()?, &require_user()?, &slug, (tier > 0).then_some(tier))
        .await
}
