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

/// One's notification settings (`/account`).
#[server(prefix = "/rpc", endpoint = "get_notification_prefs", input = server_fn::codec::GetUrl)]
pub async fn get_notification_prefs() -> Result<super::model::PrefsView, AppError> {
    use crate::state::{app_state, require_user};
    let state = app_state()?;
    super::prefs::prefs(&state.db, &require_user()?, state.settings.mail).await
}

/// Saves one's notification settings: the kinds ticked for the inbox (`inbox[]`) and for mail
/// (`email[]`), mail one by one (`each`) or as a daily digest (`daily`), the weekly digest
/// (`weekly_digest` present: on) and one's time zone (`time_zone`, an IANA name).
#[server(prefix = "/rpc", endpoint = "save_notification_prefs")]
pub async fn save_notification_prefs(
    #[server(default)] inbox: Vec<String>,
    #[server(default)] email: Vec<String>,
    #[server(default)] mail_mode: String,
    #[server(default)] weekly_digest: Option<String>,
    #[server(default)] time_zone: String,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    if inbox.len() + email.len() > 2 * super::model::KINDS.len() {
        return Err(AppError::field("inbox", "Too many kinds."));
    }
    let input = super::prefs::PrefsInput {
        inbox,
        email,
        mail_mode,
        weekly_digest: weekly_digest.is_some(),
        time_zone,
    };
    super::prefs::save(&db()?, &user, input).await
}

/// One's watch settings on project `slug` (and on its item `item`).
#[server(prefix = "/rpc", endpoint = "get_watch", input = server_fn::codec::GetUrl)]
pub async fn get_watch(
    slug: String,
    #[server(default)] item: Option<i32>,
) -> Result<super::model::WatchState, AppError> {
    use crate::state::{db, require_user};
    super::watch::watch_state(&db()?, &require_user()?, &slug, item).await
}

/// Watches (`watch`), mutes (`mute`) or returns to the default (`default`) project `slug` or,
/// with `item`, that item of it. Anyone who sees the project may.
#[server(prefix = "/rpc", endpoint = "set_watch")]
pub async fn set_watch(
    slug: String,
    #[server(default)] item: Option<i32>,
    watch: String,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::watch::set_watch(&db()?, &require_user()?, &slug, item, &watch).await
}
