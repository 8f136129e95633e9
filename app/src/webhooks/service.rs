//! Managing a team's webhooks (owners only), and turning events into messages to send.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::model::{AttemptView, DeliveryView, EVENTS, FORMATS, WebhookCreated, WebhookView};
use crate::{
    auth::model::AuthUser,
    authz,
    entities::{webhook_attempts, webhook_messages, webhooks},
    error::{AppError, FieldErrors},
    jobs::{self, NewJob},
};

/// The job that posts one message (payload `{"message": id}`).
pub const DELIVER: &str = "webhook.deliver";
/// Attempts at one message: 30 s, 1, 2, 4 … minutes, then hourly: about a day.
pub const ATTEMPTS: i32 = 30;
/// Webhooks one team may have.
pub const MAX_PER_TEAM: u64 = 20;
/// Messages the log shows per webhook.
const LOG: u64 = 20;

/// What the new-webhook form sends.
#[derive(Clone, Debug, Default)]
pub struct NewWebhook {
    /// Where to post.
    pub url: String,
    /// Event names.
    pub events: Vec<String>,
    /// `standard` or `slack`.
    pub format: String,
}

/// Adds a webhook to `team` (owners): checks the URL (never a private address unless
/// `allow_private`), the events and the format; returns its secret, shown this once.
pub async fn create(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team: i32,
    input: NewWebhook,
    allow_private: bool,
) -> Result<WebhookCreated, AppError> {
    authz::can_manage_team(db, user, team).await?;
    let mut errors = FieldErrors::new();
    if input.url.len() > 2000 {
        errors.insert("url".into(), "At most 2,000 characters.".into());
    }
    if input.events.is_empty() {
        errors.insert("events".into(), "Choose at least one event.".into());
    } else if let Some(bad) = input
        .events
        .iter()
        .find(|e| !EVENTS.iter().any(|(n, _)| n == *e))
    {
        let bad: String = bad.chars().take(40).collect();
        errors.insert("events".into(), format!("“{bad}” is not an event."));
    }
    if !FORMATS.iter().any(|(f, _)| *f == input.format) {
        errors.insert("format".into(), "Choose JSON or Slack.".into());
    }
    let count = webhooks::Entity::find()
        .filter(webhooks::Column::TeamId.eq(team))
        .count(db)
        .await?;
    if count >= MAX_PER_TEAM {
        errors.insert(
            "url".into(),
            format!("A team has at most {MAX_PER_TEAM} webhooks."),
        );
    }
    if errors.is_empty()
        && let Err(message) =
            super::guard::check_url(&input.url, allow_private, "PREFLIGHT_WEBHOOK_ALLOW_PRIVATE")
                .await
    {
        errors.insert("url".into(), message);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
    );
    let mut events = input.events;
    events.sort();
    events.dedup();
    let row = webhooks::ActiveModel {
        team_id: Set(team),
        url: Set(input.url.trim().to_owned()),
        secret: Set(secret.clone()),
        events: Set(events.join(",")),
        format: Set(input.format),
        active: Set(true),
        created_by: Set(Some(user.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(WebhookCreated { id: row.id, secret })
}

/// The webhook `id` if `user` manages its team.
async fn managed(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<webhooks::Model, AppError> {
    let hook = webhooks::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    // Seeing the team at all comes first: another team's webhook is not found.
    authz::can_manage_team(db, user, hook.team_id).await?;
    Ok(hook)
}

/// Deletes a webhook (owners), its log with it.
pub async fn delete(db: &impl ConnectionTrait, user: &AuthUser, id: i32) -> Result<(), AppError> {
    let hook = managed(db, user, id).await?;
    webhooks::Entity::delete_by_id(hook.id).exec(db).await?;
    Ok(())
}

/// `team`'s webhooks with their latest deliveries (owners).
pub async fn list(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    team: i32,
) -> Result<Vec<WebhookView>, AppError> {
    authz::can_manage_team(db, user, team).await?;
    let hooks = webhooks::Entity::find()
        .filter(webhooks::Column::TeamId.eq(team))
        .order_by_asc(webhooks::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(hooks.len());
    for h in hooks {
        let deliveries = log(db, h.id).await?;
        out.push(WebhookView {
            id: h.id,
            url: h.url,
            events: h.events.split(',').map(str::to_owned).collect(),
            format: h.format,
            created_at: h.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            deliveries,
        });
    }
    Ok(out)
}

async fn log(db: &impl ConnectionTrait, hook: i32) -> Result<Vec<DeliveryView>, DbErr> {
    let messages = webhook_messages::Entity::find()
        .filter(webhook_messages::Column::WebhookId.eq(hook))
        .order_by_desc(webhook_messages::Column::Id)
        .limit(LOG)
        .all(db)
        .await?;
    let ids: Vec<i32> = messages.iter().map(|m| m.id).collect();
    let attempts = webhook_attempts::Entity::find()
        .filter(webhook_attempts::Column::MessageId.is_in(ids))
        .order_by_asc(webhook_attempts::Column::Id)
        .all(db)
        .await?;
    Ok(messages
        .into_iter()
        .map(|m| DeliveryView {
            attempts: attempts
                .iter()
                .filter(|a| a.message_id == m.id)
                .map(|a| AttemptView {
                    ok: a.ok,
                    status_code: a.status_code,
                    duration_ms: a.duration_ms,
                    error: a.error.clone(),
                    at: a.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                })
                .collect(),
            id: m.id,
            msg_id: m.msg_id,
            event: m.event,
            state: m.state,
            created_at: m.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        })
        .collect())
}

/// Sends message `id` again (owners): same `webhook-id`, a fresh round of attempts.
pub async fn send_again(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let message = webhook_messages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    managed(db, user, message.webhook_id).await?;
    let rounds = webhook_attempts::Entity::find()
        .filter(webhook_attempts::Column::MessageId.eq(id))
        .count(db)
        .await?;
    webhook_messages::Entity::update_many()
        .col_expr(webhook_messages::Column::State, "pending".into())
        .filter(webhook_messages::Column::Id.eq(id))
        .exec(db)
        .await?;
    let now = Utc::now();
    // A new key per request: a click while the last round still runs adds one more round.
    let job = NewJob::new(DELIVER, serde_json::json!({ "message": id }), now)
        .once(format!("{DELIVER}:{id}:again{rounds}"))
        .attempts(ATTEMPTS);
    jobs::enqueue(db, job, now).await?;
    Ok(())
}

/// One event of a team, for its webhooks.
pub struct Event<'a> {
    /// Its name (one of [`EVENTS`]).
    pub name: &'a str,
    /// Its data (the `data` of the JSON body).
    pub data: serde_json::Value,
    /// A sentence (the Slack text).
    pub text: String,
}

/// Queues `event` for each of `team`'s webhooks that asks for it, in the caller's transaction.
pub async fn emit(
    db: &impl ConnectionTrait,
    team: i32,
    event: Event<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let hooks = webhooks::Entity::find()
        .filter(webhooks::Column::TeamId.eq(team))
        .filter(webhooks::Column::Active.eq(true))
        .all(db)
        .await?;
    for hook in hooks
        .iter()
        .filter(|h| h.events.split(',').any(|e| e == event.name))
    {
        let message = webhook_messages::ActiveModel {
            webhook_id: Set(hook.id),
            msg_id: Set(format!("msg_{}", &crate::secret::new_secret()[..26])),
            event: Set(event.name.to_owned()),
            data: Set(event.data.to_string()),
            text: Set(event.text.clone()),
            state: Set("pending".to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let job = NewJob::new(DELIVER, serde_json::json!({ "message": message.id }), now)
            .once(format!("{DELIVER}:{}", message.id))
            .attempts(ATTEMPTS);
        jobs::enqueue(db, job, now).await?;
    }
    Ok(())
}

/// Days a webhook message and its attempts stay in the log.
pub const KEEP_DAYS: i64 = 30;

/// Deletes messages (and their attempts) older than [`KEEP_DAYS`].
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(webhook_messages::Entity::delete_many()
        .filter(webhook_messages::Column::CreatedAt.lt(now - chrono::Duration::days(KEEP_DAYS)))
        .exec(db)
        .await?
        .rows_affected)
}
