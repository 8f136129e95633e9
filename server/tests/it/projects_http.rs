use crate::support::{PASSWORD, TestServer, error_kind};

async fn team_id(s: &TestServer) -> String {
    use sea_orm::EntityTrait;
    app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn create_project_then_open_it() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let team = team_id(&s).await;
    let res = s
        .call(
            &c,
            "create_project",
            &[
                ("name", "Payments API"),
                ("slug", ""),
                ("description", "Card payments"),
                ("team_id", &team),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/p/payments-api");
    assert_eq!(res.json::<String>().await.unwrap(), "payments-api");

    let list: serde_json::Value = s.get_json(&c, "/rpc/list_projects").await;
    assert_eq!(list[0]["slug"], "payments-api");
    assert_eq!(list[0]["team_name"], "Platform");

    let page = s.page(&c, "/p/payments-api").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<h1>Payments API</h1>"), "{html}");
    assert!(html.contains("Card payments"));
    assert!(
        html.contains(r#"name="version" value="1""#),
        "the edit form sends the version it shows"
    );
}

/// Two people edit the project from the same page: the second save, based on the version the
/// first one changed, is a conflict and does not undo the first.
#[tokio::test]
async fn an_edit_from_an_old_copy_of_the_project_is_refused() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let team = team_id(&s).await;
    let made = s
        .call(
            &c,
            "create_project",
            &[("name", "Shop"), ("team_id", &team)],
        )
        .await;
    assert_eq!(made.status(), 200);
    let edit = |name: &'static str, threshold: &'static str| {
        let (s, c) = (&s, &c);
        async move {
            s.call(
                c,
                "update_project",
                &[
                    ("slug", "shop"),
                    ("version", "1"),
                    ("name", name),
                    ("threshold", threshold),
                ],
            )
            .await
        }
    };
    assert_eq!(edit("Shop", "90").await.status(), 200);
    let (status, body) = error_kind(edit("Shop front", "80").await).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("changed by"), "{body}");
    let p: serde_json::Value = s.get_json(&c, "/rpc/get_project?slug=shop").await;
    assert_eq!(
        (&p["name"], &p["threshold"], &p["version"]),
        (&"Shop".into(), &90.into(), &2.into())
    );
}

#[tokio::test]
async fn duplicate_slug_is_a_field_error() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let team = team_id(&s).await;
    let create = |name: &'static str, slug: &'static str| {
        let team = team.clone();
        let (s, c) = (&s, &c);
        async move {
            s.call(
                c,
                "create_project",
                &[("name", name), ("slug", slug), ("team_id", &team)],
            )
            .await
        }
    };
    assert_eq!(create("Billing", "billing").await.status(), 200);
    let (status, body) = error_kind(create("Billing again", "billing").await).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"]["slug"], "This slug is already taken.");

    let (status, body) = error_kind(create("", "Not A Slug").await).await;
    assert_eq!(status, 422);
    assert!(body["detail"]["name"].is_string());
    assert!(body["detail"]["slug"].is_string());

    // The first project is untouched.
    let list: serde_json::Value = s.get_json(&c, "/rpc/list_projects").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Billing");
}

#[tokio::test]
async fn unknown_slug_is_a_real_404_page() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let res = s.page(&c, "/p/does-not-exist").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Not found"));
    let res = s.page(&c, "/no/such/page").await;
    assert_eq!(res.status(), 404);
    let res = c
        .get(s.url("/rpc/get_project?slug=does-not-exist"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_kind(res).await.0, 404);
}

#[tokio::test]
async fn another_teams_project_is_not_found_and_cannot_be_created_in() {
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    let team = team_id(&s).await;
    s.call(
        &admin,
        "create_project",
        &[("name", "Secret"), ("team_id", &team)],
    )
    .await;
    s.add_user("mallory@example.com", false).await;
    let m = s.client();
    s.login(&m, "mallory@example.com", PASSWORD).await;

    assert_eq!(s.page(&m, "/p/secret").await.status(), 404);
    let list: serde_json::Value = s.get_json(&m, "/rpc/list_projects").await;
    assert_eq!(list, serde_json::json!([]));
    let (status, body) = error_kind(
        s.call(
            &m,
            "create_project",
            &[("name", "Sneaky"), ("team_id", &team)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["kind"], "not_found");
}

/// The portfolio at more than a page: ordered, filtered and paged on the server; pages never
/// overlap or skip, filters combine, counts are exact.
#[tokio::test]
async fn the_portfolio_pages_orders_and_filters_on_the_server() {
    use app::projects::service::{NewProject, create};
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let ada = s.auth_user("ada@example.com").await;
    let beta = app::teams::service::create_team(&s.db, &ada, "Beta")
        .await
        .unwrap();
    // 70 projects: 60 in Ada's first team, 10 in Beta; every third has an open critical item
    // (not ready), the rest one done item (ready).
    for n in 0..70 {
        let team_id = if n < 60 { team.parse().unwrap() } else { beta };
        let slug = create(
            &s.db,
            &ada,
            NewProject {
                name: format!("Svc {n:02}"),
                slug: String::new(),
                description: if n % 5 == 0 {
                    "Payments".into()
                } else {
                    String::new()
                },
                team_id,
            },
        )
        .await
        .unwrap();
        let cat = s
            .call(&c, "create_category", &[("slug", &slug), ("name", "Ops")])
            .await
            .json::<i32>()
            .await
            .unwrap()
            .to_string();
        let item = s
            .call(
                &c,
                "create_item",
                &[
                    ("category_id", &cat),
                    ("title", "Backups"),
                    ("priority", "critical"),
                ],
            )
            .await
            .json::<i32>()
            .await
            .unwrap()
            .to_string();
        if n % 3 != 0 {
            s.call_ok(
                &c,
                "set_item_status",
                &[("item_id", &item), ("version", "1"), ("status", "done")],
            )
            .await;
        }
    }
    let page = |query: &str| {
        let path = format!("/rpc/get_portfolio?{query}");
        let c = c.clone();
        let s = &s;
        async move { s.get_json(&c, &path).await }
    };
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["projects"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };

    // By name, two pages of 50 and 20, in order, each project once.
    let first = page("").await;
    assert_eq!(first["total"], 70);
    assert_eq!(first["visible"], 70);
    let second = page("query[page]=2").await;
    let mut all = names(&first);
    all.extend(names(&second));
    let expected: Vec<String> = (0..70).map(|n| format!("Svc {n:02}")).collect();
    assert_eq!(all, expected);

    // By verdict, worst first: 24 not ready (every third), then ready; within one verdict by
    // name, so the pages are stable; turned round, the same list backwards by verdict.
    let mut by_verdict = names(&page("query[sort]=verdict").await);
    by_verdict.extend(names(&page("query[sort]=verdict&query[page]=2").await));
    let not_ready: Vec<String> = (0..70)
        .filter(|n| n % 3 == 0)
        .map(|n| format!("Svc {n:02}"))
        .collect();
    assert_eq!(by_verdict[..24], not_ready[..]);
    assert_eq!(by_verdict.len(), 70);
    let mut dedup = by_verdict.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 70, "no project on two pages");
    let desc = page("query[sort]=verdict&query[desc]=1").await;
    assert_eq!(desc["projects"][0]["verdict"], "ready");

    // Filters combine, and the count is exact.
    let v = page(&format!(
        "query[team]={team}&query[verdict]=not_ready&query[q]=payments"
    ))
    .await;
    let expected: Vec<String> = (0..60)
        .filter(|n| n % 3 == 0 && n % 5 == 0)
        .map(|n| format!("Svc {n:02}"))
        .collect();
    assert_eq!(names(&v), expected);
    assert_eq!(v["total"], expected.len());
    let v = page(&format!("query[team]={beta}")).await;
    assert_eq!(v["total"], 10);
    assert_eq!(page("query[q]=nothing").await["total"], 0);
    // The text matches name, slug or description, any case; LIKE's wildcards are literal.
    assert_eq!(page("query[q]=SVC%200").await["total"], 10);
    assert_eq!(page("query[q]=svc-07").await["total"], 1);
    assert_eq!(page("query[q]=PAYMENTS").await["total"], 14);
    assert_eq!(page("query[q]=%25").await["total"], 0);
    assert_eq!(page("query[q]=Svc_0").await["total"], 0);
    let too_long = format!("/rpc/get_portfolio?query[q]={}", "x".repeat(300));
    let (status, body) = error_kind(crate::support::read(c.get(s.url(&too_long))).await).await;
    assert_eq!(status, 422, "{body}");

    // The page shows its slice, the pager and the filters.
    let html = s
        .page(&c, "/?sort=verdict&page=2")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Projects 51–70 of 70"), "{html}");
    assert!(html.contains(r#"rel="prev""#) && !html.contains(r#"rel="next""#));
    // A viewer of Beta alone sees Beta's ten.
    let v = s
        .member(&c, &beta.to_string(), "vic@example.com", "viewer")
        .await;
    assert_eq!(s.get_json(&v, "/rpc/get_portfolio").await["total"], 10);
}
