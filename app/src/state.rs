//! Server-side state shared by every request, and the accessors server functions use to reach it.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use tower_sessions::Session;

use crate::{auth::model::AuthUser, error::AppError};

/// Settings the app needs at request time (the server's `Config` fills them).
#[derive(Clone, Debug)]
pub struct AppSettings {
    /// Public origin, e.g. `https://preflight.example.com` (`PREFLIGHT_BASE_URL`); `None` when
    /// unset, in which case same-origin is judged from the request's `Host`.
    pub base_url: Option<String>,
    /// A session ends after this long without a request (`PREFLIGHT_SESSION_IDLE_MINUTES`).
    pub session_idle: std::time::Duration,
    /// A session ends this long after sign-in, active or not (`PREFLIGHT_SESSION_MAX_HOURS`).
    pub session_max: std::time::Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`PREFLIGHT_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Login throttling limits.
    pub throttle: crate::auth::throttle::ThrottlePolicy,
    /// REST API requests each token may make per minute (`PREFLIGHT_API_RATE_PER_MINUTE`).
    pub api_rate_per_minute: u32,
    /// Serve `/metrics` (Prometheus text) (`PREFLIGHT_METRICS`).
    pub metrics: bool,
    /// Mail can be sent (`PREFLIGHT_SMTP_URL` is set); pages say so when it cannot.
    pub mail: bool,
    /// Webhooks may post to private and loopback addresses (`PREFLIGHT_WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
    /// Checks may probe private and loopback addresses (`PREFLIGHT_CHECKS_ALLOW_PRIVATE`).
    pub checks_allow_private: bool,
    /// Certificates TLS checks trust besides Mozilla's roots (`PREFLIGHT_CHECKS_CA_FILE`).
    pub checks_ca: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// Single sign-on through an OpenID Connect provider (`PREFLIGHT_OIDC_ISSUER` and the rest).
    pub sso: Option<crate::auth::sso::SsoSettings>,
    /// Seals second-factor secrets (`PREFLIGHT_SECRET_KEY`); two-factor cannot be turned on
    /// without it.
    pub secret_key: Option<crate::auth::totp::SecretKey>,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            session_idle: std::time::Duration::from_secs(30 * 60),
            session_max: std::time::Duration::from_secs(12 * 3600),
            trusted_proxies: Vec::new(),
            throttle: Default::default(),
            api_rate_per_minute: 600,
            metrics: false,
            mail: false,
            webhook_allow_private: false,
            checks_allow_private: false,
            checks_ca: Vec::new(),
            sso: None,
            secret_key: None,
        }
    }
}

/// One per process: the connection pool and settings. Provided to every render and server
/// function as context.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool (SQLite or PostgreSQL).
    pub db: DatabaseConnection,
    /// Request-time settings.
    pub settings: Arc<AppSettings>,
    /// Leptos' options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// Database statements run through `db` (for `/metrics` and `make bench`).
    pub queries: Arc<std::sync::atomic::AtomicU64>,
    /// What is computed from projects' items and categories, kept until they change.
    pub memo: Arc<crate::memo::ProjectMemo>,
    /// The time requests see (the system's; tests move it forward).
    pub clock: crate::clock::Clock,
    /// Runs checks' probes ("run now"; the sweep has its own).
    pub prober: crate::checks::probe::Prober,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// After a change made from a page, sends the browser to `next`, a local path in which `{id}`
/// becomes `id` (the new record's): the form enhancement follows it, and so does a browser
/// posting the form natively. Nothing happens without `next` (API-style calls).
pub fn redirect_next(next: Option<&str>, id: impl std::fmt::Display) {
    if let Some(next) = next.filter(|n| !n.is_empty()) {
        let to = crate::auth::model::safe_next(Some(&next.replace("{id}", &id.to_string())));
        leptos_axum::redirect(&to);
    }
}

/// The application state, from the server's context.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("context", "AppState missing"))
}

/// The origin users reach Preflight at, for absolute links shown on a page (a new share
/// link): `PREFLIGHT_BASE_URL`, or else the request's `Host` (and `X-Forwarded-Proto`).
pub fn public_origin() -> String {
    if let Some(base) = app_state().ok().and_then(|s| s.settings.base_url.clone()) {
        return base.trim_end_matches('/').to_owned();
    }
    let Ok(parts) = parts() else {
        return String::new();
    };
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    header("host").map_or_else(String::new, |host| format!("{scheme}://{host}"))
}

/// The database connection from context.
pub fn db() -> Result<DatabaseConnection, AppError> {
    Ok(app_state()?.db)
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| AppError::internal("context", "request parts missing"))
}

/// The request's session (the session layer puts it in the request extensions).
pub fn session() -> Result<Session, AppError> {
    parts()?
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::internal("context", "session layer missing"))
}

/// The signed-in user, resolved once per request by the server's auth middleware.
pub fn current_user() -> Option<AuthUser> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<AuthUser>().cloned())
}

/// The signed-in user, or `Unauthorized`.
///
/// A user signed in with a temporary password (an administrator issued it) may only choose a
/// new one: every other server function answers 403 until then, whether called over `/rpc/` or
/// while the server renders a page other than `/account` (pages send them to `/account`).
pub fn require_user() -> Result<AuthUser, AppError> {
    let user = current_user().ok_or(AppError::Unauthorized)?;
    if user.must_change_password {
        let path = use_context::<Parts>().map(|p| p.uri.path().to_owned());
        if path.is_some_and(|p| !ALLOWED_BEFORE_NEW_PASSWORD.contains(&p.as_str())) {
            return Err(AppError::Forbidden);
        }
    }
    Ok(user)
}

/// Where a user with a temporary password may go: the account page and its own functions
/// (choose a new password, sign out, see and end their sessions). The name of a server
/// function here must be its real path: the authorization matrix checks each one.
const ALLOWED_BEFORE_NEW_PASSWORD: [&str; 6] = [
    "/account",
    "/rpc/change_password",
    "/rpc/logout",
    "/rpc/session_info",
    "/rpc/list_my_sessions",
    "/rpc/end_session",
];

/// The client's address as the server's middleware determined it (the socket peer, or the
/// address a trusted proxy forwarded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// The client's address, when known.
pub fn client_ip() -> Option<std::net::IpAddr> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<ClientIp>().map(|c| c.0))
}

/// The request's session id, when it has one (to spare the current session when ending others).
///
/// This is the session's key in the database (a digest of the cookie's id), which is what
/// the `sessions` table holds.
pub fn current_session_id() -> Option<String> {
    session()
        .ok()
        .and_then(|s| s.id())
        .map(|id| crate::auth::model::session_key(&id.to_string()))
}

/// The request header `name`, if present and readable.
pub fn request_header(name: &str) -> Option<String> {
    use_context::<Parts>().and_then(|p| {
        p.headers
            .get(name)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    })
}
