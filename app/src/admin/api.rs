//! Server functions for account administration (site admins only; each checks).

use leptos::prelude::*;

use super::model::{IssuedPassword, UserRow};
use crate::error::AppError;

/// Every account.
#[server(prefix = "/rpc", endpoint = "list_users", input = server_fn::codec::GetUrl)]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use crate::state::{db, require_user};
    super::service::list_users(&db()?, &require_user()?).await
}

/// Creates an account; answers its temporary password (shown once).
#[server(prefix = "/rpc", endpoint = "admin_create_user")]
pub async fn admin_create_user(
    email: String,
    display_name: String,
    #[server(default)] is_admin: Option<String>,
) -> Result<IssuedPassword, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    // A checkbox sends "on" when ticked and nothing when not; API callers send true or false.
    let is_admin = match is_admin.as_deref().map(str::trim) {
        None | Some("" | "false" | "off" | "0") => false,
        Some("on" | "true" | "1") => true,
        Some(_) => return Err(AppError::field("is_admin", "Use true or false.")),
    };
    super::service::create_account(&db()?, &user, &email, &display_name, is_admin).await
}

/// Disables (`disabled=true`) or enables an account.
#[server(prefix = "/rpc", endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i32, disabled: bool) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::set_disabled(&db()?, &require_user()?, user_id, disabled).await
}

/// Grants or removes site administration.
#[server(prefix = "/rpc", endpoint = "set_user_admin")]
pub async fn set_user_admin(user_id: i32, is_admin: bool) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::set_admin(&db()?, &require_user()?, user_id, is_admin).await
}

/// Issues a temporary password (shown once) and ends the user's sessions.
#[server(prefix = "/rpc", endpoint = "reset_user_password")]
pub async fn reset_user_password(user_id: i32) -> Result<IssuedPassword, AppError> {
    use crate::state::{db, require_user};
    super::service::reset_password(&db()?, &require_user()?, user_id).await
}

/// Removes a user's second factor (a lost phone): they sign in with the password alone, or set
/// a new one up (at once when two-factor is required). Audited.
#[server(prefix = "/rpc", endpoint = "admin_reset_two_factor")]
pub async fn admin_reset_two_factor(user_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    crate::auth::totp::admin_reset(&db()?, &require_user()?, user_id).await
}

/// Unlinks a single sign-on identity from its account. Audited.
#[server(prefix = "/rpc", endpoint = "admin_unlink_identity")]
pub async fn admin_unlink_identity(identity_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::unlink_identity(&db()?, &require_user()?, identity_id).await
}

/// Requires (`required=true`) a second factor of every account that signs in with a password,
/// from its next sign-in. Refused while the server has no `PREFLIGHT_SECRET_KEY`.
#[server(prefix = "/rpc", endpoint = "set_two_factor_required")]
pub async fn set_two_factor_required(required: bool) -> Result<(), AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    let state = app_state()?;
    if required && user.is_admin {
        crate::auth::api::ssr::secret_key(&state)?;
    }
    crate::auth::totp::set_required(&state.db, &user, required).await
}

/// Whether two-factor is required, and whether it can be (the server has a secret key).
#[server(prefix = "/rpc", endpoint = "two_factor_policy", input = server_fn::codec::GetUrl)]
pub async fn get_two_factor_policy() -> Result<super::model::TwoFactorPolicy, AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    crate::authz::require_admin(&user)?;
    let state = app_state()?;
    Ok(super::model::TwoFactorPolicy {
        required: crate::auth::totp::required(&state.db).await?,
        available: state.settings.secret_key.is_some(),
    })
}
