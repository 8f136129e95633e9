//! Server functions of the inbox: each acts on the signed-in person's own notifications only.

use leptos::prelude::*;

use super::model::InboxView;
use crate::error::AppError;

/// A page of one's inbox, newest first (`before`: the `older` of the previous page).
#[server(prefix = "/rpc", endpoint = "get_inbox", input = server_fn::codec::GetUrl)]
pub async fn get_inbox(#[server(default)] before: Option<i32>) -> Result<InboxView, AppError> {
    use crate::state::{db, require_user};
    super::service::inbox(&db()?, &require_user()?, before).await
}

/// Marks one of one's notifications read (`read`: its id, as the inbox's button sends it).
#[server(prefix = "/rpc", endpoint = "mark_notification_read")]
pub async fn mark_notification_read(read: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::mark_read(&db()?, &require_user()?, read).await
}

/// Marks all of one's notifications read; returns how many were unread.
#[server(prefix = "/rpc", endpoint = "mark_all_notifications_read")]
pub async fn mark_all_notifications_read() -> Result<u64, AppError> {
    use crate::state::{db, require_user};
    super::service::mark_all_read(&db()?, &require_user()?).await
}
