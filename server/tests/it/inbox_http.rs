//! The inbox over HTTP: who hears of what (never the person who did it), the header's count,
//! marking read (one's own only), and keeping 90 days.

use sea_orm::EntityTrait;

use crate::support::TestServer;

/// Ada (owner) and Bob (editor) in Ada's team, a project `shop` with one item: (Ada, Bob,
/// Bob's user id, the item's id).
async fn shop(s: &TestServer) -> (reqwest::Client, reqwest::Client, String, String) {
    let (ada, team) = s.admin_with_team().await;
    s.call_ok(
        &ada,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let bob = s.member(&ada, &team, "bob@example.com", "editor").await;
    let bob_id = s.auth_user("bob@example.com").await.id.to_string();
    let res = s
        .call(
            &ada,
            "create_category",
            &[("slug", "shop"), ("name", "Ops")],
        )
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    let res = s
        .call(
            &ada,
            "create_item",
            &[
                ("category_id", &category),
                ("title", "Backups <restored>"),
                ("priority", "high"),
            ],
        )
        .await;
    let item = res.json::<i32>().await.unwrap().to_string();
    (ada, bob, bob_id, item)
}

async fn inbox(s: &TestServer, c: &reqwest::Client) -> serde_json::Value {
    s.get_json(c, "/rpc/get_inbox").await
}

fn texts(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn people_hear_of_changes_to_their_items_but_never_of_their_own() {
    let s = TestServer::start().await;
    let (ada, bob, bob_id, item) = shop(&s).await;

    // Ada assigns the item to Bob, then sets its status, then comments.
    s.call_ok(
        &ada,
        "set_item_assignee",
        &[("item_id", &item), ("version", "1"), ("assignee", &bob_id)],
    )
    .await;
    s.call_ok(
        &ada,
        "set_item_status",
        &[
            ("item_id", &item),
            ("version", "2"),
            ("status", "in_progress"),
        ],
    )
    .await;
    s.call_ok(
        &ada,
        "add_comment",
        &[("item_id", &item), ("body", "Any news?")],
    )
    .await;
    // Bob's own comment and status change tell Ada, who created the item (and so watches it),
    // and not Bob.
    s.call_ok(
        &bob,
        "add_comment",
        &[("item_id", &item), ("body", "Working on it")],
    )
    .await;
    s.call_ok(
        &bob,
        "set_item_status",
        &[("item_id", &item), ("version", "3"), ("status", "done")],
    )
    .await;

    let v = inbox(&s, &bob).await;
    assert_eq!(
        texts(&v),
        [
            "Ada Admin commented on “Backups <restored>” in Shop.",
            "Ada Admin set “Backups <restored>” in Shop to In progress.",
            "Ada Admin assigned you “Backups <restored>” in Shop.",
        ],
        "newest first"
    );
    assert_eq!(v["unread"], 3);
    assert_eq!(v["items"][0]["link"], format!("/p/shop/items/{item}"));
    let ada_heard = inbox(&s, &ada).await;
    let kinds: Vec<&str> = ada_heard["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["status_changed", "commented"], "only Bob's doing");

    // The header counts them; the page lists them, escaped.
    let info = s.get_json(&bob, "/rpc/session_info").await;
    assert_eq!(info["unread"], 3);
    let page = s.page(&bob, "/inbox").await.text().await.unwrap();
    assert!(page.contains(r#"aria-label="Inbox, 3 unread""#), "{page}");
    assert!(page.contains("assigned you “Backups &lt;restored&gt;” in Shop."));
    assert!(!page.contains("<restored>"));

    // Marking read: one (twice is fine), then all that are left.
    let first = v["items"][2]["id"].to_string();
    s.call_ok(&bob, "mark_notification_read", &[("read", &first)])
        .await;
    s.call_ok(&bob, "mark_notification_read", &[("read", &first)])
        .await;
    assert_eq!(inbox(&s, &bob).await["unread"], 2);
    // Not Ada's to mark, nor a number that is no notification.
    let res = s
        .call(&ada, "mark_notification_read", &[("read", &first)])
        .await;
    assert_eq!(res.status(), 404);
    let res = s
        .call(&bob, "mark_notification_read", &[("read", "x")])
        .await;
    assert_eq!(res.status(), 400);
    let res = s.call(&bob, "mark_all_notifications_read", &[]).await;
    assert_eq!(res.json::<u64>().await.unwrap(), 2);
    let v = inbox(&s, &bob).await;
    assert_eq!(v["unread"], 0);
    assert_eq!(texts(&v).len(), 3, "read ones stay listed");
    let page = s.page(&bob, "/inbox").await.text().await.unwrap();
    assert!(page.contains(r#"aria-label="Inbox""#) && page.contains("Nothing unread."));
}

#[tokio::test]
async fn a_bulk_assignment_tells_each_new_assignee_and_old_notifications_go() {
    let s = TestServer::start().await;
    let (ada, bob, bob_id, item) = shop(&s).await;
    let pair = format!("{item}:1");
    s.call_ok(
        &ada,
        "bulk_update_items",
        &[("slug", "shop"), ("items[]", &pair), ("assignee", &bob_id)],
    )
    .await;
    assert_eq!(
        texts(&inbox(&s, &bob).await),
        ["Ada Admin assigned you “Backups <restored>” in Shop."]
    );

    // Kept 90 days: the hourly cleanup removes older ones.
    let now = chrono::Utc::now();
    let kept = app::inbox::service::purge(&s.db, now + chrono::Duration::days(89))
        .await
        .unwrap();
    assert_eq!(kept, 0);
    let gone = app::inbox::service::purge(&s.db, now + chrono::Duration::days(91))
        .await
        .unwrap();
    assert_eq!(gone, 1);
    assert!(texts(&inbox(&s, &bob).await).is_empty());

    // Signed out: no inbox.
    let res = crate::support::read(s.client().get(s.url("/rpc/get_inbox"))).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn the_rest_api_reads_and_marks_the_token_owners_inbox() {
    let s = TestServer::start().await;
    let (ada, _bob, bob_id, item) = shop(&s).await;
    s.call_ok(
        &ada,
        "set_item_assignee",
        &[("item_id", &item), ("version", "1"), ("assignee", &bob_id)],
    )
    .await;
    let bob = s.auth_user("bob@example.com").await;
    let token = |scope: &'static str| {
        let (db, bob) = (s.db.clone(), bob.clone());
        async move {
            app::account::tokens::create(&db, &bob, "inbox", scope, "")
                .await
                .unwrap()
        }
    };
    let (read, write) = (token("read").await, token("write").await);
    let c = reqwest::Client::new();
    let api = |path: &str| s.url(&format!("/api/v1{path}"));

    let v: serde_json::Value = c
        .get(api("/me/notifications"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["unread"], 1);
    assert_eq!(
        texts(&v),
        ["Ada Admin assigned you “Backups <restored>” in Shop."]
    );
    let id = v["items"][0]["id"].as_i64().unwrap();

    // Marking is a write: a read-only token may not.
    let res = c
        .post(api(&format!("/me/notifications/{id}/read")))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = c
        .post(api(&format!("/me/notifications/{id}/read")))
        .bearer_auth(&write)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = c
        .post(api("/me/notifications/read"))
        .bearer_auth(&write)
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["marked"], 0);
    let res = c
        .get(api("/me/notifications?before=x"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a cursor that is no number");
}

#[tokio::test]
async fn a_comment_tells_the_members_it_mentions_once_and_nobody_outside_the_team() {
    let s = TestServer::start().await;
    let (ada, bob, bob_id, item) = shop(&s).await;
    let team = app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let carol = s
        .member(&ada, &team, "carol.smith@example.com", "viewer")
        .await;
    s.add_user("dave@example.com", false).await; // not in the team
    s.call_ok(
        &ada,
        "set_item_assignee",
        &[("item_id", &item), ("version", "1"), ("assignee", &bob_id)],
    )
    .await;
    s.call_ok(
        &ada,
        "add_comment",
        &[
            ("item_id", &item),
            (
                "body",
                "@Bob please check, cc @carol.smith and @dave. Not bob@example.com; @ada",
            ),
        ],
    )
    .await;
    // Bob is mentioned and holds the item: one notification for the comment, not two.
    assert_eq!(
        texts(&inbox(&s, &bob).await),
        [
            "Ada Admin mentioned you on “Backups <restored>” in Shop.",
            "Ada Admin assigned you “Backups <restored>” in Shop.",
        ]
    );
    assert_eq!(
        texts(&inbox(&s, &carol).await),
        ["Ada Admin mentioned you on “Backups <restored>” in Shop."]
    );
    let dave = s.client();
    s.login(&dave, "dave@example.com", crate::support::PASSWORD)
        .await;
    assert!(
        texts(&inbox(&s, &dave).await).is_empty(),
        "not in the project's team"
    );
    assert!(
        texts(&inbox(&s, &ada).await).is_empty(),
        "not for mentioning oneself"
    );
}
