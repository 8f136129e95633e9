//! Server functions for teams and membership. Each authorizes through `authz` (in the service).

use leptos::prelude::*;

use super::model::{TeamDetail, TeamRole, TeamSummary};
use crate::error::AppError;

/// Teams the user belongs to (all for site admins).
#[server(prefix = "/rpc", endpoint = "list_teams", input = server_fn::codec::GetUrl)]
pub async fn list_teams() -> Result<Vec<TeamSummary>, AppError> {
    use crate::state::{db, require_user};
    super::service::list_visible(&db()?, &require_user()?).await
}

/// One team with members and projects.
#[server(prefix = "/rpc", endpoint = "get_team", input = server_fn::codec::GetUrl)]
pub async fn get_team(team_id: i32) -> Result<TeamDetail, AppError> {
    use crate::state::{db, require_user};
    super::service::detail(&db()?, &require_user()?, team_id).await
}

/// Creates a team owned by the user, then opens it.
#[server(prefix = "/rpc", endpoint = "create_team")]
pub async fn create_team(name: String) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let id = super::service::create_team(&db()?, &require_user()?, &name).await?;
    leptos_axum::redirect(&format!("/teams/{id}"));
    Ok(id)
}

/// Renames a team (owners).
#[server(prefix = "/rpc", endpoint = "rename_team")]
pub async fn rename_team(team_id: i32, name: String) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::rename_team(&db()?, &require_user()?, team_id, &name).await
}

/// Adds an existing account by email with a role (owners).
#[server(prefix = "/rpc", endpoint = "add_member")]
pub async fn add_member(team_id: i32, email: String, role: TeamRole) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::add_member(&db()?, &require_user()?, team_id, &email, role).await
}

/// Changes a member's role (owners; a team keeps at least one owner).
#[server(prefix = "/rpc", endpoint = "change_member_role")]
pub async fn change_member_role(
    team_id: i32,
    user_id: i32,
    role: TeamRole,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::change_role(&db()?, &require_user()?, team_id, user_id, role).await
}

/// Removes a member (owners), or leaves the team (oneself).
#[server(prefix = "/rpc", endpoint = "remove_member")]
pub async fn remove_member(team_id: i32, user_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    super::service::remove_member(&db()?, &user, team_id, user_id).await?;
    if user_id == user.id {
        leptos_axum::redirect("/teams");
    }
    Ok(())
}
