//! Request metrics for `/metrics` (when `PREFLIGHT_METRICS` is on): a count and a latency
//! histogram per route template and status. Routes are the router's templates
//! (`/p/{slug}/items/{id}`), never raw paths, so the number of series is bounded by the routes
//! and statuses the server has; requests no route matched count as `other`.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{LazyLock, Mutex},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    /// Requests at or under each bound (not cumulative here; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Every route's figures since the process started.
#[derive(Default)]
pub struct RequestMetrics {
    series: Mutex<BTreeMap<(String, u16), Histogram>>,
}

/// The process's request metrics.
pub static REQUESTS: LazyLock<RequestMetrics> = LazyLock::new(RequestMetrics::default);

impl RequestMetrics {
    /// Counts one answered request.
    pub fn observe(&self, route: &str, status: u16, seconds: f64) {
        let mut series = self
            .series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let h = series.entry((route.to_owned(), status)).or_default();
        h.count += 1;
        h.sum += seconds;
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            h.buckets[i] += 1;
        }
    }

    /// The figures in Prometheus' text format.
    pub fn render(&self, out: &mut String) {
        let series = self
            .series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.push_str(
            "# HELP preflight_http_requests_total Requests answered, by route and status.\n\
             # TYPE preflight_http_requests_total counter\n",
        );
        for ((route, status), h) in series.iter() {
            let route = escape(route);
            let _ = writeln!(
                out,
                "preflight_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {}",
                h.count
            );
        }
        out.push_str(
            "# HELP preflight_http_request_duration_seconds Time to answer, by route and status.\n\
             # TYPE preflight_http_request_duration_seconds histogram\n",
        );
        for ((route, status), h) in series.iter() {
            let route = escape(route);
            let labels = format!("route=\"{route}\",status=\"{status}\"");
            let mut seen = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                seen += n;
                let _ = writeln!(
                    out,
                    "preflight_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {seen}"
                );
            }
            let _ = writeln!(
                out,
                "preflight_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 preflight_http_request_duration_seconds_sum{{{labels}}} {:.6}\n\
                 preflight_http_request_duration_seconds_count{{{labels}}} {}",
                h.count, h.sum, h.count
            );
        }
    }
}

/// A label value as Prometheus reads it.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The route template a request matched, as a label. The API is nested: the outer router sees
/// only its nest's wildcard, and leaves the request to the API router's own layer.
fn route_of(req: &Request) -> Option<String> {
    match req.extensions().get::<MatchedPath>() {
        Some(p) if p.as_str().contains("__private__axum_nest_tail_param") => None,
        Some(p) => Some(p.as_str().to_owned()),
        None => Some("other".to_owned()),
    }
}

/// Whether `/metrics` is served (set once when the router is built); otherwise nothing is
/// counted.
pub static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks a request already being counted (by the outer router's layer).
#[derive(Clone, Copy)]
struct Counted;

/// Middleware: times the request and counts it under its route and status.
pub async fn record(mut req: Request, next: Next) -> Response {
    if !ENABLED.load(std::sync::atomic::Ordering::Relaxed)
        || req.extensions().get::<Counted>().is_some()
    {
        return next.run(req).await;
    }
    let Some(route) = route_of(&req) else {
        return next.run(req).await;
    };
    req.extensions_mut().insert(Counted);
    let started = Instant::now();
    let res = next.run(req).await;
    REQUESTS.observe(
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// The request's log span, kept in its extensions: code deeper down runs inside spans of its
/// own, so `Span::current()` there is not the request's.
#[derive(Clone)]
pub struct RequestSpan(pub tracing::Span);

/// Middleware, just inside the trace layer: remembers the request's span.
pub async fn remember_span(mut req: Request, next: Next) -> Response {
    req.extensions_mut()
        .insert(RequestSpan(tracing::Span::current()));
    next.run(req).await
}

/// Writes who made the request (a session's user or a token's owner) into its log span.
pub fn record_user(extensions: &http::Extensions, user_id: i32) {
    if let Some(span) = extensions.get::<RequestSpan>() {
        span.0.record("user", user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_escaped() {
        let m = RequestMetrics::default();
        m.observe("/p/{slug}", 200, 0.003);
        m.observe("/p/{slug}", 200, 0.2);
        m.observe("/p/{slug}", 200, 30.0);
        m.observe("/a\"b", 404, 0.001);
        let mut out = String::new();
        m.render(&mut out);
        assert!(
            out.contains("preflight_http_requests_total{route=\"/p/{slug}\",status=\"200\"} 3")
        );
        assert!(out.contains(
            "preflight_http_request_duration_seconds_bucket{route=\"/p/{slug}\",status=\"200\",le=\"0.005\"} 1"
        ));
        assert!(out.contains(
            "preflight_http_request_duration_seconds_bucket{route=\"/p/{slug}\",status=\"200\",le=\"0.25\"} 2"
        ));
        assert!(out.contains(
            "preflight_http_request_duration_seconds_bucket{route=\"/p/{slug}\",status=\"200\",le=\"10\"} 2"
        ));
        assert!(out.contains(
            "preflight_http_request_duration_seconds_bucket{route=\"/p/{slug}\",status=\"200\",le=\"+Inf\"} 3"
        ));
        assert!(out.contains("route=\"/a\\\"b\",status=\"404\""));
    }
}
