//! Plan server functions. Each authorizes inside its service call.

use leptos::prelude::*;

use super::model::PlanView;
use crate::error::AppError;

/// The plan of project `slug`: phases with their items, the forecast and the burn-down.
#[server(prefix = "/rpc", endpoint = "get_plan", input = server_fn::codec::GetUrl)]
pub async fn get_plan(slug: String) -> Result<PlanView, AppError> {
    use crate::state::{db, require_user};
    super::service::plan(&db()?, &require_user()?, &slug, crate::clock::today()).await
}

/// Adds a phase at the end of project `slug`'s plan (editors).
#[server(prefix = "/rpc", endpoint = "create_phase")]
pub async fn create_phase(
    slug: String,
    name: String,
    #[server(default)] goal: String,
    #[server(default)] target_date: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::PhaseInput {
        name,
        goal,
        target_date,
    };
    super::service::create_phase(&db()?, &require_user()?, &slug, input).await
}

/// Changes a phase seen at `version` (editors); returns the new version.
#[server(prefix = "/rpc", endpoint = "update_phase")]
pub async fn update_phase(
    phase_id: i32,
    version: i32,
    name: String,
    #[server(default)] goal: String,
    #[server(default)] target_date: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::PhaseInput {
        name,
        goal,
        target_date,
    };
    super::service::update_phase(&db()?, &require_user()?, phase_id, version, input).await
}

/// Moves a phase one place `up` (earlier) or `down` (editors).
#[server(prefix = "/rpc", endpoint = "move_phase")]
pub async fn move_phase(phase_id: i32, direction: String) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::field("direction", "Move up or down.")),
    };
    super::service::move_phase(&db()?, &require_user()?, phase_id, up).await
}

/// Deletes a phase (editors); its items stay, unscheduled.
#[server(prefix = "/rpc", endpoint = "delete_phase")]
pub async fn delete_phase(phase_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete_phase(&db()?, &require_user()?, phase_id).await
}

/// Sets the target launch date, the team's capacity and the review cadence of project
/// `slug` seen at `version` (editors); returns the new version.
#[server(prefix = "/rpc", endpoint = "set_plan_settings")]
pub async fn set_plan_settings(
    slug: String,
    version: i32,
    #[server(default)] target_date: String,
    #[server(default)] capacity_hours: String,
    #[server(default)] review_every_days: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::PlanSettings {
        target_date,
        capacity_hours,
        review_every_days,
    };
    super::service::set_plan_settings(&db()?, &require_user()?, &slug, version, &input).await
}
