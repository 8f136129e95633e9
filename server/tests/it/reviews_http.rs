//! Reviews over HTTP: drafts, finalizing, frozen snapshots that later edits cannot touch,
//! sign-off, "since last review" diffs, and the next review in a series.

use sea_orm::EntityTrait;

use crate::support::{TestServer, error_kind};

struct Shop {
    c: reqwest::Client,
    ops: String,
    items: Vec<String>,
}

/// Setup, project `shop` with a category "Ops" of three items (critical, high, low), a risk.
async fn shop(s: &TestServer) -> Shop {
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
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
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let ops = s
        .call(&c, "create_category", &[("slug", "shop"), ("name", "Ops")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let mut items = Vec::new();
    for (title, priority) in [
        ("Backups", "critical"),
        ("Alerts", "high"),
        ("Runbook", "low"),
    ] {
        let id = s
            .call(
                &c,
                "create_item",
                &[
                    ("category_id", &ops),
                    ("title", title),
                    ("priority", priority),
                ],
            )
            .await
            .json::<i32>()
            .await
            .unwrap();
        items.push(id.to_string());
    }
    let res = s
        .call(
            &c,
            "create_risk",
            &[
                ("slug", "shop"),
                ("title", "Data loss"),
                ("category", &ops),
                ("likelihood", "4"),
                ("impact", "5"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    Shop { c, ops, items }
}

async fn status(s: &TestServer, c: &reqwest::Client, id: &str, status: &str) {
    let version =
        s.get_json(c, &format!("/rpc/get_item?item_id={id}")).await["item"]["version"].to_string();
    let res = s
        .call(
            c,
            "set_item_status",
            &[("item_id", id), ("version", &version), ("status", status)],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn new_review(s: &TestServer, c: &reqwest::Client, title: &str, label: &str) -> String {
    let (st, id) = error_kind(
        s.call(
            c,
            "create_review",
            &[
                ("slug", "shop"),
                ("title", title),
                ("reviewer", "Ada"),
                ("version_label", label),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(st, 200, "{id}");
    id.to_string()
}

async fn finalize(s: &TestServer, c: &reqwest::Client, id: &str) {
    let v = s
        .get_json(c, &format!("/rpc/get_review?review_id={id}"))
        .await["review"]["version"]
        .to_string();
    let res = s
        .call(c, "finalize_review", &[("review_id", id), ("version", &v)])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_final_review_never_changes_whatever_happens_to_the_project() {
    let s = TestServer::start().await;
    let Shop { c, ops, items } = shop(&s).await;
    status(&s, &c, &items[1], "done").await;
    let first = new_review(&s, &c, "Readiness review 1", "v1").await;
    finalize(&s, &c, &first).await;
    status(&s, &c, &items[0], "done").await;
    let second = new_review(&s, &c, "Readiness review 2", "v2").await;
    finalize(&s, &c, &second).await;

    let before = s
        .get_json(&c, &format!("/rpc/get_review?review_id={second}"))
        .await;
    assert_eq!(before["review"]["status"], "final");
    assert_eq!(before["snapshot"]["verdict"], "ready", "{before}");
    assert_eq!(before["diff"]["fixed"][0]["item"]["title"], "Backups");
    assert_eq!(before["previous"][1], "Readiness review 1");
    let stored = app::entities::reviews::Entity::find_by_id(second.parse::<i32>().unwrap())
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();

    // Everything about the project changes afterwards.
    status(&s, &c, &items[0], "open").await;
    let res = s
        .call(
            &c,
            "update_item",
            &[
                ("item_id", &items[1]),
                ("version", "2"),
                ("title", "Paging"),
                ("priority", "low"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = s.call(&c, "delete_item", &[("item_id", &items[2])]).await;
    assert_eq!(res.status(), 200);
    let res = s
        .call(
            &c,
            "update_category",
            &[
                ("category_id", &ops),
                ("version", "1"),
                ("name", "Operations"),
                ("assessor_score", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let risk = app::entities::risks::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let res = s.call(&c, "delete_risk", &[("risk_id", &risk)]).await;
    assert_eq!(res.status(), 200);

    let after = s
        .get_json(&c, &format!("/rpc/get_review?review_id={second}"))
        .await;
    assert_eq!(after["snapshot"], before["snapshot"]);
    assert_eq!(after["diff"], before["diff"]);
    assert_eq!(after["review"], before["review"]);
    let again = app::entities::reviews::Entity::find_by_id(stored.id)
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, stored, "the row itself is untouched");
    // Its item list still has the deleted item, under the old category name.
    assert!(
        after["snapshot"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["title"] == "Runbook")
    );
    assert_eq!(after["snapshot"]["categories"][0]["name"], "Ops");
    assert_eq!(after["snapshot"]["risks"][0]["level"], "critical");
    // A final review cannot be edited, finalized again or deleted.
    let v = after["review"]["version"].to_string();
    for (name, form) in [
        (
            "update_review",
            vec![
                ("review_id", second.as_str()),
                ("version", v.as_str()),
                ("title", "Rewritten"),
            ],
        ),
        (
            "finalize_review",
            vec![("review_id", second.as_str()), ("version", v.as_str())],
        ),
        ("delete_review", vec![("review_id", second.as_str())]),
    ] {
        let (status, body) = error_kind(s.call(&c, name, &form).await).await;
        assert_eq!(status, 409, "{name}: {body}");
    }
    assert_eq!(
        app::entities::reviews::Entity::find_by_id(stored.id)
            .one(&s.db)
            .await
            .unwrap()
            .unwrap(),
        stored
    );
}

#[tokio::test]
async fn since_last_review_shows_fixes_and_regressions_and_the_portfolio_delta() {
    let s = TestServer::start().await;
    let Shop { c, items, .. } = shop(&s).await;
    status(&s, &c, &items[2], "done").await;
    let first = new_review(&s, &c, "Review 1", "v1").await;
    finalize(&s, &c, &first).await;
    let base = s
        .get_json(&c, &format!("/rpc/get_review?review_id={first}"))
        .await["snapshot"]["overall"]
        .as_i64()
        .unwrap();

    // Close two items, reopen another.
    status(&s, &c, &items[0], "done").await;
    status(&s, &c, &items[1], "done").await;
    status(&s, &c, &items[2], "open").await;

    let live = s.get_json(&c, "/rpc/get_live_diff?slug=shop").await;
    let titles = |k: &str| -> Vec<String> {
        live["diff"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["item"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles("fixed"), ["Backups", "Alerts"], "{live}");
    assert_eq!(titles("regressions"), ["Runbook"]);
    let now = live["diff"]["overall"][1].as_i64().unwrap();
    assert_eq!(live["diff"]["overall_delta"].as_i64().unwrap(), now - base);
    assert_eq!(live["last"][0].to_string(), first);

    let portfolio = s.get_json(&c, "/rpc/get_portfolio").await;
    assert_eq!(
        portfolio["projects"][0]["since_review"].as_i64().unwrap(),
        now - base
    );
    let reviews = s.get_json(&c, "/rpc/get_reviews?slug=shop").await;
    assert_eq!(reviews["trend"].as_array().unwrap().len(), 1);
    assert_eq!(reviews["trend"][0]["label"], "v1");
    assert_eq!(
        reviews["since_last"]["fixed"][0]["item"]["title"],
        "Backups"
    );
    // The overview's chart reads the same points without the snapshots, and its change since
    // the review is the live score's.
    let trend = s.get_json(&c, "/rpc/get_trend?slug=shop").await;
    assert_eq!(trend["trend"], reviews["trend"]);
    let overview = s.page(&c, "/p/shop").await.text().await.unwrap();
    let change = match now - base {
        d if d > 0 => format!("+{d} since the last review"),
        d => format!("{d} since the last review"),
    };
    assert!(overview.contains(&change), "{change}: {overview}");
    // Kept between views, and read again when a category is renamed or a review finalized.
    let ops =
        s.get_json(&c, "/rpc/get_checklist?slug=shop").await["categories"][0]["id"].to_string();
    s.call_ok(
        &c,
        "update_category",
        &[
            ("category_id", &ops),
            ("version", "1"),
            ("name", "Operations"),
            ("weight", "1"),
        ],
    )
    .await;
    let trend = s.get_json(&c, "/rpc/get_trend?slug=shop").await;
    assert_eq!(
        trend["trend"][0]["categories"][0][0], "Operations",
        "{trend}"
    );
    let second = new_review(&s, &c, "Review 2", "v2").await;
    finalize(&s, &c, &second).await;
    let trend = s.get_json(&c, "/rpc/get_trend?slug=shop").await;
    let labels: Vec<&str> = trend["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["v1", "v2"]);
    assert_eq!(trend["trend"][1]["overall"], now);
    // The risk table's "previous" column comes from the last final review.
    let register = s.get_json(&c, "/rpc/get_risks?slug=shop").await;
    assert_eq!(
        register["by_category"][0]["previous"], "critical",
        "{register}"
    );
}

#[tokio::test]
async fn owners_sign_final_reviews_once_and_the_next_review_follows_the_series() {
    let s = TestServer::start().await;
    let Shop { c, .. } = shop(&s).await;
    let id = new_review(&s, &c, "Launch review 3", "v1.9").await;
    // Bad input is a field error; nothing changes.
    let (status, body) = error_kind(
        s.call(
            &c,
            "update_review",
            &[
                ("review_id", &id),
                ("version", "1"),
                ("title", " "),
                ("review_date", "soon"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"]["title"].is_string() && body["detail"]["review_date"].is_string());
    let (status, _) = error_kind(s.call(&c, "sign_review", &[("review_id", &id)]).await).await;
    assert_eq!(status, 409, "a draft cannot be signed");
    finalize(&s, &c, &id).await;
    let res = s
        .call(
            &c,
            "sign_review",
            &[("review_id", &id), ("comment", "Go for launch")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (status, _) = error_kind(s.call(&c, "sign_review", &[("review_id", &id)]).await).await;
    assert_eq!(status, 409, "once per owner");
    let v = s
        .get_json(&c, &format!("/rpc/get_review?review_id={id}"))
        .await;
    assert_eq!(v["signoffs"][0]["name"], "Ada Admin");
    assert_eq!(v["signoffs"][0]["comment"], "Go for launch");
    assert_eq!(v["can_sign"], false);

    let (status, next) =
        error_kind(s.call(&c, "start_next_review", &[("review_id", &id)]).await).await;
    assert_eq!(status, 200, "{next}");
    let n = s
        .get_json(&c, &format!("/rpc/get_review?review_id={next}"))
        .await;
    assert_eq!(n["review"]["title"], "Launch review 4");
    assert_eq!(n["review"]["version_label"], "v1.10");
    assert_eq!(n["review"]["reviewer"], "Ada");
    assert_eq!(n["review"]["status"], "draft");
    assert_eq!(
        n["previous"][0].to_string(),
        id,
        "compares with the review it follows"
    );
    let trail = s.audit_trail().await;
    for action in ["created", "finalized", "signed"] {
        assert!(
            trail.iter().any(|(e, a)| e == "review" && a == action),
            "{action}"
        );
    }
    // Started from an older review, a draft compares with that one, not the latest.
    let later = new_review(&s, &c, "Launch review 9", "v2").await;
    finalize(&s, &c, &later).await;
    let (_, from_old) =
        error_kind(s.call(&c, "start_next_review", &[("review_id", &id)]).await).await;
    let d = s
        .get_json(&c, &format!("/rpc/get_review?review_id={from_old}"))
        .await;
    assert_eq!(d["previous"][0].to_string(), id);
    let res = s
        .call(&c, "delete_review", &[("review_id", &from_old.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    // The draft can go; the final one stays.
    let res = s
        .call(&c, "delete_review", &[("review_id", &next.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        s.get_json(&c, "/rpc/get_reviews?slug=shop").await["reviews"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
