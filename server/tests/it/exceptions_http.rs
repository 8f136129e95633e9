//! Approved exceptions over HTTP: a project that asks for approval turns an accepted risk into
//! a request; the item stays open until a team owner other than the requester approves it.

use app::entities::{exceptions, items, notifications};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{TestServer, error_kind};

async fn item_row(s: &TestServer, id: &str) -> items::Model {
    items::Entity::find_by_id(id.parse::<i32>().unwrap())
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
}

async fn ask(
    s: &TestServer,
    c: &reqwest::Client,
    item: &str,
    status: &str,
    until: &str,
) -> reqwest::Response {
    let version = item_row(s, item).await.version.to_string();
    s.call(
        c,
        "set_item_status",
        &[
            ("item_id", item),
            ("version", &version),
            ("status", status),
            ("status_reason", "Behind the CDN's WAF until Q2"),
            ("accepted_until", until),
        ],
    )
    .await
}

async fn pending_id(s: &TestServer, item: &str) -> String {
    exceptions::Entity::find()
        .filter(exceptions::Column::ItemId.eq(item.parse::<i32>().unwrap()))
        .filter(exceptions::Column::State.eq("pending"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn an_accepted_risk_is_a_request_until_another_owner_approves_it() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let waf = shop
        .item(&s, &[("title", "WAF in front"), ("priority", "high")])
        .await;
    let tls = shop
        .item(&s, &[("title", "TLS 1.3 only"), ("priority", "medium")])
        .await;
    s.call_ok(
        &shop.c,
        "set_exception_policy",
        &[
            ("slug", "shop"),
            ("accepted_risk", "on"),
            ("max_days", "30"),
        ],
    )
    .await;
    let bob = s
        .member(&shop.c, &shop.team, "bob@example.com", "editor")
        .await;
    let carol = s
        .member(&shop.c, &shop.team, "carol@example.com", "owner")
        .await;
    let today = s.clock.today();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();

    // Past the project's maximum: a field error, nothing requested.
    let res = ask(&s, &bob, &waf, "accepted_risk", &day(31)).await;
    let (status, body) = error_kind(res).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("accepted_until"), "{body}");

    // A request: the item stays open.
    assert_eq!(
        ask(&s, &bob, &waf, "accepted_risk", &day(20))
            .await
            .status(),
        200
    );
    let row = item_row(&s, &waf).await;
    assert_eq!(row.status.as_str(), "open");
    assert_eq!(row.accepted_until, None);
    let id = pending_id(&s, &waf).await;
    // Carol, an owner, was told; Bob was not (he asked).
    let told: Vec<i32> = notifications::Entity::find()
        .filter(notifications::Column::Kind.eq("exception"))
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.user_id)
        .collect();
    let carol_id = s.auth_user("carol@example.com").await.id;
    let bob_id = s.auth_user("bob@example.com").await.id;
    assert!(
        told.contains(&carol_id) && !told.contains(&bob_id),
        "{told:?}"
    );

    // The list: Carol may decide it, Bob may not.
    let list = s.get_json(&carol, "/rpc/list_exceptions").await;
    assert_eq!(list[0]["state"], "pending");
    assert_eq!(list[0]["may_decide"], true);
    assert_eq!(
        s.get_json(&bob, "/rpc/list_exceptions").await[0]["may_decide"],
        false
    );

    // Bob cannot decide his own request (nor could he as an editor).
    let res = s
        .call(
            &bob,
            "decide_exception",
            &[("id", &id), ("approve", "true")],
        )
        .await;
    assert_eq!(res.status(), 409);
    // Nor can an owner approve their own: Ada asks for the other item, Carol decides it.
    assert_eq!(
        ask(&s, &shop.c, &tls, "not_applicable", "").await.status(),
        200
    );
    assert_eq!(
        item_row(&s, &tls).await.status.as_str(),
        "not_applicable",
        "not asked to approve"
    );
    assert_eq!(
        ask(&s, &shop.c, &tls, "accepted_risk", &day(10))
            .await
            .status(),
        200
    );
    let ada_request = pending_id(&s, &tls).await;
    let res = s
        .call(
            &shop.c,
            "decide_exception",
            &[("id", &ada_request), ("approve", "true")],
        )
        .await;
    assert_eq!(res.status(), 409);

    // Carol approves Bob's: the item is an accepted risk until the day asked.
    s.call_ok(
        &carol,
        "decide_exception",
        &[("id", &id), ("approve", "true"), ("comment", "OK until Q2")],
    )
    .await;
    let row = item_row(&s, &waf).await;
    assert_eq!(row.status.as_str(), "accepted_risk");
    assert_eq!(row.accepted_until.map(|d| d.to_string()), Some(day(20)));
    assert_eq!(row.status_reason, "Behind the CDN's WAF until Q2");
    let res = s
        .call(
            &carol,
            "decide_exception",
            &[("id", &id), ("approve", "false")],
        )
        .await;
    assert_eq!(res.status(), 409, "decided once");
    assert!(
        notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(bob_id))
            .filter(notifications::Column::Kind.eq("exception"))
            .one(&s.db)
            .await
            .unwrap()
            .is_some()
    );

    // Carol declines Ada's: the item keeps its status.
    s.call_ok(
        &carol,
        "decide_exception",
        &[
            ("id", &ada_request),
            ("approve", "false"),
            ("comment", "Fix it"),
        ],
    )
    .await;
    assert_eq!(item_row(&s, &tls).await.status.as_str(), "not_applicable");
    let trail = s.audit_trail().await;
    for action in ["requested", "approved", "declined"] {
        assert!(
            trail.contains(&("exception".into(), action.into())),
            "{action}"
        );
    }

    // Ten days on, the approval is listed as expiring.
    s.clock.advance(chrono::Duration::days(10));
    let list = s.get_json(&carol, "/rpc/list_exceptions").await;
    let approved = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["state"] == "approved")
        .unwrap();
    assert_eq!(approved["expiring"], true);

    // Another team sees none of it and cannot decide.
    let other = s.client();
    s.add_user("eve@example.com", false).await;
    assert_eq!(
        s.login(&other, "eve@example.com", crate::support::PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(
        s.get_json(&other, "/rpc/list_exceptions").await,
        serde_json::json!([])
    );
    let (status, body) = error_kind(ask(&s, &bob, &waf, "open", "").await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        ask(&s, &bob, &waf, "accepted_risk", &day(15))
            .await
            .status(),
        200
    );
    let again = pending_id(&s, &waf).await;
    let res = s
        .call(
            &other,
            "decide_exception",
            &[("id", &again), ("approve", "true")],
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn only_owners_set_the_policy_and_bounds_are_checked() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let bob = s
        .member(&shop.c, &shop.team, "bob@example.com", "editor")
        .await;
    let res = s
        .call(
            &bob,
            "set_exception_policy",
            &[
                ("slug", "shop"),
                ("accepted_risk", "on"),
                ("max_days", "30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = s
        .call(
            &shop.c,
            "set_exception_policy",
            &[("slug", "shop"), ("max_days", "0")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let policy = s
        .get_json(&bob, "/rpc/get_exception_policy?slug=shop")
        .await;
    assert_eq!(policy["accepted_risk"], false);
    assert_eq!(policy["can_manage"], false);
    // Without the policy an accepted risk is set at once, as before.
    let item = shop
        .item(&s, &[("title", "Pen test"), ("priority", "low")])
        .await;
    let until = (s.clock.today() + chrono::Duration::days(200)).to_string();
    assert_eq!(
        ask(&s, &bob, &item, "accepted_risk", &until).await.status(),
        200
    );
    assert_eq!(item_row(&s, &item).await.status.as_str(), "accepted_risk");
}

/// Notifications of kind `exception` that `email` has.
async fn exception_notices(s: &TestServer, email: &str) -> usize {
    let user = s.auth_user(email).await;
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.id))
        .filter(notifications::Column::Kind.eq("exception"))
        .all(&s.db)
        .await
        .unwrap()
        .len()
}

/// `c`'s row of the exceptions list for `id`: (may decide, approvers).
async fn listed(s: &TestServer, c: &reqwest::Client, id: &str) -> Option<(bool, String)> {
    let list = s.get_json(c, "/rpc/list_exceptions").await;
    list.as_array().unwrap().iter().find_map(|e| {
        (e["id"].as_i64() == id.parse::<i64>().ok()).then(|| {
            (
                e["may_decide"].as_bool().unwrap(),
                e["approvers"].as_str().unwrap().to_owned(),
            )
        })
    })
}

#[tokio::test]
async fn a_named_reviewer_group_approves_instead_of_the_team_owners() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let waf = shop
        .item(&s, &[("title", "WAF in front"), ("priority", "high")])
        .await;
    let bob = s
        .member(&shop.c, &shop.team, "bob@example.com", "editor")
        .await;
    let carol = s
        .member(&shop.c, &shop.team, "carol@example.com", "owner")
        .await;
    // Sam reviews security for the company; he is in no team.
    s.add_user("sam@example.com", false).await;
    let sam = s.client();
    assert_eq!(
        s.login(&sam, "sam@example.com", crate::support::PASSWORD)
            .await
            .status(),
        200
    );
    let security = s
        .call(&shop.c, "create_reviewer_group", &[("name", "Security")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    for who in ["sam@example.com", "bob@example.com"] {
        s.call_ok(
            &shop.c,
            "add_reviewer",
            &[("group", &security), ("email", who)],
        )
        .await;
    }
    let overview = |c: &reqwest::Client| {
        let req = c.get(s.url("/rpc/get_overview?slug=shop"));
        async move { crate::support::read(req).await.status().as_u16() }
    };
    assert_eq!(overview(&sam).await, 404, "not his project yet");

    // A group that does not exist, or not a number: field errors, nothing changed.
    for bad in ["999999", "Security"] {
        let (st, body) = error_kind(
            s.call(
                &shop.c,
                "set_exception_policy",
                &[
                    ("slug", "shop"),
                    ("accepted_risk", "on"),
                    ("max_days", "30"),
                    ("group_id", bad),
                ],
            )
            .await,
        )
        .await;
        assert_eq!(st, 422, "{bad}: {body}");
        assert!(body.to_string().contains("group_id"), "{body}");
    }
    assert!(
        !s.get_json(&shop.c, "/rpc/get_exception_policy?slug=shop")
            .await["accepted_risk"]
            .as_bool()
            .unwrap()
    );
    // An editor may not name the approvers.
    let res = s
        .call(
            &bob,
            "set_exception_policy",
            &[
                ("slug", "shop"),
                ("accepted_risk", "on"),
                ("max_days", "30"),
                ("group_id", &security),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    s.call_ok(
        &shop.c,
        "set_exception_policy",
        &[
            ("slug", "shop"),
            ("accepted_risk", "on"),
            ("max_days", "30"),
            ("group_id", &security),
        ],
    )
    .await;
    let policy = s
        .get_json(&carol, "/rpc/get_exception_policy?slug=shop")
        .await;
    assert_eq!(policy["group_id"].to_string(), security);
    assert_eq!(policy["groups"][0]["name"], "Security");
    // The approvers read the project (as viewers) while they approve its exceptions.
    assert_eq!(overview(&sam).await, 200);

    // Bob (an editor and in Security) asks: Sam is told, the owners are not.
    let until = (s.clock.today() + chrono::Duration::days(20)).to_string();
    assert_eq!(
        ask(&s, &bob, &waf, "accepted_risk", &until).await.status(),
        200
    );
    let id = pending_id(&s, &waf).await;
    assert_eq!(exception_notices(&s, "sam@example.com").await, 1);
    assert_eq!(exception_notices(&s, "carol@example.com").await, 0);
    assert_eq!(exception_notices(&s, "bob@example.com").await, 0);
    assert_eq!(
        listed(&s, &carol, &id).await,
        Some((false, "Security".into())),
        "the owner sees it but does not decide it"
    );
    assert_eq!(listed(&s, &sam, &id).await, Some((true, "Security".into())));
    assert_eq!(
        listed(&s, &bob, &id).await,
        Some((false, "Security".into()))
    );

    let decide = |c: &reqwest::Client| {
        let c = c.clone();
        let id = id.clone();
        let s = &s;
        async move {
            s.call(
                &c,
                "decide_exception",
                &[("id", &id), ("approve", "true"), ("comment", "Fine")],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(decide(&carol).await, 403, "a team owner outside the group");
    assert_eq!(decide(&bob).await, 409, "a member cannot approve their own");
    assert_eq!(item_row(&s, &waf).await.status.as_str(), "open");
    assert_eq!(decide(&sam).await, 200);
    let row = item_row(&s, &waf).await;
    assert_eq!(row.status.as_str(), "accepted_risk");
    assert_eq!(row.accepted_until.map(|d| d.to_string()), Some(until));
    // Sam approves; he does not edit.
    let v = row.version.to_string();
    let res = s
        .call(
            &sam,
            "set_item_status",
            &[("item_id", &waf), ("version", &v), ("status", "done")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // Over REST: read, then back to the team's owners; Sam loses the project.
    let token = app::account::tokens::create(
        &s.db,
        &s.auth_user("ada@example.com").await,
        "policy",
        "write",
        "",
    )
    .await
    .unwrap();
    let api = reqwest::Client::new();
    let url = s.url("/api/v1/projects/shop/exception-policy");
    let got: serde_json::Value = api
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["group_id"].to_string(), security);
    assert_eq!(got["max_days"], 30);
    let res = api
        .put(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({"accepted_risk": true, "not_applicable": false, "max_days": 30, "group_id": 424242}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = api
        .put(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({"accepted_risk": true, "not_applicable": true, "max_days": 45, "group_id": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let got: serde_json::Value = res.json().await.unwrap();
    assert!(got["group_id"].is_null());
    assert_eq!(got["not_applicable"], true);
    assert_eq!(overview(&sam).await, 404);

    // Deleting the approving group gives the exceptions back to the owners.
    s.call_ok(
        &shop.c,
        "set_exception_policy",
        &[
            ("slug", "shop"),
            ("accepted_risk", "on"),
            ("max_days", "30"),
            ("group_id", &security),
        ],
    )
    .await;
    s.call_ok(&shop.c, "delete_reviewer_group", &[("id", &security)])
        .await;
    let policy = s
        .get_json(&carol, "/rpc/get_exception_policy?slug=shop")
        .await;
    assert!(policy["group_id"].is_null());
    assert_eq!(policy["accepted_risk"], true);
}
