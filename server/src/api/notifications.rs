//! `/me/notifications`: the token owner's inbox, as on `/inbox`.

use app::inbox::{model::InboxView, service};
use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiError, ApiState,
    extract::{ApiPath, ApiQuery, Reader, Writer},
};

/// `?before=`: the `older` of the previous page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only notifications older than this one (its id).
    #[param(minimum = 1)]
    pub before: Option<i32>,
}

/// Fifty notifications, newest first, with the unread count and where the next page starts.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications", params(InboxQuery),
    responses((status = 200, body = InboxView)))]
pub async fn list(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Json<InboxView>, ApiError> {
    Ok(Json(service::inbox(&s.app.db, &user, q.before).await?))
}

/// Marks one notification read (again is fine); another person's is not found.
#[utoipa::path(post, path = "/me/notifications/{id}/read", tag = "notifications",
    params(("id" = i32, Path, description = "Notification id")),
    responses((status = 204, description = "Marked read")))]
pub async fn mark_read(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::mark_read(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many were marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    /// Notifications that were unread.
    pub marked: u64,
}

/// Marks every unread notification read.
#[utoipa::path(post, path = "/me/notifications/read", tag = "notifications",
    responses((status = 200, body = Marked)))]
pub async fn mark_all_read(
    State(s): State<ApiState>,
    Writer(user): Writer,
) -> Result<Json<Marked>, ApiError> {
    let marked = service::mark_all_read(&s.app.db, &user).await?;
    Ok(Json(Marked { marked }))
}
