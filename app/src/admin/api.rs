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
