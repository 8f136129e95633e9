//! The axum router: probes, server functions, pages, static files and the layers around them.

use std::{sync::LazyLock, time::Duration};

use app::{App, auth::model::AuthUser, shell, state::AppState};
use axum::{
    Extension, Router,
    extract::DefaultBodyLimit,
    extract::{Path, Query, Request, State},
    handler::Handler,
    http::{HeaderValue, StatusCode, header},
    middleware::{from_fn, from_fn_with_state},
    response::{IntoResponse, Response},
    routing::get,
};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
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

/// The app's page routes, generated once per process. Generating them sets a process-wide
/// flag under which every resource first polled meanwhile waits forever (`leptos_server`'s
/// `SuppressResourceLoad`): generated per router, a page another router in the same process was
/// rendering could go unanswered (the integration tests run many servers in one process).
static PAGE_ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// Builds the whole application router over `state`.
pub fn build_router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let routes = PAGE_ROUTES.clone();

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
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            let path = logged_path(req.uri().path());
            // `user` is filled in once the session or API token says who it is.
            tracing::info_span!(
                "request",
                id,
                method = %req.method(),
                path = %path,
                user = tracing::field::Empty
            )
        })
        // One line per answered request, with its status and latency (an access log).
        .on_response(
            tower_http::trace::DefaultOnResponse::new()
                .level(tracing::Level::INFO)
                .latency_unit(tower_http::LatencyUnit::Millis),
        );

    // Static files are served by `ServeDir` directly. leptos_axum's own file handler builds a
    // reactive owner that can inherit the thread's previous request context, and was seen
    // answering a CSS file with the 404 status of the page rendered just before it.
    let not_found =
        leptos_axum::file_and_error_handler_with_context::<AppState, _>(context.clone(), shell)
            .with_state(state.clone());
    let static_files = ServeDir::new(&*leptos_options.site_root)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);

    let router = if state.settings.metrics {
        crate::telemetry::ENABLED.store(true, std::sync::atomic::Ordering::Relaxed);
        Router::new().route("/metrics", get(metrics))
    } else {
        Router::new()
    };
    router
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/p/{slug}/export/{format}", get(export_download))
        .route(
            "/p/{slug}/items/{id}/files",
            axum::routing::post(crate::files::upload),
        )
        .route("/p/{slug}/files/{id}", get(crate::files::download))
        .route("/campaigns/{id}/progress.csv", get(campaign_csv))
        .route("/share/{token}", get(shared_report))
        .route("/share/{token}/pdf", get(shared_pdf))
        .route(
            "/unsubscribe",
            get(crate::unsubscribe::ask).post(crate::unsubscribe::confirm),
        )
        .merge(crate::sso::router(&state))
        .nest(crate::api::BASE, crate::api::router(state.clone()))
        // Also registers every server function (under `/rpc/`) with the same context.
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback_service(static_files)
        .layer(from_fn(crate::telemetry::record))
        .layer(from_fn(middleware::server_fn_error_status))
        .layer(from_fn_with_state(state.clone(), middleware::action_errors))
        .layer(from_fn(middleware::small_bodies))
        .layer(from_fn(middleware::request_deadline))
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
                .layer(from_fn(crate::telemetry::remember_span))
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
    Query(query): Query<ExportQuery>,
    user: Option<Extension<AuthUser>>,
    headers: http::HeaderMap,
) -> Response {
    if let Some(refused) = refuse_subresource(&headers) {
        return refused;
    }
    let Some(Extension(user)) = user else {
        return (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response();
    };
    // A temporary password must be replaced first, as on the pages.
    if user.must_change_password {
        return (StatusCode::FOUND, [(header::LOCATION, "/account")]).into_response();
    }
    let today = chrono::Utc::now().date_naive();
    if format == "zip" {
        return archive_download(
            app::export::archive::archive(&state.db, &user, &slug, today).await,
            &state.db,
        );
    }
    download(
        app::export::export(
            &state.db,
            &user,
            &slug,
            &format,
            query.review.as_deref(),
            today,
        )
        .await,
    )
}

/// `?sort=` of the campaign progress download.
#[derive(serde::Deserialize)]
pub struct SortQuery {
    sort: Option<String>,
}

/// A campaign's progress table as CSV (whoever may see the campaign).
async fn campaign_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<SortQuery>,
    user: Option<Extension<AuthUser>>,
    headers: http::HeaderMap,
) -> Response {
    if let Some(refused) = refuse_subresource(&headers) {
        return refused;
    }
    let Some(Extension(user)) = user else {
        return (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response();
    };
    if user.must_change_password {
        return (StatusCode::FOUND, [(header::LOCATION, "/account")]).into_response();
    }
    let Ok(id) = id.parse::<i32>() else {
        return failed(app::error::AppError::NotFound);
    };
    let today = chrono::Utc::now().date_naive();
    let sort = query.sort.unwrap_or_default();
    download(app::campaigns::service::csv(&state.db, &user, id, &sort, today).await)
}

/// `?review=` of a download: a final review's id or version label.
#[derive(serde::Deserialize)]
pub struct ExportQuery {
    review: Option<String>,
}

/// The archive export (project JSON and evidence files) as a streamed attachment, or its
/// error with the error's status.
pub fn archive_download(
    archive: Result<app::export::archive::Archive, app::error::AppError>,
    db: &sea_orm::DatabaseConnection,
) -> Response {
    let archive = match archive {
        Ok(archive) => archive,
        Err(e) => return failed(e),
    };
    let Ok(disposition) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", archive.filename))
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        archive.into_body(db.clone()),
    )
        .into_response()
}

/// An export as an attachment, or its error with the error's status.
fn download(file: Result<app::export::Export, app::error::AppError>) -> Response {
    match file {
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
        Err(e) => failed(e),
    }
}

/// A download's error: its status and its message (and `Retry-After` when busy).
fn failed(e: app::error::AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, e.to_string()).into_response();
    if let app::error::AppError::Busy(secs) | app::error::AppError::Unavailable(secs) = e {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

/// Headers of everything a share link serves: not indexed, not cached, not framed, the token
/// never sent on as a referrer, and nothing but our stylesheet may load.
const SHARE_HEADERS: [(header::HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::CACHE_CONTROL, "no-store"),
    (
        header::HeaderName::from_static("x-robots-tag"),
        "noindex, nofollow",
    ),
];

fn with_share_headers(mut res: Response) -> Response {
    for (name, value) in SHARE_HEADERS {
        res.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    res
}

/// The report a share token opens, or the same 404 for unknown, revoked and expired tokens.
async fn open_shared(
    state: &AppState,
    token: &str,
) -> Result<app::report::model::Report, app::error::AppError> {
    let (project, review) = app::report::share::open(&state.db, token).await?;
    let today = chrono::Utc::now().date_naive();
    app::report::service::load(&state.db, &project, review.as_ref(), today).await
}

const SHARE_GONE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <meta name=\"robots\" content=\"noindex, nofollow\"><title>Link not valid</title>\
    <link rel=\"stylesheet\" href=\"/pkg/preflight.css\"></head><body><main id=\"main\">\
    <h1>This link is not valid</h1><p>It may have expired or been revoked. Ask whoever sent \
    it for a new one.</p></main></body></html>";

/// `/share/{token}`: the report without signing in, and nothing else.
async fn shared_report(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let res = match open_shared(&state, &token).await {
        Ok(report) => {
            let html = app::report::html::document(&report, app::report::html::Styles::Linked)
                .replace(
                    "</main>",
                    &format!(
                        "<p class=\"report-download\"><a href=\"/share/{token}/pdf\" download>Download PDF</a></p></main>"
                    ),
                );
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Err(app::error::AppError::NotFound) => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            SHARE_GONE,
        )
            .into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
            .into_response(),
    };
    with_share_headers(res)
}

/// `/share/{token}/pdf`: the shared report as PDF.
async fn shared_pdf(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: http::HeaderMap,
) -> Response {
    if let Some(refused) = refuse_subresource(&headers) {
        return refused;
    }
    let file = match app::report::share::open(&state.db, &token).await {
        Ok((project, review)) => {
            let today = chrono::Utc::now().date_naive();
            app::export::export_project(&state.db, &project, "pdf", review.as_ref(), today).await
        }
        Err(e) => Err(e),
    };
    with_share_headers(download(file))
}

/// `/metrics` (when enabled): Prometheus text.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let queries = state.queries.load(std::sync::atomic::Ordering::Relaxed);
    // The queue is shared by every instance: its depth is the database's, read at scrape time.
    let jobs = job_states(&state.db).await;
    let mut body = format!(
        "# HELP preflight_db_queries_total Database statements run since the process started.\n\
         # TYPE preflight_db_queries_total counter\npreflight_db_queries_total {queries}\n"
    );
    if let Some(rss) = resident_bytes() {
        body.push_str(&format!(
            "# HELP preflight_resident_memory_bytes Resident set size of the process.\n\
             # TYPE preflight_resident_memory_bytes gauge\npreflight_resident_memory_bytes {rss}\n"
        ));
    }
    let (size, idle) = pool_use(&state.db);
    body.push_str(&format!(
        "# HELP preflight_db_pool_connections Connections the process's database pool holds.\n\
         # TYPE preflight_db_pool_connections gauge\n\
         preflight_db_pool_connections{{state=\"idle\"}} {idle}\n\
         preflight_db_pool_connections{{state=\"in_use\"}} {}\n",
        size.saturating_sub(idle)
    ));
    if let Ok(rows) = jobs {
        body.push_str(
            "# HELP preflight_jobs Background jobs in the shared queue, by state.\n\
             # TYPE preflight_jobs gauge\n",
        );
        for (job_state, n) in rows {
            body.push_str(&format!("preflight_jobs{{state=\"{job_state}\"}} {n}\n"));
        }
    }
    crate::telemetry::REQUESTS.render(&mut body);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}

/// The pool's connections: (open, idle).
fn pool_use(db: &sea_orm::DatabaseConnection) -> (usize, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
    }
}

/// Jobs by state (`queued`, `running`, `done`, `failed`), read on the pool itself: the scrape's
/// own statement is not counted in `preflight_db_queries_total`, so reading the metrics does
/// not move it.
async fn job_states(
    db: &sea_orm::DatabaseConnection,
) -> Result<Vec<(String, i64)>, sea_orm::sqlx::Error> {
    const SQL: &str = "SELECT state, count(*) FROM jobs GROUP BY state ORDER BY state";
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            sea_orm::sqlx::query_as(SQL)
                .fetch_all(db.get_postgres_connection_pool())
                .await
        }
        _ => {
            sea_orm::sqlx::query_as(SQL)
                .fetch_all(db.get_sqlite_connection_pool())
                .await
        }
    }
}

/// The process's resident memory (Linux: `VmRSS` in `/proc/self/status`).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(Duration::from_secs(3), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// A request path as logs show it: a share link's token is a bearer secret, so
/// `/share/{token}…` is logged as `/share/…` (every line logged during the request carries the
/// path).
pub fn logged_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/share/") {
        Some(rest) => {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            std::borrow::Cow::Owned(format!("/share/…{tail}"))
        }
        None => std::borrow::Cow::Borrowed(path),
    }
}

/// Whether a request for a file (an export, a shared PDF) came from something that loads by
/// itself: an `<img>`, a script, a style sheet. Browsers say so in `Sec-Fetch-Dest`; a download
/// is a navigation (`document`) or a `fetch` (`empty`). Those others are refused, so no page
/// can make its viewers' browsers render exports.
pub fn is_subresource_load(headers: &http::HeaderMap) -> bool {
    headers
        .get("sec-fetch-dest")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|dest| !matches!(dest, "document" | "empty" | "iframe" | "frame"))
}

/// A 403 for [`is_subresource_load`] requests.
fn refuse_subresource(headers: &http::HeaderMap) -> Option<Response> {
    is_subresource_load(headers).then(|| {
        (
            StatusCode::FORBIDDEN,
            "exports are downloads, not page resources",
        )
            .into_response()
    })
}

#[cfg(test)]
mod log_tests {
    use super::logged_path;

    #[test]
    fn share_tokens_never_reach_the_log() {
        let token = "a".repeat(64);
        assert_eq!(logged_path(&format!("/share/{token}")), "/share/…");
        assert_eq!(logged_path(&format!("/share/{token}/pdf")), "/share/…/pdf");
        assert_eq!(logged_path("/p/shop/checklist"), "/p/shop/checklist");
    }
}
