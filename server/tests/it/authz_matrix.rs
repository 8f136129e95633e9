//! The authorization matrix: every server function and every page route, generated from the
//! server-function registry and the router, requested by each kind of principal, with the exact
//! status asserted. An endpoint without a row here fails the test.

use std::collections::BTreeSet;

use app::{
    audit::service::Actor,
    auth::service::{NewUser, register_user},
    teams::model::TeamRole,
};
use reqwest::{Client, Method};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;

use crate::support::{PASSWORD, TestServer};

/// The principals, in the column order of every row.
const PRINCIPALS: [&str; 7] = [
    "anonymous",
    "disabled",
    "viewer",
    "editor",
    "owner",
    "other team",
    "admin",
];
const ANON: usize = 0;
const DISABLED: usize = 1;

/// Emails of the signed-in principals (index = column).
fn email_of(principal: usize) -> Option<&'static str> {
    [
        None,
        Some("disabled@example.com"),
        Some("viewer@example.com"),
        Some("editor@example.com"),
        Some("owner@example.com"),
        Some("other@example.com"),
        Some("admin@example.com"),
    ][principal]
}

/// The arranged world: team Alpha (owner, editor, viewer and the disabled user as editor) with
/// project `alpha-app`; team Alpha Two also owned by the owner (a move target); team Beta
/// (owned by "other") with `beta-app`; the site admin.
struct World {
    s: TestServer,
    alpha: i32,
    alpha_two: i32,
    other_session_handle: String,
    /// A category of `alpha-app`, and an item in it.
    category: i32,
    item: i32,
    /// A risk of `alpha-app`.
    risk: i32,
    /// A final review of `alpha-app`.
    review: i32,
    /// A read-write API token per principal (none for anonymous).
    tokens: Vec<Option<String>>,
}

/// A new reviewer group (by the admin), with `member` in it when given.
async fn fresh_group(s: &TestServer, n: usize, member: Option<&str>) -> i32 {
    use app::signoff::service;
    let admin = s.auth_user("admin@example.com").await;
    let id = service::create_group(&s.db, &admin, &format!("Group {n}"), "")
        .await
        .unwrap();
    if let Some(email) = member {
        service::add_member(&s.db, &admin, id, email).await.unwrap();
    }
    id
}

/// Removes every tier (a site keeps at most 20; cells make many).
async fn clear_tiers(s: &TestServer) {
    app::entities::tiers::Entity::delete_many()
        .exec(&s.db)
        .await
        .unwrap();
}

/// A new launch tier (by the admin), the only one.
async fn fresh_tier(s: &TestServer, n: usize) -> i32 {
    clear_tiers(s).await;
    let admin = s.auth_user("admin@example.com").await;
    app::tiers::service::create(
        &s.db,
        &admin,
        app::tiers::service::TierInput {
            name: format!("Tier {n}"),
            threshold: 70,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A new campaign of team Alpha by its owner, with one item.
async fn fresh_campaign(s: &TestServer, team: i32, n: usize) -> i32 {
    let owner = s.auth_user("owner@example.com").await;
    app::campaigns::service::create(
        &s.db,
        &owner,
        app::campaigns::service::CampaignInput {
            name: format!("Campaign {n}"),
            team_id: Some(team),
            items: format!("Requirement {n}"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A new review of `alpha-app` by the owner, finalized when asked.
async fn fresh_review(s: &TestServer, n: usize, finalized: bool) -> i32 {
    use app::reviews::service::{ReviewInput, create, finalize};
    let owner = s.auth_user("owner@example.com").await;
    let today = chrono::Utc::now().date_naive();
    let input = ReviewInput {
        title: format!("Review {n}"),
        ..Default::default()
    };
    let id = create(&s.db, &owner, "alpha-app", input, today)
        .await
        .unwrap();
    if finalized {
        finalize(&s.db, &owner, id, 1, today).await.unwrap();
    }
    id
}

/// A new risk in `alpha-app`, created by the owner.
async fn fresh_risk(s: &TestServer, n: usize) -> i32 {
    use app::risks::service::{RiskInput, create_risk};
    let owner = s.auth_user("owner@example.com").await;
    let input = RiskInput {
        title: format!("Risk {n}"),
        likelihood: "3".into(),
        impact: "4".into(),
        ..Default::default()
    };
    create_risk(&s.db, &owner, "alpha-app", input)
        .await
        .unwrap()
}

/// A new template of team Alpha (from `alpha-app`), saved by the owner; returns its id.
async fn fresh_api_token(s: &TestServer) -> String {
    let owner = s.auth_user("owner@example.com").await;
    app::account::tokens::create(&s.db, &owner, "matrix", "read", "")
        .await
        .unwrap();
    app::account::tokens::list(&s.db, &owner).await.unwrap()[0]
        .id
        .to_string()
}

/// A notification in the owner principal's inbox.
async fn fresh_notification(s: &TestServer) -> String {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let owner = s.auth_user("owner@example.com").await;
    app::entities::notifications::ActiveModel {
        user_id: Set(owner.id),
        kind: Set("assigned".into()),
        text: Set("Someone assigned you something.".into()),
        link: Set("/".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&s.db)
    .await
    .unwrap()
    .id
    .to_string()
}

/// A webhook of team `team` with one logged message: (webhook id, message id).
async fn fresh_webhook(s: &TestServer, team: i32) -> (String, String) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let hook = app::entities::webhooks::ActiveModel {
        team_id: Set(team),
        url: Set("https://93.184.216.34/hook".into()),
        secret: Set("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
        events: Set("item.assigned".into()),
        format: Set("standard".into()),
        active: Set(true),
        created_by: Set(None),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&s.db)
    .await
    .unwrap();
    let message = app::entities::webhook_messages::ActiveModel {
        webhook_id: Set(hook.id),
        msg_id: Set(format!("msg_matrix{}", hook.id)),
        event: Set("item.assigned".into()),
        data: Set("{}".into()),
        text: Set("Someone assigned something.".into()),
        state: Set("failed".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&s.db)
    .await
    .unwrap();
    (hook.id.to_string(), message.id.to_string())
}

async fn fresh_share_link(s: &TestServer) -> String {
    let owner = s.auth_user("owner@example.com").await;
    app::report::share::create(&s.db, &owner, "alpha-app", "matrix", "", "")
        .await
        .unwrap();
    use sea_orm::{EntityTrait, QueryOrder};
    app::entities::share_links::Entity::find()
        .order_by_desc(app::entities::share_links::Column::Id)
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn fresh_template(s: &TestServer, n: usize) -> String {
    let owner = s.auth_user("owner@example.com").await;
    let key = app::templates::service::save_project(
        &s.db,
        &owner,
        "alpha-app",
        format!("Template {n}"),
        String::new(),
    )
    .await
    .unwrap();
    key.trim_start_matches("team:").to_owned()
}

/// The version `alpha-app` is at now (cells before may have changed it).
async fn project_version(s: &TestServer) -> i32 {
    app::projects::access::find_by_slug(&s.db, "alpha-app")
        .await
        .unwrap()
        .version
}

/// A new category in `alpha-app`, created by the owner.
async fn fresh_category(s: &TestServer, n: usize) -> i32 {
    use app::checklist::service::{CategoryInput, create_category};
    let owner = s.auth_user("owner@example.com").await;
    let input = CategoryInput {
        name: format!("Category {n}"),
        ..Default::default()
    };
    create_category(&s.db, &owner, "alpha-app", input)
        .await
        .unwrap()
}

/// A new phase (version 1) in `alpha-app`'s plan, created by the owner.
async fn fresh_phase(s: &TestServer, n: usize) -> i32 {
    use app::phases::service::{PhaseInput, create_phase};
    let owner = s.auth_user("owner@example.com").await;
    let input = PhaseInput {
        name: format!("Phase {n}"),
        ..Default::default()
    };
    create_phase(&s.db, &owner, "alpha-app", input)
        .await
        .unwrap()
}

/// A new item (version 1) in the category, created by the owner.
async fn fresh_item(s: &TestServer, category: i32, n: usize) -> i32 {
    use app::checklist::service::{ItemInput, create_item};
    let owner = s.auth_user("owner@example.com").await;
    let input = ItemInput {
        title: format!("Item {n}"),
        priority: "high".into(),
        ..Default::default()
    };
    create_item(
        &s.db,
        &owner,
        category,
        input,
        chrono::Utc::now().date_naive(),
    )
    .await
    .unwrap()
}

/// A new check (by the owner) on a new item: `dns` (resolving `localhost`, no traffic) or `ci`
/// (key `k{n}`).
async fn fresh_check(s: &TestServer, category: i32, n: usize, kind: &str) -> i32 {
    use app::checks::{model::CheckInput, service::create_check};
    let owner = s.auth_user("owner@example.com").await;
    let item = fresh_item(s, category, n).await;
    let input = CheckInput {
        kind: kind.into(),
        host: "localhost".into(),
        key: format!("k{n}"),
        ..Default::default()
    };
    create_check(&s.db, &owner, item, &input, false, chrono::Utc::now())
        .await
        .unwrap()
}

/// A new file (by the owner) on a new item.
async fn fresh_file(s: &TestServer, category: i32, n: usize) -> i32 {
    let owner = s.auth_user("owner@example.com").await;
    let item = fresh_item(s, category, n).await;
    let (item, project) = app::files::service::may_attach(&s.db, &owner, item)
        .await
        .unwrap();
    app::files::service::attach(
        &s.db,
        &owner,
        &item,
        &project,
        "f.txt",
        format!("file {n}").as_bytes(),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn fresh_done_item(s: &TestServer, category: i32, n: usize) -> i32 {
    use app::checklist::service::{ItemInput, create_item};
    let owner = s.auth_user("owner@example.com").await;
    let input = ItemInput {
        title: format!("Done item {n}"),
        priority: "high".into(),
        status: "done".into(),
        ..Default::default()
    };
    create_item(
        &s.db,
        &owner,
        category,
        input,
        chrono::Utc::now().date_naive(),
    )
    .await
    .unwrap()
}

async fn user(s: &TestServer, email: &str, admin: bool) -> app::auth::model::AuthUser {
    let u = register_user(
        &s.db,
        &Actor::system(),
        NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or_default().into(),
            password: PASSWORD.into(),
            is_admin: admin,
        },
        false,
    )
    .await
    .unwrap();
    app::auth::service::to_auth_user(u)
}

async fn arrange() -> World {
    use app::{projects::service as projects, teams::service as teams};
    // With a key for second factors, so their functions answer as in production.
    let s = TestServer::start_with(app::state::AppSettings {
        secret_key: app::auth::totp::SecretKey::from_config(&"m".repeat(40)).ok(),
        ..Default::default()
    })
    .await;
    let admin = user(&s, "admin@example.com", true).await;
    let owner = user(&s, "owner@example.com", false).await;
    let other = user(&s, "other@example.com", false).await;
    for e in ["editor", "viewer", "disabled"] {
        user(&s, &format!("{e}@example.com"), false).await;
    }
    let alpha = teams::create_team(&s.db, &owner, "Alpha").await.unwrap();
    let alpha_two = teams::create_team(&s.db, &owner, "Alpha Two")
        .await
        .unwrap();
    let beta = teams::create_team(&s.db, &other, "Beta").await.unwrap();
    for (email, role) in [
        ("editor@example.com", TeamRole::Editor),
        ("viewer@example.com", TeamRole::Viewer),
        ("disabled@example.com", TeamRole::Editor),
    ] {
        teams::add_member(&s.db, &admin, alpha, email, role)
            .await
            .unwrap();
    }
    for (name, team, by) in [("Alpha App", alpha, &owner), ("Beta App", beta, &other)] {
        projects::create(
            &s.db,
            by,
            projects::NewProject {
                name: name.into(),
                slug: String::new(),
                description: String::new(),
                team_id: team,
            },
        )
        .await
        .unwrap();
    }
    // A live session of "other", whose handle nobody else may use.
    let c = s.client();
    assert_eq!(
        s.login(&c, "other@example.com", PASSWORD).await.status(),
        200
    );
    let sessions = s.get_json(&c, "/rpc/list_my_sessions").await;
    let other_session_handle = sessions[0]["handle"].as_str().unwrap().to_owned();
    let category = fresh_category(&s, 0).await;
    let item = fresh_item(&s, category, 0).await;
    let risk = fresh_risk(&s, 0).await;
    let review = fresh_review(&s, 0, true).await;
    // `alpha-app` requires the sign-off of a group nobody is in (so asking for it answers).
    let matrix_group = fresh_group(&s, 0, None).await;
    app::signoff::service::set_required(&s.db, &owner, "alpha-app", &[matrix_group])
        .await
        .unwrap();
    let mut tokens = vec![None];
    for p in 1..PRINCIPALS.len() {
        let u = s.auth_user(email_of(p).unwrap_or_default()).await;
        tokens.push(Some(
            app::account::tokens::create(&s.db, &u, "matrix", "write", "")
                .await
                .unwrap(),
        ));
    }
    World {
        s,
        alpha,
        alpha_two,
        other_session_handle,
        category,
        item,
        risk,
        review,
        tokens,
    }
}

/// A signed-in client for the principal (fresh session per cell). The disabled principal signs
/// in while enabled and is then disabled behind its back, keeping the session row.
async fn client_for(w: &World, principal: usize) -> Client {
    let c = w.s.client();
    let Some(email) = email_of(principal) else {
        return c;
    };
    if principal == DISABLED {
        set_disabled(w, false).await;
    }
    let res = w.s.login(&c, email, PASSWORD).await;
    assert_eq!(res.status(), 200, "login of {email}");
    if principal == DISABLED {
        set_disabled(w, true).await;
    }
    c
}

/// Disables (or enables) the disabled principal's account.
async fn set_disabled(w: &World, flag: bool) {
    let email = email_of(DISABLED).unwrap_or_default();
    let u = app::entities::users::Entity::find_by_id(w.s.auth_user(email).await.id)
        .one(&w.s.db)
        .await
        .unwrap()
        .unwrap();
    let mut u = u.into_active_model();
    u.is_disabled = Set(flag);
    u.update(&w.s.db).await.unwrap();
}

/// One request: method, path (with query for GETs) and form fields for POSTs, or for the REST
/// API a JSON body.
struct Req {
    method: Method,
    path: String,
    form: Vec<(String, String)>,
    json: Option<serde_json::Value>,
    /// Sent with the principal's API token instead of a session.
    bearer: bool,
    /// A raw body and its content type (multipart uploads).
    body: Option<(String, Vec<u8>)>,
}

/// A multipart body with one small text file in the part `file`.
fn upload_body() -> Option<(String, Vec<u8>)> {
    let boundary = "matrixboundary7";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.txt\"\r\n\r\nevidence\r\n--{boundary}--\r\n"
    );
    Some((
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    ))
}

fn get(path: impl Into<String>) -> Req {
    Req {
        method: Method::GET,
        path: path.into(),
        form: vec![],
        json: None,
        bearer: false,
        body: None,
    }
}

/// A REST API request (`/api/v1` + `path`), sent with the principal's token.
fn api(method: Method, path: impl AsRef<str>, json: Option<serde_json::Value>) -> Req {
    Req {
        method,
        path: format!("/api/v1{}", path.as_ref()),
        form: vec![],
        json,
        bearer: true,
        body: None,
    }
}

fn post(name: &str, form: &[(&str, String)]) -> Req {
    Req {
        method: Method::POST,
        path: format!("/rpc/{name}"),
        form: form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        json: None,
        bearer: false,
        body: None,
    }
}

/// Status per principal: anonymous, disabled, viewer, editor, owner, other team, admin.
type Row = [u16; 7];
/// Pages for signed-in members; anonymous and disabled are sent to sign in.
const PAGE_MEMBER: Row = [302, 302, 200, 200, 200, 404, 200];
const PAGE_ANY_USER: Row = [302, 302, 200, 200, 200, 200, 200];
const PAGE_ADMIN: Row = [302, 302, 403, 403, 403, 403, 200];
const FN_ANY_USER: Row = [401, 401, 200, 200, 200, 200, 200];
const FN_VIEW: Row = [401, 401, 200, 200, 200, 404, 200];
const FN_EDIT: Row = [401, 401, 403, 200, 200, 404, 200];
const FN_MANAGE: Row = [401, 401, 403, 403, 200, 404, 200];
const FN_ADMIN: Row = [401, 401, 403, 403, 403, 403, 200];
/// REST API reads and writes: by token only (anonymous has none; the disabled user's token
/// stops working).
const API_ANY_USER: Row = [401, 401, 200, 200, 200, 200, 200];
const API_VIEW: Row = [401, 401, 200, 200, 200, 404, 200];
const API_EDIT: Row = [401, 401, 403, 200, 200, 404, 200];
const API_CREATE: Row = [401, 401, 403, 201, 201, 404, 201];
const API_DELETE: Row = [401, 401, 403, 204, 204, 404, 204];
/// The gate of a project that is never ready in this world (its items stay open, below the
/// threshold; gaps not allowed): 412 for
/// whoever may see it.
const API_GATE: Row = [401, 401, 412, 412, 412, 404, 412];

/// The expected statuses and the request for `endpoint` in cell number `n` (unique per cell,
/// for fresh names). Creates whatever the request needs to change, so cells are independent.
async fn row(w: &World, endpoint: &str, n: usize) -> (Row, Req) {
    let s = &w.s;
    let fresh_email = format!("fresh{n}@example.com");
    let fresh_user = || async { user(s, &fresh_email, false).await };
    let owner = || async { s.auth_user("owner@example.com").await };
    let (alpha, alpha_two) = (w.alpha.to_string(), w.alpha_two.to_string());
    match endpoint {
        // Pages.
        "GET /" | "GET /teams" | "GET /account" | "GET /inbox" => {
            (PAGE_ANY_USER, get(&endpoint[4..]))
        }
        // The inbox: one's own notifications only.
        "GET /rpc/get_inbox" => (FN_ANY_USER, get("/rpc/get_inbox")),
        "POST /rpc/mark_all_notifications_read" => {
            (FN_ANY_USER, post("mark_all_notifications_read", &[]))
        }
        // The owner principal's notification: nobody else's to mark, admins included.
        "POST /rpc/mark_notification_read" => {
            let id = fresh_notification(s).await;
            (
                [401, 401, 404, 404, 200, 404, 404],
                post("mark_notification_read", &[("read", id)]),
            )
        }
        // Notification settings: one's own.
        "GET /rpc/get_notification_prefs" => (FN_ANY_USER, get("/rpc/get_notification_prefs")),
        "POST /rpc/save_notification_prefs" => (
            FN_ANY_USER,
            post(
                "save_notification_prefs",
                &[
                    ("inbox[]", "assigned".into()),
                    ("mail_mode", "daily".into()),
                ],
            ),
        ),
        // Watching: anyone who sees the project.
        "GET /rpc/get_watch" => (
            FN_VIEW,
            get(format!("/rpc/get_watch?slug=alpha-app&item={}", w.item)),
        ),
        "POST /rpc/set_watch" => (
            FN_VIEW,
            post(
                "set_watch",
                &[
                    ("slug", "alpha-app".into()),
                    ("item", w.item.to_string()),
                    ("watch", "mute".into()),
                ],
            ),
        ),
        "GET /login" => ([200, 200, 302, 302, 302, 302, 302], get("/login")),
        // The steps after a first one (a provider's answer, a password): each says when there
        // is nothing to continue, to anyone.
        "GET /login/link" | "GET /login/two-factor" => ([200; 7], get(&endpoint[4..])),
        "GET /rpc/pending_link" | "GET /rpc/second_factor_step" => ([200; 7], get(&endpoint[4..])),
        // Single sign-on is off in this world: its function and routes are not there.
        "POST /rpc/link_account" => (
            [404; 7],
            post("link_account", &[("password", PASSWORD.into())]),
        ),
        "GET /auth/oidc/start" | "GET /auth/oidc/callback" => ([404; 7], get(&endpoint[4..])),
        // Nothing waits for a second factor in anyone's session.
        "POST /rpc/login_second_factor" => (
            [409; 7],
            post("login_second_factor", &[("code", "123456".into())]),
        ),
        // Set up already: the page sends everyone on (to sign in, or home).
        "GET /setup" => ([302; 7], get("/setup")),
        "GET /p/{slug}" => (PAGE_MEMBER, get("/p/alpha-app")),
        "GET /teams/{id}" => (PAGE_MEMBER, get(format!("/teams/{alpha}"))),
        "GET /admin/users"
        | "GET /admin/audit"
        | "GET /admin/reviewer-groups"
        | "GET /admin/tiers" => (PAGE_ADMIN, get(&endpoint[4..])),
        "GET /p/{slug}/checklist" => (PAGE_MEMBER, get("/p/alpha-app/checklist?status=open")),
        "GET /p/{slug}/items/{id}" => (PAGE_MEMBER, get(format!("/p/alpha-app/items/{}", w.item))),

        // Checklists.
        "GET /rpc/get_checklist" => (FN_VIEW, get("/rpc/get_checklist?slug=alpha-app")),
        "GET /rpc/get_overview" => (FN_VIEW, get("/rpc/get_overview?slug=alpha-app")),
        "GET /rpc/get_item" => (FN_VIEW, get(format!("/rpc/get_item?item_id={}", w.item))),
        "POST /rpc/create_category" => (
            FN_EDIT,
            post(
                "create_category",
                &[("slug", "alpha-app".into()), ("name", format!("New {n}"))],
            ),
        ),
        "POST /rpc/update_category" | "POST /rpc/move_category" | "POST /rpc/delete_category" => {
            let id = fresh_category(s, n).await.to_string();
            let mut form = vec![("category_id", id)];
            match &endpoint[10..] {
                "update_category" => {
                    form.push(("version", "1".into()));
                    form.push(("name", format!("Renamed {n}")));
                }
                "move_category" => form.push(("up", "true".into())),
                _ => {}
            }
            (FN_EDIT, post(&endpoint[10..], &form))
        }
        "POST /rpc/create_item" => (
            FN_EDIT,
            post(
                "create_item",
                &[
                    ("category_id", w.category.to_string()),
                    ("title", format!("Added {n}")),
                ],
            ),
        ),
        "POST /rpc/update_item"
        | "POST /rpc/set_item_status"
        | "POST /rpc/set_item_assignee"
        | "POST /rpc/set_item_priority"
        | "POST /rpc/delete_item" => {
            let id = fresh_item(s, w.category, n).await.to_string();
            let mut form = vec![("item_id", id), ("version", "1".into())];
            match &endpoint[10..] {
                "update_item" => {
                    form.push(("title", format!("Edited {n}")));
                    form.push(("priority", "low".into()));
                }
                "set_item_status" => form.push(("status", "done".into())),
                "set_item_assignee" => form.push(("assignee", String::new())),
                "set_item_priority" => form.push(("priority", "critical".into())),
                _ => {
                    form.pop();
                }
            }
            (FN_EDIT, post(&endpoint[10..], &form))
        }
        "POST /rpc/attest_item" | "POST /rpc/set_item_valid_for" => {
            let id = fresh_done_item(s, w.category, n).await.to_string();
            let mut form = vec![("item_id", id), ("version", "1".into())];
            if endpoint.ends_with("valid_for") {
                form.push(("valid_for_days", "90".into()));
            }
            (FN_EDIT, post(&endpoint[10..], &form))
        }
        "POST /rpc/create_check" => {
            let item = fresh_item(s, w.category, n).await.to_string();
            let form = [
                ("item_id", item),
                ("kind", "ci".into()),
                ("key", format!("rpc-{n}")),
            ];
            (FN_EDIT, post("create_check", &form))
        }
        "POST /rpc/delete_check" | "POST /rpc/run_check" => {
            let id = fresh_check(s, w.category, n, "dns").await.to_string();
            (FN_EDIT, post(&endpoint[10..], &[("check_id", id)]))
        }
        "POST /rpc/set_category_valid_for" => {
            let id = fresh_category(s, n).await.to_string();
            (
                FN_EDIT,
                post(
                    "set_category_valid_for",
                    &[
                        ("category_id", id),
                        ("version", "1".into()),
                        ("valid_for_days", "30".into()),
                    ],
                ),
            )
        }
        "GET /rpc/checklist_fragments" => (
            FN_VIEW,
            get(format!(
                "/rpc/checklist_fragments?slug=alpha-app&set={}:1",
                w.item
            )),
        ),
        "POST /rpc/set_row_status" => {
            let id = fresh_item(s, w.category, n).await;
            let select = format!("status[{id}]");
            let form = [(select.as_str(), "done".into()), ("set", format!("{id}:1"))];
            (FN_EDIT, post("set_row_status", &form))
        }
        "POST /rpc/bulk_update_items" => {
            let id = fresh_item(s, w.category, n).await;
            (
                FN_EDIT,
                post(
                    "bulk_update_items",
                    &[
                        ("slug", "alpha-app".into()),
                        ("items[]", format!("{id}:1")),
                        ("priority", "high".into()),
                    ],
                ),
            )
        }
        // The plan.
        "GET /p/{slug}/plan" => (PAGE_MEMBER, get("/p/alpha-app/plan")),
        "GET /rpc/get_plan" => (FN_VIEW, get("/rpc/get_plan?slug=alpha-app")),
        "GET /rpc/get_outlook" => (FN_VIEW, get("/rpc/get_outlook?slug=alpha-app")),
        "POST /rpc/create_phase" => (
            FN_EDIT,
            post(
                "create_phase",
                &[("slug", "alpha-app".into()), ("name", format!("Week {n}"))],
            ),
        ),
        "POST /rpc/update_phase" | "POST /rpc/move_phase" | "POST /rpc/delete_phase" => {
            let id = fresh_phase(s, n).await.to_string();
            let mut form = vec![("phase_id", id)];
            match &endpoint[10..] {
                "update_phase" => {
                    form.push(("version", "1".into()));
                    form.push(("name", format!("Renamed {n}")));
                }
                "move_phase" => form.push(("direction", "up".into())),
                _ => {}
            }
            (FN_EDIT, post(&endpoint[10..], &form))
        }
        "POST /rpc/set_plan_settings" => (
            FN_EDIT,
            post(
                "set_plan_settings",
                &[
                    ("slug", "alpha-app".into()),
                    ("version", project_version(s).await.to_string()),
                    ("capacity_hours", "20".into()),
                ],
            ),
        ),
        // Risks.
        "GET /p/{slug}/risks" => (
            PAGE_MEMBER,
            get("/p/alpha-app/risks?status=live&current=3-4"),
        ),
        "GET /p/{slug}/risks/{id}" => (PAGE_MEMBER, get(format!("/p/alpha-app/risks/{}", w.risk))),
        "GET /p/{slug}/settings" => (
            PAGE_MEMBER,
            get("/p/alpha-app/settings?likelihood_steps=4&impact_steps=4"),
        ),
        // Templates.
        "GET /templates" => (PAGE_ANY_USER, get("/templates")),
        "GET /rpc/list_templates" => (FN_ANY_USER, get("/rpc/list_templates")),
        "POST /rpc/create_from_template" => (
            FN_EDIT,
            post(
                "create_from_template",
                &[
                    ("template", "builtin:security-review".into()),
                    ("team_id", alpha.clone()),
                    ("name", format!("From template {n}")),
                ],
            ),
        ),
        "POST /rpc/save_as_template" => (
            FN_EDIT,
            post(
                "save_as_template",
                &[("slug", "alpha-app".into()), ("name", format!("Saved {n}"))],
            ),
        ),
        "POST /rpc/delete_template" => {
            let id = fresh_template(s, n).await;
            (FN_EDIT, post("delete_template", &[("template_id", id)]))
        }
        // Import.
        "GET /import" => (PAGE_ANY_USER, get("/import")),
        "GET /p/{slug}/import" => (PAGE_MEMBER, get("/p/alpha-app/import")),
        "POST /rpc/preview_import" | "POST /rpc/run_import" => (
            FN_EDIT,
            post(
                &endpoint[10..],
                &[
                    ("project", "alpha-app".into()),
                    ("format", "markdown".into()),
                    ("document", format!("## Imported {n}\n- [ ] Item {n}\n")),
                ],
            ),
        ),
        "GET /rpc/get_risks" => (FN_VIEW, get("/rpc/get_risks?slug=alpha-app")),
        "GET /rpc/get_risk" => (FN_VIEW, get(format!("/rpc/get_risk?risk_id={}", w.risk))),
        "GET /rpc/get_matrix_settings" => (FN_VIEW, get("/rpc/get_matrix_settings?slug=alpha-app")),
        "POST /rpc/create_risk" => (
            FN_EDIT,
            post(
                "create_risk",
                &[
                    ("slug", "alpha-app".into()),
                    ("title", format!("Risk {n}")),
                    ("likelihood", "2".into()),
                    ("impact", "2".into()),
                ],
            ),
        ),
        "POST /rpc/update_risk" | "POST /rpc/set_risk_status" | "POST /rpc/delete_risk" => {
            let id = fresh_risk(s, n).await.to_string();
            let mut form = vec![("risk_id", id), ("version", "1".into())];
            match &endpoint[10..] {
                "update_risk" => {
                    form.push(("title", format!("Edited {n}")));
                    form.push(("likelihood", "5".into()));
                    form.push(("impact", "5".into()));
                }
                "set_risk_status" => form.push(("status", "mitigating".into())),
                _ => {
                    form.pop();
                }
            }
            (FN_EDIT, post(&endpoint[10..], &form))
        }
        "POST /rpc/link_risk_item" => {
            let risk = fresh_risk(s, n).await.to_string();
            (
                FN_EDIT,
                post(
                    "link_risk_item",
                    &[
                        ("risk_id", risk),
                        ("item_id", w.item.to_string()),
                        ("linked", "true".into()),
                    ],
                ),
            )
        }
        "POST /rpc/create_risk_from_item" => {
            let item = fresh_item(s, w.category, n).await.to_string();
            (FN_EDIT, post("create_risk_from_item", &[("item_id", item)]))
        }
        "POST /rpc/save_risk_matrix" => {
            // The same 5×5 default, saved with one cell changed: valid for every cell, and no
            // risk moves. The version is whatever the matrix is at now.
            let version = app::entities::risk_matrices::Entity::find()
                .one(&s.db)
                .await
                .unwrap()
                .map_or(0, |m| m.version);
            let m = app::risks::matrix::RiskMatrix::default();
            let mut form = vec![
                ("slug", "alpha-app".to_owned()),
                ("version", version.to_string()),
            ];
            let names: Vec<String> = (0..25).map(|k| format!("levels[{k}]")).collect();
            let ln: Vec<String> = (0..5).map(|k| format!("likelihood_labels[{k}]")).collect();
            let imp: Vec<String> = (0..5).map(|k| format!("impact_labels[{k}]")).collect();
            let mut owned: Vec<(String, String)> = Vec::new();
            for (k, label) in m.likelihood.iter().enumerate() {
                owned.push((ln[k].clone(), label.clone()));
            }
            for (k, label) in m.impact.iter().enumerate() {
                owned.push((imp[k].clone(), label.clone()));
            }
            for (k, level) in m.levels.iter().flatten().enumerate() {
                let word = if k == 0 { "medium" } else { level.as_str() };
                owned.push((names[k].clone(), word.to_owned()));
            }
            form.extend(owned.iter().map(|(k, v)| (k.as_str(), v.clone())));
            let form: Vec<(&str, String)> = form;
            (
                FN_EDIT,
                post(
                    "save_risk_matrix",
                    &form
                        .iter()
                        .map(|(k, v)| (*k, v.clone()))
                        .collect::<Vec<_>>(),
                ),
            )
        }
        // Reviews.
        "GET /p/{slug}/reviews" => (PAGE_MEMBER, get("/p/alpha-app/reviews")),
        "GET /p/{slug}/reviews/{id}" => (
            PAGE_MEMBER,
            get(format!("/p/alpha-app/reviews/{}", w.review)),
        ),
        "GET /rpc/get_reviews" => (FN_VIEW, get("/rpc/get_reviews?slug=alpha-app")),
        "GET /rpc/get_trend" => (FN_VIEW, get("/rpc/get_trend?slug=alpha-app")),
        "GET /rpc/get_review" => (
            FN_VIEW,
            get(format!("/rpc/get_review?review_id={}", w.review)),
        ),
        "GET /rpc/get_live_diff" => (FN_VIEW, get("/rpc/get_live_diff?slug=alpha-app")),
        // Reports.
        "GET /p/{slug}/report" => (PAGE_MEMBER, get("/p/alpha-app/report")),
        "GET /rpc/get_report" => (FN_VIEW, get("/rpc/get_report?slug=alpha-app")),
        "GET /rpc/list_share_links" => (FN_MANAGE, get("/rpc/list_share_links?slug=alpha-app")),
        "POST /rpc/create_share_link" => (
            FN_MANAGE,
            post("create_share_link", &[("slug", "alpha-app".into())]),
        ),
        "POST /rpc/revoke_share_link" => {
            let id = fresh_share_link(s).await;
            (FN_MANAGE, post("revoke_share_link", &[("id", id)]))
        }
        "POST /rpc/create_review" => (
            FN_EDIT,
            post(
                "create_review",
                &[
                    ("slug", "alpha-app".into()),
                    ("title", format!("Review {n}")),
                ],
            ),
        ),
        "POST /rpc/update_review" | "POST /rpc/delete_review" | "POST /rpc/finalize_review" => {
            let id = fresh_review(s, n, false).await.to_string();
            let mut form = vec![("review_id", id)];
            match &endpoint[10..] {
                "update_review" => {
                    form.push(("version", "1".into()));
                    form.push(("title", format!("Renamed {n}")));
                }
                "finalize_review" => form.push(("version", "1".into())),
                _ => {}
            }
            (FN_EDIT, post(&endpoint[10..], &form))
        }
        "POST /rpc/start_next_review" => (
            FN_EDIT,
            post("start_next_review", &[("review_id", w.review.to_string())]),
        ),
        "POST /rpc/sign_review" => {
            let id = fresh_review(s, n, true).await.to_string();
            (
                FN_MANAGE,
                post(
                    "sign_review",
                    &[("review_id", id), ("comment", "Go".into())],
                ),
            )
        }
        // Viewers may comment.
        "POST /rpc/add_comment" => (
            FN_VIEW,
            post(
                "add_comment",
                &[
                    ("item_id", w.item.to_string()),
                    ("body", format!("Comment {n}")),
                ],
            ),
        ),
        "POST /rpc/set_evidence_required" => (
            FN_MANAGE,
            post(
                "set_evidence_required",
                &[("slug", "alpha-app".into()), ("required", "false".into())],
            ),
        ),

        // Sessions.
        "GET /rpc/session_info" => ([200; 7], get("/rpc/session_info")),
        "POST /rpc/setup" => (
            [404; 7],
            post(
                "setup",
                &[
                    ("email", fresh_email.clone()),
                    ("display_name", "Late".into()),
                    ("password", PASSWORD.into()),
                    ("team_name", format!("Late {n}")),
                ],
            ),
        ),
        "POST /rpc/login" => {
            fresh_user().await;
            (
                [200; 7],
                post(
                    "login",
                    &[
                        ("email", fresh_email.clone()),
                        ("password", PASSWORD.into()),
                    ],
                ),
            )
        }
        "POST /rpc/logout" => ([200; 7], post("logout", &[])),

        // Projects.
        "GET /rpc/list_projects"
        | "GET /rpc/get_portfolio"
        | "GET /rpc/list_project_teams"
        | "GET /rpc/list_teams" => (FN_ANY_USER, get(&endpoint[4..])),
        "GET /rpc/get_project" => (FN_VIEW, get("/rpc/get_project?slug=alpha-app")),
        "POST /rpc/create_project" => (
            FN_EDIT,
            post(
                "create_project",
                &[("name", format!("New {n}")), ("team_id", alpha.clone())],
            ),
        ),
        "POST /rpc/update_project" => (
            FN_EDIT,
            post(
                "update_project",
                &[
                    ("slug", "alpha-app".into()),
                    ("version", project_version(s).await.to_string()),
                    ("name", "Alpha App".into()),
                    ("threshold", "80".into()),
                ],
            ),
        ),
        "POST /rpc/move_project" => {
            let slug = format!("movable-{n}");
            app::projects::service::create(
                &s.db,
                &owner().await,
                app::projects::service::NewProject {
                    name: slug.clone(),
                    slug: slug.clone(),
                    description: String::new(),
                    team_id: w.alpha,
                },
            )
            .await
            .unwrap();
            (
                FN_MANAGE,
                post("move_project", &[("slug", slug), ("team_id", alpha_two)]),
            )
        }

        // Teams.
        "GET /rpc/get_team" => (FN_VIEW, get(format!("/rpc/get_team?team_id={alpha}"))),
        "POST /rpc/create_team" => (
            FN_ANY_USER,
            post("create_team", &[("name", format!("Team {n}"))]),
        ),
        // Webhooks: the team's owners (URLs and logs may hold secrets of the receiver).
        "GET /rpc/list_webhooks" => (
            FN_MANAGE,
            get(format!("/rpc/list_webhooks?team_id={alpha}")),
        ),
        "POST /rpc/create_webhook" => (
            FN_MANAGE,
            post(
                "create_webhook",
                &[
                    ("team_id", alpha.clone()),
                    // A public literal address: checked without a lookup, and never posted to
                    // (no worker runs here).
                    ("url", "https://93.184.216.34/hook".into()),
                    ("events[]", "item.assigned".into()),
                    ("format", "standard".into()),
                ],
            ),
        ),
        "POST /rpc/delete_webhook" => {
            let (hook, _) = fresh_webhook(s, w.alpha).await;
            (FN_MANAGE, post("delete_webhook", &[("id", hook)]))
        }
        "POST /rpc/send_webhook_again" => {
            let (_, message) = fresh_webhook(s, w.alpha).await;
            (FN_MANAGE, post("send_webhook_again", &[("again", message)]))
        }
        "POST /rpc/rename_team" => (
            FN_MANAGE,
            post(
                "rename_team",
                &[("team_id", alpha.clone()), ("name", "Alpha".into())],
            ),
        ),
        "POST /rpc/add_member" => {
            fresh_user().await;
            (
                FN_MANAGE,
                post(
                    "add_member",
                    &[
                        ("team_id", alpha.clone()),
                        ("email", fresh_email.clone()),
                        ("role", "viewer".into()),
                    ],
                ),
            )
        }
        "POST /rpc/change_member_role" | "POST /rpc/remove_member" => {
            let member = fresh_user().await;
            app::teams::service::add_member(
                &s.db,
                &owner().await,
                w.alpha,
                &member.email,
                TeamRole::Viewer,
            )
            .await
            .unwrap();
            let mut form = vec![
                ("team_id", alpha.clone()),
                ("user_id", member.id.to_string()),
            ];
            if endpoint.ends_with("change_member_role") {
                form.push(("role", "editor".into()));
            }
            (FN_MANAGE, post(&endpoint[10..], &form))
        }

        // Administration.
        "GET /rpc/list_users" | "GET /rpc/list_audit" => (FN_ADMIN, get(&endpoint[4..])),
        "POST /rpc/admin_create_user" => (
            FN_ADMIN,
            post(
                "admin_create_user",
                &[
                    ("email", fresh_email.clone()),
                    ("display_name", "Fresh".into()),
                ],
            ),
        ),
        "POST /rpc/set_user_disabled"
        | "POST /rpc/set_user_admin"
        | "POST /rpc/reset_user_password" => {
            let target = fresh_user().await;
            let mut form = vec![("user_id", target.id.to_string())];
            match &endpoint[10..] {
                "set_user_disabled" => form.push(("disabled", "true".into())),
                "set_user_admin" => form.push(("is_admin", "true".into())),
                _ => {}
            }
            (FN_ADMIN, post(&endpoint[10..], &form))
        }

        // Exceptions: listed across one's teams; decided by team owners (not the requester);
        // the policy set by owners.
        "GET /exceptions" => (PAGE_ANY_USER, get("/exceptions")),
        // Search is open to every signed-in user; what each may see is a condition of the
        // query (search_http::nobody_finds_or_counts_what_they_may_not_see).
        "GET /search" => (PAGE_ANY_USER, get("/search?q=alpha")),
        "GET /rpc/search" => (FN_ANY_USER, get("/rpc/search?filter[q]=alpha")),
        "GET /rpc/list_exceptions" => (FN_ANY_USER, get("/rpc/list_exceptions")),
        "GET /rpc/get_exception_policy" => {
            (FN_VIEW, get("/rpc/get_exception_policy?slug=alpha-app"))
        }
        "POST /rpc/set_exception_policy" => (
            FN_MANAGE,
            post(
                "set_exception_policy",
                &[("slug", "alpha-app".into()), ("max_days", "90".into())],
            ),
        ),
        "POST /rpc/decide_exception" => {
            let item = fresh_item(s, w.category, n).await;
            let item_row = app::entities::items::Entity::find_by_id(item)
                .one(&s.db)
                .await
                .unwrap()
                .unwrap();
            let exception = app::entities::exceptions::ActiveModel {
                project_id: Set(item_row.project_id),
                item_id: Set(item),
                status: Set("not_applicable".into()),
                reason: Set("Not used here".into()),
                until: Set(None),
                state: Set("pending".into()),
                requested_by: Set(None),
                requested_at: Set(chrono::Utc::now()),
                decided_by: Set(None),
                decided_at: Set(None),
                comment: Set(String::new()),
                ..Default::default()
            }
            .insert(&s.db)
            .await
            .unwrap();
            (
                FN_MANAGE,
                post(
                    "decide_exception",
                    &[
                        ("id", exception.id.to_string()),
                        ("approve", "false".into()),
                    ],
                ),
            )
        }

        // Sign-off by discipline: groups kept by site admins; which a project requires, and
        // the groups owning its categories, chosen by its owners; editors ask for sign-off.
        // (Signing for a group, by its members only, is tested in `signoff_http`.)
        "GET /signoffs" => (PAGE_ANY_USER, get("/signoffs")),
        "GET /rpc/list_signoff_queue" => (FN_ANY_USER, get("/rpc/list_signoff_queue")),
        "GET /rpc/list_reviewer_groups" => (FN_ADMIN, get("/rpc/list_reviewer_groups")),
        "POST /rpc/create_reviewer_group" => (
            FN_ADMIN,
            post("create_reviewer_group", &[("name", format!("Made {n}"))]),
        ),
        "POST /rpc/delete_reviewer_group" => {
            let id = fresh_group(s, n, None).await;
            (
                FN_ADMIN,
                post("delete_reviewer_group", &[("id", id.to_string())]),
            )
        }
        "POST /rpc/add_reviewer" => {
            let id = fresh_group(s, n, None).await;
            (
                FN_ADMIN,
                post(
                    "add_reviewer",
                    &[
                        ("group", id.to_string()),
                        ("email", "viewer@example.com".into()),
                    ],
                ),
            )
        }
        "POST /rpc/remove_reviewer" => {
            let id = fresh_group(s, n, Some("viewer@example.com")).await;
            let viewer = s.auth_user("viewer@example.com").await;
            (
                FN_ADMIN,
                post(
                    "remove_reviewer",
                    &[("group", id.to_string()), ("user", viewer.id.to_string())],
                ),
            )
        }
        "GET /rpc/get_signoff_state" => (FN_VIEW, get("/rpc/get_signoff_state?slug=alpha-app")),
        "POST /rpc/require_signoff_group" => {
            let id = fresh_group(s, n, None).await;
            (
                FN_MANAGE,
                post(
                    "require_signoff_group",
                    &[
                        ("slug", "alpha-app".into()),
                        ("group", id.to_string()),
                        ("required", "false".into()),
                    ],
                ),
            )
        }
        "POST /rpc/set_category_group" => {
            let category = fresh_category(s, n).await;
            (
                FN_MANAGE,
                post("set_category_group", &[("category", category.to_string())]),
            )
        }
        "POST /rpc/request_signoff" => (
            FN_EDIT,
            post("request_signoff", &[("slug", "alpha-app".into())]),
        ),
        "GET /api/v1/reviewer-groups" => (
            [401, 401, 403, 403, 403, 403, 200],
            api(Method::GET, "/reviewer-groups", None),
        ),
        "POST /api/v1/reviewer-groups" => (
            [401, 401, 403, 403, 403, 403, 201],
            api(
                Method::POST,
                "/reviewer-groups",
                Some(json!({ "name": format!("Api {n}") })),
            ),
        ),
        "DELETE /api/v1/reviewer-groups/{id}" => {
            let id = fresh_group(s, n, None).await;
            (
                [401, 401, 403, 403, 403, 403, 204],
                api(Method::DELETE, format!("/reviewer-groups/{id}"), None),
            )
        }
        "POST /api/v1/reviewer-groups/{id}/members" => {
            let id = fresh_group(s, n, None).await;
            (
                [401, 401, 403, 403, 403, 403, 200],
                api(
                    Method::POST,
                    format!("/reviewer-groups/{id}/members"),
                    Some(json!({ "email": "viewer@example.com" })),
                ),
            )
        }
        "DELETE /api/v1/reviewer-groups/{id}/members/{user_id}" => {
            let id = fresh_group(s, n, Some("viewer@example.com")).await;
            let viewer = s.auth_user("viewer@example.com").await;
            (
                [401, 401, 403, 403, 403, 403, 204],
                api(
                    Method::DELETE,
                    format!("/reviewer-groups/{id}/members/{}", viewer.id),
                    None,
                ),
            )
        }
        "GET /api/v1/projects/{slug}/signoffs" => (
            API_VIEW,
            api(Method::GET, "/projects/alpha-app/signoffs", None),
        ),
        "PUT /api/v1/projects/{slug}/signoffs" => {
            let keep = app::signoff::service::state(
                &s.db,
                &s.auth_user("admin@example.com").await,
                "alpha-app",
                chrono::Utc::now().date_naive(),
            )
            .await
            .unwrap();
            let groups: Vec<i32> = keep.groups.iter().map(|g| g.group_id).collect();
            (
                [401, 401, 403, 403, 200, 404, 200],
                api(
                    Method::PUT,
                    "/projects/alpha-app/signoffs",
                    Some(json!({ "groups": groups })),
                ),
            )
        }
        "POST /api/v1/reviews/{id}/signoffs" => {
            let id = fresh_review(s, n, true).await;
            (
                [401, 401, 403, 403, 204, 404, 204],
                api(
                    Method::POST,
                    format!("/reviews/{id}/signoffs"),
                    Some(json!({ "comment": "Go" })),
                ),
            )
        }
        "GET /api/v1/exceptions" => (API_ANY_USER, api(Method::GET, "/exceptions", None)),
        "POST /api/v1/exceptions/{id}/decision" => {
            let item = fresh_item(s, w.category, n).await;
            let project_id = app::entities::items::Entity::find_by_id(item)
                .one(&s.db)
                .await
                .unwrap()
                .unwrap()
                .project_id;
            let exception = app::entities::exceptions::ActiveModel {
                project_id: Set(project_id),
                item_id: Set(item),
                status: Set("not_applicable".into()),
                reason: Set("Not used here".into()),
                until: Set(None),
                state: Set("pending".into()),
                requested_by: Set(None),
                requested_at: Set(chrono::Utc::now()),
                decided_by: Set(None),
                decided_at: Set(None),
                comment: Set(String::new()),
                ..Default::default()
            }
            .insert(&s.db)
            .await
            .unwrap();
            (
                [401, 401, 403, 403, 204, 404, 204],
                api(
                    Method::POST,
                    format!("/exceptions/{}/decision", exception.id),
                    Some(json!({ "approve": false })),
                ),
            )
        }

        // Campaigns: a team's are run by its owners and seen by its members.
        "GET /campaigns" => (PAGE_ANY_USER, get("/campaigns")),
        "GET /campaigns/{id}" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (PAGE_MEMBER, get(format!("/campaigns/{id}")))
        }
        "GET /campaigns/{id}/progress.csv" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (PAGE_MEMBER, get(format!("/campaigns/{id}/progress.csv")))
        }
        "GET /rpc/list_campaigns" => (FN_ANY_USER, get("/rpc/list_campaigns")),
        "GET /rpc/get_campaign" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (FN_VIEW, get(format!("/rpc/get_campaign?id={id}")))
        }
        "POST /rpc/create_campaign" => (
            FN_MANAGE,
            post(
                "create_campaign",
                &[
                    ("name", format!("Made {n}")),
                    ("team", w.alpha.to_string()),
                    ("items", "Restore drill".into()),
                ],
            ),
        ),
        "POST /rpc/apply_campaign" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (
                FN_MANAGE,
                post(
                    "apply_campaign",
                    &[("id", id.to_string()), ("projects", "alpha-app".into())],
                ),
            )
        }
        "POST /rpc/close_campaign" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (FN_MANAGE, post("close_campaign", &[("id", id.to_string())]))
        }
        "GET /api/v1/campaigns" => (API_ANY_USER, api(Method::GET, "/campaigns", None)),
        "POST /api/v1/campaigns" => (
            [401, 401, 403, 403, 201, 404, 201],
            api(
                Method::POST,
                "/campaigns",
                Some(json!({
                    "name": format!("Api {n}"),
                    "team_id": w.alpha,
                    "items": [{ "title": "Restore drill" }],
                })),
            ),
        ),
        "GET /api/v1/campaigns/{id}" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (API_VIEW, api(Method::GET, format!("/campaigns/{id}"), None))
        }
        "POST /api/v1/campaigns/{id}/apply" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (
                [401, 401, 403, 403, 200, 404, 200],
                api(
                    Method::POST,
                    format!("/campaigns/{id}/apply"),
                    Some(json!({ "projects": ["alpha-app"] })),
                ),
            )
        }
        "POST /api/v1/campaigns/{id}/close" => {
            let id = fresh_campaign(s, w.alpha, n).await;
            (
                [401, 401, 403, 403, 204, 404, 204],
                api(Method::POST, format!("/campaigns/{id}/close"), None),
            )
        }

        // Launch tiers: kept by site admins, read by everyone, picked by a project's owners.
        "GET /rpc/list_tiers" => (FN_ANY_USER, get("/rpc/list_tiers")),
        "POST /rpc/create_tier" => {
            clear_tiers(s).await;
            (
                FN_ADMIN,
                post(
                    "create_tier",
                    &[("name", format!("Made {n}")), ("threshold", "70".into())],
                ),
            )
        }
        "POST /rpc/update_tier" => {
            let id = fresh_tier(s, n).await;
            (
                FN_ADMIN,
                post(
                    "update_tier",
                    &[
                        ("id", id.to_string()),
                        ("name", format!("Renamed {n}")),
                        ("threshold", "75".into()),
                    ],
                ),
            )
        }
        "POST /rpc/delete_tier" => {
            let id = fresh_tier(s, n).await;
            (FN_ADMIN, post("delete_tier", &[("id", id.to_string())]))
        }
        "GET /rpc/get_project_tier" => (FN_VIEW, get("/rpc/get_project_tier?slug=alpha-app")),
        "POST /rpc/set_project_tier" => (
            FN_MANAGE,
            post(
                "set_project_tier",
                &[("slug", "alpha-app".into()), ("tier", "0".into())],
            ),
        ),
        "GET /api/v1/tiers" => (API_ANY_USER, api(Method::GET, "/tiers", None)),
        "POST /api/v1/tiers" => {
            clear_tiers(s).await;
            (
                [401, 401, 403, 403, 403, 403, 201],
                api(
                    Method::POST,
                    "/tiers",
                    Some(json!({ "name": format!("Api {n}"), "threshold": 70 })),
                ),
            )
        }
        "PUT /api/v1/tiers/{id}" => {
            let id = fresh_tier(s, n).await;
            (
                [401, 401, 403, 403, 403, 403, 200],
                api(
                    Method::PUT,
                    format!("/tiers/{id}"),
                    Some(json!({ "name": format!("Put {n}"), "threshold": 75 })),
                ),
            )
        }
        "DELETE /api/v1/tiers/{id}" => {
            let id = fresh_tier(s, n).await;
            (
                [401, 401, 403, 403, 403, 403, 204],
                api(Method::DELETE, format!("/tiers/{id}"), None),
            )
        }
        "GET /api/v1/projects/{slug}/tier" => {
            (API_VIEW, api(Method::GET, "/projects/alpha-app/tier", None))
        }
        "PUT /api/v1/projects/{slug}/tier" => (
            [401, 401, 403, 403, 200, 404, 200],
            api(
                Method::PUT,
                "/projects/alpha-app/tier",
                Some(json!({ "tier_id": null })),
            ),
        ),
        "GET /api/v1/projects/{slug}/exception-policy" => (
            API_VIEW,
            api(Method::GET, "/projects/alpha-app/exception-policy", None),
        ),
        "PUT /api/v1/projects/{slug}/exception-policy" => (
            [401, 401, 403, 403, 200, 404, 200],
            api(
                Method::PUT,
                "/projects/alpha-app/exception-policy",
                Some(json!({
                    "accepted_risk": false,
                    "not_applicable": false,
                    "max_days": 90,
                    "group_id": null
                })),
            ),
        ),

        // Own account.
        "GET /rpc/list_my_sessions" => (FN_ANY_USER, get("/rpc/list_my_sessions")),
        // One's own second factor.
        "GET /rpc/two_factor_status" => (FN_ANY_USER, get("/rpc/two_factor_status")),
        "POST /rpc/start_two_factor" => (FN_ANY_USER, post("start_two_factor", &[])),
        // Runs before `start_two_factor` (the rows go in order): nothing to confirm yet.
        "POST /rpc/confirm_two_factor" => (
            [401, 401, 409, 409, 409, 409, 409],
            post(
                "confirm_two_factor",
                &[("password", PASSWORD.into()), ("code", "000000".into())],
            ),
        ),
        "POST /rpc/disable_two_factor" => (
            FN_ANY_USER,
            post("disable_two_factor", &[("password", PASSWORD.into())]),
        ),
        // Site administration of second factors and single sign-on identities.
        "GET /rpc/two_factor_policy" => (FN_ADMIN, get("/rpc/two_factor_policy")),
        "POST /rpc/set_two_factor_required" => (
            FN_ADMIN,
            post("set_two_factor_required", &[("required", "false".into())]),
        ),
        "POST /rpc/admin_reset_two_factor" => {
            let target = fresh_user().await;
            (
                FN_ADMIN,
                post(
                    "admin_reset_two_factor",
                    &[("user_id", target.id.to_string())],
                ),
            )
        }
        "POST /rpc/admin_unlink_identity" => {
            let target = fresh_user().await;
            let now = chrono::Utc::now();
            let identity = app::entities::user_identities::ActiveModel {
                user_id: Set(target.id),
                issuer: Set("https://idp.example.com".into()),
                subject: Set(format!("sub-{n}")),
                email: Set(target.email.clone()),
                created_at: Set(now),
                last_used_at: Set(now),
                ..Default::default()
            }
            .insert(&s.db)
            .await
            .unwrap();
            (
                FN_ADMIN,
                post(
                    "admin_unlink_identity",
                    &[("identity_id", identity.id.to_string())],
                ),
            )
        }
        "POST /rpc/update_profile" => (
            FN_ANY_USER,
            post("update_profile", &[("display_name", format!("Name {n}"))]),
        ),
        "POST /rpc/change_password" => (
            FN_ANY_USER,
            post(
                "change_password",
                &[
                    ("current_password", PASSWORD.into()),
                    ("new_password", format!("{PASSWORD} {n}")),
                ],
            ),
        ),
        "GET /rpc/list_api_tokens" => (FN_ANY_USER, get("/rpc/list_api_tokens")),
        "POST /rpc/create_api_token" => (
            FN_ANY_USER,
            post(
                "create_api_token",
                &[("name", format!("Token {n}")), ("scope", "read".into())],
            ),
        ),
        // The owner principal's token: only its owner may revoke it, admins included.
        "POST /rpc/revoke_api_token" => {
            let id = fresh_api_token(s).await;
            (
                [401, 401, 404, 404, 200, 404, 404],
                post("revoke_api_token", &[("id", id)]),
            )
        }
        // Another user's session: not found for everyone, admins included.
        "POST /rpc/end_session" => (
            [401, 401, 404, 404, 404, 404, 404],
            post("end_session", &[("handle", w.other_session_handle.clone())]),
        ),
        // The REST API.
        "GET /api/v1/openapi.json" | "GET /api/v1/docs" => ([200; 7], get(&endpoint[4..])),
        "GET /api/v1/me" => (API_ANY_USER, api(Method::GET, "/me", None)),
        "GET /api/v1/search" => (API_ANY_USER, api(Method::GET, "/search?q=alpha", None)),
        "GET /api/v1/me/notifications" => {
            (API_ANY_USER, api(Method::GET, "/me/notifications", None))
        }
        "POST /api/v1/me/notifications/read" => (
            API_ANY_USER,
            api(Method::POST, "/me/notifications/read", None),
        ),
        // A team's webhooks: its owners.
        "GET /api/v1/teams/{id}/webhooks" => (
            [401, 401, 403, 403, 200, 404, 200],
            api(Method::GET, format!("/teams/{alpha}/webhooks"), None),
        ),
        "POST /api/v1/teams/{id}/webhooks" => (
            [401, 401, 403, 403, 201, 404, 201],
            api(
                Method::POST,
                format!("/teams/{alpha}/webhooks"),
                Some(serde_json::json!({
                    "url": "https://93.184.216.34/hook",
                    "events": ["item.assigned"],
                })),
            ),
        ),
        "DELETE /api/v1/webhooks/{id}" => {
            let (hook, _) = fresh_webhook(s, w.alpha).await;
            (
                [401, 401, 403, 403, 204, 404, 204],
                api(Method::DELETE, format!("/webhooks/{hook}"), None),
            )
        }
        "POST /api/v1/webhooks/deliveries/{id}/send-again" => {
            let (_, message) = fresh_webhook(s, w.alpha).await;
            (
                [401, 401, 403, 403, 202, 404, 202],
                api(
                    Method::POST,
                    format!("/webhooks/deliveries/{message}/send-again"),
                    None,
                ),
            )
        }
        // The owner principal's notification.
        "POST /api/v1/me/notifications/{id}/read" => {
            let id = fresh_notification(s).await;
            (
                [401, 401, 404, 404, 204, 404, 404],
                api(Method::POST, format!("/me/notifications/{id}/read"), None),
            )
        }
        "GET /api/v1/projects" => (API_ANY_USER, api(Method::GET, "/projects", None)),
        "POST /api/v1/projects" => (
            API_CREATE,
            api(
                Method::POST,
                "/projects",
                Some(json!({"name": format!("Api {n}"), "team_id": w.alpha})),
            ),
        ),
        "GET /api/v1/projects/{slug}"
        | "GET /api/v1/projects/{slug}/categories"
        | "GET /api/v1/projects/{slug}/items"
        | "GET /api/v1/projects/{slug}/risks"
        | "GET /api/v1/projects/{slug}/reviews"
        | "GET /api/v1/projects/{slug}/diff"
        | "GET /api/v1/projects/{slug}/report"
        | "GET /api/v1/projects/{slug}/forecast"
        | "GET /api/v1/projects/{slug}/plan" => (
            API_VIEW,
            api(
                Method::GET,
                endpoint[11..].replace("{slug}", "alpha-app"),
                None,
            ),
        ),
        "POST /api/v1/projects/{slug}/phases" => (
            API_CREATE,
            api(
                Method::POST,
                "/projects/alpha-app/phases",
                Some(json!({"name": format!("Api phase {n}"), "target_date": "2030-01-31"})),
            ),
        ),
        "PATCH /api/v1/phases/{id}" => {
            let id = fresh_phase(s, n).await;
            (
                API_EDIT,
                api(
                    Method::PATCH,
                    format!("/phases/{id}"),
                    Some(json!({"version": 1, "goal": "Ship it"})),
                ),
            )
        }
        "DELETE /api/v1/phases/{id}" => {
            let id = fresh_phase(s, n).await;
            (
                API_DELETE,
                api(Method::DELETE, format!("/phases/{id}"), None),
            )
        }
        "GET /api/v1/projects/{slug}/gate" => {
            (API_GATE, api(Method::GET, "/projects/alpha-app/gate", None))
        }
        "POST /api/v1/items/{id}/attest" => {
            let id = fresh_done_item(s, w.category, n).await;
            (
                API_EDIT,
                api(Method::POST, format!("/items/{id}/attest"), Some(json!({}))),
            )
        }
        "GET /api/v1/items/{id}/checks" => (
            API_VIEW,
            api(Method::GET, format!("/items/{}/checks", w.item), None),
        ),
        "POST /api/v1/items/{id}/checks" => {
            let id = fresh_item(s, w.category, n).await;
            (
                API_CREATE,
                api(
                    Method::POST,
                    format!("/items/{id}/checks"),
                    Some(json!({"kind": "ci", "key": format!("api-{n}")})),
                ),
            )
        }
        "DELETE /api/v1/checks/{id}" => {
            let id = fresh_check(s, w.category, n, "dns").await;
            (
                API_DELETE,
                api(Method::DELETE, format!("/checks/{id}"), None),
            )
        }
        "POST /api/v1/projects/{slug}/checks/{key}/results" => {
            fresh_check(s, w.category, n, "ci").await;
            (
                API_EDIT,
                api(
                    Method::POST,
                    format!("/projects/alpha-app/checks/k{n}/results"),
                    Some(json!({"status": "pass"})),
                ),
            )
        }
        "GET /api/v1/projects/{slug}/export/{format}" => (
            API_VIEW,
            api(Method::GET, "/projects/alpha-app/export/md", None),
        ),
        "PATCH /api/v1/projects/{slug}" => (
            API_EDIT,
            api(
                Method::PATCH,
                "/projects/alpha-app",
                Some(
                    json!({"version": project_version(s).await, "description": format!("Edit {n}")}),
                ),
            ),
        ),
        "POST /api/v1/projects/{slug}/categories" => (
            API_CREATE,
            api(
                Method::POST,
                "/projects/alpha-app/categories",
                Some(json!({"name": format!("Api category {n}")})),
            ),
        ),
        "PATCH /api/v1/categories/{id}" => {
            let id = fresh_category(s, n).await;
            (
                API_EDIT,
                api(
                    Method::PATCH,
                    format!("/categories/{id}"),
                    Some(json!({"version": 1, "weight": 2})),
                ),
            )
        }
        "POST /api/v1/categories/{id}/items" => (
            API_CREATE,
            api(
                Method::POST,
                format!("/categories/{}/items", w.category),
                Some(json!({"title": format!("Api item {n}")})),
            ),
        ),
        "GET /api/v1/items/{id}" | "GET /api/v1/items/{id}/comments" => (
            API_VIEW,
            api(
                Method::GET,
                endpoint[11..].replace("{id}", &w.item.to_string()),
                None,
            ),
        ),
        "PATCH /api/v1/items/{id}" => {
            let id = fresh_item(s, w.category, n).await;
            (
                API_EDIT,
                api(
                    Method::PATCH,
                    format!("/items/{id}"),
                    Some(json!({"version": 1, "title": format!("Api edit {n}")})),
                ),
            )
        }
        "POST /api/v1/items/{id}/status" => {
            let id = fresh_item(s, w.category, n).await;
            (
                API_EDIT,
                api(
                    Method::POST,
                    format!("/items/{id}/status"),
                    Some(json!({"status": "in_progress"})),
                ),
            )
        }
        "DELETE /api/v1/items/{id}" => {
            let id = fresh_item(s, w.category, n).await;
            (
                API_DELETE,
                api(Method::DELETE, format!("/items/{id}"), None),
            )
        }
        // Viewers may comment, as in the UI.
        "POST /api/v1/items/{id}/comments" => (
            [401, 401, 201, 201, 201, 404, 201],
            api(
                Method::POST,
                format!("/items/{}/comments", w.item),
                Some(json!({"body": format!("Comment {n}")})),
            ),
        ),
        "POST /api/v1/projects/{slug}/risks" => (
            API_CREATE,
            api(
                Method::POST,
                "/projects/alpha-app/risks",
                Some(json!({"title": format!("Api risk {n}"), "likelihood": 2, "impact": 2})),
            ),
        ),
        "GET /api/v1/risks/{id}" => (
            API_VIEW,
            api(Method::GET, format!("/risks/{}", w.risk), None),
        ),
        "PATCH /api/v1/risks/{id}" => {
            let id = fresh_risk(s, n).await;
            (
                API_EDIT,
                api(
                    Method::PATCH,
                    format!("/risks/{id}"),
                    Some(json!({"version": 1, "impact": 1})),
                ),
            )
        }
        "GET /api/v1/reviews/{id}" => (
            API_VIEW,
            api(Method::GET, format!("/reviews/{}", w.review), None),
        ),
        // The router's own routes. An export is read like the project; signed-out visitors (and
        // the disabled user, whose session ended) are sent to sign in.
        "GET /p/{slug}/export/{format}" => (PAGE_MEMBER, get("/p/alpha-app/export/md")),
        // A share link needs no account: the token is the permission.
        "GET /share/{token}" | "GET /share/{token}/pdf" => {
            let owner = owner().await;
            let token = app::report::share::create(&s.db, &owner, "alpha-app", "matrix", "", "")
                .await
                .unwrap();
            let tail = if endpoint.ends_with("/pdf") {
                "/pdf"
            } else {
                ""
            };
            ([200; 7], get(format!("/share/{token}{tail}")))
        }
        // The link in a mail needs no account: its signature is the permission.
        "GET /unsubscribe" | "POST /unsubscribe" => {
            let owner = owner().await;
            let key = app::inbox::mail::link_key(&s.db).await.unwrap();
            let link = app::inbox::mail::unsubscribe_link("", &key, owner.id, "assigned");
            let method = if endpoint.starts_with("POST") {
                Method::POST
            } else {
                Method::GET
            };
            let req = Req {
                method,
                path: link,
                form: vec![("List-Unsubscribe".into(), "One-Click".into())],
                json: None,
                bearer: false,
                body: None,
            };
            ([200; 7], req)
        }
        "GET /healthz" | "GET /readyz" => ([200; 7], get(&endpoint[4..])),
        // Evidence files.
        "POST /p/{slug}/items/{id}/files" => {
            let id = fresh_item(s, w.category, n).await;
            let req = Req {
                method: Method::POST,
                path: format!("/p/alpha-app/items/{id}/files"),
                form: vec![],
                json: None,
                bearer: false,
                body: upload_body(),
            };
            ([302, 302, 403, 303, 303, 404, 303], req)
        }
        "GET /p/{slug}/files/{id}" => {
            let id = fresh_file(s, w.category, n).await;
            (PAGE_MEMBER, get(format!("/p/alpha-app/files/{id}")))
        }
        "POST /rpc/delete_evidence_file" => {
            let id = fresh_file(s, w.category, n).await.to_string();
            (FN_EDIT, post("delete_evidence_file", &[("file_id", id)]))
        }
        "GET /api/v1/items/{id}/files" => (
            API_VIEW,
            api(Method::GET, format!("/items/{}/files", w.item), None),
        ),
        "POST /api/v1/items/{id}/files" => {
            let id = fresh_item(s, w.category, n).await;
            let mut req = api(Method::POST, format!("/items/{id}/files"), None);
            req.body = upload_body();
            (API_CREATE, req)
        }
        "GET /api/v1/files/{id}" => {
            let id = fresh_file(s, w.category, n).await;
            (API_VIEW, api(Method::GET, format!("/files/{id}"), None))
        }
        "DELETE /api/v1/files/{id}" => {
            let id = fresh_file(s, w.category, n).await;
            (
                API_DELETE,
                api(Method::DELETE, format!("/files/{id}"), None),
            )
        }
        other => panic!(
            "no authorization-matrix row for `{other}`: add one (expected status per principal)"
        ),
    }
}

/// Every endpoint: server functions from the registry, page routes from the router.
fn endpoints() -> BTreeSet<String> {
    let mut all: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, method)| format!("{method} {path}"))
        .collect();
    for route in leptos_axum::generate_route_list(app::App) {
        for method in route.methods() {
            let method = format!("{method:?}").to_uppercase();
            all.insert(format!("{method} {}", route.path()));
        }
    }
    // The REST API, from its OpenAPI document (which is generated from its routes).
    for (path, item) in &preflight_server::api::openapi().paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ] {
            if op.is_some() {
                all.insert(format!("{method} /api/v1{path}"));
            }
        }
    }
    all.insert("GET /api/v1/openapi.json".into());
    all.insert("GET /api/v1/docs".into());
    // The router's own routes (neither pages nor server functions nor the REST API).
    for route in PLAIN_ROUTES {
        all.insert(route.to_owned());
    }
    all
}

/// The routes `server/src/router.rs` adds itself. (`/metrics` is off in the tests' settings.)
const PLAIN_ROUTES: [&str; 12] = [
    "GET /campaigns/{id}/progress.csv",
    "GET /auth/oidc/start",
    "GET /auth/oidc/callback",
    "GET /p/{slug}/export/{format}",
    "POST /p/{slug}/items/{id}/files",
    "GET /p/{slug}/files/{id}",
    "GET /unsubscribe",
    "POST /unsubscribe",
    "GET /share/{token}",
    "GET /share/{token}/pdf",
    "GET /healthz",
    "GET /readyz",
];

/// Puts the principal's password back after a cell changed it.
async fn restore_password(w: &World, principal: usize, hash: &str) {
    let Some(email) = email_of(principal) else {
        return;
    };
    let id = w.s.auth_user(email).await.id;
    let u = app::entities::users::Entity::find_by_id(id)
        .one(&w.s.db)
        .await
        .unwrap()
        .unwrap();
    let mut u = u.into_active_model();
    u.password_hash = Set(hash.to_owned());
    u.update(&w.s.db).await.unwrap();
    unrevoke_tokens(w, id).await;
}

/// Changing a password revokes the account's tokens: rows after such a cell use them again.
async fn unrevoke_tokens(w: &World, user_id: i32) {
    use app::entities::api_tokens;
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::RevokedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(api_tokens::Column::UserId.eq(user_id))
        .exec(&w.s.db)
        .await
        .unwrap();
}

/// Sends `req` with `client` (and for the REST API, `token`). `cell` names it in a panic.
async fn send(
    w: &World,
    client: &Client,
    token: Option<&str>,
    req: &Req,
    cell: &str,
) -> reqwest::Response {
    let mut builder = client.request(req.method.clone(), w.s.url(&req.path));
    if let Some((content_type, bytes)) = &req.body {
        builder = builder
            .header("content-type", content_type)
            .body(bytes.clone());
        if let (true, Some(token)) = (req.bearer, token) {
            builder = builder.bearer_auth(token);
        } else if !req.bearer {
            builder = builder
                .header("origin", &w.s.base)
                .header("accept", "text/html");
        }
    } else if req.bearer {
        if let Some(token) = token {
            builder = builder.bearer_auth(token);
        }
        if let Some(json) = &req.json {
            builder = builder.json(json);
        }
    } else if req.method == Method::POST {
        builder = builder.header("origin", &w.s.base).form(&req.form);
    } else if !req.path.starts_with("/rpc/") {
        builder = builder.header("accept", "text/html");
    }
    // A connection that failed before an answer fails the send itself; that is the client's
    // race, not an answer: send once more, and name the cell if it fails again. No answer in
    // time is a failure of the cell, never asked again.
    let again = builder.try_clone();
    match builder.send().await {
        Ok(res) => res,
        Err(first) => match again {
            Some(again) if !first.is_timeout() => again
                .send()
                .await
                .unwrap_or_else(|e| panic!("{cell}: {first}; again: {e}")),
            _ => panic!("{cell}: {first:?}"),
        },
    }
}

/// The four tests below each drive hundreds of requests (and sign-ins) through a server of
/// their own; run one at a time, they do not starve each other's servers of the two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn every_endpoint_answers_each_principal_exactly() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let w = arrange().await;
    let hash =
        app::entities::users::Entity::find_by_id(w.s.auth_user("owner@example.com").await.id)
            .one(&w.s.db)
            .await
            .unwrap()
            .unwrap()
            .password_hash;
    let endpoints = endpoints();
    assert!(
        endpoints.len() > 30,
        "registry looks incomplete: {endpoints:?}"
    );
    let mut failures = Vec::new();
    let mut cells = 0;
    for endpoint in &endpoints {
        for (p, name) in PRINCIPALS.iter().enumerate() {
            cells += 1;
            let (expect, req) = row(&w, endpoint, cells).await;
            let is_api = req.bearer;
            let client = if is_api {
                if p == DISABLED {
                    set_disabled(&w, true).await;
                }
                w.s.client()
            } else {
                client_for(&w, p).await
            };
            let token = if is_api { w.tokens[p].as_deref() } else { None };
            let res = send(&w, &client, token, &req, &format!("{endpoint} as {name}")).await;
            let status = res.status().as_u16();
            if status != expect[p] {
                let body = res.text().await.unwrap_or_default();
                let body: String = body.chars().take(160).collect();
                failures.push(format!(
                    "{endpoint} as {name}: expected {}, got {status} ({body})",
                    expect[p]
                ));
            }
            if endpoint.ends_with("change_password") {
                // All signed-in principals share one password (and hash).
                for q in 0..PRINCIPALS.len() {
                    if q != ANON {
                        restore_password(&w, q, &hash).await;
                    }
                }
            }
        }
    }
    println!(
        "authorization matrix: {} endpoints × {} principals = {cells} cells checked",
        endpoints.len(),
        PRINCIPALS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Principals whose access was cut back after they signed in or got their token: each must
/// answer exactly as what it was cut back to, on every endpoint.
#[derive(Clone, Copy, Debug)]
enum Reduced {
    /// An editor who signed in (and made a write token), then was demoted to viewer.
    Demoted,
    /// An editor signed in with an administrator-issued temporary password.
    MustChangePassword,
    /// The editor's read-only token.
    ReadToken,
    /// The editor's token, past its expiry.
    ExpiredToken,
    /// The editor's token, revoked.
    RevokedToken,
}

const VIEWER: usize = 2;
const EDITOR: usize = 3;

/// What a user on a temporary password may call before choosing their own: the account page's
/// own functions. Everything else is 403 (server functions), a redirect to `/account` (pages,
/// downloads) or 401 (tokens).
const BEFORE_NEW_PASSWORD: [&str; 5] = [
    "POST /rpc/change_password",
    "POST /rpc/logout",
    "GET /rpc/session_info",
    "GET /rpc/list_my_sessions",
    "POST /rpc/end_session",
];

/// The status `who` must get for `endpoint` (whose full row is `expect`), or `None` when the
/// principal has no way to send that request (a token on a session endpoint, say).
fn reduced_expect(who: Reduced, endpoint: &str, expect: &Row, req: &Req) -> Option<u16> {
    let is_write = req.method != Method::GET;
    match (who, req.bearer) {
        (Reduced::Demoted, _) => Some(expect[VIEWER]),
        (Reduced::MustChangePassword, true) => Some(401),
        (Reduced::MustChangePassword, false) => Some(match endpoint {
            e if BEFORE_NEW_PASSWORD.contains(&e) => expect[EDITOR],
            "POST /rpc/login" | "POST /rpc/setup" => expect[EDITOR],
            // The sign-in steps ask nobody to be signed in.
            "GET /rpc/pending_link"
            | "GET /rpc/second_factor_step"
            | "POST /rpc/link_account"
            | "POST /rpc/login_second_factor" => expect[EDITOR],
            "GET /login/link" | "GET /login/two-factor" => 200,
            "GET /auth/oidc/start" | "GET /auth/oidc/callback" => 404,
            e if e.starts_with("GET /rpc/") || e.starts_with("POST /rpc/") => 403,
            "GET /account" => 200,
            "GET /share/{token}" | "GET /share/{token}/pdf" | "GET /healthz" | "GET /readyz" => 200,
            "GET /unsubscribe" | "POST /unsubscribe" => 200,
            "GET /api/v1/openapi.json" | "GET /api/v1/docs" => 200,
            _ => 302,
        }),
        (Reduced::ReadToken, true) if is_write => Some(403),
        (Reduced::ReadToken, true) => Some(expect[EDITOR]),
        (Reduced::ExpiredToken | Reduced::RevokedToken, true) => Some(401),
        (Reduced::ReadToken | Reduced::ExpiredToken | Reduced::RevokedToken, false) => None,
    }
}

/// Adds the reduced principals' accounts and tokens to the world: the demoted user and the one
/// on a temporary password (both Alpha editors), and the editor's read-only, expired and revoked
/// tokens. Returns each principal's token.
async fn arrange_reduced(w: &World) -> Vec<(Reduced, Option<String>)> {
    use app::account::tokens;
    let owner = w.s.auth_user("owner@example.com").await;
    for email in ["demoted@example.com", "temporary@example.com"] {
        user(&w.s, email, false).await;
        app::teams::service::add_member(&w.s.db, &owner, w.alpha, email, TeamRole::Editor)
            .await
            .unwrap();
    }
    let token = |email: &'static str, scope: &'static str| async move {
        let u = w.s.auth_user(email).await;
        tokens::create(&w.s.db, &u, "reduced", scope, "")
            .await
            .unwrap()
    };
    let demoted = token("demoted@example.com", "write").await;
    let temporary = token("temporary@example.com", "write").await;
    let read = token("editor@example.com", "read").await;
    let expired = token("editor@example.com", "write").await;
    let revoked = token("editor@example.com", "write").await;
    // The last two made are the expired one and the revoked one (newest first).
    let editor = w.s.auth_user("editor@example.com").await;
    let listed = tokens::list(&w.s.db, &editor).await.unwrap();
    let (revoked_id, expired_id) = (listed[0].id, listed[1].id);
    let row = app::entities::api_tokens::Entity::find_by_id(expired_id)
        .one(&w.s.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    row.update(&w.s.db).await.unwrap();
    tokens::revoke(&w.s.db, &editor, revoked_id).await.unwrap();
    vec![
        (Reduced::Demoted, Some(demoted)),
        (Reduced::MustChangePassword, Some(temporary)),
        (Reduced::ReadToken, Some(read)),
        (Reduced::ExpiredToken, Some(expired)),
        (Reduced::RevokedToken, Some(revoked)),
    ]
}

/// Puts the reduced principal back where each cell starts: the demoted user signed in as an
/// editor and then demoted by the owner (the session stays); the temporary-password user signed
/// in on it. Returns the signed-in client (a plain one for the token principals).
async fn reduced_client(w: &World, who: Reduced, hash: &str) -> Client {
    use app::teams::service::change_role;
    let c = w.s.client();
    let owner = w.s.auth_user("owner@example.com").await;
    match who {
        Reduced::Demoted => {
            let id = w.s.auth_user("demoted@example.com").await.id;
            set_password(w, id, hash, false).await;
            unrevoke_tokens(w, id).await;
            change_role(&w.s.db, &owner, w.alpha, id, TeamRole::Editor)
                .await
                .unwrap();
            let res = w.s.login(&c, "demoted@example.com", PASSWORD).await;
            assert_eq!(res.status(), 200);
            change_role(&w.s.db, &owner, w.alpha, id, TeamRole::Viewer)
                .await
                .unwrap();
        }
        Reduced::MustChangePassword => {
            let id = w.s.auth_user("temporary@example.com").await.id;
            set_password(w, id, hash, true).await;
            let res = w.s.login(&c, "temporary@example.com", PASSWORD).await;
            assert_eq!(res.status(), 200);
        }
        _ => {}
    }
    c
}

/// Sets a user's password hash and "must change password" flag (a cell may have changed both).
async fn set_password(w: &World, id: i32, hash: &str, must_change: bool) {
    let u = app::entities::users::Entity::find_by_id(id)
        .one(&w.s.db)
        .await
        .unwrap()
        .unwrap();
    let mut u = u.into_active_model();
    u.password_hash = Set(hash.to_owned());
    u.must_change_password = Set(must_change);
    u.update(&w.s.db).await.unwrap();
}

/// Every endpoint, requested by every reduced principal: a member demoted while signed in, a
/// user on a temporary password, and read-only, expired and revoked tokens on every REST call.
#[tokio::test]
async fn every_endpoint_answers_reduced_principals_as_what_they_were_reduced_to() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let w = arrange().await;
    let reduced = arrange_reduced(&w).await;
    let hash =
        app::entities::users::Entity::find_by_id(w.s.auth_user("owner@example.com").await.id)
            .one(&w.s.db)
            .await
            .unwrap()
            .unwrap()
            .password_hash;
    let mut failures = Vec::new();
    let mut cells = 0;
    let mut per = std::collections::BTreeMap::<String, usize>::new();
    let mut n = 10_000;
    for endpoint in &endpoints() {
        for (who, token) in &reduced {
            n += 1;
            let (expect, req) = row(&w, endpoint, n).await;
            let Some(want) = reduced_expect(*who, endpoint, &expect, &req) else {
                continue;
            };
            cells += 1;
            *per.entry(format!("{who:?}")).or_default() += 1;
            let client = reduced_client(&w, *who, &hash).await;
            let cell = format!("{endpoint} as {who:?}");
            let res = send(&w, &client, token.as_deref(), &req, &cell).await;
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = res.text().await.unwrap_or_default();
            if status != want {
                let body: String = body.chars().take(160).collect();
                failures.push(format!("{cell}: expected {want}, got {status} ({body})"));
            } else if matches!(who, Reduced::MustChangePassword) && status == 302 {
                // Sent to choose a password, and shown nothing of the project on the way.
                if endpoint != "GET /login" && endpoint != "GET /setup" && location != "/account" {
                    failures.push(format!("{cell}: redirected to {location:?}, not /account"));
                }
                if body.contains("Alpha App") {
                    failures.push(format!("{cell}: the redirect's body shows the project"));
                }
            }
        }
    }
    println!("reduced principals: {cells} cells checked ({per:?})");
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One team's side of the world, as its owner sees it: the owner's email and token, the team,
/// and one of each object in its project.
struct Side {
    email: &'static str,
    token: String,
    slug: &'static str,
    team: i32,
    category: i32,
    item: i32,
    risk: i32,
    /// A final review.
    review: i32,
    template: String,
    share_link: i32,
    /// A phase of its plan.
    phase: i32,
    /// A user who is a member of this side's team only.
    member_only_here: i32,
}

/// One of each object in `slug`, made by `email` (its team's owner).
async fn side(
    w: &World,
    email: &'static str,
    slug: &'static str,
    team: i32,
    member_only_here: &str,
) -> Side {
    use app::{checklist::service as checklist, risks::service as risks};
    let s = &w.s;
    let by = s.auth_user(email).await;
    let today = chrono::Utc::now().date_naive();
    let category = checklist::create_category(
        &s.db,
        &by,
        slug,
        checklist::CategoryInput {
            name: format!("{slug} probes"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let item = checklist::create_item(
        &s.db,
        &by,
        category,
        checklist::ItemInput {
            title: format!("{slug} probe item"),
            priority: "high".into(),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();
    let risk = risks::create_risk(
        &s.db,
        &by,
        slug,
        risks::RiskInput {
            title: format!("{slug} probe risk"),
            likelihood: "2".into(),
            impact: "2".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let review = app::reviews::service::create(
        &s.db,
        &by,
        slug,
        app::reviews::service::ReviewInput {
            title: format!("{slug} probe review"),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();
    app::reviews::service::finalize(&s.db, &by, review, 1, today)
        .await
        .unwrap();
    let template = app::templates::service::save_project(
        &s.db,
        &by,
        slug,
        format!("{slug} probe template"),
        String::new(),
    )
    .await
    .unwrap();
    app::report::share::create(&s.db, &by, slug, "probe", "", "")
        .await
        .unwrap();
    let share_link = app::report::share::list(&s.db, &by, slug).await.unwrap()[0].id;
    let phase = app::phases::service::create_phase(
        &s.db,
        &by,
        slug,
        app::phases::service::PhaseInput {
            name: format!("{slug} probe phase"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    Side {
        phase,
        email,
        token: app::account::tokens::create(&s.db, &by, "probes", "write", "")
            .await
            .unwrap(),
        slug,
        team,
        category,
        item,
        risk,
        review,
        template,
        share_link,
        member_only_here: s.auth_user(member_only_here).await.id,
    }
}

/// What a probe may change on the other side, counted: items (with their versions), links of
/// risks to items, share links and whether they are live, templates, projects, comments,
/// reviews, team members.
async fn footprint(w: &World) -> Vec<String> {
    use app::entities::*;
    use sea_orm::{PaginatorTrait, QueryOrder};
    let db = &w.s.db;
    let mut out = vec![
        format!(
            "risk links {}",
            risk_items::Entity::find().count(db).await.unwrap()
        ),
        format!(
            "projects {}",
            projects::Entity::find().count(db).await.unwrap()
        ),
        format!(
            "comments {}",
            item_comments::Entity::find().count(db).await.unwrap()
        ),
        format!(
            "sign-offs {}",
            review_signoffs::Entity::find().count(db).await.unwrap()
        ),
        format!(
            "reviews {}",
            reviews::Entity::find().count(db).await.unwrap()
        ),
        format!(
            "templates {}",
            templates::Entity::find().count(db).await.unwrap()
        ),
        format!(
            "members {}",
            team_members::Entity::find().count(db).await.unwrap()
        ),
        format!("risks {}", risks::Entity::find().count(db).await.unwrap()),
        format!(
            "phases {:?}",
            phases::Entity::find()
                .order_by_asc(phases::Column::Id)
                .all(db)
                .await
                .unwrap()
                .iter()
                .map(|p| (p.id, p.version))
                .collect::<Vec<_>>()
        ),
    ];
    for i in items::Entity::find()
        .order_by_asc(items::Column::Id)
        .all(db)
        .await
        .unwrap()
    {
        out.push(format!(
            "item {} v{} {} phase {:?}",
            i.id,
            i.version,
            i.priority.as_str(),
            i.phase_id
        ));
    }
    for l in share_links::Entity::find()
        .order_by_asc(share_links::Column::Id)
        .all(db)
        .await
        .unwrap()
    {
        out.push(format!(
            "share {} {:?} {}",
            l.id,
            l.review_id,
            l.revoked_at.is_some()
        ));
    }
    out
}

/// Calls that name an object of the caller's own project together with one of another team's
/// (or another team's object alone), made by each team's owner against the other team, both
/// ways: each is refused with the status given, and nothing anywhere changes.
#[tokio::test]
async fn calls_mixing_two_teams_objects_are_refused_and_change_nothing() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let w = arrange().await;
    let beta = app::projects::access::find_by_slug(&w.s.db, "beta-app")
        .await
        .unwrap()
        .team_id;
    let alpha = side(
        &w,
        "owner@example.com",
        "alpha-app",
        w.alpha,
        "editor@example.com",
    )
    .await;
    let beta = side(
        &w,
        "other@example.com",
        "beta-app",
        beta,
        "other@example.com",
    )
    .await;
    let before = footprint(&w).await;
    let mut failures = Vec::new();
    let mut probes = 0;
    for (me, them) in [(&alpha, &beta), (&beta, &alpha)] {
        let c = w.s.client();
        assert_eq!(w.s.login(&c, me.email, PASSWORD).await.status(), 200);
        let mine = app::entities::items::Entity::find_by_id(me.item)
            .one(&w.s.db)
            .await
            .unwrap()
            .unwrap()
            .version
            .to_string();
        let cases: Vec<(&str, u16, Req)> = vec![
            // A field error, as for an item that does not exist: nothing says it does.
            (
                "link my risk to their item",
                422,
                post(
                    "link_risk_item",
                    &[
                        ("risk_id", me.risk.to_string()),
                        ("item_id", them.item.to_string()),
                        ("linked", "true".into()),
                    ],
                ),
            ),
            // As for an item deleted since the checklist was loaded.
            (
                "bulk change in my project naming their item",
                409,
                post(
                    "bulk_update_items",
                    &[
                        ("slug", me.slug.into()),
                        ("items[]", format!("{}:1", them.item)),
                        ("priority", "low".into()),
                    ],
                ),
            ),
            (
                "share link in my project to their review",
                422,
                post(
                    "create_share_link",
                    &[
                        ("slug", me.slug.into()),
                        ("review", them.review.to_string()),
                    ],
                ),
            ),
            (
                "revoke their share link",
                404,
                post("revoke_share_link", &[("id", them.share_link.to_string())]),
            ),
            (
                "project in my team from their template",
                404,
                post(
                    "create_from_template",
                    &[
                        ("template", them.template.clone()),
                        ("team_id", me.team.to_string()),
                        ("name", "Stolen".into()),
                    ],
                ),
            ),
            (
                "delete their template",
                404,
                post(
                    "delete_template",
                    &[(
                        "template_id",
                        them.template.trim_start_matches("team:").to_owned(),
                    )],
                ),
            ),
            (
                "item in their category",
                404,
                post(
                    "create_item",
                    &[
                        ("category_id", them.category.to_string()),
                        ("title", "Planted".into()),
                    ],
                ),
            ),
            (
                "risk in my project filed under their category",
                422,
                post(
                    "create_risk",
                    &[
                        ("slug", me.slug.into()),
                        ("title", "Planted".into()),
                        ("category", them.category.to_string()),
                        ("likelihood", "2".into()),
                        ("impact", "2".into()),
                    ],
                ),
            ),
            (
                "risk in my project owned by their member",
                422,
                post(
                    "create_risk",
                    &[
                        ("slug", me.slug.into()),
                        ("title", "Planted".into()),
                        ("owner", them.member_only_here.to_string()),
                        ("likelihood", "2".into()),
                        ("impact", "2".into()),
                    ],
                ),
            ),
            (
                "my item assigned to their member",
                422,
                post(
                    "set_item_assignee",
                    &[
                        ("item_id", me.item.to_string()),
                        ("version", mine.clone()),
                        ("assignee", them.member_only_here.to_string()),
                    ],
                ),
            ),
            (
                "comment on their item",
                404,
                post(
                    "add_comment",
                    &[("item_id", them.item.to_string()), ("body", "Hi".into())],
                ),
            ),
            (
                "next review from theirs",
                404,
                post(
                    "start_next_review",
                    &[("review_id", them.review.to_string())],
                ),
            ),
            (
                "sign their review",
                404,
                post(
                    "sign_review",
                    &[
                        ("review_id", them.review.to_string()),
                        ("comment", "Go".into()),
                    ],
                ),
            ),
            (
                "risk from their item",
                404,
                post(
                    "create_risk_from_item",
                    &[("item_id", them.item.to_string())],
                ),
            ),
            (
                "move my project into their team",
                422,
                post(
                    "move_project",
                    &[("slug", me.slug.into()), ("team_id", them.team.to_string())],
                ),
            ),
            (
                "add a member to their team",
                404,
                post(
                    "add_member",
                    &[
                        ("team_id", them.team.to_string()),
                        ("email", me.email.into()),
                        ("role", "editor".into()),
                    ],
                ),
            ),
            (
                "read their item",
                404,
                get(format!("/rpc/get_item?item_id={}", them.item)),
            ),
            (
                "read their review",
                404,
                get(format!("/rpc/get_review?review_id={}", them.review)),
            ),
            (
                "download their project",
                404,
                get(format!("/p/{}/export/md", them.slug)),
            ),
            (
                "download their project's archive (JSON and evidence files)",
                404,
                get(format!("/p/{}/export/zip", them.slug)),
            ),
            (
                "REST: download their project's archive",
                404,
                api(
                    Method::GET,
                    format!("/projects/{}/export/zip", them.slug),
                    None,
                ),
            ),
            (
                "REST: item in their category",
                404,
                api(
                    Method::POST,
                    format!("/categories/{}/items", them.category),
                    Some(json!({"title": "Planted"})),
                ),
            ),
            (
                "REST: read their item",
                404,
                api(Method::GET, format!("/items/{}", them.item), None),
            ),
            (
                "schedule my items into their phase",
                422,
                post(
                    "bulk_update_items",
                    &[
                        ("slug", me.slug.into()),
                        ("items[]", format!("{}:{mine}", me.item)),
                        ("phase", them.phase.to_string()),
                    ],
                ),
            ),
            (
                "REST: schedule my item into their phase",
                422,
                api(
                    Method::PATCH,
                    format!("/items/{}", me.item),
                    Some(
                        json!({"version": mine.parse::<i32>().unwrap_or(1), "phase_id": them.phase}),
                    ),
                ),
            ),
            (
                "REST: a new item of mine in their phase",
                422,
                api(
                    Method::POST,
                    format!("/categories/{}/items", me.category),
                    Some(json!({"title": "Planted", "phase_id": them.phase})),
                ),
            ),
            (
                "rename their phase",
                404,
                post(
                    "update_phase",
                    &[
                        ("phase_id", them.phase.to_string()),
                        ("version", "1".into()),
                        ("name", "Taken".into()),
                    ],
                ),
            ),
            (
                "move their phase",
                404,
                post(
                    "move_phase",
                    &[
                        ("phase_id", them.phase.to_string()),
                        ("direction", "down".into()),
                    ],
                ),
            ),
            (
                "REST: edit their phase",
                404,
                api(
                    Method::PATCH,
                    format!("/phases/{}", them.phase),
                    Some(json!({"version": 1, "name": "Taken"})),
                ),
            ),
            (
                "REST: delete their phase",
                404,
                api(Method::DELETE, format!("/phases/{}", them.phase), None),
            ),
            (
                "REST: read their plan",
                404,
                api(Method::GET, format!("/projects/{}/plan", them.slug), None),
            ),
            (
                "REST: my risk linked to their item",
                422,
                api(
                    Method::PATCH,
                    format!("/risks/{}", me.risk),
                    Some(json!({"version": 1, "item_ids": [them.item]})),
                ),
            ),
        ];
        for (what, want, req) in cases {
            probes += 1;
            let cell = format!("{} → {}: {what}", me.slug, them.slug);
            let res = send(&w, &c, Some(&me.token), &req, &cell).await;
            let status = res.status().as_u16();
            if status != want {
                let body: String = res
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(160)
                    .collect();
                failures.push(format!("{cell}: expected {want}, got {status} ({body})"));
            }
        }
    }
    println!("cross-team probes: {probes} calls, both ways");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        footprint(&w).await,
        before,
        "a refused call changed something"
    );
}

/// Every list a user can read, read by a member of each team: nothing of the other team's
/// (projects, teams, templates) appears in any of them, while the reader's own does.
#[tokio::test]
async fn lists_show_nothing_of_another_team() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let w = arrange().await;
    for (email, slug) in [
        ("owner@example.com", "alpha-app"),
        ("other@example.com", "beta-app"),
    ] {
        let by = w.s.auth_user(email).await;
        app::checklist::service::create_category(
            &w.s.db,
            &by,
            slug,
            app::checklist::service::CategoryInput {
                name: format!("{slug} basics"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        app::templates::service::save_project(
            &w.s.db,
            &by,
            slug,
            format!("{slug} checklist template"),
            String::new(),
        )
        .await
        .unwrap();
    }
    let lists = [
        "/rpc/get_portfolio",
        "/rpc/list_projects",
        "/rpc/list_teams",
        "/rpc/list_project_teams",
        "/rpc/list_templates",
        "/",
        "/teams",
        "/templates",
        "/import",
    ];
    let mut checked = 0;
    // (reader, words that must show, words that must not): project names, team names,
    // template names, slugs.
    for (p, mine, theirs) in [
        (EDITOR, ["Alpha App", "alpha-app"], ["Beta", "beta-app"]),
        (VIEWER, ["Alpha App", "alpha-app"], ["Beta", "beta-app"]),
        (5, ["Beta App", "beta-app"], ["Alpha", "alpha-app"]),
    ] {
        let c = client_for(&w, p).await;
        let mut bodies = Vec::new();
        for path in lists {
            let res = send(&w, &c, None, &get(path), path).await;
            assert_eq!(res.status(), 200, "{path} as {}", PRINCIPALS[p]);
            bodies.push((path.to_owned(), res.text().await.unwrap()));
        }
        let token = w.tokens[p].clone().unwrap();
        let res =
            w.s.client()
                .get(w.s.url("/api/v1/projects"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
        assert_eq!(res.status(), 200);
        bodies.push(("/api/v1/projects".into(), res.text().await.unwrap()));
        for (path, body) in &bodies {
            checked += 1;
            for word in theirs {
                assert!(
                    !body.contains(word),
                    "{path} as {} shows {word:?}",
                    PRINCIPALS[p]
                );
            }
        }
        // The lists are not simply empty: each shows the reader's own project somewhere.
        for word in mine {
            for path in [
                "/rpc/list_projects",
                "/rpc/get_portfolio",
                "/api/v1/projects",
            ] {
                let body = &bodies.iter().find(|(p, _)| p == path).unwrap().1;
                assert!(
                    body.contains(word),
                    "{path} as {} lacks {word:?}",
                    PRINCIPALS[p]
                );
            }
        }
    }
    println!("list bodies: {checked} lists checked, 3 readers");
}
