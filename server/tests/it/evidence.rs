//! Evidence with a life: a done item whose evidence runs out is stale (counted as open, shown,
//! filtered) until re-attested; the deployment gate (REST and `preflight gate`) follows.

use std::process::Command;

use app::account::tokens;
use sea_orm::EntityTrait;

use crate::support::TestServer;

/// Ada (admin) with project `shop`, its category "Operations" and one critical item
/// "Backups restore" (blocking); returns (client, category id, item id, team id).
async fn shop(s: &TestServer) -> (reqwest::Client, String, String, String) {
    let shop = s.shop("Operations").await;
    let item = shop
        .item(s, &[("title", "Backups restore"), ("priority", "critical")])
        .await;
    (shop.c, shop.category, item, shop.team)
}

async fn item_json(s: &TestServer, c: &reqwest::Client, id: &str) -> serde_json::Value {
    s.get_json(c, &format!("/rpc/get_item?item_id={id}")).await["item"].clone()
}

async fn category_version(s: &TestServer, id: &str) -> String {
    app::entities::categories::Entity::find_by_id(id.parse::<i32>().unwrap())
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string()
}

#[tokio::test]
async fn evidence_that_runs_out_makes_a_done_item_stale_until_it_is_attested_again() {
    let s = TestServer::start().await;
    let (c, category, item, team) = shop(&s).await;
    // Bad "valid for" values are field errors, and change nothing.
    for bad in ["0", "3651", "soon"] {
        let res = s
            .call(
                &c,
                "set_category_valid_for",
                &[
                    ("category_id", &category),
                    ("version", &category_version(&s, &category).await),
                    ("valid_for_days", bad),
                ],
            )
            .await;
        assert_eq!(res.status(), 422, "{bad}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body.to_string().contains("valid_for_days"), "{bad}: {body}");
    }
    s.call_ok(
        &c,
        "set_category_valid_for",
        &[
            ("category_id", &category),
            ("version", &category_version(&s, &category).await),
            ("valid_for_days", "30"),
        ],
    )
    .await;
    // Re-attesting an item that is not done is refused.
    let v = item_json(&s, &c, &item).await["version"].to_string();
    let res = s
        .call(&c, "attest_item", &[("item_id", &item), ("version", &v)])
        .await;
    assert_eq!(res.status(), 422);

    s.call_ok(
        &c,
        "set_item_status",
        &[("item_id", &item), ("version", &v), ("status", "done")],
    )
    .await;
    let i = item_json(&s, &c, &item).await;
    assert_eq!(i["evidence_kind"], "attested");
    assert_eq!(i["evidence_by"], "Ada Admin");
    assert_eq!(i["effective_valid_for_days"], 30);
    assert_eq!(i["stale"], false);
    let today = s.clock.today();
    assert_eq!(
        i["evidence_until"],
        (today + chrono::Days::new(30)).to_string()
    );
    let list = s
        .get_json(&c, "/rpc/get_checklist?slug=shop&filter[stale]=yes")
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    assert_eq!(list["score"]["verdict"], "ready");
    assert_eq!(list["score"]["evidence"]["attested"], 8);

    // Day 30 still holds; day 31 it is stale: counted as open, blocking, listed.
    s.clock.advance(chrono::Duration::days(30));
    let list = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(
        list["score"]["verdict"], "ready",
        "the last day still holds"
    );
    s.clock.advance(chrono::Duration::days(1));
    let list = s
        .get_json(&c, "/rpc/get_checklist?slug=shop&filter[stale]=yes")
        .await;
    let rows = list["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["stale"], true);
    assert_eq!(list["score"]["verdict"], "not_ready");
    assert_eq!(list["score"]["counts"]["stale"], 1);
    assert_eq!(list["score"]["counts"]["open"], 1);
    assert_eq!(list["score"]["counts"]["done"], 0);
    assert_eq!(list["score"]["overall"], 0);
    let overview = s.get_json(&c, "/rpc/get_overview?slug=shop").await;
    assert_eq!(overview["stale"][0]["title"], "Backups restore");
    let page = s.page(&c, "/p/shop/checklist?stale=yes").await;
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"class="badge stale""#), "stale badge shown");
    assert!(
        html.contains(r#"<option value="30" selected"#),
        "the category's form shows its valid-for"
    );
    let page = s.page(&c, "/p/shop").await.text().await.unwrap();
    assert!(
        page.contains("1 done item went stale"),
        "the overview says so"
    );

    // Its own "valid for" of a year makes it current again (from when it was attested).
    let v = item_json(&s, &c, &item).await["version"].to_string();
    s.call_ok(
        &c,
        "set_item_valid_for",
        &[
            ("item_id", &item),
            ("version", &v),
            ("valid_for_days", "365"),
        ],
    )
    .await;
    let i = item_json(&s, &c, &item).await;
    assert_eq!(i["stale"], false);
    assert_eq!(
        i["evidence_until"],
        (today + chrono::Days::new(365)).to_string()
    );
    // Back to the category's 30 days: stale again; re-attesting makes it current for 30 more.
    let v = i["version"].to_string();
    s.call_ok(
        &c,
        "set_item_valid_for",
        &[("item_id", &item), ("version", &v), ("valid_for_days", "")],
    )
    .await;
    let i = item_json(&s, &c, &item).await;
    assert_eq!(i["stale"], true);
    let v = i["version"].to_string();
    s.call_ok(&c, "attest_item", &[("item_id", &item), ("version", &v)])
        .await;
    let i = item_json(&s, &c, &item).await;
    assert_eq!(i["stale"], false);
    assert_eq!(
        i["evidence_until"],
        (s.clock.today() + chrono::Days::new(30)).to_string()
    );
    let list = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(list["score"]["verdict"], "ready");
    let trail = s.audit_trail().await;
    assert!(trail.iter().any(|(_, a)| a == "attested"), "{trail:?}");

    // A viewer may not attest.
    let viewer = s.member(&c, &team, "vic@example.com", "viewer").await;
    let res = s
        .call(
            &viewer,
            "attest_item",
            &[("item_id", &item), ("version", &i["version"].to_string())],
        )
        .await;
    assert_eq!(res.status(), 403);
}

fn gate_cli(base: &str, token: &str, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "gate",
            "--url",
            base,
            "--project",
            "shop",
            "--timeout",
            "10",
        ])
        .args(extra)
        .env("PREFLIGHT_TOKEN", token)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_gate_refuses_until_the_blocking_item_is_fixed_and_the_cli_exit_status_follows() {
    let s = TestServer::start().await;
    let (c, _, item, _) = shop(&s).await;
    let user = s.auth_user("ada@example.com").await;
    let token = tokens::create(&s.db, &user, "deploy", "read", "")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let gate = |query: &'static str| {
        http.get(s.url(&format!("/api/v1/projects/shop/gate{query}")))
            .bearer_auth(&token)
            .send()
    };
    let res = gate("").await.unwrap();
    assert_eq!(res.status(), 412);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["pass"], false);
    assert_eq!(body["verdict"], "not_ready");
    assert_eq!(body["blocking"][0]["title"], "Backups restore");
    assert_eq!(body["blocking"][0]["reason"], "open");

    let base = s.base.clone();
    let t = token.clone();
    let out = tokio::task::spawn_blocking(move || gate_cli(&base, &t, &[]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("Backups restore"), "{stdout}");

    let v = item_json(&s, &c, &item).await["version"].to_string();
    s.call_ok(
        &c,
        "set_item_status",
        &[("item_id", &item), ("version", &v), ("status", "done")],
    )
    .await;
    let res = gate("").await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["pass"], true);
    assert_eq!(body["verdict"], "ready");
    let base = s.base.clone();
    let t = token.clone();
    let out = tokio::task::spawn_blocking(move || gate_cli(&base, &t, &[]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("PASS"));

    // A second, low item left open: the score falls below 80, ready with gaps — refused
    // unless the gate allows gaps.
    let category =
        s.get_json(&c, "/rpc/get_checklist?slug=shop").await["categories"][0]["id"].to_string();
    for title in ["Runbook", "Dashboards", "Alerts"] {
        s.call_ok(
            &c,
            "create_item",
            &[
                ("category_id", &category),
                ("title", title),
                ("priority", "high"),
            ],
        )
        .await;
    }
    let res = gate("").await.unwrap();
    assert_eq!(res.status(), 412);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["verdict"], "ready_with_gaps");
    assert_eq!(body["blocking"].as_array().unwrap().len(), 0);
    assert_eq!(gate("?allow_gaps=true").await.unwrap().status(), 200);
    let base = s.base.clone();
    let t = token.clone();
    let out = tokio::task::spawn_blocking(move || gate_cli(&base, &t, &["--allow-gaps"]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // No answer: a wrong token, another team's (unknown) project, a server that is not there.
    let base = s.base.clone();
    let out = tokio::task::spawn_blocking(move || gate_cli(&base, "pf_wrong", &[]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let t = token.clone();
    let out = tokio::task::spawn_blocking(move || gate_cli(&dead, &t, &[]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[tokio::test]
async fn the_holder_is_told_a_week_before_evidence_runs_out_and_when_it_has() {
    use sea_orm::{ColumnTrait, QueryFilter};
    let s = TestServer::start().await;
    let (c, category, item, _) = shop(&s).await;
    s.call_ok(
        &c,
        "set_category_valid_for",
        &[
            ("category_id", &category),
            ("version", &category_version(&s, &category).await),
            ("valid_for_days", "30"),
        ],
    )
    .await;
    let v = item_json(&s, &c, &item).await["version"].to_string();
    s.call_ok(
        &c,
        "set_item_status",
        &[("item_id", &item), ("version", &v), ("status", "done")],
    )
    .await;
    let ada = s.auth_user("ada@example.com").await.id;
    let told = || async {
        app::entities::notifications::Entity::find()
            .filter(app::entities::notifications::Column::UserId.eq(ada))
            .filter(app::entities::notifications::Column::Kind.eq("evidence_expiring"))
            .all(&s.db)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.text)
            .collect::<Vec<_>>()
    };
    let run = |days: i64| {
        s.clock.advance(chrono::Duration::days(days));
        app::inbox::reminders::run(&s.db, s.clock.today(), s.clock.now())
    };
    assert_eq!(run(20).await.unwrap().evidence, 0, "ten days left: not yet");
    assert_eq!(run(5).await.unwrap().evidence, 1);
    assert_eq!(run(0).await.unwrap().evidence, 0, "not twice");
    let texts = told().await;
    assert_eq!(texts.len(), 1);
    assert!(texts[0].contains("runs out in 5 days"), "{texts:?}");
    // The day after its last day: stale, and said so once more, once.
    assert_eq!(run(6).await.unwrap().evidence, 1);
    assert_eq!(run(0).await.unwrap().evidence, 0);
    let texts = told().await;
    assert_eq!(texts.len(), 2);
    assert!(texts.iter().any(|t| t.contains("ran out")), "{texts:?}");
    let list = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(list["score"]["counts"]["stale"], 1);
}

#[tokio::test]
async fn valid_for_is_set_over_rest_and_a_bad_value_saves_nothing() {
    let s = TestServer::start().await;
    let (_c, category, item, _team) = shop(&s).await;
    let ada = s.auth_user("ada@example.com").await;
    let token = tokens::create(&s.db, &ada, "ci", "write", "")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let patch = |path: String, body: serde_json::Value| {
        http.patch(s.url(&format!("/api/v1{path}")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    // Out of range, beside a rename: a problem on the field, and the name is not saved either.
    let v: i32 = category_version(&s, &category).await.parse().unwrap();
    for bad in [serde_json::json!(0), serde_json::json!(3651)] {
        let res = patch(
            format!("/categories/{category}"),
            serde_json::json!({"version": v, "name": "Ops", "valid_for_days": bad}),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 422, "{bad}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "valid_for_days", "{problem}");
    }
    assert_eq!(category_version(&s, &category).await, v.to_string());

    let res = patch(
        format!("/categories/{category}"),
        serde_json::json!({"version": v, "name": "Ops", "valid_for_days": 90}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let cat: serde_json::Value = res.json().await.unwrap();
    assert_eq!(cat["name"], "Ops");
    assert_eq!(cat["valid_for_days"], 90);

    // An item's own period, then `null` to follow the category again.
    let get = |id: &str| {
        http.get(s.url(&format!("/api/v1/items/{id}")))
            .bearer_auth(&token)
            .send()
    };
    let before: serde_json::Value = get(&item).await.unwrap().json().await.unwrap();
    assert_eq!(before["effective_valid_for_days"], 90, "{before}");
    let res = patch(
        format!("/items/{item}"),
        serde_json::json!({"version": before["version"], "valid_for_days": 7}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let after: serde_json::Value = res.json().await.unwrap();
    assert_eq!(after["valid_for_days"], 7, "{after}");
    assert_eq!(after["effective_valid_for_days"], 7);
    let res = patch(
        format!("/items/{item}"),
        serde_json::json!({"version": after["version"], "valid_for_days": null, "title": "Backups restore weekly"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let last: serde_json::Value = res.json().await.unwrap();
    assert_eq!(last["valid_for_days"], serde_json::Value::Null);
    assert_eq!(last["effective_valid_for_days"], 90);
    assert_eq!(last["title"], "Backups restore weekly");
    // A stale version is refused, whatever the change.
    let res = patch(
        format!("/items/{item}"),
        serde_json::json!({"version": after["version"], "valid_for_days": 30}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 409);
    let trail = s.audit_trail().await;
    assert!(
        trail.iter().any(|(_, a)| a == "validity_changed"),
        "{trail:?}"
    );
}
