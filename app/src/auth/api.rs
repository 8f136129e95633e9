//! Server functions for setup, login and logout. Each is a public endpoint and checks its own
//! preconditions.

use leptos::prelude::*;

use super::model::SessionInfo;
use crate::error::AppError;

/// Who is signed in, and whether the instance still needs its first admin.
#[server(prefix = "/rpc", endpoint = "session_info", input = server_fn::codec::GetUrl)]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    use crate::state::{current_user, db};
    let user = current_user();
    let db = db()?;
    let needs_setup = user.is_none() && super::service::user_count(&db).await? == 0;
    let unread = match &user {
        Some(u) => crate::inbox::service::unread(&db, u.id).await?,
        None => 0,
    };
    Ok(SessionInfo {
        user,
        needs_setup,
        unread,
    })
}

/// First run: creates the site admin and their team, then signs them in.
#[server(prefix = "/rpc", endpoint = "setup")]
pub async fn setup(
    email: String,
    display_name: String,
    password: String,
    team_name: String,
) -> Result<(), AppError> {
    use super::service::{NewUser, setup_first_admin};
    use crate::state::db;
    let user = setup_first_admin(
        &db()?,
        NewUser {
            email,
            display_name,
            password,
            is_admin: true,
        },
        &team_name,
    )
    .await?;
    ssr::start_session(user.id).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Signs in. The same error for an unknown email and a wrong password.
#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{app_state, client_ip};
    let state = app_state()?;
    let user = super::service::authenticate(
        &state.db,
        &state.settings.throttle,
        &email,
        password,
        client_ip(),
    )
    .await?;
    ssr::start_session(user.id).await?;
    leptos_axum::redirect(&super::model::safe_next(next.as_deref()));
    Ok(())
}

/// Signs out: the session is deleted from the store, so the old cookie is worthless.
#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::state::session()?.flush().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::{
        auth::model::{LOGIN_AT_KEY, SEEN_AT_KEY, USER_AGENT_KEY, USER_ID_KEY},
        error::AppError,
        state::{request_header, session},
    };

    /// Binds the session to `user_id` under a fresh id (no session fixation).
    pub async fn start_session(user_id: i32) -> Result<(), AppError> {
        let session = session()?;
        session.cycle_id().await?;
        session.insert(USER_ID_KEY, user_id).await?;
        let now = chrono::Utc::now().timestamp();
        session.insert(LOGIN_AT_KEY, now).await?;
        session.insert(SEEN_AT_KEY, now).await?;
        if let Some(ua) = request_header("user-agent") {
            let ua: String = ua.chars().take(500).collect();
            session.insert(USER_AGENT_KEY, ua).await?;
        }
        Ok(())
    }
}
