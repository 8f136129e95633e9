//! Server functions for projects. Each authorizes through `authz`.

use leptos::prelude::*;

use super::model::{Portfolio, ProjectSummary, ProjectView};
use crate::{error::AppError, teams::model::TeamChoice};

/// Projects the signed-in user can see, with their readiness.
#[server(prefix = "/rpc", endpoint = "list_projects", input = server_fn::codec::GetUrl)]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    let state = app_state()?;
    let today = chrono::Utc::now().date_naive();
    let all = crate::portfolio::portfolio(
        &state.db,
        &state.memo,
        &user,
        today,
        &Default::default(),
        u32::MAX,
    )
    .await?;
    Ok(all.projects)
}

/// The portfolio: visible projects with readiness, and the user's own open items.
#[server(prefix = "/rpc", endpoint = "get_portfolio", input = server_fn::codec::GetUrl)]
pub async fn get_portfolio(
    #[server(default)] query: super::model::PortfolioQuery,
) -> Result<Portfolio, AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    let state = app_state()?;
    let today = chrono::Utc::now().date_naive();
    crate::portfolio::portfolio(
        &state.db,
        &state.memo,
        &user,
        today,
        &query,
        crate::portfolio::PER_PAGE,
    )
    .await
}

/// One project by slug; `NotFound` when missing or not visible.
#[server(prefix = "/rpc", endpoint = "get_project", input = server_fn::codec::GetUrl)]
pub async fn get_project(slug: String) -> Result<ProjectView, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    super::service::get_visible(&db()?, &user, &slug).await
}

/// Teams the signed-in user can create projects in.
#[server(prefix = "/rpc", endpoint = "list_project_teams", input = server_fn::codec::GetUrl)]
pub async fn list_project_teams() -> Result<Vec<TeamChoice>, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    crate::teams::service::teams_where_user_can_create_projects(&db()?, &user).await
}

/// Creates a project and goes to it.
#[server(prefix = "/rpc", endpoint = "create_project")]
pub async fn create_project(
    name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    team_id: i32,
) -> Result<String, AppError> {
    use super::service::{NewProject, create};
    use crate::state::{db, require_user};
    let user = require_user()?;
    let slug = create(
        &db()?,
        &user,
        NewProject {
            name,
            slug,
            description,
            team_id,
        },
    )
    .await?;
    leptos_axum::redirect(&format!("/p/{slug}"));
    Ok(slug)
}

/// Moves the project to another team; the user must own both teams.
#[server(prefix = "/rpc", endpoint = "move_project")]
pub async fn move_project(slug: String, team_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::move_to_team(&db()?, &require_user()?, &slug, team_id).await
}

/// Changes the project's name, description and readiness threshold (editors), if they are
/// still at `version`.
#[server(prefix = "/rpc", endpoint = "update_project")]
pub async fn update_project(
    slug: String,
    version: i32,
    name: String,
    #[server(default)] description: String,
    threshold: i32,
) -> Result<(), AppError> {
    use super::service::{ProjectEdit, update};
    use crate::state::{db, require_user};
    update(
        &db()?,
        &require_user()?,
        &slug,
        version,
        ProjectEdit {
            name,
            description,
            threshold,
        },
    )
    .await
    .map(drop)
}

/// The forecast of project `slug` against its launch date, and whether a final review is
/// overdue.
#[server(prefix = "/rpc", endpoint = "get_outlook", input = server_fn::codec::GetUrl)]
pub async fn get_outlook(slug: String) -> Result<crate::forecast::Outlooked, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    crate::plan::outlook(
        &s.db,
        &s.memo,
        &require_user()?,
        &slug,
        crate::clock::today(),
    )
    .await
}
