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
