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
