//! `/items/{id}/checks`, `/checks/{id}` and `/projects/{slug}/checks/{key}/results`: an item's
//! checks, as on its page, and the call a pipeline makes to report a result.

use app::checks::{
    model::{CheckInput, CheckView},
    service,
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, ApiState, created,
    extract::{ApiJson, ApiPath, Reader, Writer},
};

/// The item's checks, oldest first, each with its latest results (at most 100).
#[utoipa::path(get, path = "/items/{id}/checks", tag = "checks",
    params(("id" = i32, Path, description = "Item id")),
    responses((status = 200, body = Vec<CheckView>)))]
pub async fn list(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<Vec<CheckView>>, ApiError> {
    Ok(Json(
        service::item_checks(&s.app.db, &user, id).await?.checks,
    ))
}

/// Adds a check to an item (editors): `kind` `http` (`url`, `method`, `expect_status`,
/// `body_contains`, `header`), `tls` (`host` as `host:port`, `min_days`), `dns` (`host`,
/// `expect_address`) — each with `interval_minutes` and `timeout` — or `ci` (`key`,
/// `ttl_hours`). Every value is a string, as in the form.
#[utoipa::path(post, path = "/items/{id}/checks", tag = "checks", operation_id = "create_item_check",
    params(("id" = i32, Path, description = "Item id")),
    request_body = CheckInput,
    responses((status = 201, body = CheckView, headers(("Location" = String)))))]
pub async fn create(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<CheckInput>,
) -> Result<Response, ApiError> {
    let db = &s.app.db;
    let check = service::create_check(
        db,
        &user,
        id,
        &body,
        s.app.settings.checks_allow_private,
        s.app.clock.now(),
    )
    .await?;
    let view = service::item_checks(db, &user, id)
        .await?
        .checks
        .into_iter()
        .find(|c| c.id == check)
        .ok_or(app::error::AppError::NotFound)?;
    Ok(created(format!("/items/{id}/checks"), view))
}

/// Removes a check (editors); its item keeps its status.
#[utoipa::path(delete, path = "/checks/{id}", tag = "checks",
    params(("id" = i32, Path, description = "Check id")),
    responses((status = 204, description = "Removed")))]
pub async fn delete(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::delete_check(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A pipeline's result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    /// `pass` or `fail`.
    pub status: ResultStatus,
    /// A link to the run (http or https).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub url: String,
    /// What it found, in a sentence.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub summary: String,
}

/// A pipeline's verdict.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultStatus {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
}

/// Reports a pipeline's result to the project's CI check `key` (editors, read-write token): a
/// pass marks its item done with CI evidence (holding for the check's TTL); a fail reopens it
/// if it was done.
#[utoipa::path(post, path = "/projects/{slug}/checks/{key}/results", tag = "checks",
    params(("slug" = String, Path, description = "The project's slug"),
        ("key" = String, Path, description = "The CI check's key")),
    request_body = CheckResult,
    responses((status = 200, body = CheckView)))]
pub async fn report(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath((slug, key)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<CheckResult>,
) -> Result<Json<CheckView>, ApiError> {
    let view = service::report_ci(
        &s.app.db,
        &user,
        &slug,
        &key,
        &service::CiReport {
            ok: matches!(body.status, ResultStatus::Pass),
            url: body.url,
            summary: body.summary,
        },
        s.app.clock.now(),
    )
    .await?;
    Ok(Json(view))
}
