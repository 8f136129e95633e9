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
