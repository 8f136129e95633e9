//! Server functions of team webhooks: owners of the team only.

use leptos::prelude::*;

use super::model::{WebhookCreated, WebhookView};
use crate::error::AppError;

/// A team's webhooks with their latest deliveries.
#[server(prefix = "/rpc", endpoint = "list_webhooks", input = server_fn::codec::GetUrl)]
pub async fn list_webhooks(team_id: i32) -> Result<Vec<WebhookView>, AppError> {
    use crate::state::{db, require_user};
    super::service::list(&db()?, &require_user()?, team_id).await
}

/// Adds a webhook: `url`, the events ticked (`events[]`) and the body `format`; returns its
/// signing secret, shown once.
#[server(prefix = "/rpc", endpoint = "create_webhook")]
pub async fn create_webhook(
    team_id: i32,
    #[server(default)] url: String,
    #[server(default)] events: Vec<String>,
    #[server(default)] format: String,
) -> Result<WebhookCreated, AppError> {
    use crate::state::{app_state, require_user};
    let state = app_state()?;
    let user = require_user()?;
    if events.len() > super::model::EVENTS.len() {
        return Err(AppError::field("events", "Too many events."));
    }
    let input = super::service::NewWebhook {
        url,
        events,
        format,
    };
    let allow = state.settings.webhook_allow_private;
    super::service::create(&state.db, &user, team_id, input, allow).await
}

/// Deletes a webhook and its log.
#[server(prefix = "/rpc", endpoint = "delete_webhook")]
pub async fn delete_webhook(id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete(&db()?, &require_user()?, id).await
}

/// Sends a logged message again (`again`: its id, as the log's button sends it).
#[server(prefix = "/rpc", endpoint = "send_webhook_again")]
pub async fn send_webhook_again(again: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::send_again(&db()?, &require_user()?, again).await
}
