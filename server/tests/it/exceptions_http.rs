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
