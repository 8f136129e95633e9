//! Checklists over HTTP: categories, items, scores, filters, bad input, concurrency, and the
//! constant number of queries per checklist read.

use std::sync::atomic::Ordering;

use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};

use crate::support::{TestServer, error_kind};

/// Setup, a project `shop`, and a client signed in as the admin (owner everywhere).
async fn shop(s: &TestServer) -> reqwest::Client {
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let team = app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let res = s
        .call(
            &c,
            "create_project",
            &[("name", "Shop"), ("team_id", &team)],
        )
        .await;
    assert_eq!(res.status(), 200);
    c
}

async fn category(s: &TestServer, c: &reqwest::Client, name: &str) -> String {
    let res = s
        .call(c, "create_category", &[("slug", "shop"), ("name", name)])
        .await;
    assert_eq!(res.status(), 200, "create category {name}");
    res.json::<i32>().await.unwrap().to_string()
}

async fn item(
    s: &TestServer,
    c: &reqwest::Client,
    category: &str,
    title: &str,
    priority: &str,
) -> String {
    let res = s
        .call(
            c,
            "create_item",
            &[
                ("category_id", category),
                ("title", title),
                ("priority", priority),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "create item {title}");
    res.json::<i32>().await.unwrap().to_string()
}

async fn checklist(s: &TestServer, c: &reqwest::Client, query: &str) -> serde_json::Value {
    s.get_json(c, &format!("/rpc/get_checklist?slug=shop{query}"))
        .await
}

async fn set_status(
    s: &TestServer,
    c: &reqwest::Client,
    id: &str,
    version: &str,
    status: &str,
) -> reqwest::Response {
    s.call(
        c,
        "set_item_status",
        &[("item_id", id), ("version", version), ("status", status)],
    )
    .await
}

#[tokio::test]
async fn scores_and_verdict_follow_the_items() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let security = category(&s, &c, "Security").await;
    let ops = category(&s, &c, "Operations").await;
    let tls = item(&s, &c, &security, "TLS everywhere", "critical").await;
    item(&s, &c, &security, "Rotate secrets", "medium").await;
    let runbook = item(&s, &c, &ops, "Runbook", "low").await;

    let v = checklist(&s, &c, "").await;
    assert_eq!(
        v["score"]["verdict"], "not_ready",
        "critical items block by default"
    );
    assert_eq!(v["score"]["counts"]["blocking_gaps"], 1);
    assert_eq!(v["score"]["overall"], 0);

    assert_eq!(set_status(&s, &c, &tls, "1", "done").await.status(), 200);
    assert_eq!(
        set_status(&s, &c, &runbook, "1", "done").await.status(),
        200
    );
    let v = checklist(&s, &c, "").await;
    // Security: 8 of 10 → 80; Operations: 100; overall (80 + 100) / 2 = 90.
    assert_eq!(v["categories"][0]["computed"], 80);
    assert_eq!(v["categories"][1]["computed"], 100);
    assert_eq!(v["score"]["overall"], 90);
    assert_eq!(v["score"]["verdict"], "ready");

    // An assessor score replaces the computed one; the threshold then is not reached.
    let res = s
        .call(
            &c,
            "update_category",
            &[
                ("category_id", &security),
                ("version", "1"),
                ("name", "Security"),
                ("weight", "3"),
                ("assessor_score", "40"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let v = checklist(&s, &c, "").await;
    assert_eq!(v["categories"][0]["effective"], 40);
    // (3 × 40 + 1 × 100) / 4 = 55.
    assert_eq!(v["score"]["overall"], 55);
    assert_eq!(v["score"]["verdict"], "ready_with_gaps");

    // Every change is in the audit log, with the item's history readable on its page.
    let detail = s
        .get_json(&c, &format!("/rpc/get_item?item_id={tls}"))
        .await;
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["status_changed", "created"]);
    let page = s.page(&c, "/p/shop/checklist").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("TLS everywhere") && html.contains("Ready with gaps"),
        "{html}"
    );
    let overview = s.page(&c, "/p/shop").await.text().await.unwrap();
    assert!(overview.contains("Ready with gaps"));
}

#[tokio::test]
async fn status_rules_need_reasons_expiries_and_evidence() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let id = item(&s, &c, &cat, "Backups", "high").await;

    let (status, body) = error_kind(set_status(&s, &c, &id, "1", "not_applicable").await).await;
    assert_eq!(status, 422);
    assert!(body["detail"]["status_reason"].is_string());
    let (status, body) = error_kind(
        s.call(
            &c,
            "set_item_status",
            &[
                ("item_id", id.as_str()),
                ("version", "1"),
                ("status", "accepted_risk"),
                ("status_reason", "Vendor handles it"),
                ("accepted_until", "2000-01-01"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["detail"]["accepted_until"].is_string());

    let res = s
        .call(
            &c,
            "set_evidence_required",
            &[("slug", "shop"), ("required", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, body) = error_kind(set_status(&s, &c, &id, "1", "done").await).await;
    assert_eq!(status, 422);
    assert!(
        body["detail"]["evidence_url"]
            .as_str()
            .unwrap()
            .contains("evidence")
    );
    let res = s
        .call(
            &c,
            "set_item_status",
            &[
                ("item_id", id.as_str()),
                ("version", "1"),
                ("status", "done"),
                ("evidence_url", "https://ci.example.com/run/42"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<i32>().await.unwrap(), 2, "the new version");
    let row = app::entities::items::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_str(), "done");
    assert!(row.closed_at.is_some() && row.closed_by.is_some());
}

#[tokio::test]
async fn bad_input_is_a_field_error_and_changes_nothing() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let id = item(&s, &c, &cat, "Backups", "high").await;
    s.add_user("stranger@example.com", false).await;
    let stranger = s.auth_user("stranger@example.com").await.id.to_string();
    let huge = "x".repeat(10 * 1024 * 1024);
    // (server function, fields besides id and version, the field that must be named)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "update_item",
            vec![("title", "   "), ("priority", "high")],
            "title",
        ),
        ("set_item_status", vec![("status", "closed")], "status"),
        (
            "set_item_assignee",
            vec![("assignee", stranger.as_str())],
            "assignee",
        ),
        (
            "update_item",
            vec![
                ("title", "Backups"),
                ("priority", "high"),
                ("due_date", "next tuesday"),
            ],
            "due_date",
        ),
        (
            "update_item",
            vec![
                ("title", "Backups"),
                ("priority", "high"),
                ("description", huge.as_str()),
            ],
            "description",
        ),
        (
            "set_item_priority",
            vec![("priority", "urgent")],
            "priority",
        ),
        (
            "update_item",
            vec![
                ("title", "Backups"),
                ("priority", "high"),
                ("effort_hours", "-3"),
            ],
            "effort_hours",
        ),
    ];
    for (name, fields, field) in cases {
        let mut form = vec![("item_id", id.as_str()), ("version", "1")];
        form.extend(fields);
        let (status, body) = error_kind(s.call(&c, name, &form).await).await;
        assert_eq!(status, 422, "{name} {field}: {body}");
        assert!(body["detail"][field].is_string(), "{name} {field}: {body}");
    }
    let (status, body) = error_kind(
        s.call(
            &c,
            "create_item",
            &[("category_id", cat.as_str()), ("title", "")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["detail"]["title"].is_string());
    let (status, _) = error_kind(
        s.call(
            &c,
            "create_category",
            &[("slug", "shop"), ("name", "X"), ("weight", "heavy")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);

    let row = app::entities::items::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.title.as_str(),
            row.status.as_str(),
            row.version,
            row.assignee_id
        ),
        ("Backups", "open", 1, None)
    );
    assert_eq!(
        app::entities::items::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn concurrent_writers_on_one_version_exactly_one_wins() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let id = item(&s, &c, &cat, "Backups", "high").await;
    let priorities = [
        "critical", "high", "medium", "low", "critical", "high", "medium", "low",
    ];
    let tasks = (0..8).map(|n| {
        let (s, c, id) = (&s, c.clone(), id.clone());
        async move {
            let res = s
                .call(
                    &c,
                    "update_item",
                    &[
                        ("item_id", id.as_str()),
                        ("version", "1"),
                        ("title", &format!("Writer {n}")),
                        ("priority", priorities[n]),
                    ],
                )
                .await;
            (
                n,
                res.status().as_u16(),
                res.text().await.unwrap_or_default(),
            )
        }
    });
    let results = futures::future::join_all(tasks).await;
    let winners: Vec<usize> = results
        .iter()
        .filter(|(_, st, _)| *st == 200)
        .map(|(n, ..)| *n)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (_, status, body) in results.iter().filter(|(_, st, _)| *st != 200) {
        assert_eq!(*status, 409, "{body}");
        assert!(body.contains("changed by Ada Admin"), "{body}");
    }
    let row = app::entities::items::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let w = winners[0];
    assert_eq!(row.title, format!("Writer {w}"));
    assert_eq!(row.priority.as_str(), priorities[w]);
    assert_eq!(row.version, 2);
}

#[tokio::test]
async fn filters_come_from_the_query() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let a = item(&s, &c, &cat, "Backups tested", "critical").await;
    item(&s, &c, &cat, "Dashboards", "low").await;
    item(&s, &c, &cat, "Alert on backups", "medium").await;
    let me = s.auth_user("ada@example.com").await.id.to_string();
    s.call(
        &c,
        "set_item_assignee",
        &[
            ("item_id", a.as_str()),
            ("version", "1"),
            ("assignee", me.as_str()),
        ],
    )
    .await;
    let titles = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles(checklist(&s, &c, "&filter[q]=BACKUPS").await),
        vec!["Backups tested", "Alert on backups"]
    );
    assert_eq!(
        titles(checklist(&s, &c, "&filter[priority]=low").await),
        vec!["Dashboards"]
    );
    assert_eq!(
        titles(checklist(&s, &c, "&filter[assignee]=me").await),
        vec!["Backups tested"]
    );
    assert_eq!(
        titles(checklist(&s, &c, "&filter[blocking]=yes").await),
        vec!["Backups tested"]
    );
    let v = checklist(&s, &c, "&filter[assignee]=none&filter[q]=backups").await;
    assert_eq!(titles(v.clone()), vec!["Alert on backups"]);
    assert_eq!(v["total_items"], 3, "scores still cover every item");

    // The page reads the same filter from its own URL.
    let html = s
        .page(&c, "/p/shop/checklist?priority=low")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Dashboards"));
    assert!(!html.contains("Backups tested"), "filtered out");
    assert!(html.contains("1 of 3 items match"));

    // The search reads descriptions too (every word must be in the title or the description).
    let res = s
        .call(
            &c,
            "create_item",
            &[
                ("category_id", cat.as_str()),
                ("title", "Monitoring"),
                ("priority", "low"),
                ("description", "See the *Grafana* board for backups."),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        titles(checklist(&s, &c, "&filter[q]=grafana").await),
        vec!["Monitoring"]
    );
    assert_eq!(
        titles(checklist(&s, &c, "&filter[q]=grafana%20BOARD").await),
        vec!["Monitoring"]
    );
    assert_eq!(
        titles(checklist(&s, &c, "&filter[q]=grafana%20dashboards").await),
        Vec::<String>::new()
    );
    assert_eq!(
        titles(checklist(&s, &c, "&filter[q]=backups").await),
        vec!["Backups tested", "Alert on backups", "Monitoring"]
    );
}

#[tokio::test]
async fn a_checklist_read_costs_the_same_queries_for_10_and_1000_items() {
    let s = TestServer::start().await;
    let _c = shop(&s).await;
    let ada = s.auth_user("ada@example.com").await;
    let project = app::entities::projects::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let (counted, count) = crate::support::counting(&s.db);
    let today = chrono::Utc::now().date_naive();
    let mut per_size = Vec::new();
    for size in [10usize, 1000] {
        let cat = app::checklist::service::create_category(
            &s.db,
            &ada,
            "shop",
            app::checklist::service::CategoryInput {
                name: format!("Size {size}"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let now = chrono::Utc::now();
        let rows: Vec<app::entities::items::ActiveModel> = (0..size)
            .map(|n| app::entities::items::ActiveModel {
                project_id: Set(project.id),
                category_id: Set(cat),
                title: Set(format!("Item {n}")),
                description: Set("Some *text*".into()),
                priority: Set(app::scoring::Priority::ALL[n % 4]),
                blocking: Set(n % 7 == 0),
                status: Set(app::scoring::Status::ALL[n % 4]),
                status_reason: Set(String::new()),
                assignee_id: Set(Some(ada.id)),
                evidence_url: Set(String::new()),
                evidence_text: Set(String::new()),
                position: Set(i32::try_from(n).unwrap()),
                version: Set(1),
                updated_by: Set(Some(ada.id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(200) {
            app::entities::items::Entity::insert_many(chunk.to_vec())
                .exec(&s.db)
                .await
                .unwrap();
        }
        // A fresh memo each time: this counts a cold read.
        let memo = app::memo::ProjectMemo::default();
        let filter = Default::default();
        let mut reads = Vec::new();
        for _ in 0..2 {
            count.store(0, Ordering::SeqCst);
            let view = app::checklist::service::load(&counted, &memo, &ada, "shop", &filter, today)
                .await
                .unwrap();
            assert!(view.items.len() >= size);
            reads.push(count.load(Ordering::SeqCst));
        }
        assert_eq!(
            reads[1] + 1,
            reads[0],
            "the second read takes the rows from the memo"
        );
        per_size.push(reads[0]);
    }
    println!(
        "queries per checklist read: 10 items → {}, 1000 items → {}",
        per_size[0], per_size[1]
    );
    assert_eq!(per_size[0], per_size[1]);
    // Access, categories, items, members, risks, the sign-offs the project requires.
    assert!(per_size[0] <= 7, "{per_size:?}");
}

#[tokio::test]
async fn the_portfolio_shows_each_projects_readiness_and_my_gaps() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let blocker = item(&s, &c, &cat, "Restore drill", "critical").await;
    let later = item(&s, &c, &cat, "Dashboards", "low").await;
    let done = item(&s, &c, &cat, "Alerts", "high").await;
    set_status(&s, &c, &done, "1", "done").await;
    let me = s.auth_user("ada@example.com").await.id.to_string();
    for (id, due) in [(&blocker, "2001-01-01"), (&later, "")] {
        let res = s
            .call(
                &c,
                "update_item",
                &[
                    ("item_id", id.as_str()),
                    ("version", "1"),
                    (
                        "title",
                        if *id == blocker {
                            "Restore drill"
                        } else {
                            "Dashboards"
                        },
                    ),
                    ("priority", if *id == blocker { "critical" } else { "low" }),
                    ("blocking", if *id == blocker { "true" } else { "false" }),
                    ("assignee", me.as_str()),
                    ("due_date", due),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let p = s.get_json(&c, "/rpc/get_portfolio").await;
    let shop = &p["projects"][0];
    assert_eq!(shop["verdict"], "not_ready");
    assert_eq!(shop["blocking_gaps"], 1);
    assert_eq!(shop["overdue"], 1);
    // Alerts (4) done of 8 + 4 + 1 → 4/13 → 31.
    assert_eq!(shop["overall"], 31);
    let gaps: Vec<(&str, bool)> = p["my_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["title"].as_str().unwrap(),
                g["overdue"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(gaps, vec![("Restore drill", true), ("Dashboards", false)]);

    let html = s.page(&c, "/?sort=score").await.text().await.unwrap();
    assert!(
        html.contains("Not ready") && html.contains("My gaps"),
        "{html}"
    );
    assert!(html.contains("Restore drill"));
}

/// `shop` as the portfolio and the checklist page show it (both served from the server's
/// memo when nothing changed), and as read afresh from the database with an empty memo.
async fn shop_standing(s: &TestServer, c: &reqwest::Client) -> [serde_json::Value; 3] {
    let p = s.get_json(c, "/rpc/get_portfolio").await;
    let shop = &p["projects"][0];
    let listed = serde_json::json!([shop["verdict"], shop["overall"], shop["blocking_gaps"]]);
    let figures = |v: &serde_json::Value| {
        let score = &v["score"];
        let items: Vec<_> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["title"].clone(),
                    i["status"].clone(),
                    i["version"].clone(),
                )
            })
            .collect();
        (
            serde_json::json!([
                score["verdict"],
                score["overall"],
                score["counts"]["blocking_gaps"]
            ]),
            serde_json::json!(items),
        )
    };
    let (page, page_items) = figures(&checklist(s, c, "").await);
    let ada = s.auth_user("ada@example.com").await;
    let fresh = app::checklist::service::load(
        &s.db,
        &Default::default(),
        &ada,
        "shop",
        &Default::default(),
        chrono::Utc::now().date_naive(),
    )
    .await
    .unwrap();
    let (fresh, fresh_items) = figures(&serde_json::to_value(fresh).unwrap());
    assert_eq!(page_items, fresh_items, "the checklist's rows");
    [listed, page, fresh]
}

/// The portfolio and the checklist keep what they read of a project until it changes: every
/// kind of change after a view shows on the next view, including a write the app did not make
/// (another process, a manual fix in the database), which the database's triggers catch.
#[tokio::test]
async fn the_portfolio_and_the_checklist_follow_every_change_made_after_a_view() {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, ModelTrait};
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let blocker = item(&s, &c, &cat, "Restore drill", "critical").await;
    item(&s, &c, &cat, "Dashboards", "low").await;
    let mut seen = Vec::new();
    let mut step = |[listed, page, fresh]: [serde_json::Value; 3]| {
        assert_eq!(listed, fresh, "portfolio after step {}", seen.len());
        assert_eq!(page, fresh, "checklist after step {}", seen.len());
        seen.push(listed);
    };
    step(shop_standing(&s, &c).await);
    step(shop_standing(&s, &c).await);

    // Through the app: a status, a new item, the category's weight and score, the threshold.
    assert_eq!(
        set_status(&s, &c, &blocker, "1", "done").await.status(),
        200
    );
    step(shop_standing(&s, &c).await);
    item(&s, &c, &cat, "Runbook", "high").await;
    step(shop_standing(&s, &c).await);
    let res = s
        .call(
            &c,
            "update_category",
            &[
                ("category_id", cat.as_str()),
                ("version", "1"),
                ("name", "Ops"),
                ("weight", "1"),
                ("assessor_score", "95"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    step(shop_standing(&s, &c).await);
    let res = s
        .call(
            &c,
            "update_project",
            &[
                ("slug", "shop"),
                ("version", "1"),
                ("name", "Shop"),
                ("threshold", "99"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    step(shop_standing(&s, &c).await);

    // Straight in the database, behind the app's back: reopen the blocker, delete an item.
    let items = app::entities::items::Entity::find()
        .all(&s.db)
        .await
        .unwrap();
    let restore = items.iter().find(|i| i.title == "Restore drill").unwrap();
    let mut reopened = restore.clone().into_active_model();
    reopened.status = Set(app::scoring::Status::Open);
    reopened.update(&s.db).await.unwrap();
    step(shop_standing(&s, &c).await);
    let runbook = items.iter().find(|i| i.title == "Runbook").unwrap();
    runbook.clone().delete(&s.db).await.unwrap();
    step(shop_standing(&s, &c).await);

    let verdicts: Vec<&str> = seen.iter().map(|v| v[0].as_str().unwrap()).collect();
    assert_eq!(
        verdicts,
        [
            "not_ready",
            "not_ready",
            "ready",
            "ready_with_gaps",
            "ready",
            "ready_with_gaps",
            "not_ready",
            "not_ready"
        ]
    );
    let overall: Vec<i64> = seen.iter().map(|v| v[1].as_i64().unwrap()).collect();
    // 8/(8+1) → 89; + high open → 8/13 → 62; assessor 95; reopened → assessor still 95.
    assert_eq!(overall, [0, 0, 89, 62, 95, 95, 95, 95]);

    // The memo is what spares the item reads: a view with nothing changed skips the standings'
    // two queries and the forecasts' three (items, status changes, review days).
    let ada = s.auth_user("ada@example.com").await;
    let (counted, count) = crate::support::counting(&s.db);
    let memo = app::memo::ProjectMemo::default();
    let today = chrono::Utc::now().date_naive();
    let mut queries = Vec::new();
    for change in [false, false, true, false] {
        if change {
            item(&s, &c, &cat, "Pager", "low").await;
        }
        count.store(0, Ordering::SeqCst);
        app::portfolio::portfolio(&counted, &memo, &ada, today, &Default::default(), 50)
            .await
            .unwrap();
        queries.push(count.load(Ordering::SeqCst));
    }
    let cold = queries[0];
    assert_eq!(queries, [cold, cold - 5, cold, cold - 5]);
}

/// Version and priority of every item, by title.
async fn item_states(s: &TestServer) -> std::collections::BTreeMap<String, (i32, String, String)> {
    app::entities::items::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| {
            (
                i.title,
                (
                    i.version,
                    i.priority.as_str().to_owned(),
                    i.status.as_str().to_owned(),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn bulk_changes_apply_to_every_selected_item_or_to_none() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    let a = item(&s, &c, &cat, "Alerts", "high").await;
    let b = item(&s, &c, &cat, "Backups", "medium").await;
    let d = item(&s, &c, &cat, "Dashboards", "low").await;
    let bulk = |fields: Vec<(&'static str, String)>| {
        let c = c.clone();
        let s = &s;
        async move {
            let mut form: Vec<(&str, &str)> = vec![("slug", "shop")];
            form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            error_kind(s.call(&c, "bulk_update_items", &form).await).await
        }
    };
    let sel = |id: &str, v: i32| ("items[]", format!("{id}:{v}"));

    // Two items become critical in one change; the third is left alone.
    let (status, body) = bulk(vec![
        sel(&a, 1),
        sel(&b, 1),
        ("priority", "critical".into()),
    ])
    .await;
    assert_eq!(
        (status, body.clone()),
        (200, serde_json::json!(2)),
        "{body}"
    );
    let states = item_states(&s).await;
    assert_eq!(states["Alerts"], (2, "critical".into(), "open".into()));
    assert_eq!(states["Backups"], (2, "critical".into(), "open".into()));
    assert_eq!(states["Dashboards"], (1, "low".into(), "open".into()));
    let events = s
        .audit_trail()
        .await
        .into_iter()
        .filter(|(entity, action)| entity == "item" && action == "updated")
        .count();
    assert_eq!(events, 2, "one audit event per changed item");

    // Not applicable needs a reason: every item is named, nothing is written.
    let (status, body) = bulk(vec![
        sel(&a, 2),
        sel(&b, 2),
        ("status", "not_applicable".into()),
    ])
    .await;
    assert_eq!(status, 422, "{body}");
    let message = body["detail"]["status_reason"].as_str().unwrap_or_default();
    assert!(message.contains("Alerts"), "{body}");
    assert_eq!(item_states(&s).await, states);

    // One stale version spoils the whole change, and the message names the stale item.
    let (status, body) = bulk(vec![sel(&a, 1), sel(&d, 1), ("priority", "high".into())]).await;
    assert_eq!(status, 409, "{body}");
    let message = body["detail"].as_str().unwrap_or_default();
    assert!(
        message.contains("“Alerts”") && !message.contains("Dashboards"),
        "{body}"
    );
    assert_eq!(item_states(&s).await, states);

    // With a reason, the status change goes through and the scores follow.
    let (status, body) = bulk(vec![
        sel(&a, 2),
        sel(&b, 2),
        sel(&d, 1),
        ("status", "not_applicable".into()),
        ("status_reason", "No traffic yet".into()),
    ])
    .await;
    assert_eq!(
        (status, body.clone()),
        (200, serde_json::json!(3)),
        "{body}"
    );
    let view = checklist(&s, &c, "").await;
    assert_eq!(view["score"]["counts"]["not_applicable"], 3, "{view}");

    // Bad requests change nothing.
    let now = item_states(&s).await;
    let (status, body) = bulk(vec![("priority", "low".into())]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"]["items"].is_string(), "{body}");
    let (status, body) = bulk(vec![sel(&a, 3)]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = bulk(vec![sel(&a, 3), ("priority", "urgent".into())]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"]["priority"].is_string(), "{body}");
    let (status, _) = bulk(vec![
        ("items[]", "three".into()),
        ("priority", "low".into()),
    ])
    .await;
    assert_eq!(status, 400);
    // An item of another project is not this project's: nothing changes.
    let team = app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    s.call(
        &c,
        "create_project",
        &[("name", "Other"), ("team_id", &team)],
    )
    .await;
    let other_cat = s
        .call(&c, "create_category", &[("slug", "other"), ("name", "X")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let other = item(&s, &c, &other_cat, "Elsewhere", "low").await;
    let (status, body) = bulk(vec![
        sel(&a, 3),
        sel(&other, 1),
        ("priority", "high".into()),
    ])
    .await;
    assert_eq!(status, 409, "{body}");
    let mut expected = now.clone();
    expected.insert("Elsewhere".into(), (1, "low".into(), "open".into()));
    assert_eq!(item_states(&s).await, expected);
}

/// A search is bounded before it runs: beyond 200 characters or 12 words it is a field error on
/// `q` (each word used to lowercase every title and description again), on the server function
/// and on the page alike; at the limits it searches as usual.
#[tokio::test]
async fn a_search_beyond_its_limits_is_a_field_error() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let cat = category(&s, &c, "Ops").await;
    item(&s, &c, &cat, "Backups tested", "critical").await;
    let words = |n: usize| vec!["backups"; n].join("%20");
    let long = "b".repeat(201);
    let ok_long = format!("{}%20backups", "x".repeat(100));
    for (q, field_error) in [
        (words(12), false),
        (words(13), true),
        (words(20_000 / 8), true),
        (long.clone(), true),
        (ok_long, false),
    ] {
        let res = c
            .get(s.url(&format!("/rpc/get_checklist?slug=shop&filter[q]={q}")))
            .send()
            .await
            .unwrap();
        if field_error {
            let (status, body) = crate::support::error_kind(res).await;
            assert_eq!(status, 422, "{}", &q[..40.min(q.len())]);
            assert!(body["detail"]["q"].is_string(), "{body}");
        } else {
            assert_eq!(res.status(), 200);
        }
    }
    let page = s.page(&c, &format!("/p/shop/checklist?q={long}")).await;
    assert_eq!(page.status(), 422);
    let html = page.text().await.unwrap();
    assert!(html.contains("at most 200 characters"), "{html}");
}

/// Reading a checklist page and changing an item through the REST API each ask for the user's
/// role in the project once: the loaders carry the role they found (before, the REST update
/// asked three times).
#[tokio::test]
async fn a_checklist_page_and_a_rest_item_update_ask_for_the_role_once() {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    let db = crate::support::fresh_db().await;
    preflight_server::db::migrate(&db).await.unwrap();
    // Counts the statements that look up one user's role in one team.
    let role_queries = Arc::new(AtomicUsize::new(0));
    let seen = role_queries.clone();
    let s = TestServer::start_observed(
        db,
        Default::default(),
        preflight_server::listen::ListenLimits::default(),
        move |info| {
            // `"team_members"."user_id" = ?` (SQLite) or `= $2` (PostgreSQL): a role lookup,
            // not the member list's join on users.
            let sql = &info.statement.sql;
            if sql.contains(r#""team_members"."user_id" = ?"#)
                || sql.contains(r#""team_members"."user_id" = $"#)
            {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        },
    )
    .await;
    let admin = shop(&s).await;
    let team = app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let cat = category(&s, &admin, "Ops").await;
    let id = item(&s, &admin, &cat, "Backups", "high").await;
    // A plain editor: site admins are owners everywhere and need no lookup.
    let editor = s.member(&admin, &team, "ed@example.com", "editor").await;
    let ed = s.auth_user("ed@example.com").await;
    let token = app::account::tokens::create(&s.db, &ed, "count", "write", "")
        .await
        .unwrap();

    role_queries.store(0, Ordering::SeqCst);
    let page = s.page(&editor, "/p/shop/checklist").await;
    assert_eq!(page.status(), 200);
    assert_eq!(role_queries.load(Ordering::SeqCst), 1, "checklist page");

    for body in [
        serde_json::json!({"version": 1, "title": "Backups tested"}),
        serde_json::json!({"title": "Backups restored"}),
    ] {
        role_queries.store(0, Ordering::SeqCst);
        let res = s
            .client()
            .patch(s.url(&format!("/api/v1/items/{id}")))
            .bearer_auth(&token)
            .header("if-match", "*")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{}",
            res.text().await.unwrap_or_default()
        );
        assert_eq!(
            role_queries.load(Ordering::SeqCst),
            1,
            "REST item update {body}"
        );
    }
}

/// A checklist too long to show at once (here 2,000 items in two categories) collapses its
/// categories with their counts and shows the open one 500 items at a time; the page stays small,
/// a filter that narrows it below the limit shows everything again, and a row changed in place
/// still renders.
#[tokio::test]
async fn a_long_checklist_collapses_and_pages_its_open_category() {
    let s = TestServer::start().await;
    let c = shop(&s).await;
    let ops = category(&s, &c, "Ops").await;
    let sec = category(&s, &c, "Security").await;
    let project = app::projects::access::find_by_slug(&s.db, "shop")
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let rows: Vec<app::entities::items::ActiveModel> = (0..2000)
        .map(|n| app::entities::items::ActiveModel {
            project_id: Set(project.id),
            category_id: Set(if n < 1200 { &ops } else { &sec }.parse().unwrap()),
            title: Set(format!("Check {n:04}")),
            description: Set(String::new()),
            priority: Set(if n % 10 == 0 {
                app::scoring::Priority::Critical
            } else {
                app::scoring::Priority::Low
            }),
            blocking: Set(n % 10 == 0),
            status: Set(app::scoring::Status::Open),
            status_reason: Set(String::new()),
            evidence_url: Set(String::new()),
            evidence_text: Set(String::new()),
            position: Set(n),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(250) {
        app::entities::items::Entity::insert_many(chunk.to_vec())
            .exec(&s.db)
            .await
            .unwrap();
    }
    let page = |path: String| {
        let c = c.clone();
        let s = &s;
        async move { s.page(&c, &path).await.text().await.unwrap() }
    };
    let rows_in = |html: &str| html.matches("<tr id=\"item-").count();

    // Collapsed: no rows, each category with its count and a link to open it.
    let html = page("/p/shop/checklist".into()).await;
    assert_eq!(rows_in(&html), 0, "{html}");
    assert!(html.contains("Show its 1200 items") && html.contains("Show its 800 items"));
    assert!(html.len() < 100_000, "{} bytes", html.len());

    // Ops open: its first 500, then the next 500, then the last 200.
    let html = page(format!("/p/shop/checklist?open={ops}")).await;
    assert_eq!(rows_in(&html), 500);
    assert!(html.contains("Check 0000") && !html.contains("Check 0500"));
    assert!(html.contains("Items 1–500 of 1200") && html.contains("Show its 800 items"));
    let html = page(format!("/p/shop/checklist?open={ops}&from=1000")).await;
    assert_eq!(rows_in(&html), 200);
    assert!(html.contains("Check 1199") && !html.contains(r#"rel="next""#));

    // Critical only: 200 items, every one shown, no category collapsed.
    let html = page("/p/shop/checklist?priority=critical".into()).await;
    assert_eq!(rows_in(&html), 200);
    assert!(html.contains("200 of 2000 items match the filter."));
    assert!(!html.contains("Show its"));

    // The overview names the first 25 blocking gaps and counts the rest.
    let html = page("/p/shop".into()).await;
    assert_eq!(html.matches("/p/shop/items/").count(), 25, "{html}");
    assert!(html.contains("and 175 more on the checklist"));
    assert!(html.contains("200 blocking item(s)"));

    // A row far into a collapsed category still re-renders after a change.
    let id = app::entities::items::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.title == "Check 1999")
        .unwrap()
        .id;
    let res = crate::support::read(
        c.get(s.url(&format!("/rpc/checklist_fragments?slug=shop&set={id}:1"))),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Check 1999"));
}
