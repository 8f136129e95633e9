//! Server functions for setup, login and logout. Each is a public endpoint and checks its own
//! preconditions.

use leptos::prelude::*;

use super::model::{SessionInfo, SignInMethod};
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
    let sso = crate::state::app_state()?.settings.sso.clone();
    Ok(SessionInfo {
        user,
        needs_setup,
        unread,
        sign_in: super::model::SignInOptions {
            sso_label: sso.as_ref().map(|s| s.label.clone()),
            sso_only: sso.is_some_and(|s| s.sso_only),
        },
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
    ssr::start_session(user.id, SignInMethod::Password).await?;
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
    if let Some(sso) = &state.settings.sso
        && !sso.may_use_password(&email)
    {
        return Err(AppError::field(
            "email",
            "Password sign-in is turned off here: use single sign-on.",
        ));
    }
    let auth = super::service::authenticate(
        &state.db,
        &state.settings.throttle,
        &email,
        password,
        client_ip(),
    )
    .await?;
    let next = super::model::safe_next(next.as_deref());
    let enrol = !auth.second_factor
        && state.settings.secret_key.is_some()
        && super::totp::required(&state.db).await?;
    if auth.second_factor || enrol {
        if let (true, Some(key)) = (enrol, state.settings.secret_key.as_ref()) {
            super::totp::begin(&state.db, key, auth.user.id).await?;
        }
        ssr::await_second_factor(&auth.user, enrol, &next).await?;
        leptos_axum::redirect("/login/two-factor");
        return Ok(());
    }
    ssr::start_session(auth.user.id, SignInMethod::Password).await?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// What `/login/two-factor` asks for: `None` when no sign-in waits for a second factor; with an
/// enrolment when two-factor is required and this account must set it up to go on.
#[server(prefix = "/rpc", endpoint = "second_factor_step", input = server_fn::codec::GetUrl)]
pub async fn get_second_factor_step() -> Result<Option<super::model::SecondFactorStep>, AppError> {
    let state = crate::state::app_state()?;
    let Some(pending) = ssr::pending_second_factor().await? else {
        return Ok(None);
    };
    let enrolment = match (pending.enrol, state.settings.secret_key.as_ref()) {
        (true, Some(key)) => {
            super::totp::pending_enrolment(&state.db, key, pending.user_id).await?
        }
        _ => None,
    };
    Ok(Some(super::model::SecondFactorStep {
        email: pending.email,
        enrol: pending.enrol,
        qr_svg: enrolment.as_ref().map(|e| e.qr_svg.clone()),
        secret: enrolment.map(|e| e.secret),
    }))
}

/// The second step of a password sign-in: a code from the authenticator app or a recovery code
/// (each wrong one counted by the sign-in throttle); or, when two-factor is required and not
/// yet set up, the first code of the new authenticator, which returns the recovery codes.
#[server(prefix = "/rpc", endpoint = "login_second_factor")]
pub async fn login_second_factor(code: String) -> Result<Option<Vec<String>>, AppError> {
    use crate::state::app_state;
    let state = app_state()?;
    let pending = ssr::pending_second_factor()
        .await?
        .ok_or_else(|| AppError::Conflict("That sign-in expired: sign in again.".into()))?;
    let key = ssr::secret_key(&state)?;
    let now = chrono::Utc::now();
    if pending.enrol {
        let user = super::service::find_active_user(&state.db, pending.user_id)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let codes = super::totp::confirm(&state.db, key, &user, &code, now).await?;
        ssr::finish_second_factor(&user, SignInMethod::PasswordTotp).await?;
        return Ok(Some(codes));
    }
    let method = ssr::check_second_factor(&state, &pending.email, pending.user_id, &code).await?;
    let user = super::service::find_active_user(&state.db, pending.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    ssr::finish_second_factor(&user, method).await?;
    leptos_axum::redirect(&pending.next);
    Ok(None)
}

/// Signs out: the session is deleted from the store, so the old cookie is worthless. A session
/// made by single sign-on then goes to the provider's end-session endpoint, when it has one.
#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = crate::state::session()?;
    let end_session: Option<String> = session.get(super::model::END_SESSION_KEY).await?;
    session.flush().await?;
    leptos_axum::redirect(end_session.as_deref().unwrap_or("/login"));
    Ok(())
}

/// The email of the account a single sign-on identity waits to be linked to (`/login/link`);
/// `None` when nothing waits.
#[server(prefix = "/rpc", endpoint = "pending_link", input = server_fn::codec::GetUrl)]
pub async fn get_pending_link() -> Result<Option<String>, AppError> {
    Ok(ssr::pending_link().await?.and_then(|p| p.email))
}

/// Links the waiting single sign-on identity to the local account with its email, once that
/// account's password is given (counted by the sign-in throttle like any sign-in), and signs in.
#[server(prefix = "/rpc", endpoint = "link_account")]
pub async fn link_account(
    password: String,
    #[server(default)] code: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{app_state, client_ip, session};
    let state = app_state()?;
    let sso = state.settings.sso.as_ref().ok_or(AppError::NotFound)?;
    let pending = ssr::pending_link().await?.ok_or_else(|| {
        AppError::Conflict(
            "Nothing is waiting to be linked: sign in with single sign-on again.".into(),
        )
    })?;
    let email = pending.email.clone().unwrap_or_default();
    let auth = super::service::authenticate(
        &state.db,
        &state.settings.throttle,
        &email,
        password,
        client_ip(),
    )
    .await
    .map_err(|e| match e {
        AppError::InvalidCredentials => AppError::field("password", "The password is incorrect."),
        other => other,
    })?;
    if auth.second_factor {
        // The account's own second factor, too: linking must not be a way around it.
        let code = code.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
            AppError::field(
                "code",
                "This account has two-factor sign-in: enter a code from your app.",
            )
        })?;
        ssr::check_second_factor(&state, &email, auth.user.id, &code).await?;
    }
    let user = auth.user;
    let user = super::sso::link_after_password(&state.db, sso, &user, &pending).await?;
    session()?.remove_value(ssr::LINK_KEY).await?;
    ssr::start_session(user.id, SignInMethod::Oidc).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::{
        auth::{model::SignInMethod, sso::SsoIdentity},
        error::AppError,
        state::{request_header, session},
    };

    /// Session key: a single sign-on identity waiting for its account's password.
    pub const LINK_KEY: &str = "sso_pending_link";
    /// How long an identity waits to be linked.
    pub const LINK_TTL_SECS: i64 = 600;

    /// An identity waiting to be linked, with when it arrived.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct PendingLink {
        /// The verified identity.
        pub identity: SsoIdentity,
        /// Unix seconds.
        pub at: i64,
    }

    /// Binds the request's session to `user_id` under a fresh id (no session fixation).
    pub async fn start_session(user_id: i32, method: SignInMethod) -> Result<(), AppError> {
        crate::auth::service::start_session(
            &session()?,
            user_id,
            method,
            request_header("user-agent").as_deref(),
        )
        .await
    }

    /// Session key: a password sign-in waiting for its second factor.
    pub const SECOND_FACTOR_KEY: &str = "pending_second_factor";
    /// How long it waits.
    pub const SECOND_FACTOR_TTL_SECS: i64 = 300;

    /// A password sign-in waiting for its second factor.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct PendingSecondFactor {
        /// The account.
        pub user_id: i32,
        /// Its email (the throttle's key).
        pub email: String,
        /// It must set a second factor up first (two-factor is required).
        pub enrol: bool,
        /// Where to go afterwards.
        pub next: String,
        /// Unix seconds.
        pub at: i64,
    }

    /// Parks a signed-in password in the session until the second factor comes.
    pub async fn await_second_factor(
        user: &crate::auth::model::AuthUser,
        enrol: bool,
        next: &str,
    ) -> Result<(), AppError> {
        let pending = PendingSecondFactor {
            user_id: user.id,
            email: user.email.clone(),
            enrol,
            next: next.to_owned(),
            at: chrono::Utc::now().timestamp(),
        };
        session()?.insert(SECOND_FACTOR_KEY, pending).await?;
        Ok(())
    }

    /// The sign-in waiting for a second factor, unless it is too old.
    pub async fn pending_second_factor() -> Result<Option<PendingSecondFactor>, AppError> {
        let pending: Option<PendingSecondFactor> = session()?.get(SECOND_FACTOR_KEY).await?;
        let now = chrono::Utc::now().timestamp();
        Ok(pending.filter(|p| now - p.at < SECOND_FACTOR_TTL_SECS))
    }

    /// The key second factors are sealed with, or why there is none.
    pub fn secret_key(
        state: &crate::state::AppState,
    ) -> Result<&crate::auth::totp::SecretKey, AppError> {
        state.settings.secret_key.as_ref().ok_or_else(|| {
            AppError::Conflict(
                "Two-factor sign-in needs PREFLIGHT_SECRET_KEY on the server: ask an administrator."
                    .into(),
            )
        })
    }

    /// Checks a second-factor code for the account, counted by the sign-in throttle: a wrong
    /// code is a failed attempt, a right one clears the count.
    pub async fn check_second_factor(
        state: &crate::state::AppState,
        email: &str,
        user_id: i32,
        code: &str,
    ) -> Result<SignInMethod, AppError> {
        use crate::auth::throttle;
        let key = secret_key(state)?;
        let keys = throttle::AttemptKeys::new(email, crate::state::client_ip());
        let now = chrono::Utc::now();
        let reservation =
            throttle::reserve(&state.db, &state.settings.throttle, &keys, now).await?;
        match crate::auth::totp::verify(&state.db, key, user_id, code, now).await? {
            Some(method) => {
                throttle::release(&state.db, &keys, reservation).await?;
                Ok(method)
            }
            None => Err(match reservation.locked {
                Some(secs) => AppError::TooManyAttempts(secs),
                None => AppError::field("code", "That code is not right."),
            }),
        }
    }

    /// The second factor was right: the sign-in is complete (audited with how).
    pub async fn finish_second_factor(
        user: &crate::auth::model::AuthUser,
        method: SignInMethod,
    ) -> Result<(), AppError> {
        use crate::audit::service::{Actor, Event, record};
        let db = crate::state::db()?;
        record(
            &db,
            &Actor::from(user),
            Event::new("user", user.id, "signed_in").after(&serde_json::json!({
                "address": crate::state::client_ip().map(|a| a.to_string()),
                "method": method.as_str(),
            })),
        )
        .await?;
        session()?.remove_value(SECOND_FACTOR_KEY).await?;
        start_session(user.id, method).await
    }

    /// The identity waiting in this session, unless it is too old.
    pub async fn pending_link() -> Result<Option<SsoIdentity>, AppError> {
        let pending: Option<PendingLink> = session()?.get(LINK_KEY).await?;
        let now = chrono::Utc::now().timestamp();
        Ok(pending
            .filter(|p| now - p.at < LINK_TTL_SECS)
            .map(|p| p.identity))
    }
}
