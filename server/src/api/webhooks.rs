//! `/teams/{id}/webhooks` and `/webhooks/…`: a team's webhooks, for its owners, as on the team
//! page.

use app::webhooks::{
    model::{WebhookCreated, WebhookView},
    service,
};
use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, ApiState,
    extract::{ApiJson, ApiPath, Reader, Writer},
};

/// A new webhook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to post (`http://` or `https://`; never a private or loopback address unless the
    /// instance allows them).
    #[schema(max_length = 2000)]
    pub url: String,
    /// Events wanted: `item.assigned`, `item.status_changed`, `item.commented`,
    /// `check.failed`, `project.verdict_changed`, `review.finalized`, `review.signed_off`.
    #[schema(min_items = 1, max_items = 7)]
    pub events: Vec<String>,
    /// `standard` (Standard Webhooks JSON, the default) or `slack` (`{"text": …}`).
    #[serde(default = "standard")]
    pub format: String,
}

fn standard() -> String {
    "standard".to_owned()
}

/// The team's webhooks with their latest deliveries (owners).
#[utoipa::path(get, path = "/teams/{id}/webhooks", tag = "webhooks",
    params(("id" = i32, Path, description = "Team id")),
    responses((status = 200, body = Vec<WebhookView>)))]
pub async fn list_team_webhooks(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    Ok(Json(service::list(&s.app.db, &user, id).await?))
}

/// Adds a webhook (owners); the answer holds its signing secret, shown this once.
#[utoipa::path(post, path = "/teams/{id}/webhooks", tag = "webhooks",
    params(("id" = i32, Path, description = "Team id")), request_body = NewWebhook,
    responses((status = 201, body = WebhookCreated)))]
pub async fn create_team_webhook(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<NewWebhook>,
) -> Result<Response, ApiError> {
    if body.events.len() > app::webhooks::model::EVENTS.len() {
        return Err(app::error::AppError::field("events", "Too many events.").into());
    }
    let input = service::NewWebhook {
        url: body.url,
        events: body.events,
        format: body.format,
    };
    let allow = s.app.settings.webhook_allow_private;
    let made = service::create(&s.app.db, &user, id, input, allow).await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

/// Deletes a webhook and its delivery log (owners).
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i32, Path, description = "Webhook id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_webhook(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::delete(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a logged delivery again: same `webhook-id`, a fresh round of attempts (owners).
#[utoipa::path(post, path = "/webhooks/deliveries/{id}/send-again", tag = "webhooks",
    params(("id" = i32, Path, description = "Delivery id")),
    responses((status = 202, description = "Queued")))]
pub async fn send_webhook_delivery_again(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::send_again(&s.app.db, &user, id).await?;
    Ok(StatusCode::ACCEPTED)
}
