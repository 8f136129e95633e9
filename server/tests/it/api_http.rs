//! The REST API over HTTP with real tokens: each resource's happy path, validation errors as
//! problem details, stale versions and ETags, other teams' projects, viewer and read-only
//! tokens, revoked and expired tokens, session cookies, pagination, rate limits and the
//! OpenAPI document.

use app::{
    account::tokens,
    state::AppSettings,
    teams::{model::TeamRole, service as teams},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::{Value, json};

use crate::support::TestServer;

/// An API answer: status, headers and JSON body (`Null` when not JSON).
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The message of the problem's error on `field`.
    fn field_error(&self, field: &str) -> Option<String> {
        self.body["errors"]
            .as_array()?
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["message"].as_str().unwrap_or("").to_owned())
    }
}

async fn call(
    s: &TestServer,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut req = reqwest::Client::new().request(method, s.url(&format!("/api/v1{path}")));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(s: &TestServer, token: &str, path: &str) -> Answer {
    call(s, Some(token), Method::GET, path, None, &[]).await
}

async fn send(s: &TestServer, token: &str, method: Method, path: &str, body: Value) -> Answer {
    call(s, Some(token), method, path, Some(body), &[]).await
}

async fn post(s: &TestServer, token: &str, path: &str, body: Value) -> Answer {
    send(s, token, Method::POST, path, body).await
}

async fn patch(s: &TestServer, token: &str, path: &str, body: Value) -> Answer {
    send(s, token, Method::PATCH, path, body).await
}

/// A project with one category and one item in it, made over the API; (category, item) ids.
async fn project_with_item(
    s: &TestServer,
    t: &str,
    team: i32,
    (project, category, item): (&str, &str, Value),
) -> (i64, i64) {
    let p = post(s, t, "/projects", json!({"name": project, "team_id": team})).await;
    let slug = p.body["slug"].as_str().unwrap();
    let c = post(
        s,
        t,
        &format!("/projects/{slug}/categories"),
        json!({"name": category}),
    )
    .await;
    let cat = c.body["id"].as_i64().unwrap();
    let i = post(s, t, &format!("/categories/{cat}/items"), item).await;
    (cat, i.body["id"].as_i64().unwrap())
}

async fn token_for(s: &TestServer, email: &str, scope: &str) -> String {
    let user = s.auth_user(email).await;
    tokens::create(&s.db, &user, "test", scope, "")
        .await
        .unwrap()
}

/// Ada (admin, owner of team "Platform") with a write token, and the team id.
async fn ada(s: &TestServer) -> (String, i32) {
    let (_, team) = s.admin_with_team().await;
    (
        token_for(s, "ada@example.com", "write").await,
        team.parse().unwrap(),
    )
}

fn is_problem(a: &Answer, status: u16) -> bool {
    a.status.as_u16() == status
        && a.header("content-type") == "application/problem+json"
        && a.body["status"] == status
        && a.body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/api/v1/docs#problem-"))
}

#[tokio::test]
async fn projects_categories_items_and_comments_round_trip() {
    let s = TestServer::start().await;
    let (t, team) = ada(&s).await;

    let me = get(&s, &t, "/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "ada@example.com");
    assert_eq!(me.body["scope"], "write");

    // Projects: create (201 + Location), invalid input (422 on the field, nothing made).
    let p = post(
        &s,
        &t,
        "/projects",
        json!({"name": "Payments API", "team_id": team}),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(p.header("location"), "/api/v1/projects/payments-api");
    assert_eq!(p.body["slug"], "payments-api");
    let bad = post(&s, &t, "/projects", json!({"name": " ", "team_id": team})).await;
    assert!(is_problem(&bad, 422), "{}", bad.body);
    assert!(bad.field_error("name").is_some(), "{}", bad.body);
    let wrong_type = post(&s, &t, "/projects", json!({"name": "X", "team_id": "one"})).await;
    assert!(is_problem(&wrong_type, 422), "{}", wrong_type.body);
    assert!(
        wrong_type.field_error("team_id").is_some(),
        "{}",
        wrong_type.body
    );
    let missing_team = post(
        &s,
        &t,
        "/projects",
        json!({"name": "X", "team_id": 999_999}),
    )
    .await;
    assert!(is_problem(&missing_team, 404), "{}", missing_team.body);
    assert_eq!(
        app::entities::projects::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        1
    );
    let not_json = call(
        &s,
        Some(&t),
        Method::POST,
        "/projects",
        None,
        &[("content-type", "text/plain")],
    )
    .await;
    assert!(is_problem(&not_json, 415), "{}", not_json.body);

    let patched = patch(
        &s,
        &t,
        "/projects/payments-api",
        json!({"version": 1, "threshold": 80}),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["threshold"], 80);
    assert_eq!(patched.body["version"], 2);
    assert_eq!(
        patched.body["name"], "Payments API",
        "fields left out keep their values"
    );
    // A change based on the version before that one would undo it: refused, nothing written.
    let stale = patch(
        &s,
        &t,
        "/projects/payments-api",
        json!({"version": 1, "threshold": 50, "description": "Old copy"}),
    )
    .await;
    assert!(is_problem(&stale, 409), "{}", stale.body);
    let now = get(&s, &t, "/projects/payments-api").await;
    assert_eq!(now.body["threshold"], 80, "{}", now.body);
    assert_eq!(now.body["description"], "", "{}", now.body);
    let unversioned = patch(&s, &t, "/projects/payments-api", json!({"threshold": 70})).await;
    assert_eq!(unversioned.status, 422, "{}", unversioned.body);
    let bad = patch(
        &s,
        &t,
        "/projects/payments-api",
        json!({"version": 2, "threshold": 101}),
    )
    .await;
    assert!(bad.field_error("threshold").is_some(), "{}", bad.body);

    // Categories.
    let c = post(
        &s,
        &t,
        "/projects/payments-api/categories",
        json!({"name": "Security", "weight": 3}),
    )
    .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let cat = c.body["id"].as_i64().unwrap();
    assert_eq!(c.body["weight"], 3);
    let bad = post(
        &s,
        &t,
        "/projects/payments-api/categories",
        json!({"name": "X", "weight": 500}),
    )
    .await;
    assert!(bad.field_error("weight").is_some(), "{}", bad.body);
    let scored = patch(
        &s,
        &t,
        &format!("/categories/{cat}"),
        json!({"version": 1, "assessor_score": 70}),
    )
    .await;
    assert_eq!(scored.status, 200, "{}", scored.body);
    assert_eq!(scored.body["assessor_score"], 70);
    assert_eq!(scored.body["name"], "Security");
    let stale = patch(
        &s,
        &t,
        &format!("/categories/{cat}"),
        json!({"version": 1, "assessor_score": null}),
    )
    .await;
    assert!(is_problem(&stale, 409), "{}", stale.body);

    // Items: create with an ETag; validation names the API's fields.
    let i = post(&s, &t, &format!("/categories/{cat}/items"),
        json!({"title": "Load test passed", "priority": "critical", "due_date": "2026-12-31", "effort_hours": 4.5})).await;
    assert_eq!(i.status, 201, "{}", i.body);
    let id = i.body["id"].as_i64().unwrap();
    assert_eq!(i.header("etag"), "\"1\"");
    assert_eq!(i.header("location"), format!("/api/v1/items/{id}"));
    assert_eq!(i.body["blocking"], true, "critical items block by default");
    for (body, field) in [
        (json!({"title": ""}), "title"),
        (json!({"title": "X", "due_date": "2026-13-01"}), "due_date"),
        (json!({"title": "X", "assignee_id": 424242}), "assignee_id"),
        (json!({"title": "X", "priority": "urgent"}), "priority"),
        (json!({"title": "X", "colour": "red"}), "colour"),
    ] {
        let bad = post(&s, &t, &format!("/categories/{cat}/items"), body.clone()).await;
        assert!(is_problem(&bad, 422), "{body}: {}", bad.body);
        assert!(bad.field_error(field).is_some(), "{body}: {}", bad.body);
    }
    assert_eq!(
        app::entities::items::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        1
    );
    let got = get(&s, &t, &format!("/items/{id}")).await;
    assert_eq!(got.header("etag"), "\"1\"");
    assert_eq!(got.body["title"], "Load test passed");

    // Updates need a version: none → 428, stale body version → 409, stale ETag → 412.
    let path = format!("/items/{id}");
    let none = patch(&s, &t, &path, json!({"title": "Renamed"})).await;
    assert!(is_problem(&none, 428), "{}", none.body);
    let ok = call(
        &s,
        Some(&t),
        Method::PATCH,
        &path,
        Some(json!({"title": "Renamed"})),
        &[("if-match", "\"1\"")],
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.header("etag"), "\"2\"");
    let stale = call(
        &s,
        Some(&t),
        Method::PATCH,
        &path,
        Some(json!({"title": "Lost"})),
        &[("if-match", "\"1\"")],
    )
    .await;
    assert!(is_problem(&stale, 412), "{}", stale.body);
    let stale = patch(&s, &t, &path, json!({"version": 1, "title": "Lost"})).await;
    assert!(is_problem(&stale, 409), "{}", stale.body);
    let cleared = patch(&s, &t, &path, json!({"version": 2, "due_date": null})).await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert!(cleared.body["due_date"].is_null());
    assert_eq!(
        cleared.body["effort_hours"], 4.5,
        "left-out fields keep their values"
    );
    assert_eq!(get(&s, &t, &path).await.body["title"], "Renamed");

    // Status with evidence in one call, as CI does it (no version: the current one).
    let bad = post(
        &s,
        &t,
        &format!("{path}/status"),
        json!({"status": "done", "evidence_url": "ftp://x"}),
    )
    .await;
    assert!(bad.field_error("evidence_url").is_some(), "{}", bad.body);
    let done = post(
        &s,
        &t,
        &format!("{path}/status"),
        json!({"status": "done", "evidence_url": "https://ci.example.com/runs/42"}),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["status"], "done");
    assert_eq!(done.body["evidence_url"], "https://ci.example.com/runs/42");

    // Lists: filters as on the checklist page; pages in a stable order.
    for n in 0..4 {
        post(
            &s,
            &t,
            &format!("/categories/{cat}/items"),
            json!({"title": format!("Gap {n}")}),
        )
        .await;
    }
    let done_only = get(&s, &t, "/projects/payments-api/items?status=done").await;
    assert_eq!(done_only.body["total"], 1);
    let p1 = get(&s, &t, "/projects/payments-api/items?per_page=2").await;
    assert_eq!(
        (p1.body["total"].as_i64(), p1.body["next_page"].as_i64()),
        (Some(5), Some(2))
    );
    let p3 = get(&s, &t, "/projects/payments-api/items?per_page=2&page=3").await;
    assert_eq!(p3.body["data"].as_array().unwrap().len(), 1);
    assert!(p3.body["next_page"].is_null());
    assert_eq!(p3.body["data"][0]["title"], "Gap 3");
    let bad = get(&s, &t, "/projects/payments-api/items?per_page=500").await;
    assert!(bad.field_error("per_page").is_some(), "{}", bad.body);
    let bad = get(&s, &t, "/projects/payments-api/items?status=finished").await;
    assert!(is_problem(&bad, 400), "{}", bad.body);
    let cats = get(&s, &t, "/projects/payments-api/categories").await;
    assert_eq!(cats.body[0]["counts"]["done"], 1, "{}", cats.body);

    // Comments.
    let cm = post(
        &s,
        &t,
        &format!("{path}/comments"),
        json!({"body": "Ran **k6** at 2k rps"}),
    )
    .await;
    assert_eq!(cm.status, 201, "{}", cm.body);
    assert!(
        cm.body["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>k6</strong>")
    );
    let bad = post(&s, &t, &format!("{path}/comments"), json!({"body": "  "})).await;
    assert!(bad.field_error("body").is_some(), "{}", bad.body);
    let list = get(&s, &t, &format!("{path}/comments")).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);

    // Delete.
    let gone = call(&s, Some(&t), Method::DELETE, &path, None, &[]).await;
    assert_eq!(gone.status, 204);
    assert!(is_problem(&get(&s, &t, &path).await, 404));

    // Every change went through the services: audited like the UI's.
    let trail = s.audit_trail().await;
    assert!(
        trail.contains(&("item".into(), "created".into())),
        "{trail:?}"
    );
    assert!(
        trail.iter().filter(|(e, _)| e == "item").count() >= 5,
        "{trail:?}"
    );
}

#[tokio::test]
async fn tokens_roles_and_teams_decide_like_the_ui() {
    let s = TestServer::start().await;
    let (t, team) = ada(&s).await;
    let (cat, item) =
        project_with_item(&s, &t, team, ("Alpha", "Ops", json!({"title": "Runbook"}))).await;

    // Another team's project is not found, for reads and writes alike.
    let bob = s.add_user("bob@example.com", false).await;
    let bob_user = s.auth_user("bob@example.com").await;
    let beta = teams::create_team(&s.db, &bob_user, "Beta").await.unwrap();
    let bob_t = token_for(&s, "bob@example.com", "write").await;
    for (method, path, body) in [
        (Method::GET, "/projects/alpha".to_owned(), None),
        (Method::GET, format!("/items/{item}"), None),
        (Method::GET, "/projects/alpha/report".to_owned(), None),
        (
            Method::PATCH,
            format!("/items/{item}"),
            Some(json!({"version": 1, "title": "Mine"})),
        ),
        (
            Method::POST,
            format!("/categories/{cat}/items"),
            Some(json!({"title": "Mine"})),
        ),
    ] {
        let a = call(&s, Some(&bob_t), method.clone(), &path, body, &[]).await;
        assert!(is_problem(&a, 404), "{method} {path}: {}", a.body);
    }
    let listed = get(&s, &bob_t, "/projects").await;
    assert_eq!(listed.body["total"], 0, "{}", listed.body);
    let _ = (bob, beta);

    // A viewer's token, even with the write scope, cannot write: 403, nothing changed.
    s.add_user("vera@example.com", false).await;
    let admin = s.auth_user("ada@example.com").await;
    teams::add_member(&s.db, &admin, team, "vera@example.com", TeamRole::Viewer)
        .await
        .unwrap();
    let vera = token_for(&s, "vera@example.com", "write").await;
    assert_eq!(get(&s, &vera, &format!("/items/{item}")).await.status, 200);
    let a = send(
        &s,
        &vera,
        Method::PATCH,
        &format!("/items/{item}"),
        json!({"version": 1, "title": "Vera's"}),
    )
    .await;
    assert!(is_problem(&a, 403), "{}", a.body);
    // ... but viewers may comment, as in the UI.
    let a = send(
        &s,
        &vera,
        Method::POST,
        &format!("/items/{item}/comments"),
        json!({"body": "Looks fine"}),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);

    // A read-only token of the owner cannot write either.
    let ro = token_for(&s, "ada@example.com", "read").await;
    assert_eq!(get(&s, &ro, "/projects/alpha").await.status, 200);
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/items/{item}"),
            json!({"version": 1, "title": "RO"}),
        ),
        (
            Method::POST,
            format!("/items/{item}/status"),
            json!({"status": "done"}),
        ),
        (
            Method::POST,
            "/projects".to_owned(),
            json!({"name": "RO", "team_id": team}),
        ),
    ] {
        let a = send(&s, &ro, method.clone(), &path, body).await;
        assert!(is_problem(&a, 403), "{method} {path}: {}", a.body);
        assert!(a.body["detail"].as_str().unwrap().contains("read-only"));
    }
    assert_eq!(
        get(&s, &t, &format!("/items/{item}")).await.body["version"],
        1
    );

    // No token, a wrong one, a revoked one, an expired one: 401 with WWW-Authenticate.
    let none = call(&s, None, Method::GET, "/projects", None, &[]).await;
    assert!(is_problem(&none, 401));
    assert!(none.header("www-authenticate").starts_with("Bearer"));
    let wrong = format!("pfat_{}", "0".repeat(64));
    assert!(is_problem(&get(&s, &wrong, "/projects").await, 401));
    let revoked = token_for(&s, "ada@example.com", "write").await;
    let id = tokens::list(&s.db, &admin).await.unwrap()[0].id;
    tokens::revoke(&s.db, &admin, id).await.unwrap();
    assert!(is_problem(&get(&s, &revoked, "/projects").await, 401));
    let expired = token_for(&s, "ada@example.com", "write").await;
    let row = app::entities::api_tokens::Entity::find_by_id(
        tokens::list(&s.db, &admin).await.unwrap()[0].id,
    )
    .one(&s.db)
    .await
    .unwrap()
    .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    row.update(&s.db).await.unwrap();
    let a = send(
        &s,
        &expired,
        Method::POST,
        &format!("/items/{item}/status"),
        json!({"status": "done"}),
    )
    .await;
    assert!(is_problem(&a, 401), "{}", a.body);

    // A signed-in browser session is not a token: the API ignores the cookie.
    let (browser, _) = (s.client(), ());
    assert_eq!(
        s.login(&browser, "ada@example.com", crate::support::PASSWORD)
            .await
            .status(),
        200
    );
    for (method, path) in [
        (Method::GET, "/api/v1/projects".to_owned()),
        (Method::POST, format!("/api/v1/items/{item}/status")),
    ] {
        let res = browser
            .request(method.clone(), s.url(&path))
            .header("origin", &s.base)
            .json(&json!({"status": "done"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{method} {path} with a session cookie");
    }
    assert_eq!(
        get(&s, &t, &format!("/items/{item}")).await.body["status"],
        "open"
    );
}

#[tokio::test]
async fn risks_reviews_reports_and_exports() {
    let s = TestServer::start().await;
    let (t, team) = ada(&s).await;
    let (cat, _) = project_with_item(
        &s,
        &t,
        team,
        (
            "Ledger",
            "Data & backups",
            json!({"title": "Restore drill", "priority": "critical"}),
        ),
    )
    .await;

    // Risks: create, validate against the matrix, reassess with a version.
    let r = post(&s, &t, "/projects/ledger/risks",
        json!({"title": "Backups untested", "likelihood": 4, "impact": 5, "target_likelihood": 1, "category_id": cat})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let risk = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["score"], 20);
    assert_eq!(r.body["category"][1], "Data & backups");
    let bad = post(
        &s,
        &t,
        "/projects/ledger/risks",
        json!({"title": "X", "likelihood": 9, "impact": 1}),
    )
    .await;
    assert!(bad.field_error("likelihood").is_some(), "{}", bad.body);
    let bad = post(
        &s,
        &t,
        "/projects/ledger/risks",
        json!({"title": "X", "likelihood": 1, "impact": 1, "owner_id": 4242}),
    )
    .await;
    assert!(bad.field_error("owner_id").is_some(), "{}", bad.body);
    let moved = patch(
        &s,
        &t,
        &format!("/risks/{risk}"),
        json!({"version": 1, "likelihood": 2, "status": "mitigating"}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(
        (moved.body["score"].as_i64(), moved.body["status"].as_str()),
        (Some(10), Some("mitigating"))
    );
    let stale = patch(
        &s,
        &t,
        &format!("/risks/{risk}"),
        json!({"version": 1, "title": "Lost"}),
    )
    .await;
    assert!(is_problem(&stale, 409), "{}", stale.body);
    let listed = get(&s, &t, "/projects/ledger/risks?level=high").await;
    assert_eq!(listed.body["total"], 1, "{}", listed.body);
    assert_eq!(
        get(&s, &t, &format!("/risks/{risk}")).await.body["title"],
        "Backups untested"
    );

    // Reviews: a final one, listed, read, and the changes since.
    let owner = s.auth_user("ada@example.com").await;
    let today = chrono::Utc::now().date_naive();
    let review = app::reviews::service::create(
        &s.db,
        &owner,
        "ledger",
        app::reviews::service::ReviewInput {
            title: "Launch review".into(),
            version_label: "v1".into(),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();
    app::reviews::service::finalize(&s.db, &owner, review, 1, today)
        .await
        .unwrap();
    let reviews = get(&s, &t, "/projects/ledger/reviews").await;
    assert_eq!(
        reviews.body["data"][0]["status"], "final",
        "{}",
        reviews.body
    );
    let one = get(&s, &t, &format!("/reviews/{review}")).await;
    assert_eq!(one.body["review"]["version_label"], "v1");
    let items = get(&s, &t, "/projects/ledger/items").await;
    let item = items.body["data"][0]["id"].as_i64().unwrap();
    post(
        &s,
        &t,
        &format!("/items/{item}/status"),
        json!({"status": "done"}),
    )
    .await;
    let diff = get(&s, &t, "/projects/ledger/diff").await;
    assert_eq!(diff.status, 200, "{}", diff.body);
    assert_eq!(
        diff.body["diff"]["fixed"][0]["item"]["title"], "Restore drill",
        "{}",
        diff.body
    );

    // The report model, live and as of the review; an unknown review is 404.
    let report = get(&s, &t, "/projects/ledger/report").await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["name"], "Ledger");
    assert!(report.body["verdict"].is_string(), "{}", report.body);
    let as_of = get(&s, &t, "/projects/ledger/report?review=v1").await;
    assert_eq!(as_of.status, 200, "{}", as_of.body);
    assert!(is_problem(
        &get(&s, &t, "/projects/ledger/report?review=v9").await,
        404
    ));

    // Exports.
    let res = reqwest::Client::new()
        .get(s.url("/api/v1/projects/ledger/export/md"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ledger-readiness-")
    );
    assert!(res.text().await.unwrap().contains("# Ledger"));
    let json_export = get(&s, &t, "/projects/ledger/export/json").await;
    assert_eq!(
        json_export.body["project"]["name"], "Ledger",
        "{}",
        json_export.body
    );
    assert!(is_problem(
        &get(&s, &t, "/projects/ledger/export/docx").await,
        400
    ));
}

#[tokio::test]
async fn each_token_has_its_own_rate_limit() {
    let s = TestServer::start_with(AppSettings {
        api_rate_per_minute: 3,
        ..Default::default()
    })
    .await;
    let (t, _) = ada(&s).await;
    for _ in 0..3 {
        assert_eq!(get(&s, &t, "/me").await.status, 200);
    }
    let limited = get(&s, &t, "/me").await;
    assert!(is_problem(&limited, 429), "{}", limited.body);
    let wait: u64 = limited.header("retry-after").parse().unwrap();
    assert!((1..=20).contains(&wait), "Retry-After {wait}");
    // Another token of the same user has its own budget.
    let other = token_for(&s, "ada@example.com", "read").await;
    assert_eq!(get(&s, &other, "/me").await.status, 200);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let s = TestServer::start().await;
    let (t, _) = ada(&s).await;
    let doc: Value = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "401", "403", "404", "422", "429"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            assert_eq!(op["security"][0]["token"], json!([]), "{method} {path}");
            assert!(
                op["description"].is_string() || op["summary"].is_string(),
                "{method} {path}"
            );
        }
    }
    assert_eq!(operations, 71, "{:?}", paths.keys().collect::<Vec<_>>());
    for schema in [
        "Problem",
        "ItemView",
        "Report",
        "RiskView",
        "ProjectView",
        "PathToReady",
        "Forecast",
        "PlanView",
        "PhaseView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    // Every documented GET without path parameters answers (no route is only on paper).
    assert_eq!(get(&s, &t, "/projects").await.status, 200);
    assert_eq!(get(&s, &t, "/me/notifications").await.status, 200);
    // An unknown API path is a problem, not the app's HTML page.
    assert!(is_problem(&get(&s, &t, "/nothing/here").await, 404));

    let docs = reqwest::get(s.url("/api/v1/docs")).await.unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    for path in paths.keys() {
        assert!(
            html.contains(&format!("/api/v1{}", path.replace('&', "&amp;"))),
            "{path} missing from the docs page"
        );
    }
    assert!(html.contains("id=\"problem-precondition-failed\""));
    assert!(!html.contains("<script"));
}
