//! The path to ready over real HTTP: a project with a scripted history (its audit events moved
//! back in time), its burn-down walked back from the items, and the forecast from its pace.

use app::account::tokens;
use chrono::{Days, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

use crate::support::TestServer;

/// Moves item `id`'s audit events with `action` to `days` days ago.
async fn backdate(s: &TestServer, id: &str, action: &str, days: u64) {
    use app::entities::audit_events::{Column, Entity};
    let at = Utc::now().checked_sub_days(Days::new(days)).unwrap();
    let moved = Entity::update_many()
        .col_expr(Column::CreatedAt, Expr::value(at))
        .filter(Column::Entity.eq("item"))
        .filter(Column::EntityId.eq(id))
        .filter(Column::Action.eq(action))
        .exec(&s.db)
        .await
        .unwrap();
    assert_eq!(moved.rows_affected, 1, "{id} {action}");
}

#[tokio::test]
async fn the_burndown_of_a_scripted_history_ends_at_todays_open_effort_and_the_forecast_follows_the_pace()
 {
    let s = TestServer::start().await;
    let shop = s.shop("Ops").await;
    let c = &shop.c;
    let a = shop
        .item(
            &s,
            &[
                ("title", "TLS"),
                ("priority", "critical"),
                ("effort_hours", "8"),
            ],
        )
        .await;
    let b = shop
        .item(
            &s,
            &[
                ("title", "Dashboards"),
                ("priority", "high"),
                ("effort_hours", "4"),
            ],
        )
        .await;
    let cc = shop
        .item(
            &s,
            &[
                ("title", "Backups"),
                ("priority", "critical"),
                ("effort_hours", "6"),
            ],
        )
        .await;
    // Twenty days ago the project and its items were made; ten days ago TLS was closed; three
    // days ago the backups' estimate grew to 10 hours.
    s.call_ok(
        c,
        "set_item_status",
        &[("item_id", &a), ("version", "1"), ("status", "done")],
    )
    .await;
    let ada = s.auth_user("ada@example.com").await;
    let token = tokens::create(&s.db, &ada, "ci", "write", "")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let res = http
        .patch(s.url(&format!("/api/v1/items/{cc}")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"version": 1, "effort_hours": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for id in [&a, &b, &cc] {
        backdate(&s, id, "created", 20).await;
        let mut row: app::entities::items::ActiveModel =
            app::entities::items::Entity::find_by_id(id.parse::<i32>().unwrap())
                .one(&s.db)
                .await
                .unwrap()
                .unwrap()
                .into();
        row.created_at = Set(Utc::now().checked_sub_days(Days::new(20)).unwrap());
        row.update(&s.db).await.unwrap();
    }
    backdate(&s, &a, "status_changed", 10).await;
    backdate(&s, &cc, "updated", 3).await;
    let today = Utc::now().date_naive();
    let launch = today + Days::new(30);
    let mut project: app::entities::projects::ActiveModel = app::entities::projects::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    project.created_at = Set(Utc::now().checked_sub_days(Days::new(20)).unwrap());
    project.target_date = Set(Some(launch));
    project.update(&s.db).await.unwrap();

    let res = http
        .get(s.url("/api/v1/projects/shop/forecast"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let path: serde_json::Value = res.json().await.unwrap();
    let days = path["burndown"].as_array().unwrap();
    assert_eq!(days.len(), 21, "twenty days ago to today");
    let at = |back: usize| {
        let d = &days[days.len() - 1 - back];
        (
            d["open_hours"].as_f64().unwrap(),
            d["blocking_hours"].as_f64().unwrap(),
        )
    };
    assert_eq!(at(20), (18.0, 14.0), "everything open");
    assert_eq!(at(11), (18.0, 14.0));
    assert_eq!(at(10), (10.0, 6.0), "TLS closed");
    assert_eq!(at(4), (10.0, 6.0));
    assert_eq!(at(3), (14.0, 10.0), "backups re-estimated");
    // The last day is the open effort the score computes from the items today.
    let score = &s.get_json(c, "/rpc/get_checklist?slug=shop").await["score"];
    assert_eq!(
        at(0),
        (
            score["effort_remaining"].as_f64().unwrap(),
            score["effort_to_ready"].as_f64().unwrap()
        )
    );
    assert_eq!(at(0), (14.0, 10.0));

    // Three whole weeks of history; 8 h closed in the middle one: 8/3 h a week. 10 h left:
    // ⌈10 ÷ 8/3 × 7⌉ = 27 days; at the fastest week 9 days; the slowest closed nothing.
    let f = &path["forecast"];
    assert_eq!(f["weeks"], 3, "{f}");
    assert_eq!(f["remaining_hours"], 10.0);
    assert_eq!(f["date"], (today + Days::new(27)).to_string());
    assert_eq!(f["earliest"], (today + Days::new(9)).to_string());
    assert_eq!(f["latest"], serde_json::Value::Null);
    assert_eq!(
        f["outlook"], "at_risk",
        "on time at the usual pace, not at the slowest"
    );
    assert_eq!(f["days_past_launch"], -3);
    assert_eq!(
        f["reason"],
        format!(
            "10 h of blocking work left, closing 2.7 h a week: ready around {}, 3 days before the launch date.",
            today + Days::new(27)
        )
    );
    assert_eq!(path["launch"], launch.to_string());

    // Another team's project is not there.
    s.add_user("eve@example.com", false).await;
    let eve = s.auth_user("eve@example.com").await;
    let theirs = tokens::create(&s.db, &eve, "ci", "read", "").await.unwrap();
    let res = http
        .get(s.url("/api/v1/projects/shop/forecast"))
        .bearer_auth(&theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// A write token of Ada's.
async fn token(s: &TestServer) -> String {
    let ada = s.auth_user("ada@example.com").await;
    tokens::create(&s.db, &ada, "plan", "write", "")
        .await
        .unwrap()
}

async fn rest(
    s: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .request(method, s.url(&format!("/api/v1{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_default())
}

#[tokio::test]
async fn items_are_scheduled_into_phases_and_the_plan_marks_overdue_and_over_capacity_phases() {
    use reqwest::Method;
    use serde_json::json;
    let s = TestServer::start().await;
    let shop = s.shop("Ops").await;
    let c = &shop.c;
    let a = shop
        .item(
            &s,
            &[
                ("title", "TLS"),
                ("priority", "critical"),
                ("effort_hours", "8"),
            ],
        )
        .await;
    let b = shop
        .item(
            &s,
            &[
                ("title", "Dashboards"),
                ("priority", "high"),
                ("effort_hours", "4"),
            ],
        )
        .await;
    let cc = shop
        .item(
            &s,
            &[
                ("title", "Runbook"),
                ("priority", "low"),
                ("effort_hours", "2"),
            ],
        )
        .await;
    let t = token(&s).await;
    let today = Utc::now().date_naive();
    let mut phases = Vec::new();
    for (name, target) in [
        ("Week 1", today + Days::new(7)),
        ("Week 2", today + Days::new(14)),
        ("Old", today - Days::new(1)),
    ] {
        let (status, phase) = rest(
            &s,
            &t,
            Method::POST,
            "/projects/shop/phases",
            Some(json!({"name": name, "target_date": target, "goal": format!("{name} goal")})),
        )
        .await;
        assert_eq!(status, 201, "{phase}");
        phases.push(phase["id"].as_i64().unwrap());
    }
    let (week1, week2, old) = (phases[0], phases[1], phases[2]);

    // Bad input: a field error, and nothing of the request saved.
    let (status, problem) = rest(
        &s,
        &t,
        Method::POST,
        "/projects/shop/phases",
        Some(json!({"name": "  "})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(problem.to_string().contains("name"), "{problem}");
    let (_, project) = rest(&s, &t, Method::GET, "/projects/shop", None).await;
    let version = project["version"].as_i64().unwrap();
    let (status, problem) = rest(
        &s,
        &t,
        Method::PATCH,
        "/projects/shop",
        Some(json!({"version": version, "description": "Changed", "capacity_hours": 0})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(problem.to_string().contains("capacity_hours"), "{problem}");
    let (_, project) = rest(&s, &t, Method::GET, "/projects/shop", None).await;
    assert_eq!(
        project["description"], "",
        "nothing of a refused change is saved"
    );
    let launch = today + Days::new(30);
    let (status, project) = rest(
        &s,
        &t,
        Method::PATCH,
        "/projects/shop",
        Some(json!({"version": version, "capacity_hours": 5, "target_date": launch, "review_every_days": 30})),
    )
    .await;
    assert_eq!(status, 200, "{project}");
    assert_eq!(project["capacity_hours"], 5);
    assert_eq!(project["target_date"], json!(launch));

    // One item over REST, two in bulk by a form posted without JavaScript.
    let (status, item) = rest(
        &s,
        &t,
        Method::PATCH,
        &format!("/items/{a}"),
        Some(json!({"version": 1, "phase_id": week1})),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["phase_id"], week1);
    let (status, problem) = rest(
        &s,
        &t,
        Method::PATCH,
        &format!("/items/{a}"),
        Some(json!({"version": 2, "phase_id": 999_999})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(problem.to_string().contains("phase_id"), "{problem}");
    let (b_item, c_item) = (format!("{b}:1"), format!("{cc}:1"));
    let res = c
        .post(s.url("/rpc/bulk_update_items"))
        .header("origin", s.url(""))
        .header("accept", "text/html")
        .header("referer", s.url("/p/shop/plan"))
        .form(&[
            ("slug", "shop"),
            ("items[]", b_item.as_str()),
            ("items[]", c_item.as_str()),
            ("phase", &week2.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    s.call_ok(
        c,
        "update_item",
        &[
            ("item_id", &cc),
            ("version", "2"),
            ("title", "Runbook"),
            ("priority", "low"),
            ("effort_hours", "2"),
            ("phase", &old.to_string()),
        ],
    )
    .await;

    let (status, plan) = rest(&s, &t, Method::GET, "/projects/shop/plan", None).await;
    assert_eq!(status, 200, "{plan}");
    let names: Vec<&str> = plan["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Week 1", "Week 2", "Old"]);
    let titles = |n: usize| -> Vec<String> {
        plan["phases"][n]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(0), ["TLS"]);
    assert_eq!(titles(1), ["Dashboards"]);
    assert_eq!(titles(2), ["Runbook"]);
    assert!(plan["unscheduled"].as_array().unwrap().is_empty());
    // 5 h a week: 5 h by Week 1's date for its 8 h; 10 h by Week 2's for 12 h.
    let load = |n: usize| plan["phases"][n]["load"].clone();
    assert_eq!(load(0)["available_hours"], 5.0);
    assert_eq!(load(0)["over_capacity"], true);
    assert_eq!(load(1)["cumulative_hours"], 12.0);
    assert_eq!(load(1)["over_capacity"], true);
    assert_eq!(load(2)["overdue"], true);
    assert_eq!(load(0)["overdue"], false);
    assert_eq!(plan["launch"], json!(launch));
    assert_eq!(plan["path"]["forecast"]["remaining_hours"], 8.0);

    // The page, without JavaScript: phases, flags, the chart and its table.
    let html = s.page(c, "/p/shop/plan").await.text().await.unwrap();
    for needle in [
        "Week 1 goal",
        "Over capacity",
        "Overdue",
        "<svg",
        "Burn-down as a table",
        "Schedule selected items into",
        r#"href="/p/shop/plan""#,
    ] {
        assert!(html.contains(needle), "{needle} missing from the plan page");
    }

    // The overview and the portfolio say it too: younger than a week, no date yet, so at risk;
    // the portfolio sorts by it.
    let portfolio = s.get_json(c, "/rpc/get_portfolio").await;
    let shop_row = &portfolio["projects"][0];
    assert_eq!(shop_row["outlook"], "at_risk", "{shop_row}");
    assert_eq!(shop_row["review_overdue"], false);
    assert!(
        shop_row["forecast"]
            .as_str()
            .unwrap()
            .starts_with("8 h of blocking work left")
    );
    let html = s.page(c, "/?sort=forecast").await.text().await.unwrap();
    // Ordered by it now, its header turns the order round.
    assert!(
        html.contains(r#"href="/?sort=forecast&amp;desc=1""#) && html.contains("at risk"),
        "{html}"
    );
    let html = s.page(c, "/p/shop").await.text().await.unwrap();
    assert!(html.contains("Path to ready") && html.contains("Next final review due"));
    // A cadence overdue: the last final review (none) was due 30 days after the project began.
    let mut project: app::entities::projects::ActiveModel =
        app::projects::access::find_by_slug(&s.db, "shop")
            .await
            .unwrap()
            .into();
    project.created_at = Set(Utc::now().checked_sub_days(Days::new(40)).unwrap());
    project.update(&s.db).await.unwrap();
    let portfolio = s.get_json(c, "/rpc/get_portfolio").await;
    assert_eq!(portfolio["projects"][0]["review_overdue"], true);
    let html = s.page(c, "/p/shop").await.text().await.unwrap();
    assert!(html.contains("Review overdue"), "the overview says so");
    // The day's reminders tell the team's owner once.
    let sent = app::inbox::reminders::run(&s.db, today, Utc::now())
        .await
        .unwrap();
    assert_eq!(sent.reviews, 1);
    let again = app::inbox::reminders::run(&s.db, today, Utc::now())
        .await
        .unwrap();
    assert_eq!(again.reviews, 0, "once per due date");
    let inbox = s.get_json(c, "/rpc/get_inbox").await;
    assert!(
        inbox
            .to_string()
            .contains("Shop is due its final review (every 30 days)"),
        "{inbox}"
    );

    // Reorder, then delete a phase: its item stays, unscheduled, at a new version.
    s.call_ok(
        c,
        "move_phase",
        &[("phase_id", &old.to_string()), ("direction", "up")],
    )
    .await;
    let (status, _) = rest(&s, &t, Method::DELETE, &format!("/phases/{week2}"), None).await;
    assert_eq!(status, 204);
    let (_, plan) = rest(&s, &t, Method::GET, "/projects/shop/plan", None).await;
    let names: Vec<&str> = plan["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Week 1", "Old"]);
    let (_, item) = rest(&s, &t, Method::GET, &format!("/items/{b}"), None).await;
    assert_eq!(item["phase_id"], json!(null));
    assert_eq!(item["version"], 3);
}

#[tokio::test]
async fn the_plan_costs_the_same_queries_for_10_and_1000_items() {
    use std::sync::atomic::Ordering;
    let s = TestServer::start().await;
    let shop = s.shop("Ops").await;
    let ada = s.auth_user("ada@example.com").await;
    let project = app::projects::access::find_by_slug(&s.db, "shop")
        .await
        .unwrap();
    let phase = app::phases::service::create_phase(
        &s.db,
        &ada,
        "shop",
        app::phases::service::PhaseInput {
            name: "Week 1".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let category: i32 = shop.category.parse().unwrap();
    let (counted, count) = crate::support::counting(&s.db);
    let today = Utc::now().date_naive();
    let mut per_size = Vec::new();
    let mut made = 0;
    for size in [10usize, 1000] {
        let now = Utc::now();
        let rows: Vec<app::entities::items::ActiveModel> = (made..size)
            .map(|n| app::entities::items::ActiveModel {
                project_id: Set(project.id),
                category_id: Set(category),
                title: Set(format!("Item {n}")),
                description: Set(String::new()),
                priority: Set(app::scoring::Priority::ALL[n % 4]),
                blocking: Set(n % 3 == 0),
                status: Set(app::scoring::Status::ALL[n % 4]),
                status_reason: Set(String::new()),
                assignee_id: Set(Some(ada.id)),
                effort_hours: Set(Some(2.0)),
                evidence_url: Set(String::new()),
                evidence_text: Set(String::new()),
                phase_id: Set((n % 2 == 0).then_some(phase)),
                position: Set(i32::try_from(n).unwrap()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        made = size;
        for chunk in rows.chunks(200) {
            app::entities::items::Entity::insert_many(chunk.to_vec())
                .exec(&s.db)
                .await
                .unwrap();
        }
        count.store(0, Ordering::SeqCst);
        let plan = app::phases::service::plan(&counted, &ada, "shop", today)
            .await
            .unwrap();
        assert_eq!(plan.phases[0].items.len() + plan.unscheduled.len(), size);
        per_size.push(count.load(Ordering::SeqCst));
    }
    println!(
        "queries per plan read: 10 items → {}, 1000 items → {}",
        per_size[0], per_size[1]
    );
    assert_eq!(per_size[0], per_size[1]);
    assert!(per_size[0] <= 9, "{per_size:?}");
}
