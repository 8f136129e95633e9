//! Server functions for the signed-in user's own account.

use leptos::prelude::*;

use super::model::SessionView;
use crate::error::AppError;

/// The user's live sessions.
#[server(prefix = "/rpc", endpoint = "list_my_sessions", input = server_fn::codec::GetUrl)]
pub async fn list_my_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::state::{current_session_id, db, require_user};
    let user = require_user()?;
    super::service::list_sessions(&db()?, &user, current_session_id().as_deref()).await
}

/// Changes the display name.
#[server(prefix = "/rpc", endpoint = "update_profile")]
pub async fn update_profile(display_name: String) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::update_profile(&db()?, &require_user()?, &display_name).await
}

/// Changes the password (needs the current one); ends every other session. Answers how many
/// sessions ended.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<u64, AppError> {
    use crate::state::{app_state, client_ip, current_session_id, db, require_user, session};
    let user = require_user()?;
    let state = app_state()?;
    let ended = super::service::change_password(
        &db()?,
        &user,
        current_password,
        new_password,
        current_session_id().as_deref(),
        (&state.settings.throttle, client_ip()),
    )
    .await?;
    // A new password, a new session id: whoever held the old cookie holds nothing.
    session()?.cycle_id().await?;
    Ok(ended)
}

/// Ends one of the user's sessions (signs that browser out).
#[server(prefix = "/rpc", endpoint = "end_session")]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::end_session(&db()?, &require_user()?, &handle).await
}

/// The user's API tokens (never their secrets).
#[server(prefix = "/rpc", endpoint = "list_api_tokens", input = server_fn::codec::GetUrl)]
pub async fn list_api_tokens() -> Result<Vec<super::model::ApiTokenView>, AppError> {
    use crate::state::{db, require_user};
    super::tokens::list(&db()?, &require_user()?).await
}

/// Creates an API token; answers the token itself, shown only this once.
#[server(prefix = "/rpc", endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    scope: String,
    #[server(default)] expires_in_days: String,
) -> Result<String, AppError> {
    use crate::state::{db, require_user};
    super::tokens::create(&db()?, &require_user()?, &name, &scope, &expires_in_days).await
}

/// Revokes one of the user's API tokens at once.
#[server(prefix = "/rpc", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::tokens::revoke(&db()?, &require_user()?, id).await
}
