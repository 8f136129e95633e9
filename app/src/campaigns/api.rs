//! Server functions for campaigns. Each authorizes inside.

use leptos::prelude::*;

use super::model::{Applied, CampaignSummary, CampaignView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::clock::today()
}

/// The campaigns the viewer may see (their teams'; site admins: all), newest first.
#[server(prefix = "/rpc", endpoint = "list_campaigns", input = server_fn::codec::GetUrl)]
pub async fn list_campaigns() -> Result<Vec<CampaignSummary>, AppError> {
    use crate::state::{db, require_user};
    super::service::list(&db()?, &require_user()?, today()).await
}

/// Creates a campaign: for a team (`team`, its owners) or site-wide (`team` 0, site admins).
/// `items` holds one item per line (`[critical] Title`). Returns its id.
#[server(prefix = "/rpc", endpoint = "create_campaign")]
pub async fn create_campaign(
    name: String,
    #[server(default)] description: String,
    #[server(default)] team: i32,
    #[server(default)] category: String,
    #[server(default)] deadline: String,
    #[server(default)] items: String,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<i32, AppError> {
    use crate::state::{db, redirect_next, require_user};
    let input = super::service::CampaignInput {
        name,
        description,
        team_id: (team > 0).then_some(team),
        category,
        deadline,
        items,
    };
    let id = super::service::create(&db()?, &require_user()?, input).await?;
    redirect_next(next.as_deref(), id);
    Ok(id)
}

/// A campaign with its progress per project (`sort`: `behind`, `name`, `open`, `activity`).
#[server(prefix = "/rpc", endpoint = "get_campaign", input = server_fn::codec::GetUrl)]
pub async fn get_campaign(
    id: i32,
    #[server(default)] sort: String,
) -> Result<CampaignView, AppError> {
    use crate::state::{db, require_user};
    super::service::view(&db()?, &require_user()?, id, &sort, today()).await
}

/// Applies a campaign to projects (its managers): `projects` names them by slug (separated by
/// commas, spaces or lines), or `whole_team` takes every project of the campaign's team.
#[server(prefix = "/rpc", endpoint = "apply_campaign")]
pub async fn apply_campaign(
    id: i32,
    #[server(default)] projects: String,
    #[server(default)] whole_team: Option<String>,
    /// Every project on this launch tier instead (0: none).
    #[server(default)]
    tier: i32,
) -> Result<Applied, AppError> {
    use crate::state::{db, require_user};
    let targets = super::service::Targets {
        slugs: projects
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        whole_team: matches!(whole_team.as_deref(), Some("on" | "true" | "1")),
        tier: (tier > 0).then_some(tier),
    };
    super::service::apply(&db()?, &require_user()?, id, targets).await
}

/// Closes a campaign (its managers); its items stay in the projects.
#[server(prefix = "/rpc", endpoint = "close_campaign")]
pub async fn close_campaign(id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::close(&db()?, &require_user()?, id).await
}
