//! The plan: phases with their items, against the launch date and the team's capacity.
//! Items are scheduled through `phase_id` on the item (`PATCH /items/{id}`).

use app::phases::{
    model::{PhaseView, PlanView},
    service::{self, PhaseInput},
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, ApiState, created,
    extract::{ApiJson, ApiPath, Reader, Writer},
    nullable, today,
};
use app::{auth::model::AuthUser, error::AppError};

/// The plan of a project: its phases in order with their items and load (overdue, over
/// capacity), the unscheduled items, the launch date, capacity and review cadence, and the
/// forecast with the burn-down.
#[utoipa::path(get, path = "/projects/{slug}/plan", tag = "plan",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = PlanView)))]
pub async fn plan(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(service::plan(&s.app.db, &user, &slug, today()).await?))
}

/// A new phase.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPhase {
    /// Name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// What the phase is for (up to 20,000 characters).
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub goal: String,
    /// When it should be done.
    pub target_date: Option<NaiveDate>,
}

/// Phase `id` as the plan shows it now.
async fn phase_view(s: &ApiState, user: &AuthUser, id: i32) -> Result<PhaseView, ApiError> {
    let (_, seen) = service::phase(&s.app.db, user, id).await?;
    Ok(service::plan(&s.app.db, user, &seen.project.slug, today())
        .await?
        .phases
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?)
}

/// Adds a phase at the end of the plan (editors).
#[utoipa::path(post, path = "/projects/{slug}/phases", tag = "plan",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = NewPhase,
    responses((status = 201, body = PhaseView, headers(("Location" = String)))))]
pub async fn create_phase(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<NewPhase>,
) -> Result<Response, ApiError> {
    let input = PhaseInput {
        name: body.name,
        goal: body.goal,
        target_date: body.target_date.map(|d| d.to_string()).unwrap_or_default(),
    };
    let id = service::create_phase(&s.app.db, &user, &slug, input).await?;
    let view = phase_view(&s, &user, id).await?;
    Ok(created(format!("/phases/{id}"), view))
}

/// Changes to a phase seen at `version`; fields left out keep their values.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseChange {
    /// The version last read (409 when someone changed it since).
    pub version: i32,
    /// Name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// Goal (up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub goal: Option<String>,
    /// Target date, or `null` for none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub target_date: Option<Option<NaiveDate>>,
}

/// Renames a phase or changes its goal or target date (editors).
#[utoipa::path(patch, path = "/phases/{id}", tag = "plan",
    params(("id" = i32, Path, description = "Phase id")),
    request_body = PhaseChange,
    responses((status = 200, body = PhaseView), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "Stale version")))]
pub async fn update_phase(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<PhaseChange>,
) -> Result<Json<PhaseView>, ApiError> {
    let (now, _) = service::phase(&s.app.db, &user, id).await?;
    let input = PhaseInput {
        name: body.name.unwrap_or(now.name),
        goal: body.goal.unwrap_or(now.goal),
        target_date: body
            .target_date
            .unwrap_or(now.target_date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    };
    service::update_phase(&s.app.db, &user, id, body.version, input).await?;
    Ok(Json(phase_view(&s, &user, id).await?))
}

/// Deletes a phase (editors); its items stay, unscheduled.
#[utoipa::path(delete, path = "/phases/{id}", tag = "plan",
    params(("id" = i32, Path, description = "Phase id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_phase(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::delete_phase(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
