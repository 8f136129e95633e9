//! What the inbox shows.

use serde::{Deserialize, Serialize};

/// One notification as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// Database id.
    pub id: i32,
    /// What happened (`assigned`, `status_changed`, `commented`).
    pub kind: String,
    /// The sentence, as it was true then.
    pub text: String,
    /// Where it happened (a local path).
    pub link: String,
    /// When, as `2026-12-02 16:58 UTC`.
    pub at: String,
    /// Not read yet.
    pub unread: bool,
}

/// A page of the inbox, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxView {
    /// Up to [`PAGE`] notifications.
    pub items: Vec<NotificationView>,
    /// Unread in all.
    pub unread: u64,
    /// The `before` of the next (older) page, when there is one.
    pub older: Option<i32>,
}

/// Notifications per page.
pub const PAGE: u64 = 50;
/// Days a notification is kept.
pub const KEEP_DAYS: i64 = 90;
