//! The axum router: probes, server functions, pages, static files and the layers around them.

use std::time::Duration;

use app::{App, auth::model::AuthUser, shell, state::AppState};
use axum::{
    Extension, Router,
    extract::DefaultBodyLimit,
    extract::{Path, Request, State},
    handler::Handler,
    http::{HeaderValue, StatusCode, header},
    middleware::{from_fn, from_fn_with_state},
    response::{IntoResponse, Response},
    routing::get,
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};
use tower_sessions::{
    Expiry, SessionManagerLayer,
    cookie::{SameSite, time::Duration as CookieDuration},
};

use crate::{middleware, session_store::DbSessionStore};

/// Largest request body accepted (form posts, imports). Generous on purpose: an oversized
/// field inside it gets a field error from validation rather than a bare 413.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "preflight_session";

/// Builds the whole application router over `state`.
pub fn build_router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let routes = generate_route_list(App);

    let ctx_state = state.clone();
    let context = move || provide_context(ctx_state.clone());

    let secure = state
        .settings
        .base_url
        .as_deref()
        .is_some_and(|b| b.starts_with("https://"));
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(CookieDuration::seconds(
            i64::try_from(state.settings.session_idle.as_secs()).unwrap_or(i64::MAX),
        )));

    let request_id = http::HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
    });

    // Static files are served by `ServeDir` directly. leptos_axum's own file handler builds a
    // reactive owner that can inherit the thread's previous request context, and was seen
    // answering a CSS file with the 404 status of the page rendered just before it.
    let not_found =
        leptos_axum::file_and_error_handler_with_context::<AppState, _>(context.clone(), shell)
            .with_state(state.clone());
    let static_files = ServeDir::new(&*leptos_options.site_root)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);

    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/p/{slug}/export/{format}", get(export_download))
        // Also registers every server function (under `/rpc/`) with the same context.
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback_service(static_files)
        .layer(from_fn(middleware::server_fn_error_status))
        .layer(from_fn_with_state(state.clone(), middleware::resolve_user))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), middleware::client_ip))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::refuse_cross_site,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
                // axum's own extractors default to 2 MB; let them read what the limit allows.
                .layer(DefaultBodyLimit::max(BODY_LIMIT))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}

/// `/p/{slug}/export/{format}`: the project as a file to download, for anyone who may see it.
/// Signed-out visitors are sent to sign in, like the pages.
async fn export_download(
    State(state): State<AppState>,
    Path((slug, format)): Path<(String, String)>,
    user: Option<Extension<AuthUser>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response();
    };
    let today = chrono::Utc::now().date_naive();
    match app::export::export(&state.db, &user, &slug, &format, today).await {
        Ok(file) => {
            let disposition = format!("attachment; filename=\"{}\"", file.filename);
            match HeaderValue::from_str(&disposition) {
                Ok(disposition) => (
                    [
                        (
                            header::CONTENT_TYPE,
                            HeaderValue::from_static(file.content_type),
                        ),
                        (header::CONTENT_DISPOSITION, disposition),
                    ],
                    file.body,
                )
                    .into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
            .into_response(),
    }
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(Duration::from_secs(3), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}
