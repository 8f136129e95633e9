//! Team webhooks against real HTTP receivers started here on 127.0.0.1: signatures checked
//! with the secret (by this test's own HMAC), retries until the receiver answers, the delivery
//! log, "send again", a receiver that hangs, the Slack body, and the private-address guard.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use app::{entities::webhooks, state::AppSettings, webhooks::deliver::Deliverer};
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::{
    mail::{make_due, shop},
    support::TestServer,
};

/// What a receiver saw: each request's `webhook-id`, whether its signature checked out, and
/// its body.
#[derive(Clone, Default)]
struct Seen {
    secret: Arc<Mutex<String>>,
    requests: Arc<Mutex<Vec<(String, bool, serde_json::Value)>>>,
}

impl Seen {
    fn all(&self) -> Vec<(String, bool, serde_json::Value)> {
        self.requests.lock().unwrap().clone()
    }
}

/// Verifies like a receiver following the Standard Webhooks specification would.
fn verify(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{body}", h("webhook-id"), h("webhook-timestamp")).as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let fresh = h("webhook-timestamp")
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 300);
    fresh
        && h("webhook-signature")
            .split(' ')
            .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

/// A receiver on a free loopback port: `/flaky` answers 500 twice then 200, `/ok` 200, `/hang`
/// never answers in time.
async fn receiver() -> (String, Seen) {
    fn record(seen: &Seen, headers: &HeaderMap, body: &str) -> usize {
        let secret = seen.secret.lock().unwrap().clone();
        let ok = verify(&secret, headers, body);
        let id = headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let mut all = seen.requests.lock().unwrap();
        all.push((id, ok, serde_json::from_str(body).unwrap_or_default()));
        all.len()
    }
    let seen = Seen::default();
    let app = Router::new()
        .route(
            "/flaky",
            post(
                |State(seen): State<Seen>, headers: HeaderMap, body: String| async move {
                    if record(&seen, &headers, &body) <= 2 {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                },
            ),
        )
        .route(
            "/ok",
            post(
                |State(seen): State<Seen>, headers: HeaderMap, body: String| async move {
                    record(&seen, &headers, &body);
                    StatusCode::NO_CONTENT
                },
            ),
        )
        .route(
            "/hang",
            post(
                |State(seen): State<Seen>, headers: HeaderMap, body: String| async move {
                    record(&seen, &headers, &body);
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    StatusCode::OK
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

fn allowing() -> AppSettings {
    AppSettings {
        webhook_allow_private: true,
        ..AppSettings::default()
    }
}

async fn run(s: &TestServer, deliverer: &Deliverer) -> usize {
    let out = preflight_server::background::Outbound {
        webhooks: deliverer.clone(),
        ..Default::default()
    };
    preflight_server::background::worker(&s.db, Default::default(), out)
        .run_due()
        .await
        .unwrap()
}

async fn team_id(s: &TestServer) -> String {
    app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn add_webhook(
    s: &TestServer,
    by: &reqwest::Client,
    url: &str,
    format: &str,
) -> (String, String) {
    let team = team_id(s).await;
    let res = s
        .call(
            by,
            "create_webhook",
            &[
                ("team_id", &team),
                ("url", url),
                ("events[]", "item.status_changed"),
                ("events[]", "item.commented"),
                ("format", format),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let made: serde_json::Value = res.json().await.unwrap();
    (
        made["id"].to_string(),
        made["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_delivery_is_signed_retried_until_the_receiver_answers_logged_and_sent_again() {
    let (hooks_at, seen) = receiver().await;
    let s = TestServer::start_with(allowing()).await;
    let (ada, _bob, _, items) = shop(&s, &["Backups"]).await;
    let (_, secret) = add_webhook(&s, &ada, &format!("{hooks_at}/flaky"), "standard").await;
    *seen.secret.lock().unwrap() = secret.clone();
    assert!(secret.starts_with("whsec_"));
    let deliverer = Deliverer::new(Some(s.base.clone()), true, Duration::from_secs(5)).unwrap();

    s.call_ok(
        &ada,
        "set_item_status",
        &[
            ("item_id", &items[0]),
            ("version", "1"),
            ("status", "in_progress"),
        ],
    )
    .await;
    for _ in 0..4 {
        run(&s, &deliverer).await;
        make_due(&s).await;
    }
    let got = seen.all();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|(_, valid, _)| *valid),
        "every attempt signed"
    );
    assert!(
        got.iter()
            .all(|(id, _, _)| *id == got[0].0 && id.starts_with("msg_"))
    );
    let body = &got[2].2;
    assert_eq!(body["type"], "item.status_changed");
    assert_eq!(body["data"]["item"]["title"], "Backups");
    assert_eq!(body["data"]["item"]["status"], "in_progress");
    assert_eq!(
        body["data"]["url"],
        format!("{}/p/shop/items/{}", s.base, items[0])
    );

    let team = team_id(&s).await;
    let list = s
        .get_json(&ada, &format!("/rpc/list_webhooks?team_id={team}"))
        .await;
    let delivery = &list[0]["deliveries"][0];
    assert_eq!(delivery["state"], "delivered");
    let attempts: Vec<(bool, i64)> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["ok"].as_bool().unwrap(),
                a["status_code"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(attempts, [(false, 500), (false, 500), (true, 200)]);
    assert!(
        !list.to_string().contains(&secret),
        "the secret is never listed"
    );

    // Send again: the same message id, one more attempt.
    let message = delivery["id"].to_string();
    s.call_ok(&ada, "send_webhook_again", &[("again", &message)])
        .await;
    run(&s, &deliverer).await;
    let got = seen.all();
    assert_eq!((got.len(), got[3].0 == got[0].0, got[3].1), (4, true, true));
    let list = s
        .get_json(&ada, &format!("/rpc/list_webhooks?team_id={team}"))
        .await;
    assert_eq!(
        list[0]["deliveries"][0]["attempts"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn a_receiver_that_hangs_is_cut_at_the_timeout_and_the_attempt_logged() {
    let (hooks_at, seen) = receiver().await;
    let s = TestServer::start_with(allowing()).await;
    let (ada, _bob, _, items) = shop(&s, &["Backups"]).await;
    add_webhook(&s, &ada, &format!("{hooks_at}/hang"), "standard").await;
    let deliverer = Deliverer::new(None, true, Duration::from_secs(1)).unwrap();
    s.call_ok(
        &ada,
        "add_comment",
        &[("item_id", &items[0]), ("body", "Done?")],
    )
    .await;
    let started = std::time::Instant::now();
    run(&s, &deliverer).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen.all().len(), 1);
    let team = team_id(&s).await;
    let list = s
        .get_json(&ada, &format!("/rpc/list_webhooks?team_id={team}"))
        .await;
    let attempt = &list[0]["deliveries"][0]["attempts"][0];
    assert_eq!(attempt["ok"], false);
    assert!(attempt["status_code"].is_null());
    assert!(
        attempt["error"]
            .as_str()
            .unwrap()
            .contains("no answer within 1 s"),
        "{attempt}"
    );
    assert_eq!(
        list[0]["deliveries"][0]["state"], "pending",
        "retried later"
    );
}

#[tokio::test]
async fn the_slack_format_posts_text_that_links_to_the_item() {
    let (hooks_at, seen) = receiver().await;
    let s = TestServer::start_with(allowing()).await;
    let (ada, _bob, _, items) = shop(&s, &["Backups"]).await;
    let (_, secret) = add_webhook(&s, &ada, &format!("{hooks_at}/ok"), "slack").await;
    *seen.secret.lock().unwrap() = secret;
    let deliverer = Deliverer::new(Some(s.base.clone()), true, Duration::from_secs(5)).unwrap();
    s.call_ok(
        &ada,
        "set_item_status",
        &[
            ("item_id", &items[0]),
            ("version", "1"),
            ("status", "in_progress"),
        ],
    )
    .await;
    run(&s, &deliverer).await;
    let got = seen.all();
    assert_eq!(got.len(), 1);
    let body = got[0].2.as_object().unwrap();
    assert_eq!(body.len(), 1, "only text: {body:?}");
    assert_eq!(
        body["text"],
        format!(
            "Ada Admin set “Backups” in Shop to In progress. <{}/p/shop/items/{}|Open in Preflight>",
            s.base, items[0]
        )
    );
}

#[tokio::test]
async fn private_addresses_are_refused_when_saved_and_when_sending_unless_allowed() {
    let (hooks_at, seen) = receiver().await;
    let s = TestServer::start().await;
    let (ada, bob, _, items) = shop(&s, &["Backups"]).await;
    let team = team_id(&s).await;
    for (url, says) in [
        (
            format!("{hooks_at}/ok"),
            "private or loopback address (127.0.0.1)",
        ),
        ("http://localhost:9/x".to_owned(), "private or loopback"),
        ("http://[::1]:9/x".to_owned(), "private or loopback"),
        (
            "http://10.0.0.1/x".to_owned(),
            "PREFLIGHT_WEBHOOK_ALLOW_PRIVATE",
        ),
        ("ftp://example.com/x".to_owned(), "http:// or https://"),
        ("not a url".to_owned(), "full URL"),
    ] {
        let res = s
            .call(
                &ada,
                "create_webhook",
                &[
                    ("team_id", &team),
                    ("url", &url),
                    ("events[]", "item.assigned"),
                    ("format", "standard"),
                ],
            )
            .await;
        let (status, body) = crate::support::error_kind(res).await;
        assert_eq!(status, 422, "{url}");
        assert!(body.to_string().contains(says), "{url}: {body}");
    }
    let res = s
        .call(
            &ada,
            "create_webhook",
            &[
                ("team_id", &team),
                ("url", "https://example.com/"),
                ("format", "standard"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "no event chosen");
    let res = s
        .call(
            &bob,
            "create_webhook",
            &[
                ("team_id", &team),
                ("url", "https://example.com/"),
                ("events[]", "item.assigned"),
                ("format", "standard"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403, "editors do not manage webhooks");
    assert!(
        webhooks::Entity::find()
            .all(&s.db)
            .await
            .unwrap()
            .is_empty()
    );

    // A webhook saved while private addresses were allowed is not posted to once they are not.
    webhooks::ActiveModel {
        team_id: Set(team.parse().unwrap()),
        url: Set(format!("{hooks_at}/ok")),
        secret: Set("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
        events: Set("item.commented".into()),
        format: Set("standard".into()),
        active: Set(true),
        created_by: Set(None),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&s.db)
    .await
    .unwrap();
    s.call_ok(
        &ada,
        "add_comment",
        &[("item_id", &items[0]), ("body", "Hi")],
    )
    .await;
    let strict = Deliverer::new(None, false, Duration::from_secs(5)).unwrap();
    run(&s, &strict).await;
    assert!(seen.all().is_empty(), "nothing reached the receiver");
    let list = s
        .get_json(&ada, &format!("/rpc/list_webhooks?team_id={team}"))
        .await;
    let error = list[0]["deliveries"][0]["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(error.contains("private or loopback"), "{error}");
}

#[tokio::test]
async fn owners_manage_webhooks_through_the_rest_api() {
    let (hooks_at, seen) = receiver().await;
    let s = TestServer::start_with(allowing()).await;
    let (_ada, _bob, _, items) = shop(&s, &["Backups"]).await;
    let team = team_id(&s).await;
    let owner = s.auth_user("ada@example.com").await;
    let editor = s.auth_user("bob@example.com").await;
    let token = app::account::tokens::create(&s.db, &owner, "ci", "write", "")
        .await
        .unwrap();
    let bobs = app::account::tokens::create(&s.db, &editor, "ci", "write", "")
        .await
        .unwrap();
    let api = |path: &str| s.url(&format!("/api/v1{path}"));
    let c = s.client();
    let body = serde_json::json!({ "url": format!("{hooks_at}/ok"), "events": ["item.commented"] });
    let res = c
        .post(api(&format!("/teams/{team}/webhooks")))
        .bearer_auth(&bobs)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "an editor");
    let res = c
        .post(api(&format!("/teams/{team}/webhooks")))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "url": "https://example.com/x", "events": ["item.nope"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = c
        .post(api(&format!("/teams/{team}/webhooks")))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let made: serde_json::Value = res.json().await.unwrap();
    *seen.secret.lock().unwrap() = made["secret"].as_str().unwrap().to_owned();

    let ada = s.client();
    s.login(&ada, "ada@example.com", crate::support::PASSWORD)
        .await;
    s.call_ok(
        &ada,
        "add_comment",
        &[("item_id", &items[0]), ("body", "Ready?")],
    )
    .await;
    let deliverer = Deliverer::new(None, true, Duration::from_secs(5)).unwrap();
    run(&s, &deliverer).await;
    let got = seen.all();
    assert_eq!(got.len(), 1);
    assert!(got[0].1, "signed with the secret the API gave");
    assert_eq!(got[0].2["type"], "item.commented");

    let list: serde_json::Value = c
        .get(api(&format!("/teams/{team}/webhooks")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["deliveries"][0]["state"], "delivered");
    assert!(list[0].get("secret").is_none());
    let delivery = list[0]["deliveries"][0]["id"].to_string();
    let res = c
        .post(api(&format!("/webhooks/deliveries/{delivery}/send-again")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    run(&s, &deliverer).await;
    assert_eq!(seen.all().len(), 2);
    let res = c
        .delete(api(&format!("/webhooks/{}", made["id"])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(
        webhooks::Entity::find()
            .all(&s.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn watchers_and_webhooks_hear_once_of_a_new_verdict_and_of_reviews() {
    let (hooks_at, seen) = receiver().await;
    let s = TestServer::start_with(allowing()).await;
    let (ada, team) = s.admin_with_team().await;
    s.call_ok(
        &ada,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let carol = s.member(&ada, &team, "carol@example.com", "viewer").await;
    s.call_ok(&carol, "set_watch", &[("slug", "shop"), ("watch", "watch")])
        .await;
    let res = s
        .call(
            &ada,
            "create_category",
            &[("slug", "shop"), ("name", "Ops")],
        )
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    let team_id = team.clone();
    let res = s
        .call(
            &ada,
            "create_webhook",
            &[
                ("team_id", &team_id),
                ("url", &format!("{hooks_at}/ok")),
                ("events[]", "project.verdict_changed"),
                ("events[]", "review.finalized"),
                ("format", "standard"),
            ],
        )
        .await;
    let made: serde_json::Value = res.json().await.unwrap();
    *seen.secret.lock().unwrap() = made["secret"].as_str().unwrap().to_owned();
    let deliverer = Deliverer::new(None, true, Duration::from_secs(5)).unwrap();
    let res = s
        .call(
            &ada,
            "create_item",
            &[
                ("category_id", &category),
                ("title", "Backups"),
                ("priority", "critical"),
            ],
        )
        .await;
    let item = res.json::<i32>().await.unwrap().to_string();
    // The first check only records the verdict (not ready: a blocking item is open). (Run
    // here at once; queued, it would wait for the end of its 10 s window, which also covers
    // the next change.)
    let shop_id = app::entities::projects::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = chrono::Utc::now().date_naive();
    let told = app::inbox::verdict::check(&s.db, shop_id, today)
        .await
        .unwrap();
    assert_eq!(told, None);
    app::entities::jobs::Entity::delete_many()
        .exec(&s.db)
        .await
        .unwrap();
    let shop = app::entities::projects::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shop.last_verdict.as_deref(), Some("not_ready"));
    let kinds = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(kinds(s.get_json(&carol, "/rpc/get_inbox").await).is_empty());

    s.call_ok(
        &ada,
        "set_item_status",
        &[("item_id", &item), ("version", "1"), ("status", "done")],
    )
    .await;
    for _ in 0..2 {
        make_due(&s).await;
        run(&s, &deliverer).await;
    }
    let inbox = s.get_json(&carol, "/rpc/get_inbox").await;
    assert_eq!(kinds(inbox.clone()), ["verdict_changed", "status_changed"]);
    assert!(
        inbox["items"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Shop is now Ready (was Not ready)"),
        "{inbox}"
    );
    let got = seen.all();
    assert_eq!(got.len(), 1, "one event however many checks ran");
    assert_eq!(got[0].2["type"], "project.verdict_changed");
    assert_eq!(got[0].2["data"]["verdict"]["to"], "ready");

    // A review is finalized, then signed: Carol hears of both; the webhook asked for one.
    let res = s
        .call(
            &ada,
            "create_review",
            &[
                ("slug", "shop"),
                ("title", "Launch review"),
                ("version_label", "v1"),
            ],
        )
        .await;
    let review = res.json::<i32>().await.unwrap().to_string();
    s.call_ok(
        &ada,
        "finalize_review",
        &[("review_id", &review), ("version", "1")],
    )
    .await;
    s.call_ok(
        &ada,
        "sign_review",
        &[("review_id", &review), ("comment", "Go")],
    )
    .await;
    make_due(&s).await;
    run(&s, &deliverer).await;
    let inbox = s.get_json(&carol, "/rpc/get_inbox").await;
    assert_eq!(
        kinds(inbox.clone()),
        ["review", "review", "verdict_changed", "status_changed"]
    );
    assert!(
        inbox["items"][0]["text"]
            .as_str()
            .unwrap()
            .contains("signed off review v1 of Shop")
    );
    assert!(
        inbox["items"][1]["text"]
            .as_str()
            .unwrap()
            .contains("finalized review v1 of Shop: Ready")
    );
    let got = seen.all();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].2["type"], "review.finalized");
    assert!(got.iter().all(|(_, valid, _)| *valid));
    assert!(
        kinds(s.get_json(&ada, "/rpc/get_inbox").await).is_empty(),
        "Ada did it"
    );
}
