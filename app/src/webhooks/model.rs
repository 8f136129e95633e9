//! What the webhook pages and the API show.

use serde::{Deserialize, Serialize};

/// The events a webhook may ask for: (name, description).
pub const EVENTS: [(&str, &str); 7] = [
    ("item.assigned", "An item is assigned to someone"),
    ("item.status_changed", "An item's status changes"),
    ("item.commented", "Someone comments on an item"),
    (
        "check.failed",
        "A check fails (reopening a done item) or its CI result goes stale",
    ),
    ("project.verdict_changed", "A project's verdict changes"),
    ("review.finalized", "A review is finalized"),
    ("review.signed_off", "A final review is signed off"),
];

/// Body formats: Standard Webhooks JSON, or Slack/Mattermost's `{"text": …}`.
pub const FORMATS: [(&str, &str); 2] = [
    ("standard", "JSON (Standard Webhooks)"),
    ("slack", "Slack / Mattermost incoming webhook"),
];

/// One webhook (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WebhookView {
    /// Id.
    pub id: i32,
    /// Where events are posted.
    pub url: String,
    /// The events it gets.
    pub events: Vec<String>,
    /// `standard` or `slack`.
    pub format: String,
    /// Created (UTC).
    pub created_at: String,
    /// The latest messages, newest first, with their attempts.
    pub deliveries: Vec<DeliveryView>,
}

/// One message to a webhook and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Id (for "send again").
    pub id: i32,
    /// The `webhook-id` header.
    pub msg_id: String,
    /// The event.
    pub event: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Created (UTC).
    pub created_at: String,
    /// Every attempt, oldest first.
    pub attempts: Vec<AttemptView>,
}

/// One attempt at posting a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptView {
    /// A 2xx answer.
    pub ok: bool,
    /// The HTTP status, when there was an answer.
    pub status_code: Option<i32>,
    /// How long it took.
    pub duration_ms: i32,
    /// What went wrong (timeout, refused, …), empty when it worked.
    pub error: String,
    /// When (UTC).
    pub at: String,
}

/// A webhook just made: its id and its signing secret, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WebhookCreated {
    /// Id.
    pub id: i32,
    /// `whsec_…`: verify deliveries with it.
    pub secret: String,
}
