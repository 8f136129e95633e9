//! Pages as the server renders them: each loads its data once, and the overview is computed on
//! the server rather than shipped as the whole checklist.

use std::collections::BTreeMap;

use app::entities::{reviews, risks};
use sea_orm::EntityTrait;

use crate::support::{PASSWORD, TestServer};

/// The payloads of `__RESOLVED_RESOURCES[n] = "…";` in a server-rendered page, by `n`.
fn resolved_resources(html: &str) -> BTreeMap<usize, &str> {
    let mut found = BTreeMap::new();
    let mut rest = html;
    while let Some(at) = rest.find("__RESOLVED_RESOURCES[") {
        rest = &rest[at + "__RESOLVED_RESOURCES[".len()..];
        let Some(close) = rest.find("] = \"") else {
            continue;
        };
        let Ok(n) = rest[..close].parse::<usize>() else {
            continue;
        };
        rest = &rest[close + 5..];
        // The payload is a Rust-escaped string: it ends at the first unescaped quote.
        let bytes = rest.as_bytes();
        let mut end = 0;
        while end < bytes.len() && !(bytes[end] == b'"' && (end == 0 || bytes[end - 1] != b'\\')) {
            end += 1;
        }
        found.insert(n, &rest[..end]);
        rest = &rest[end..];
    }
    found
}

/// The demo, signed in as its owner: (client, project slug).
async fn demo(s: &TestServer) -> (reqwest::Client, String) {
    let today = chrono::Utc::now().date_naive();
    let loaded = app::demo::load(&s.db, PASSWORD.to_owned(), today)
        .await
        .unwrap();
    let c = s.client();
    let res = s.login(&c, &loaded.accounts[0].0, PASSWORD).await;
    assert_eq!(res.status(), 200);
    (c, loaded.projects[0].clone())
}

/// Pages are rendered on the server and only islands hydrate, so a page carries its data once:
/// as HTML, with no copy of it serialized for hydration (the checklist's copy was a third of
/// its page).
#[tokio::test]
async fn every_page_renders_its_data_without_a_serialized_copy() {
    let s = TestServer::start().await;
    let (c, slug) = demo(&s).await;
    let risk = risks::Entity::find().one(&s.db).await.unwrap().unwrap().id;
    let review = reviews::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let item = app::entities::items::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let pages = [
        "/".to_owned(),
        format!("/p/{slug}"),
        format!("/p/{slug}/checklist"),
        format!("/p/{slug}/items/{item}"),
        format!("/p/{slug}/risks"),
        format!("/p/{slug}/risks/{risk}"),
        format!("/p/{slug}/settings"),
        format!("/p/{slug}/reviews"),
        format!("/p/{slug}/reviews/{review}"),
        format!("/p/{slug}/report"),
        format!("/p/{slug}/plan"),
        format!("/p/{slug}/import"),
        "/import".to_owned(),
        "/teams".to_owned(),
        "/templates".to_owned(),
        "/account".to_owned(),
        "/admin/users".to_owned(),
        "/admin/audit".to_owned(),
    ];
    for path in pages {
        let res = s.page(&c, &path).await;
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        let resources = resolved_resources(&html);
        assert!(resources.is_empty(), "{path}: {resources:?}");
        // The page itself is there, signed in (the header names the user).
        assert!(html.contains(r#"<main id="main">"#), "{path}");
        assert!(html.contains("Sign out"), "{path}");
        assert!(
            !html.contains("Loading…"),
            "{path}: a fallback was rendered"
        );
    }
}

/// The demo comes with a plan: three phases holding every item, a launch date, a capacity and
/// a review cadence, so the plan page and the forecast have something to show.
#[tokio::test]
async fn the_demo_has_a_plan() {
    let s = TestServer::start().await;
    let (c, slug) = demo(&s).await;
    let plan = s.get_json(&c, &format!("/rpc/get_plan?slug={slug}")).await;
    let names: Vec<&str> = plan["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Week 1", "Before launch", "After launch"]);
    assert!(
        plan["phases"][0]["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty())
    );
    assert_eq!(plan["unscheduled"], serde_json::json!([]));
    assert_eq!(plan["capacity_hours"], 20);
    assert_eq!(plan["review_every_days"], 14);
    assert!(
        plan["path"]["forecast"]["outlook"].is_string(),
        "{}",
        plan["path"]
    );
}

/// The overview's verdict panel comes from the server, and agrees with the checklist's rows:
/// the blocking gaps, the overdue items and the open items per assignee.
#[tokio::test]
async fn the_overview_agrees_with_the_checklist() {
    let s = TestServer::start().await;
    let (c, slug) = demo(&s).await;
    let checklist = s
        .get_json(&c, &format!("/rpc/get_checklist?slug={slug}"))
        .await;
    let overview = s
        .get_json(&c, &format!("/rpc/get_overview?slug={slug}"))
        .await;
    assert_eq!(overview["score"], checklist["score"]);
    assert_eq!(overview["categories"], checklist["categories"]);
    assert_eq!(overview["serious_risks"], checklist["serious_risks"]);

    let rows = checklist["items"].as_array().unwrap();
    let gap = |i: &&serde_json::Value| {
        matches!(i["status"].as_str(), Some("open" | "in_progress")) || i["expired"] == true
    };
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let blocking: Vec<String> = rows
        .iter()
        .filter(gap)
        .filter(|i| i["blocking"] == true)
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect();
    assert!(!blocking.is_empty(), "the demo has blocking gaps");
    assert_eq!(titles(&overview["blocking"]), blocking);
    let overdue: Vec<String> = rows
        .iter()
        .filter(|i| i["overdue"] == true)
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles(&overview["overdue"]), overdue);

    let mut by_assignee: BTreeMap<String, u64> = BTreeMap::new();
    for i in rows.iter().filter(gap) {
        let name = i["assignee"]["name"].as_str().unwrap_or("Unassigned");
        *by_assignee.entry(name.to_owned()).or_default() += 1;
    }
    let listed: Vec<(String, u64)> = overview["by_assignee"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_u64().unwrap()))
        .collect();
    let mut expected: Vec<(String, u64)> = by_assignee.into_iter().collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(listed, expected);

    // The page shows them, and ships no item list.
    let html = s
        .page(&c, &format!("/p/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&blocking[0]), "{html}");
    assert!(
        !html.contains("total_items"),
        "the overview ships the checklist"
    );

    // Another team's project is a 404, as everywhere.
    let stranger = s.client();
    s.add_user("stranger@example.com", false).await;
    s.login(&stranger, "stranger@example.com", PASSWORD).await;
    let res = stranger
        .get(s.url(&format!("/rpc/get_overview?slug={slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// Pages answer while other servers start in the same process. Leptos' route-list generation
/// sets a process-wide flag under which any resource first polled waits forever
/// (`leptos_server`'s `SuppressResourceLoad`); every server generated its routes when it built
/// its router, so a page rendered meanwhile by another server in the process (the tests run
/// many) went unanswered now and then. The routes are now generated once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_while_other_servers_start() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };
    let s = TestServer::start().await;
    let (c, slug) = demo(&s).await;
    // Other servers being built, over and over, while this one renders pages.
    let stop = Arc::new(AtomicBool::new(false));
    let building = {
        let stop = stop.clone();
        let db = s.db.clone();
        tokio::task::spawn_blocking(move || {
            let site = crate::support::temp_dir("pf_site_hammer");
            let addr: std::net::SocketAddr = "127.0.0.1:9".parse().unwrap();
            let mut built = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let state = preflight_server::app_state_observed(
                    db.clone(),
                    app::state::AppSettings::default(),
                    preflight_server::leptos_options(site.clone(), addr),
                    |_| {},
                );
                drop(preflight_server::router::build_router(state));
                built += 1;
            }
            built
        })
    };
    let mut unanswered = Vec::new();
    for n in 0..20 {
        let path = if n % 2 == 0 {
            format!("/p/{slug}/checklist")
        } else {
            "/".to_owned()
        };
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            c.get(s.url(&path)).send(),
        )
        .await;
        match res {
            Ok(Ok(r)) => {
                assert_eq!(r.status(), 200, "{path}");
                let body = tokio::time::timeout(std::time::Duration::from_secs(10), r.text()).await;
                match body {
                    Ok(Ok(html)) => assert!(html.contains("Sign out"), "{path}"),
                    _ => unanswered.push(path),
                }
            }
            _ => unanswered.push(path),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let built = building.await.unwrap();
    assert!(built > 0, "no other server was built meanwhile");
    assert!(
        unanswered.is_empty(),
        "pages left unanswered while {built} other servers were built: {unanswered:?}"
    );
}
