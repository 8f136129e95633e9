//! Sign-off by discipline over HTTP: a project requiring Security and SRE is "awaiting
//! sign-off" until both groups sign its latest final review; a group's sign-off stops holding
//! when a blocking item of its categories changes; reviewers outside the team read the project
//! only while it requires their group, and sign only for their own group.

use app::entities::{items, notifications};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{PASSWORD, TestServer, error_kind, read};

async fn version(s: &TestServer, item: &str) -> String {
    items::Entity::find_by_id(item.parse::<i32>().unwrap())
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string()
}

async fn set_status(s: &TestServer, c: &reqwest::Client, item: &str, status: &str) {
    let v = version(s, item).await;
    let until = (s.clock.today() + chrono::Duration::days(30)).to_string();
    let res = s
        .call(
            c,
            "set_item_status",
            &[
                ("item_id", item),
                ("version", &v),
                ("status", status),
                ("status_reason", "Covered by the platform's WAF"),
                ("accepted_until", &until),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn verdict(s: &TestServer, c: &reqwest::Client) -> (String, Vec<String>) {
    let o = s.get_json(c, "/rpc/get_overview?slug=shop").await;
    let awaiting = o["score"]["awaiting"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    (o["score"]["verdict"].as_str().unwrap().to_owned(), awaiting)
}

async fn standings(s: &TestServer, c: &reqwest::Client) -> Vec<(String, String)> {
    s.get_json(c, "/rpc/get_signoff_state?slug=shop").await["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_owned(),
                g["standing"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The status of the overview for client `c`.
async fn seen(s: &TestServer, c: &reqwest::Client) -> u16 {
    read(c.get(s.url("/rpc/get_overview?slug=shop")))
        .await
        .status()
        .as_u16()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

async fn reviewer(s: &TestServer, email: &str) -> reqwest::Client {
    s.add_user(email, false).await;
    let c = s.client();
    assert_eq!(s.login(&c, email, PASSWORD).await.status(), 200);
    c
}

async fn final_review(s: &TestServer, c: &reqwest::Client, label: &str) -> String {
    let res = s
        .call(
            c,
            "create_review",
            &[
                ("slug", "shop"),
                ("title", "Launch review"),
                ("version_label", label),
            ],
        )
        .await;
    let id = res.json::<i32>().await.unwrap().to_string();
    let res = s
        .call(
            c,
            "finalize_review",
            &[("review_id", &id), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    id
}

async fn sign(s: &TestServer, c: &reqwest::Client, review: &str, group: &str) -> reqwest::Response {
    s.call(
        c,
        "sign_review",
        &[
            ("review_id", review),
            ("group", group),
            ("comment", "Looks right"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_project_is_ready_only_once_every_required_group_signs_its_latest_final_review() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let ada = &shop.c;
    let security_cat = shop.category.clone();
    let ops_cat = s
        .call(
            ada,
            "create_category",
            &[("slug", "shop"), ("name", "Operations")],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let tls = shop
        .item(&s, &[("title", "TLS 1.3 only"), ("priority", "critical")])
        .await;
    let docs = shop
        .item(&s, &[("title", "Security docs"), ("priority", "low")])
        .await;
    let backups = s
        .call(
            ada,
            "create_item",
            &[
                ("category_id", &ops_cat),
                ("title", "Backups restore"),
                ("priority", "critical"),
            ],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    for i in [&tls, &docs, &backups] {
        set_status(&s, ada, i, "done").await;
    }
    assert_eq!(verdict(&s, ada).await.0, "ready");

    // Groups, kept by the admin; Sam (Security) and Rita (SRE) are in no team of the project.
    let group = |name: &'static str| {
        let s = &s;
        async move {
            let res = s
                .call(ada, "create_reviewer_group", &[("name", name)])
                .await;
            res.json::<i32>().await.unwrap().to_string()
        }
    };
    let security = group("Security").await;
    let sre = group("SRE").await;
    let (st, body) = error_kind(
        s.call(ada, "create_reviewer_group", &[("name", "security")])
            .await,
    )
    .await;
    assert_eq!(st, 422, "names are unique regardless of case: {body}");
    let sam = reviewer(&s, "sam@example.com").await;
    let rita = reviewer(&s, "rita@example.com").await;
    s.call_ok(
        ada,
        "add_reviewer",
        &[("group", &security), ("email", "sam@example.com")],
    )
    .await;
    s.call_ok(
        ada,
        "add_reviewer",
        &[("group", &sre), ("email", "rita@example.com")],
    )
    .await;
    // Not required yet: the project is none of Sam's business.
    assert_eq!(seen(&s, &sam).await, 404);

    // The owner requires both; Security owns its category, SRE Operations.
    for g in [&security, &sre] {
        s.call_ok(
            ada,
            "require_signoff_group",
            &[("slug", "shop"), ("group", g), ("required", "true")],
        )
        .await;
    }
    s.call_ok(
        ada,
        "set_category_group",
        &[("category", &security_cat), ("group", &security)],
    )
    .await;
    s.call_ok(
        ada,
        "set_category_group",
        &[("category", &ops_cat), ("group", &sre)],
    )
    .await;
    assert_eq!(
        verdict(&s, ada).await,
        (
            "awaiting_sign_off".to_owned(),
            vec!["SRE".to_owned(), "Security".to_owned()]
        )
    );
    // The pipeline's gate holds the launch back, naming the groups.
    let ada_user = s.auth_user("ada@example.com").await;
    let ada_token = app::account::tokens::create(&s.db, &ada_user, "ci", "read", "")
        .await
        .unwrap();
    let res = s
        .client()
        .get(s.url("/api/v1/projects/shop/gate"))
        .bearer_auth(&ada_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    let gate: serde_json::Value = res.json().await.unwrap();
    assert_eq!(gate["verdict"], "awaiting_sign_off", "{gate}");
    assert!(
        gate["summary"].as_str().unwrap().contains("SRE, Security"),
        "{gate}"
    );
    // So does the live report (and the portfolio).
    let report = s.get_json(ada, "/rpc/get_report?slug=shop").await;
    assert_eq!(report["report"]["verdict"], "awaiting_sign_off");
    let portfolio = s.get_json(ada, "/rpc/get_portfolio").await;
    let listed = portfolio["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "shop")
        .cloned()
        .unwrap();
    assert_eq!(listed["verdict"], "awaiting_sign_off");
    assert_eq!(listed["awaiting"], serde_json::json!(["SRE", "Security"]));

    // Sam now reads the project as a viewer: no edits.
    assert_eq!(seen(&s, &sam).await, 200);
    let v = version(&s, &docs).await;
    let res = s
        .call(
            &sam,
            "set_item_status",
            &[("item_id", &docs), ("version", &v), ("status", "open")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // A draft cannot be signed; finalizing asks both groups.
    let draft = s
        .call(
            ada,
            "create_review",
            &[("slug", "shop"), ("title", "Draft")],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    assert_eq!(sign(&s, &sam, &draft, &security).await.status(), 409);
    let first = final_review(&s, ada, "v1").await;
    for email in ["sam@example.com", "rita@example.com"] {
        let id = s.auth_user(email).await.id;
        let told = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(id))
            .filter(notifications::Column::Kind.eq("signoff"))
            .all(&s.db)
            .await
            .unwrap();
        assert_eq!(told.len(), 1, "{email} asked once");
        assert!(told[0].text.contains("needs"), "{}", told[0].text);
    }

    // Only for one's own group; once.
    assert_eq!(sign(&s, &sam, &first, &sre).await.status(), 403);
    assert_eq!(sign(&s, &sam, &first, &security).await.status(), 200);
    assert_eq!(sign(&s, &sam, &first, &security).await.status(), 409);
    // Ada, an owner and admin but in no group, cannot sign for one.
    assert_eq!(sign(&s, ada, &first, &security).await.status(), 403);
    assert_eq!(
        verdict(&s, ada).await,
        ("awaiting_sign_off".to_owned(), vec!["SRE".to_owned()])
    );
    assert_eq!(sign(&s, &rita, &first, &sre).await.status(), 200);
    assert_eq!(verdict(&s, ada).await, ("ready".to_owned(), vec![]));
    assert_eq!(
        standings(&s, ada).await,
        pairs(&[("SRE", "signed"), ("Security", "signed")])
    );

    // A non-blocking item changing leaves every sign-off standing.
    set_status(&s, ada, &docs, "open").await;
    assert_eq!(
        standings(&s, ada).await,
        pairs(&[("SRE", "signed"), ("Security", "signed")])
    );
    set_status(&s, ada, &docs, "done").await;

    // A blocking item of Security's category changing ends Security's sign-off, not SRE's.
    set_status(&s, ada, &tls, "accepted_risk").await;
    assert_eq!(
        standings(&s, ada).await,
        pairs(&[("SRE", "signed"), ("Security", "invalidated")])
    );
    assert_eq!(
        verdict(&s, ada).await,
        ("awaiting_sign_off".to_owned(), vec!["Security".to_owned()])
    );
    // Sam signs again, for what is there now.
    assert_eq!(sign(&s, &sam, &first, &security).await.status(), 200);
    assert_eq!(verdict(&s, ada).await.0, "ready");

    // A blocking gap is worse than a missing sign-off: not ready.
    set_status(&s, ada, &backups, "open").await;
    assert_eq!(verdict(&s, ada).await.0, "not_ready");
    set_status(&s, ada, &backups, "done").await;

    // A later final review needs its own sign-offs; the earlier one can no longer be signed.
    let second = final_review(&s, ada, "v2").await;
    assert_eq!(
        verdict(&s, ada).await,
        (
            "awaiting_sign_off".to_owned(),
            vec!["SRE".to_owned(), "Security".to_owned()]
        )
    );
    assert_eq!(sign(&s, &rita, &first, &sre).await.status(), 409);
    // Through the REST API, with Rita's token.
    let rita_user = s.auth_user("rita@example.com").await;
    let token = app::account::tokens::create(&s.db, &rita_user, "ci", "write", "")
        .await
        .unwrap();
    let res = s
        .client()
        .post(s.url(&format!("/api/v1/reviews/{second}/signoffs")))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({ "group_id": sre.parse::<i32>().unwrap(), "comment": "SLOs met" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let state: serde_json::Value = s
        .client()
        .get(s.url("/api/v1/projects/shop/signoffs"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["review_id"].to_string(), second);
    assert_eq!(state["groups"][0]["standing"], "signed");
    assert_eq!(state["groups"][1]["standing"], "missing");

    // Asking again tells only the group still awaited.
    s.call_ok(ada, "request_signoff", &[("slug", "shop")]).await;
    let asked = |email: &'static str| {
        let s = &s;
        async move {
            let id = s.auth_user(email).await.id;
            notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(id))
                .filter(notifications::Column::Kind.eq("signoff"))
                .all(&s.db)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(asked("sam@example.com").await, 3, "v1, v2 and the request");
    assert_eq!(asked("rita@example.com").await, 2, "v1 and v2 only");

    // Sam's queue lists the project; Rita's too.
    let queue = s.get_json(&sam, "/rpc/list_signoff_queue").await;
    assert_eq!(queue[0]["slug"], "shop");
    assert_eq!(queue[0]["groups"][1]["may_sign"], true);

    // No longer required: Sam loses his view of the project.
    s.call_ok(
        ada,
        "require_signoff_group",
        &[
            ("slug", "shop"),
            ("group", &security),
            ("required", "false"),
        ],
    )
    .await;
    assert_eq!(seen(&s, &sam).await, 404);
    assert_eq!(verdict(&s, ada).await.0, "ready");
    let trail = s.audit_trail().await;
    for action in [
        "signoff_groups_set",
        "owner_group_set",
        "signed",
        "signoff_requested",
    ] {
        assert!(
            trail.iter().any(|(_, a)| a == action),
            "{action}: {trail:?}"
        );
    }
}

#[tokio::test]
async fn reviewer_groups_are_kept_by_site_admins_only() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let bob = s
        .member(&shop.c, &shop.team, "bob@example.com", "owner")
        .await;
    let res = s
        .call(&bob, "create_reviewer_group", &[("name", "Security")])
        .await;
    assert_eq!(res.status(), 403);
    let (st, body) = error_kind(
        s.call(&shop.c, "create_reviewer_group", &[("name", "  ")])
            .await,
    )
    .await;
    assert_eq!(st, 422);
    assert!(body.to_string().contains("name"), "{body}");
    let id = s
        .call(&shop.c, "create_reviewer_group", &[("name", "Privacy")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let (st, body) = error_kind(
        s.call(
            &shop.c,
            "add_reviewer",
            &[("group", &id), ("email", "nobody@example.com")],
        )
        .await,
    )
    .await;
    assert_eq!(st, 422);
    assert!(body.to_string().contains("email"), "{body}");
    // A project owner (not an admin) requires it; a group that does not exist is refused.
    s.call_ok(
        &bob,
        "require_signoff_group",
        &[("slug", "shop"), ("group", &id), ("required", "true")],
    )
    .await;
    let (st, _) = error_kind(
        s.call(
            &bob,
            "require_signoff_group",
            &[("slug", "shop"), ("group", "999999"), ("required", "true")],
        )
        .await,
    )
    .await;
    assert_eq!(st, 422);
    // Deleting the group frees the project of it.
    s.call_ok(&shop.c, "delete_reviewer_group", &[("id", &id)])
        .await;
    let state = s.get_json(&bob, "/rpc/get_signoff_state?slug=shop").await;
    assert_eq!(state["groups"].as_array().unwrap().len(), 0);
}
