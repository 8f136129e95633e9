//! Request middleware: who is signed in, cross-site request refusal, security headers, the
//! HTTP status of server-function errors and where their messages may show.

use std::net::{IpAddr, SocketAddr};

use app::{
    auth::{
        model::{LOGIN_AT_KEY, SEEN_AT_KEY, USER_ID_KEY},
        service::find_active_user,
    },
    error::AppError,
    state::{AppSettings, AppState, ClientIp},
};
use axum::{
    body::{Body, to_bytes},
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderName, HeaderValue, Method, StatusCode, header};
use tower_sessions::Session;

/// Paths that never need the signed-in user (static assets, probes), and the REST API, which
/// authenticates by bearer token only: no session lookup.
fn skips_auth(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/metrics"
        || path.starts_with("/favicon.")
}

/// Resolves the session's user once per request and puts it in the request extensions, where
/// pages and server functions find it. A session whose user is gone or disabled is ended.
pub async fn resolve_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if !skips_auth(req.uri().path())
        && let Some(session) = req.extensions().get::<Session>().cloned()
    {
        match signed_in_user_id(&session, &state.settings).await {
            Ok(Some(user_id)) => match find_active_user(&state.db, user_id).await {
                Ok(Some(user)) => {
                    crate::telemetry::record_user(req.extensions(), user.id);
                    req.extensions_mut().insert(user);
                }
                Ok(None) => {
                    if let Err(e) = session.flush().await {
                        tracing::error!(error = %e, "could not end session of inactive user");
                    }
                }
                Err(e) => return error_response(e),
            },
            Ok(None) => {}
            Err(e) => {
                // The store is the database: when it fails, the database is not answering.
                tracing::warn!(error = %e, "session store failed");
                return error_response(AppError::Unavailable(2));
            }
        }
    }
    next.run(req).await
}

/// The session's user id, unless the session is past its absolute lifetime (then it is ended).
/// Activity extends the idle timeout: at most once per minute (or per half idle period) the
/// session is marked changed, which re-saves it with a fresh expiry.
async fn signed_in_user_id(
    session: &Session,
    settings: &AppSettings,
) -> Result<Option<i32>, tower_sessions::session::Error> {
    let Some(user_id) = session.get::<i32>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    let now = chrono::Utc::now().timestamp();
    let login_at = session.get::<i64>(LOGIN_AT_KEY).await?;
    let seen_at = session.get::<i64>(SEEN_AT_KEY).await?;
    let age = |t: Option<i64>| t.map_or(i64::MAX, |t| now.saturating_sub(t));
    let max = i64::try_from(settings.session_max.as_secs()).unwrap_or(i64::MAX);
    if age(login_at) >= max {
        session.flush().await?;
        return Ok(None);
    }
    let touch_every = i64::try_from((settings.session_idle / 2).as_secs())
        .unwrap_or(i64::MAX)
        .min(60);
    if age(seen_at) >= touch_every {
        session.insert(SEEN_AT_KEY, now).await?;
    }
    Ok(Some(user_id))
}

/// Determines the client's address and puts it in the request extensions as [`ClientIp`]: the
/// socket's peer, unless that peer is a trusted proxy, in which case `X-Forwarded-For` is read
/// from the right, skipping trusted proxies, and the first other address is the client.
pub async fn client_ip(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let ip = resolve_client_ip(peer, &forwarded, &state.settings.trusted_proxies);
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

fn resolve_client_ip(peer: IpAddr, forwarded: &[&str], trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // A malformed hop: stop believing the header here.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

fn error_response(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, err.to_string()).into_response();
    if let AppError::TooManyAttempts(secs) | AppError::Busy(secs) | AppError::Unavailable(secs) =
        err
    {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

/// Refuses state-changing requests that a browser marks as coming from another site: checks
/// `Sec-Fetch-Site`, else `Origin` against the configured base URL (or the `Host` header when
/// none is configured). Requests with neither header are not from a browser form and pass.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if is_safe_method(req.method()) || is_same_site(&req, state.settings.base_url.as_deref()) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "refused cross-site request");
    (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
}

fn is_safe_method(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn is_same_site(req: &Request, base_origin: Option<&str>) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin = origin.to_ascii_lowercase();
    match base_origin {
        Some(base) => origin == base,
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_ascii_lowercase);
            let origin_host = origin.split_once("://").map(|(_, h)| h.to_owned());
            host.is_some() && host == origin_host
        }
    }
}

/// The CSP of responses that are not rendered pages (static files, errors, JSON): nothing runs
/// but our own files.
const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds security headers to every response. Rendered pages bring their own CSP with a nonce;
/// everything else gets [`DEFAULT_CSP`].
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        // Pages and server-function answers are per user: never stored by shared caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let set = |h: &mut http::HeaderMap, name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if state
        .settings
        .base_url
        .as_deref()
        .is_some_and(|b| b.starts_with("https://"))
    {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

/// Server functions answer errors with 500 and the encoded error; this gives each error its
/// own status (400 malformed, 401, 403, 404, 409, 422) from the one `AppError` mapping.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => return error_response(AppError::Internal),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::TooManyAttempts(secs)
        | AppError::Busy(secs)
        | AppError::Unavailable(secs) = err
        {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How long a request may take to answer: exports (a PDF of a large project) get longer than
/// everything else. Past it the request is dropped (its transaction rolls back) and the client
/// gets a 503 with `Retry-After`.
pub fn deadline_for(path: &str) -> std::time::Duration {
    let export =
        path.starts_with("/share/") || (path.starts_with("/p/") && path.contains("/export/"));
    std::time::Duration::from_secs(if export { 120 } else { 30 })
}

/// Applies [`deadline_for`].
pub async fn request_deadline(req: Request, next: Next) -> Response {
    let deadline = deadline_for(req.uri().path());
    match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(
                seconds = deadline.as_secs(),
                "request took too long; dropped"
            );
            error_response(AppError::Busy(5))
        }
    }
}

/// Server functions whose bodies are a few short fields: anonymous visitors can call them, so
/// they get a small body limit instead of the 16 MB an import may need.
const SMALL_BODY_PATHS: [&str; 5] = [
    "/rpc/login",
    "/rpc/setup",
    "/rpc/logout",
    "/rpc/login_second_factor",
    "/rpc/link_account",
];

/// The body limit of sign-in and setup, in bytes.
pub const SMALL_BODY_LIMIT: usize = 8 * 1024;

/// Refuses (413) a body over [`SMALL_BODY_LIMIT`] on the paths in `SMALL_BODY_PATHS`, by its
/// `Content-Length` or, when it has none, as it is read.
pub async fn small_bodies(req: Request, next: Next) -> Response {
    if !SMALL_BODY_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > SMALL_BODY_LIMIT as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    }
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, SMALL_BODY_LIMIT)));
    next.run(req).await
}

/// The cookie a native (no-JavaScript) form post leaves its error in, for the page it goes
/// back to. Short-lived, HTTP-only, same-site: only this site's own post can set it.
pub const ACTION_ERROR_COOKIE: &str = "preflight_action_error";

/// The longest error carried to a page (a cookie's value; a form's field messages fit easily).
const MAX_ACTION_ERROR: usize = 3500;

/// Where a server function's error shows on a page, and from where it is believed.
///
/// Leptos shows the error of a form post on the page it goes back to by reading `__path` and
/// `__err` from that page's URL: so any link could make any page show any text ("your account
/// is locked, call …"). Here a page's own `__path`/`__err` are always dropped, and put back only
/// from what this site itself sent: after a native post, the cookie its response set (the
/// redirect's `__path`/`__err` are moved into it); after an enhanced submit, the
/// [`ERROR_HEADER`](app::components::page_action::ERROR_HEADER) the form enhancement sends.
/// Neither can come from another site's link.
pub async fn action_errors(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/rpc/") {
        let mut res = next.run(req).await;
        error_redirect_to_cookie(&mut res, secure_cookies(&state.settings));
        return res;
    }
    let from_header = req
        .headers()
        .get(app::components::page_action::ERROR_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let from_cookie = cookie(req.headers(), ACTION_ERROR_COOKIE).map(str::to_owned);
    let carried = from_header.as_deref().or(from_cookie.as_deref());
    let has_url_error = req
        .uri()
        .query()
        .is_some_and(|q| q.contains("__err") || q.contains("__path"));
    if has_url_error || carried.is_some() {
        let uri = with_action_error(req.uri(), carried);
        *req.uri_mut() = uri;
    }
    let mut res = next.run(req).await;
    if from_cookie.is_some() {
        let clear = format!(
            "{ACTION_ERROR_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
            if secure_cookies(&state.settings) {
                "; Secure"
            } else {
                ""
            }
        );
        if let Ok(v) = HeaderValue::from_str(&clear) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn secure_cookies(settings: &AppSettings) -> bool {
    settings
        .base_url
        .as_deref()
        .is_some_and(|b| b.starts_with("https://"))
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// Only the `__path` and `__err` pairs of `carried` (a query string), when they look like a
/// server function's error; `None` otherwise.
fn error_pairs(carried: &str) -> Option<(String, String)> {
    if carried.len() > MAX_ACTION_ERROR {
        return None;
    }
    let mut path = None;
    let mut err = None;
    for (k, v) in form_urlencoded::parse(carried.as_bytes()) {
        match k.as_ref() {
            "__path" => path = Some(v.into_owned()),
            "__err" => err = Some(v.into_owned()),
            _ => {}
        }
    }
    let (path, err) = (path?, err?);
    let path_ok = path.starts_with("/rpc/")
        && path[5..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let err_ok = err
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='));
    (path_ok && err_ok).then_some((path, err))
}

/// `uri` without any `__path`/`__err` of its own, with those of `carried` (if valid) instead.
fn with_action_error(uri: &http::Uri, carried: Option<&str>) -> http::Uri {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        if k != "__path" && k != "__err" {
            query.append_pair(&k, &v);
            any = true;
        }
    }
    if let Some((path, err)) = carried.and_then(error_pairs) {
        query.append_pair("__path", &path);
        query.append_pair("__err", &err);
        any = true;
    }
    let query = query.finish();
    let path_and_query = if any {
        format!("{}?{query}", uri.path())
    } else {
        uri.path().to_owned()
    };
    let mut parts = uri.clone().into_parts();
    match path_and_query.parse() {
        Ok(pq) => parts.path_and_query = Some(pq),
        Err(_) => return uri.path().parse().unwrap_or_default(),
    }
    http::Uri::from_parts(parts).unwrap_or_default()
}

/// A native post that failed is sent back to its page with `__path`/`__err` in the redirect:
/// they move into [`ACTION_ERROR_COOKIE`], and the redirect goes to the page as it was.
fn error_redirect_to_cookie(res: &mut Response, secure: bool) {
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.contains("__err"))
        .map(str::to_owned)
    else {
        return;
    };
    let (base, query) = location.split_once('?').unwrap_or((&location, ""));
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut carried = form_urlencoded::Serializer::new(String::new());
    let mut any_kept = false;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == "__path" || k == "__err" {
            carried.append_pair(&k, &v);
        } else {
            kept.append_pair(&k, &v);
            any_kept = true;
        }
    }
    let kept = kept.finish();
    let to = if any_kept {
        format!("{base}?{kept}")
    } else {
        base.to_owned()
    };
    if let Ok(v) = HeaderValue::from_str(&to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    let carried = carried.finish();
    if error_pairs(&carried).is_none() {
        return;
    }
    let set = format!(
        "{ACTION_ERROR_COOKIE}={carried}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&set) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
#[path = "middleware_tests.rs"]
mod tests;
