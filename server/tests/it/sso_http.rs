//! Single sign-on against a real OpenID provider (`oidc-provider`, started on loopback by each
//! test), through the real redirects: a browser-like client that keeps cookies for both
//! servers follows every hop and fills in the provider's own login form.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use app::{
    auth::sso::{RoleMap, SsoSettings},
    entities::{team_members, teams, user_identities, users},
    state::AppSettings,
};
use reqwest::{Client, Response};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::{PASSWORD, TestServer, temp_dir};

/// The provider: a node process serving `end2end/oidc/provider.mjs`.
struct Idp {
    child: Child,
    issuer: String,
    accounts: PathBuf,
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Idp {
    fn start(preflight: &str) -> Self {
        let dir = temp_dir(&format!("pf_idp_{}", uuid::Uuid::new_v4().simple()));
        let accounts = dir.join("accounts.json");
        std::fs::write(&accounts, "{}").unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .env("OIDC_PORT", "0")
            .env("OIDC_CLIENT_ID", "preflight")
            .env("OIDC_CLIENT_SECRET", "secret")
            .env(
                "OIDC_REDIRECT_URI",
                format!("{preflight}/auth/oidc/callback"),
            )
            .env("OIDC_POST_LOGOUT_URI", format!("{preflight}/login"))
            .env("OIDC_ACCOUNTS", &accounts)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node end2end/oidc/provider.mjs (npm ci in end2end)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let issuer = serde_json::from_str::<serde_json::Value>(&line)
            .unwrap_or_else(|_| panic!("provider said {line:?}"))["issuer"]
            .as_str()
            .unwrap()
            .to_owned();
        Idp {
            child,
            issuer,
            accounts,
        }
    }

    /// Replaces the provider's users.
    fn accounts(&self, accounts: serde_json::Value) {
        std::fs::write(&self.accounts, accounts.to_string()).unwrap();
    }

    /// Makes the provider's next ID tokens carry a wrong nonce (`nonce`), or be signed by an
    /// unpublished key (`key`), or be right again (`none`).
    async fn tamper(&self, mode: &str) {
        let res = reqwest::Client::new()
            .post(format!("{}/__test/tamper", self.issuer))
            .body(mode.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
}

fn person(email: &str, verified: bool, groups: &[&str]) -> serde_json::Value {
    json!({ "email": email, "email_verified": verified, "name": "Sam Person", "groups": groups })
}

/// A Preflight with single sign-on through a fresh provider, whose first admin
/// (`ada@example.com`, a local password account) made the team `Platform`.
async fn start(change: impl FnOnce(&mut SsoSettings)) -> (TestServer, Idp) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let idp = Idp::start(&base);
    let mut sso = SsoSettings {
        issuer: idp.issuer.clone(),
        client_id: "preflight".into(),
        client_secret: Some("secret".into()),
        scopes: vec!["email".into(), "profile".into()],
        label: "Sign in with Acme".into(),
        allowed_domains: vec!["example.com".into()],
        groups_claim: "groups".into(),
        role_map: RoleMap::parse("eng=Platform:editor,sre=Platform:owner,pf-admins=admin").unwrap(),
        sso_only: false,
        break_glass: vec![],
    };
    change(&mut sso);
    let settings = AppSettings {
        base_url: Some(base),
        sso: Some(sso),
        ..Default::default()
    };
    let server = TestServer::start_bound(listener, settings).await;
    let admin = server.client();
    assert_eq!(
        server.setup_admin(&admin, "ada@example.com").await.status(),
        200
    );
    (server, idp)
}

fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no redirect: {}", res.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Resolves a `Location` against the URL it came from.
fn resolve(from: &str, to: &str) -> String {
    reqwest::Url::parse(from)
        .unwrap()
        .join(to)
        .unwrap()
        .to_string()
}

/// Starts single sign-on and goes through the provider as `login`, up to (not into)
/// Preflight's callback; returns the callback URL the provider sent the browser to.
async fn through_provider(server: &TestServer, client: &Client, login: &str) -> String {
    let mut url = server.url("/auth/oidc/start");
    let mut res = client.get(&url).send().await.unwrap();
    for _ in 0..20 {
        if res.status().is_redirection() {
            let next = resolve(&url, &location(&res));
            if next.starts_with(&server.url("/auth/oidc/callback")) {
                return next;
            }
            assert!(
                next.starts_with("http://127.0.0.1:"),
                "left loopback: {next}"
            );
            url = next;
            res = client.get(&url).send().await.unwrap();
            continue;
        }
        let body = res.text().await.unwrap();
        assert!(
            body.contains("name=\"login\""),
            "expected the provider's login form at {url}: {body}"
        );
        let action = body
            .split("action=\"")
            .nth(1)
            .and_then(|a| a.split('"').next())
            .unwrap()
            .to_owned();
        url = resolve(&url, &action);
        res = client
            .post(&url)
            .form(&[("prompt", "login"), ("login", login), ("password", "any")])
            .send()
            .await
            .unwrap();
    }
    panic!("no callback after 20 hops");
}

/// Signs in through the provider; returns where Preflight sends the browser after it.
async fn sso(server: &TestServer, client: &Client, login: &str) -> String {
    let callback = through_provider(server, client, login).await;
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 303, "callback answered {}", res.status());
    location(&res)
}

async fn signed_in_as(server: &TestServer, client: &Client) -> Option<String> {
    let info = server.get_json(client, "/rpc/session_info").await;
    info["user"]["email"].as_str().map(str::to_owned)
}

async fn role_in_platform(server: &TestServer, email: &str) -> Option<String> {
    let team = teams::Entity::find()
        .filter(teams::Column::Name.eq("Platform"))
        .one(&server.db)
        .await
        .unwrap()
        .unwrap();
    let user = server.auth_user(email).await;
    team_members::Entity::find_by_id((team.id, user.id))
        .one(&server.db)
        .await
        .unwrap()
        .map(|m| m.role)
}

#[tokio::test]
async fn first_sign_in_creates_the_account_and_groups_set_roles_at_every_sign_in() {
    let (server, idp) = start(|_| {}).await;
    idp.accounts(json!({ "sam": person("Sam@Example.com", true, &["eng"]) }));
    let client = server.client();
    assert_eq!(sso(&server, &client, "sam").await, "/");
    assert_eq!(
        signed_in_as(&server, &client).await.as_deref(),
        Some("sam@example.com")
    );
    let sam = server.auth_user("sam@example.com").await;
    assert!(!sam.is_admin);
    assert_eq!(
        role_in_platform(&server, "sam@example.com")
            .await
            .as_deref(),
        Some("editor")
    );
    // The account has no password: a password sign-in with anything fails.
    for guess in ["", "!", PASSWORD] {
        let res = server
            .login(&server.client(), "sam@example.com", guess)
            .await;
        assert_ne!(res.status(), 200, "{guess:?}");
    }
    // The session says how it was made.
    let sessions = server.get_json(&client, "/rpc/list_my_sessions").await;
    assert_eq!(sessions[0]["method"], "oidc", "{sessions}");
    let trail = server.audit_trail().await;
    assert!(
        trail.contains(&("user".into(), "identity_linked".into())),
        "{trail:?}"
    );

    // Promoted in the provider: owner and site admin at the next sign-in.
    idp.accounts(json!({ "sam": person("sam@example.com", true, &["eng", "sre", "pf-admins"]) }));
    let again = server.client();
    assert_eq!(sso(&server, &again, "sam").await, "/");
    assert_eq!(
        role_in_platform(&server, "sam@example.com")
            .await
            .as_deref(),
        Some("owner")
    );
    assert!(server.auth_user("sam@example.com").await.is_admin);

    // Every group removed: out of the team, no longer admin; still one account, one identity.
    idp.accounts(json!({ "sam": person("sam@example.com", true, &[]) }));
    let third = server.client();
    assert_eq!(sso(&server, &third, "sam").await, "/");
    assert_eq!(role_in_platform(&server, "sam@example.com").await, None);
    assert!(!server.auth_user("sam@example.com").await.is_admin);
    assert_eq!(users::Entity::find().count(&server.db).await.unwrap(), 2);
    assert_eq!(
        user_identities::Entity::find()
            .count(&server.db)
            .await
            .unwrap(),
        1
    );
    // Teams the map does not name are left alone: Ada still owns Platform.
    assert_eq!(
        role_in_platform(&server, "ada@example.com")
            .await
            .as_deref(),
        Some("owner")
    );
}

#[tokio::test]
async fn unverified_emails_and_foreign_domains_are_refused_with_a_clear_page() {
    let (server, idp) = start(|_| {}).await;
    idp.accounts(json!({
        "unverified": person("eve@example.com", false, &["eng"]),
        "foreign": person("mallory@evil.test", true, &["sre"]),
        "lookalike": person("mallory@example.com.evil.test", true, &["sre"]),
    }));
    for (login, code, text) in [
        ("unverified", "unverified", "has not verified your email"),
        ("foreign", "domain", "email domain are not allowed"),
        ("lookalike", "domain", "email domain are not allowed"),
    ] {
        let client = server.client();
        let to = sso(&server, &client, login).await;
        assert_eq!(to, format!("/login?sso={code}"), "{login}");
        let page = server.page(&client, &to).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains(text), "{login}");
        assert_eq!(signed_in_as(&server, &client).await, None, "{login}");
    }
    assert_eq!(users::Entity::find().count(&server.db).await.unwrap(), 1);
}

#[tokio::test]
async fn forged_state_replayed_code_wrong_nonce_and_foreign_key_are_refused() {
    let (server, idp) = start(|_| {}).await;
    idp.accounts(json!({ "sam": person("sam@example.com", true, &["eng"]) }));

    // A forged state: the callback's state is not the one this browser was given.
    let client = server.client();
    let callback = through_provider(&server, &client, "sam").await;
    let forged = reqwest::Url::parse_with_params(
        callback.split('?').next().unwrap(),
        reqwest::Url::parse(&callback)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "state" {
                    "forged".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            }),
    )
    .unwrap();
    let res = client.get(forged).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=expired");
    assert_eq!(signed_in_as(&server, &client).await, None);
    // The flow is spent: the genuine answer no longer works either.
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=expired");

    // Another browser's answer (login CSRF): refused, it never started a flow.
    let victim = server.client();
    let attacker = server.client();
    let callback = through_provider(&server, &attacker, "sam").await;
    let res = victim.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=expired");
    assert_eq!(signed_in_as(&server, &victim).await, None);

    // A replayed code: used once, then presented again under a fresh flow of the same browser.
    let client = server.client();
    let callback = through_provider(&server, &client, "sam").await;
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/");
    let fresh = through_provider(&server, &client, "sam").await;
    let state = |u: &str| {
        reqwest::Url::parse(u)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned()
    };
    let old_code = reqwest::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let replay = reqwest::Url::parse_with_params(
        &server.url("/auth/oidc/callback"),
        &[("code", old_code), ("state", state(&fresh))],
    )
    .unwrap();
    let res = client.get(replay).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=failed");

    // ID tokens with a wrong nonce, or signed by a key the provider never published.
    for mode in ["nonce", "key"] {
        idp.tamper(mode).await;
        let client = server.client();
        assert_eq!(
            sso(&server, &client, "sam").await,
            "/login?sso=failed",
            "{mode}"
        );
        assert_eq!(signed_in_as(&server, &client).await, None, "{mode}");
    }
    idp.tamper("none").await;
    let client = server.client();
    assert_eq!(sso(&server, &client, "sam").await, "/");
}

#[tokio::test]
async fn a_local_account_is_linked_only_after_its_password() {
    let (server, idp) = start(|_| {}).await;
    server.add_user("bob@example.com", false).await;
    // The provider lets anyone claim Bob's (verified) email.
    idp.accounts(json!({ "bob-at-idp": person("bob@example.com", true, &["eng"]) }));
    let client = server.client();
    assert_eq!(sso(&server, &client, "bob-at-idp").await, "/login/link");
    assert_eq!(signed_in_as(&server, &client).await, None);
    let page = server.page(&client, "/login/link").await;
    assert!(page.text().await.unwrap().contains("bob@example.com"));
    let res = server
        .call(&client, "link_account", &[("password", "not his password")])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(signed_in_as(&server, &client).await, None);
    assert_eq!(
        user_identities::Entity::find()
            .count(&server.db)
            .await
            .unwrap(),
        0
    );
    // Another browser cannot finish the link: nothing waits in its session.
    let other = server.client();
    let res = server
        .call(&other, "link_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 409);
    server
        .call_ok(&client, "link_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(
        signed_in_as(&server, &client).await.as_deref(),
        Some("bob@example.com")
    );
    assert_eq!(
        role_in_platform(&server, "bob@example.com")
            .await
            .as_deref(),
        Some("editor")
    );
    // From now on the provider signs Bob in directly, and his password still works.
    assert_eq!(sso(&server, &server.client(), "bob-at-idp").await, "/");
    assert_eq!(
        server
            .login(&server.client(), "bob@example.com", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn sso_only_refuses_passwords_but_for_break_glass_and_sign_out_ends_at_the_provider() {
    let (server, idp) = start(|s| {
        s.sso_only = true;
        s.break_glass = vec!["ada@example.com".into()];
    })
    .await;
    server.add_user("bob@example.com", false).await;
    let res = server
        .login(&server.client(), "bob@example.com", PASSWORD)
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("single sign-on"));
    assert_eq!(
        server
            .login(&server.client(), "ada@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    // The login page offers single sign-on only, and the password form on request.
    let anon = server.client();
    let page = server.page(&anon, "/login").await.text().await.unwrap();
    assert!(page.contains("Sign in with Acme") && page.contains("/auth/oidc/start"));
    assert!(!page.contains("type=\"password\""));
    let page = server
        .page(&anon, "/login?local=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("type=\"password\""));

    // Signing out of a single sign-on session ends the local session, then the provider's.
    idp.accounts(json!({ "sam": person("sam@example.com", true, &[]) }));
    let client = server.client();
    assert_eq!(sso(&server, &client, "sam").await, "/");
    let res = client
        .post(server.url("/rpc/logout"))
        .header("origin", &server.base)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{}/session/end?", idp.issuer)) && to.contains("id_token_hint="),
        "{to}"
    );
    assert_eq!(signed_in_as(&server, &client).await, None);
    // The pages let that form go to the provider, and nowhere else.
    let csp = server.page(&anon, "/login").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("form-action 'self' {}", idp.issuer)),
        "{csp}"
    );
}

#[tokio::test]
async fn without_a_provider_the_routes_are_not_there_and_login_is_unchanged() {
    let server = TestServer::start().await;
    let client = server.client();
    for path in ["/auth/oidc/start", "/auth/oidc/callback?code=x&state=y"] {
        assert_eq!(
            client.get(server.url(path)).send().await.unwrap().status(),
            404
        );
    }
    server.setup_admin(&client, "ada@example.com").await;
    let page = server
        .page(&server.client(), "/login")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("type=\"password\"") && !page.contains("/auth/oidc/start"));
    let res = server
        .call(&server.client(), "link_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn linking_an_account_with_a_second_factor_needs_the_code_too() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let idp = Idp::start(&base);
    let key = app::auth::totp::SecretKey::from_config(&"z".repeat(40)).unwrap();
    let settings = AppSettings {
        base_url: Some(base),
        secret_key: Some(key.clone()),
        sso: Some(SsoSettings {
            issuer: idp.issuer.clone(),
            client_id: "preflight".into(),
            client_secret: Some("secret".into()),
            scopes: vec!["email".into(), "profile".into()],
            label: "SSO".into(),
            allowed_domains: vec![],
            groups_claim: "groups".into(),
            role_map: RoleMap::default(),
            sso_only: false,
            break_glass: vec![],
        }),
        ..Default::default()
    };
    let server = TestServer::start_bound(listener, settings).await;
    server
        .setup_admin(&server.client(), "ada@example.com")
        .await;
    let bob = server.add_user("bob@example.com", false).await;
    let enrolment = app::auth::totp::begin(&server.db, &key, bob.id)
        .await
        .unwrap();
    let code = |offset: i64| crate::support::totp_code(&enrolment.secret, offset);
    let bob_user = server.auth_user("bob@example.com").await;
    app::auth::totp::confirm(&server.db, &key, &bob_user, &code(-1), chrono::Utc::now())
        .await
        .unwrap();

    idp.accounts(json!({ "bob": person("bob@example.com", true, &[]) }));
    let client = server.client();
    assert_eq!(sso(&server, &client, "bob").await, "/login/link");
    let res = server
        .call(&client, "link_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("two-factor"));
    let res = server
        .call(
            &client,
            "link_account",
            &[("password", PASSWORD), ("code", "000000")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        user_identities::Entity::find()
            .count(&server.db)
            .await
            .unwrap(),
        0
    );
    server
        .call_ok(
            &client,
            "link_account",
            &[("password", PASSWORD), ("code", &code(1))],
        )
        .await;
    assert_eq!(
        signed_in_as(&server, &client).await.as_deref(),
        Some("bob@example.com")
    );
    assert_eq!(
        user_identities::Entity::find()
            .count(&server.db)
            .await
            .unwrap(),
        1
    );
}
