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
