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

/// The user's second factor: on or off, recovery codes left, whether it can be turned on.
#[server(prefix = "/rpc", endpoint = "two_factor_status", input = server_fn::codec::GetUrl)]
pub async fn get_two_factor_status() -> Result<super::model::TwoFactorStatus, AppError> {
    use crate::state::{app_state, require_user};
    use sea_orm::EntityTrait;
    let user = require_user()?;
    let state = app_state()?;
    let account = crate::entities::users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(super::model::TwoFactorStatus {
        enabled: account.totp_enabled_at.is_some(),
        recovery_left: crate::auth::totp::recovery_left(&state.db, user.id).await?,
        available: state.settings.secret_key.is_some(),
        has_password: account.password_hash != crate::auth::password::NO_PASSWORD,
        required: crate::auth::totp::required(&state.db).await?,
        pending: match state.settings.secret_key.as_ref() {
            Some(key) if account.totp_enabled_at.is_none() => {
                crate::auth::totp::pending_enrolment(&state.db, key, user.id).await?
            }
            _ => None,
        },
    })
}

/// Starts setting up two-factor sign-in: answers the QR code and secret for the app.
#[server(prefix = "/rpc", endpoint = "start_two_factor")]
pub async fn start_two_factor() -> Result<crate::auth::totp::Enrolment, AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    let state = app_state()?;
    let key = crate::auth::api::ssr::secret_key(&state)?;
    crate::auth::totp::begin(&state.db, key, user.id).await
}

/// Turns two-factor sign-in on with the password and the app's first code; answers the ten
/// recovery codes (shown once).
#[server(prefix = "/rpc", endpoint = "confirm_two_factor")]
pub async fn confirm_two_factor(password: String, code: String) -> Result<Vec<String>, AppError> {
    use crate::state::{app_state, client_ip, require_user};
    let user = require_user()?;
    let state = app_state()?;
    let key = crate::auth::api::ssr::secret_key(&state)?;
    crate::auth::totp::prove_password(
        &state.db,
        &state.settings.throttle,
        client_ip(),
        user.id,
        password,
    )
    .await?;
    crate::auth::totp::confirm(&state.db, key, &user, &code, chrono::Utc::now()).await
}

/// Turns two-factor sign-in off (needs the password). Refused while an administrator
/// requires it.
#[server(prefix = "/rpc", endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use crate::state::{app_state, client_ip, require_user};
    let user = require_user()?;
    let state = app_state()?;
    if crate::auth::totp::required(&state.db).await? {
        return Err(AppError::Conflict(
            "Two-factor sign-in is required here: it cannot be turned off.".into(),
        ));
    }
    crate::auth::totp::prove_password(
        &state.db,
        &state.settings.throttle,
        client_ip(),
        user.id,
        password,
    )
    .await?;
    crate::auth::totp::disable(&state.db, &user).await
}
