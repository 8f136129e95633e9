//! `/metrics`: off by default; when on, it counts database statements (what `make bench` reads
//! per page) and reports resident memory.

use app::state::AppSettings;

use crate::support::TestServer;

async fn queries(s: &TestServer) -> u64 {
    let text = reqwest::get(s.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("preflight_db_queries_total "))
        .unwrap_or_else(|| panic!("no counter in {text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn metrics_count_statements_and_memory_only_when_enabled() {
    let off = TestServer::start().await;
    assert_eq!(
        reqwest::get(off.url("/metrics")).await.unwrap().status(),
        404
    );

    let s = TestServer::start_with(AppSettings {
        metrics: true,
        ..Default::default()
    })
    .await;
    let res = reqwest::get(s.url("/metrics")).await.unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    let rss: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("preflight_resident_memory_bytes "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(rss > 1 << 20, "{rss}");
    // Reading the metrics runs no statement; a page with a session lookup runs some.
    let before = queries(&s).await;
    assert_eq!(queries(&s).await, before);
    let (c, _) = s.admin_with_team().await;
    let mid = queries(&s).await;
    assert!(mid > before, "sign-up ran statements");
    assert_eq!(s.page(&c, "/").await.status(), 200);
    assert!(queries(&s).await > mid, "the portfolio read the database");
}

/// The value of the series starting `prefix` (labels included), 0 when absent.
fn series(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status_with_pool_and_queue() {
    let s = TestServer::start_with(AppSettings {
        metrics: true,
        ..Default::default()
    })
    .await;
    let scrape = || async {
        reqwest::get(s.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let (c, team) = s.admin_with_team().await;
    s.call_ok(
        &c,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let before = scrape().await;
    let page = "preflight_http_requests_total{route=\"/p/{slug}\",status=\"200\"} ";
    let api = "preflight_http_requests_total{route=\"/api/v1/projects/{slug}\",status=\"401\"} ";
    for _ in 0..3 {
        assert_eq!(s.page(&c, "/p/shop").await.status(), 200);
    }
    for slug in ["shop", "another", "a-third"] {
        let res = reqwest::get(s.url(&format!("/api/v1/projects/{slug}")))
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let after = scrape().await;
    // Counted under the template, not the path (other tests in this process count too).
    assert!(
        series(&after, page) >= series(&before, page) + 3.0,
        "{after}"
    );
    assert!(series(&after, api) >= series(&before, api) + 3.0, "{after}");
    assert!(!after.contains("route=\"/api/v1/projects/another\""));
    assert!(
        !after.contains("__private__"),
        "the API is counted by its own routes"
    );
    let count =
        "preflight_http_request_duration_seconds_count{route=\"/p/{slug}\",status=\"200\"} ";
    let inf = "preflight_http_request_duration_seconds_bucket{route=\"/p/{slug}\",status=\"200\",le=\"+Inf\"} ";
    assert_eq!(series(&after, count), series(&after, inf));
    assert!(
        series(&after, "preflight_db_pool_connections{state=\"idle\"} ") >= 1.0,
        "{after}"
    );
    assert!(after.contains("preflight_db_pool_connections{state=\"in_use\"} "));
    // The queue's depth: a job due tomorrow shows as queued.
    let now = chrono::Utc::now();
    app::jobs::enqueue(
        &s.db,
        app::jobs::NewJob {
            kind: "metrics_test".into(),
            payload: serde_json::json!({}),
            run_at: now + chrono::Duration::days(1),
            dedupe_key: None,
            max_attempts: 1,
        },
        now,
    )
    .await
    .unwrap();
    let text = scrape().await;
    assert!(
        series(&text, "preflight_jobs{state=\"queued\"} ") >= 1.0,
        "{text}"
    );
}
