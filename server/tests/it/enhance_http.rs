//! The server's side of the pages' form enhancement (`app::enhance`): a page rendered again
//! after a submit shows the result it is handed, and changes made from a page send the browser
//! on through their `next` field, with and without JavaScript.

use crate::support::TestServer;

/// Setup, a project `shop` with one category: (client, category id).
async fn shop(s: &TestServer) -> (reqwest::Client, String) {
    let (c, team) = s.admin_with_team().await;
    s.call_ok(
        &c,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let res = s
        .call(&c, "create_category", &[("slug", "shop"), ("name", "Ops")])
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    (c, category)
}

async fn item(s: &TestServer, c: &reqwest::Client, category: &str, title: &str) -> String {
    let res = s
        .call(
            c,
            "create_item",
            &[
                ("category_id", category),
                ("title", title),
                ("priority", "high"),
            ],
        )
        .await;
    res.json::<i32>().await.unwrap().to_string()
}

/// The checklist page, rendered as after an enhanced submit of `function` returning `result`.
async fn page_after(s: &TestServer, c: &reqwest::Client, function: &str, result: &str) -> String {
    c.get(s.url("/p/shop/checklist"))
        .header("accept", "text/html")
        .header(app::components::page_action::RESULT_FN_HEADER, function)
        .header(app::components::page_action::RESULT_HEADER, result)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_page_rendered_after_a_submit_shows_the_result_it_is_handed() {
    let s = TestServer::start().await;
    let (c, _) = shop(&s).await;
    let plain = s.page(&c, "/p/shop/checklist").await.text().await.unwrap();
    assert!(
        !plain.contains("Updated"),
        "nothing to report on a plain view"
    );

    let html = page_after(&s, &c, "/rpc/bulk_update_items", "2").await;
    assert!(html.contains("Updated 2 items."), "{html}");
    // Percent-encoded, as the browser sends it.
    let html = page_after(&s, &c, "/rpc/bulk_update_items", "%31").await;
    assert!(html.contains("Updated 1 item."), "{html}");

    // Another function's result, or one that is not its output, is ignored (the page still
    // renders).
    let html = page_after(&s, &c, "/rpc/create_category", "2").await;
    assert!(!html.contains("Updated"), "{html}");
    let html = page_after(&s, &c, "/rpc/bulk_update_items", "%22two%22").await;
    assert!(
        !html.contains("Updated") && html.contains("<h1>Shop</h1>"),
        "{html}"
    );
}

#[tokio::test]
async fn changes_made_from_a_page_send_the_browser_where_its_form_says() {
    let s = TestServer::start().await;
    let (c, category) = shop(&s).await;

    // A browser posting natively gets a real redirect to `next`.
    let doomed = item(&s, &c, &category, "Doomed").await;
    let res = c
        .post(s.url("/rpc/delete_item"))
        .header("origin", s.url(""))
        .header("accept", "text/html")
        .form(&[("item_id", doomed.as_str()), ("next", "/p/shop/checklist")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/p/shop/checklist");

    // The enhancement's fetch gets the result, and the place to go in headers; `{id}` is the
    // new record's id.
    let failed = item(&s, &c, &category, "Backups restored").await;
    let res = s
        .call(
            &c,
            "create_risk_from_item",
            &[("item_id", failed.as_str()), ("next", "/p/shop/risks/{id}")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("serverfnredirect"));
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let risk: i32 = res.json().await.unwrap();
    assert_eq!(location, format!("/p/shop/risks/{risk}"));

    // Only local paths: anything else goes home.
    let other = item(&s, &c, &category, "Other").await;
    let res = c
        .post(s.url("/rpc/delete_item"))
        .header("origin", s.url(""))
        .header("accept", "text/html")
        .form(&[("item_id", other.as_str()), ("next", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");

    // Without `next` (as the API-style callers send it) nothing redirects.
    let last = item(&s, &c, &category, "Last").await;
    let res = s
        .call(&c, "delete_item", &[("item_id", last.as_str())])
        .await;
    assert_eq!(res.status(), 200);
    assert!(!res.headers().contains_key("serverfnredirect"));
    assert!(!res.headers().contains_key("location"));
}

/// The checklist's rows share one status form per category. Pressing a row's "Set" changes that
/// row only (whatever the other selects say), with JavaScript (a fetch, then the changed parts
/// read back) and without (a native post, then the page again).
#[tokio::test]
async fn a_row_of_the_checklist_changes_alone_with_and_without_javascript() {
    let s = TestServer::start().await;
    let (c, category) = shop(&s).await;
    let backups = item(&s, &c, &category, "Backups <restored>").await;
    let alerts = item(&s, &c, &category, "Alerts").await;

    let html = s.page(&c, "/p/shop/checklist").await.text().await.unwrap();
    assert_eq!(
        html.matches(r#"<form action="/rpc/set_row_status" method="post""#)
            .count(),
        1,
        "one status form for the category's rows"
    );
    assert!(!html.contains("set_item_status"), "no form per row");
    assert!(html.contains(&format!(r#"name="status[{backups}]""#)));
    assert!(html.contains("data-fragments=\"/rpc/checklist_fragments?slug=shop\""));

    // Without JavaScript: the whole form is posted, with the pressed button's `set`.
    let (status_backups, status_alerts) =
        (format!("status[{backups}]"), format!("status[{alerts}]"));
    let set = format!("{backups}:1");
    let res = c
        .post(s.url("/rpc/set_row_status"))
        .header("origin", s.url(""))
        .header("accept", "text/html")
        .header("referer", s.url("/p/shop/checklist"))
        .form(&[
            (status_backups.as_str(), "done"),
            (status_alerts.as_str(), "done"),
            ("set", set.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let statuses = |v: serde_json::Value| -> Vec<(String, String)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["title"].as_str().unwrap().to_owned(),
                    i["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let v = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(
        statuses(v),
        [
            ("Backups <restored>".to_owned(), "done".to_owned()),
            ("Alerts".to_owned(), "open".to_owned())
        ],
        "only the pressed row changed"
    );

    // With JavaScript: the same post, then the parts that changed, by the ids they replace.
    let set = format!("{alerts}:1");
    let res = s
        .call(
            &c,
            "set_row_status",
            &[
                (status_backups.as_str(), "open"),
                (status_alerts.as_str(), "in_progress"),
                ("set", set.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let parts: String = s
        .get_json(
            &c,
            &format!("/rpc/checklist_fragments?slug=shop&set={alerts}:2"),
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        parts.contains(&format!(r#"<tr id="item-{alerts}""#)),
        "{parts}"
    );
    assert!(
        parts.contains(r#"<option value="in_progress" selected>"#)
            && parts.contains(&format!(r#"name="set" value="{alerts}:2""#)),
        "the row at its new status and version: {parts}"
    );
    assert!(
        !parts.contains(&format!("item-{backups}")),
        "other rows stay: {parts}"
    );
    assert!(
        parts.contains(&format!(r#"id="category-score-{category}""#)),
        "{parts}"
    );
    let text = parts.replace("<!>", "");
    assert!(
        text.contains(r#"id="readiness""#) && text.contains("<span>1 done</span>"),
        "the summary counts the done item: {parts}"
    );
    assert!(
        text.contains(" · 1 of 2 closed"),
        "the category's line: {parts}"
    );
    assert!(parts.contains(r#"<div id="row-error"></div>"#), "{parts}");
    assert!(parts.contains("Alerts: In progress."), "{parts}");

    // Bad input is a field error; an item of no such project is not found; a stale version
    // changes nothing.
    let (code, body) =
        crate::support::error_kind(s.call(&c, "set_row_status", &[("set", "first")]).await).await;
    assert_eq!(code, 422, "{body}");
    assert!(body.to_string().contains(r#""set""#), "{body}");
    let set = format!("{alerts}:2");
    let (code, body) = crate::support::error_kind(
        s.call(
            &c,
            "set_row_status",
            &[(status_backups.as_str(), "done"), ("set", set.as_str())],
        )
        .await,
    )
    .await;
    assert_eq!(code, 422, "no status for the pressed row: {body}");
    assert!(body.to_string().contains(r#""status""#), "{body}");
    let (code, _) = crate::support::error_kind(
        s.call(
            &c,
            "set_row_status",
            &[
                (status_alerts.as_str(), "done"),
                ("set", &format!("{alerts}:1")),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(code, 409, "stale version");
    let res = crate::support::read(c.get(s.url(&format!(
        "/rpc/checklist_fragments?slug=nope&set={alerts}:2"
    ))))
    .await;
    assert_eq!(res.status(), 404);
    let res = crate::support::read(c.get(s.url("/rpc/checklist_fragments?slug=shop&set=x"))).await;
    assert_eq!(res.status(), 422);
    let v = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(
        v["items"][1]["status"], "in_progress",
        "nothing written by the refused calls"
    );
}
