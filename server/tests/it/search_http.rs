//! Search: the same answers on SQLite and PostgreSQL (every assertion here runs on both), what
//! a user may not see never found or counted, edits found at once, hostile text answered.

use serde_json::{Value, json};

use crate::support::{PASSWORD, Shop, TestServer, error_kind, read};

/// `(kind, title as shown)` of each hit, in order.
fn hits(v: &Value) -> Vec<(String, String)> {
    v["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits: {v}"))
        .iter()
        .map(|h| {
            let title: String = h["title"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["text"].as_str().unwrap())
                .collect();
            (h["kind"].as_str().unwrap().to_owned(), title)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, t)| ((*k).to_owned(), (*t).to_owned()))
        .collect()
}

async fn api(s: &TestServer, token: &str, query: &str) -> reqwest::Response {
    read(
        s.client()
            .get(s.url(&format!("/api/v1/search?{query}")))
            .bearer_auth(token),
    )
    .await
}

async fn found(s: &TestServer, token: &str, query: &str) -> Value {
    let res = api(s, token, query).await;
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.unwrap()
}

async fn token(s: &TestServer, email: &str) -> String {
    let user = s.auth_user(email).await;
    app::account::tokens::create(&s.db, &user, "search", "read", "")
        .await
        .unwrap()
}

/// Ada's shop: a project, four items, a risk and a comment, made through the server functions
/// in this order (so newest first is: comment, risk, then the items backwards).
async fn fixture(s: &TestServer) -> (Shop, [String; 4]) {
    let shop = s.shop("Release").await;
    s.call_ok(
        &shop.c,
        "update_project",
        &[
            ("slug", "shop"),
            ("version", "1"),
            ("name", "Shop"),
            ("description", "The online shop."),
            ("threshold", "80"),
        ],
    )
    .await;
    let deploy = shop
        .item(
            s,
            &[
                ("title", "Deploy pipeline ready"),
                ("description", "Blue-green deployment with a rollback plan."),
            ],
        )
        .await;
    let drill = shop
        .item(
            s,
            &[
                ("title", "Rollback drill"),
                ("description", "Practise the rollback every sprint."),
                ("priority", "critical"),
            ],
        )
        .await;
    let load = shop
        .item(
            s,
            &[
                ("title", "Load test checkout"),
                (
                    "description",
                    "k6 at 2x peak; runs on ci.example.com/runs/42",
                ),
            ],
        )
        .await;
    let quiet = shop.item(s, &[("title", "Pager rota")]).await;
    let (st, body) = error_kind(
        s.call(
            &shop.c,
            "create_risk",
            &[
                ("slug", "shop"),
                ("title", "Rollback corrupts orders"),
                ("description", "Schema changes are not reversible."),
                ("likelihood", "3"),
                ("impact", "4"),
                ("target_likelihood", "1"),
                ("target_impact", "2"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    s.call_ok(
        &shop.c,
        "add_comment",
        &[
            ("item_id", &load),
            ("body", "The rollback plan lives in the runbook."),
        ],
    )
    .await;
    (shop, [deploy, drill, load, quiet])
}

#[tokio::test]
async fn words_phrases_prefixes_and_exclusions_find_the_same_things_on_both_backends() {
    let s = TestServer::start().await;
    let (shop, [_, drill, load, _]) = fixture(&s).await;
    let t = token(&s, "ada@example.com").await;
    let comment = "Comment on Load test checkout";
    for (query, expected) in [
        (
            "q=rollback",
            vec![
                ("comment", comment),
                ("risk", "Rollback corrupts orders"),
                ("item", "Rollback drill"),
                ("item", "Deploy pipeline ready"),
            ],
        ),
        (
            "q=%22rollback+plan%22",
            vec![("comment", comment), ("item", "Deploy pipeline ready")],
        ),
        (
            // A word finds the words it starts; -word leaves out.
            "q=roll*+-drill+-orders",
            vec![("comment", comment), ("item", "Deploy pipeline ready")],
        ),
        ("q=deploy", vec![("item", "Deploy pipeline ready")]),
        // Whole words unless asked for a prefix: "deploy" is not "deployment".
        ("q=deployment+-deploy", vec![]),
        ("q=deploym*", vec![("item", "Deploy pipeline ready")]),
        // Punctuation cuts words as the index does: the URL's parts are words.
        (
            "q=example.com%2Fruns+42",
            vec![("item", "Load test checkout")],
        ),
        ("q=K6", vec![("item", "Load test checkout")]),
        ("q=online", vec![("project", "Shop")]),
        (
            "q=rollback&kind=item",
            vec![
                ("item", "Rollback drill"),
                ("item", "Deploy pipeline ready"),
            ],
        ),
        // Item filters keep items and comments on items that pass them.
        (
            "q=rollback&priority=critical",
            vec![("item", "Rollback drill")],
        ),
        (
            "q=rollback&status=open&kind=comment",
            vec![("comment", comment)],
        ),
        ("q=nothing-like-this", vec![]),
    ] {
        let v = found(&s, &t, query).await;
        assert_eq!(hits(&v), pairs(&expected), "{query}");
        assert_eq!(v["total"], expected.len(), "{query}");
        assert_eq!(v["total_capped"], false);
    }

    // The words looked for are marked, in titles and snippets.
    let v = found(&s, &t, "q=rollback&kind=item").await;
    assert_eq!(
        v["hits"][0]["title"],
        json!([{"text": "Rollback", "hit": true}, {"text": " drill", "hit": false}])
    );
    assert_eq!(v["hits"][0]["url"], format!("/p/shop/items/{drill}"));
    let snippet = &v["hits"][1]["snippet"];
    assert!(
        snippet
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["hit"] == true && f["text"] == "rollback"),
        "{snippet}"
    );

    // An edit is found at once, and moves to the top (newest text first).
    s.call_ok(
        &shop.c,
        "update_item",
        &[
            ("item_id", &load),
            ("version", "1"),
            ("title", "Load test and rollback checkout"),
            ("description", "k6 at 2x peak."),
            ("priority", "medium"),
        ],
    )
    .await;
    let v = found(&s, &t, "q=rollback&kind=item").await;
    assert_eq!(hits(&v)[0].1, "Load test and rollback checkout");
    assert_eq!(
        found(&s, &t, "q=example").await["total"],
        0,
        "old text gone"
    );
    // Deleted: gone with its comments.
    s.call_ok(&shop.c, "delete_item", &[("item_id", &load)])
        .await;
    let v = found(&s, &t, "q=rollback").await;
    assert_eq!(
        hits(&v),
        pairs(&[
            ("risk", "Rollback corrupts orders"),
            ("item", "Rollback drill"),
            ("item", "Deploy pipeline ready"),
        ])
    );

    // The page: the same hits, marked, with the filters kept.
    let page = read(shop.c.get(s.url("/search?q=rollback&kind=item")))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<mark>Rollback</mark> drill"), "{page}");
    assert!(page.contains("2 results"));
    assert!(page.contains(r#"<option value="item" selected"#));
}

#[tokio::test]
async fn nobody_finds_or_counts_what_they_may_not_see() {
    let s = TestServer::start().await;
    let (shop, _) = fixture(&s).await;
    let val = s
        .member(&shop.c, &shop.team, "val@example.com", "viewer")
        .await;
    // Bob's team and project, with the same word in an item, a risk and a comment.
    s.add_user("bob@example.com", false).await;
    let bob = s.client();
    assert_eq!(
        s.login(&bob, "bob@example.com", PASSWORD).await.status(),
        200
    );
    let team = s.call(&bob, "create_team", &[("name", "Vault team")]).await;
    assert!(team.status().is_success() || team.status().is_redirection());
    let bob_user = s.auth_user("bob@example.com").await;
    let vault_team = app::authz::memberships(&s.db, bob_user.id).await.unwrap()[0].0;
    s.call_ok(
        &bob,
        "create_project",
        &[("name", "Vault"), ("team_id", &vault_team.to_string())],
    )
    .await;
    let cat = s
        .call(
            &bob,
            "create_category",
            &[("slug", "vault"), ("name", "Secrets")],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let secret = s
        .call(
            &bob,
            "create_item",
            &[("category_id", &cat), ("title", "Rollback the master key")],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    s.call_ok(
        &bob,
        "add_comment",
        &[("item_id", &secret), ("body", "rollback needs two people")],
    )
    .await;
    s.call_ok(
        &bob,
        "create_risk",
        &[
            ("slug", "vault"),
            ("title", "Rollback leaks keys"),
            ("likelihood", "3"),
            ("impact", "4"),
            ("target_likelihood", "1"),
            ("target_impact", "2"),
        ],
    )
    .await;

    let val_t = token(&s, "val@example.com").await;
    let bob_t = token(&s, "bob@example.com").await;
    let ada_t = token(&s, "ada@example.com").await;
    let projects = |v: &Value| -> Vec<String> {
        let mut p: Vec<String> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["project_slug"].as_str().unwrap().to_owned())
            .collect();
        p.dedup();
        p
    };
    let v = found(&s, &val_t, "q=rollback").await;
    assert_eq!(projects(&v), ["shop"]);
    assert_eq!(v["total"], 4, "Vault's three are not counted either");
    for filter in [
        "project=vault",
        &format!("team={vault_team}"),
        "kind=risk&project=vault",
    ] {
        let v = found(&s, &val_t, &format!("q=rollback&{filter}")).await;
        assert_eq!(v["total"], 0, "{filter}");
        assert!(v["hits"].as_array().unwrap().is_empty());
    }
    let v = found(&s, &bob_t, "q=rollback").await;
    assert_eq!(projects(&v), ["vault"]);
    assert_eq!(v["total"], 3);
    // Past a thousand visible projects the query carries the rule instead of their list: the
    // same answers.
    let now = chrono::Utc::now();
    let fillers: Vec<app::entities::projects::ActiveModel> = (0..1001)
        .map(|n| app::entities::projects::ActiveModel {
            team_id: sea_orm::Set(shop.team.parse().unwrap()),
            name: sea_orm::Set(format!("Filler {n}")),
            slug: sea_orm::Set(format!("filler-{n}")),
            description: sea_orm::Set(String::new()),
            threshold: sea_orm::Set(80),
            archived: sea_orm::Set(false),
            evidence_required: sea_orm::Set(false),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in fillers.chunks(200) {
        sea_orm::EntityTrait::insert_many(chunk.to_vec())
            .exec(&s.db)
            .await
            .unwrap();
    }
    let v = found(&s, &val_t, "q=rollback").await;
    assert_eq!(projects(&v), ["shop"]);
    assert_eq!(v["total"], 4);
    let v = found(&s, &val_t, "q=rollback&project=vault").await;
    assert_eq!(v["total"], 0);
    let v = found(&s, &val_t, "q=filler").await;
    assert_eq!(
        (v["total"].clone(), v["total_capped"].clone()),
        (1000.into(), true.into())
    );
    assert_eq!(found(&s, &bob_t, "q=filler").await["total"], 0);
    // The page answers the same.
    let page = read(val.get(s.url("/search?q=rollback")))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("4 results") && !page.contains("master key"));
    // A site admin sees both.
    assert_eq!(found(&s, &ada_t, "q=rollback").await["total"], 7);

    // A reviewer group named by Vault (its exception approvers) reads it: Val, in the group,
    // now finds Vault's things too.
    let group = s
        .call(&shop.c, "create_reviewer_group", &[("name", "AppSec")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    s.call_ok(
        &shop.c,
        "add_reviewer",
        &[("group", &group), ("email", "val@example.com")],
    )
    .await;
    s.call_ok(
        &shop.c,
        "set_exception_policy",
        &[
            ("slug", "vault"),
            ("accepted_risk", "on"),
            ("max_days", "30"),
            ("group_id", &group),
        ],
    )
    .await;
    assert_eq!(found(&s, &val_t, "q=rollback").await["total"], 7);
    // Archived projects are left out.
    use sea_orm::{EntityTrait, QueryFilter};
    app::entities::projects::Entity::update_many()
        .col_expr(
            app::entities::projects::Column::Archived,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(sea_orm::ColumnTrait::eq(
            &app::entities::projects::Column::Slug,
            "vault",
        ))
        .exec(&s.db)
        .await
        .unwrap();
    assert_eq!(found(&s, &ada_t, "q=rollback").await["total"], 4);
}

#[tokio::test]
async fn hostile_text_gets_results_or_a_field_error_never_a_500() {
    let s = TestServer::start().await;
    let (shop, _) = fixture(&s).await;
    let t = token(&s, "ada@example.com").await;
    let long = "rollback ".repeat(1200);
    let ok = [
        "\"rollback",
        "rollback\"\"\"",
        "rollback OR drill",
        "rollback AND NOT NEAR(drill)",
        "roll* ^drill :title",
        "'); DROP TABLE items; --",
        "rollback 🚀",
        "{title}: rollback",
        "\\\\ rollback \\'",
        "a",
        "-\"\" rollback",
    ];
    for q in ok {
        let res = api(&s, &t, &format!("q={}", urlencode(q))).await;
        assert_eq!(res.status(), 200, "{q}");
    }
    for (q, field) in [
        (long.as_str(), "q"),
        ("🚀🚀🚀", "q"),
        ("-rollback", "q"),
        ("\"\"", "q"),
        ("a b c d e f g h i j k l m", "q"),
    ] {
        let res = api(&s, &t, &format!("q={}", urlencode(q))).await;
        assert_eq!(res.status(), 422, "{q}");
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"].to_string().contains(field), "{body}");
    }
    for query in [
        "q=rollback&kind=everything",
        "q=rollback&assignee=someone",
        "q=rollback&page=60",
        "q=rollback&per_page=500",
    ] {
        assert_eq!(api(&s, &t, query).await.status(), 422, "{query}");
    }
    // A value outside a typed parameter's set is a malformed request, as everywhere in the API.
    assert_eq!(api(&s, &t, "q=rollback&status=closed").await.status(), 400);
    // The page shows the message by the field; nothing else broke.
    let page = read(
        shop.c
            .get(s.url(&format!("/search?q={}", urlencode(&long)))),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(page.contains("at most 200 characters"), "{page}");
    let page = read(shop.c.get(s.url("/search?q=%F0%9F%9A%80")))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Type a word"));
    assert_eq!(found(&s, &t, "q=rollback").await["total"], 4);
}

#[tokio::test]
async fn results_page_to_the_count_cap_and_say_when_there_are_more() {
    let s = TestServer::start().await;
    let shop = s.shop("Bulk").await;
    let t = token(&s, "ada@example.com").await;
    // 1,005 items by the import path (insert_many), indexed by the same triggers.
    let project = app::projects::access::find_by_slug(&s.db, "shop")
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let rows: Vec<app::entities::items::ActiveModel> = (0..1005)
        .map(|n| app::entities::items::ActiveModel {
            project_id: sea_orm::Set(project.id),
            category_id: sea_orm::Set(shop.category.parse().unwrap()),
            title: sea_orm::Set(format!("Widget check {n}")),
            description: sea_orm::Set(String::new()),
            priority: sea_orm::Set(app::scoring::Priority::Medium),
            blocking: sea_orm::Set(false),
            status: sea_orm::Set(app::scoring::Status::Open),
            status_reason: sea_orm::Set(String::new()),
            evidence_url: sea_orm::Set(String::new()),
            evidence_text: sea_orm::Set(String::new()),
            position: sea_orm::Set(n),
            version: sea_orm::Set(1),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        sea_orm::EntityTrait::insert_many(chunk.to_vec())
            .exec(&s.db)
            .await
            .unwrap();
    }
    let first = found(&s, &t, "q=widget&per_page=50").await;
    assert_eq!(first["total"], 1000);
    assert_eq!(first["total_capped"], true);
    assert_eq!(first["has_more"], true);
    assert_eq!(hits(&first)[0].1, "Widget check 1004");
    let second = found(&s, &t, "q=widget&per_page=50&page=2").await;
    assert_eq!(
        hits(&second)[0].1,
        "Widget check 954",
        "pages do not overlap"
    );
    let last = found(&s, &t, "q=widget&per_page=50&page=20").await;
    assert_eq!(hits(&last).len(), 50);
    assert_eq!(
        api(&s, &t, "q=widget&per_page=50&page=21").await.status(),
        422
    );
    let exact = found(&s, &t, "q=%22widget+check+7%22").await;
    assert_eq!(hits(&exact), pairs(&[("item", "Widget check 7")]));
    let page = read(shop.c.get(s.url("/search?q=widget")))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("More than 1000 results") && page.contains(r#"rel="next""#));
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
