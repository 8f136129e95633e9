//! Two-factor sign-in over HTTP: enrolment, codes computed here from the secret the page
//! showed (as an authenticator app would), reuse refused, recovery codes used once, wrong
//! codes counted by the sign-in throttle, the site-wide requirement and the admin reset.

use std::time::Duration;

use app::{
    auth::{throttle::ThrottlePolicy, totp::SecretKey},
    entities::{recovery_codes, users},
    state::AppSettings,
};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{PASSWORD, TestServer, totp_code};

fn settings(key: bool) -> AppSettings {
    AppSettings {
        secret_key: key.then(|| SecretKey::from_config(&"s".repeat(40)).unwrap()),
        throttle: ThrottlePolicy {
            account_free: 6,
            address_free: 50,
            base_lock: Duration::from_secs(60),
            ..ThrottlePolicy::default()
        },
        ..AppSettings::default()
    }
}

fn code(secret: &str, offset: i64) -> String {
    totp_code(secret, offset)
}

/// Waits for a fresh 30-second step when the current one is about to end, so the codes a
/// test computes stay in the window the server checks.
async fn fresh_step() {
    let left = 30 - chrono::Utc::now().timestamp() % 30;
    if left < 8 {
        tokio::time::sleep(Duration::from_secs(u64::try_from(left).unwrap() + 1)).await;
    }
}

async fn signed_in(server: &TestServer, client: &Client) -> Option<String> {
    server.get_json(client, "/rpc/session_info").await["user"]["email"]
        .as_str()
        .map(str::to_owned)
}

/// Enrols `client`'s account; returns the base32 secret and the recovery codes.
async fn enrol(server: &TestServer, client: &Client) -> (String, Vec<String>) {
    let res = server.call(client, "start_two_factor", &[]).await;
    assert_eq!(res.status(), 200);
    let enrolment: serde_json::Value = res.json().await.unwrap();
    assert!(enrolment["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    // The secret is stored sealed, never as the app sees it.
    let stored = users::Entity::find()
        .all(&server.db)
        .await
        .unwrap()
        .into_iter()
        .find_map(|u| u.totp_secret)
        .unwrap();
    assert!(!stored.contains(&secret));
    let wrong = server
        .call(
            client,
            "confirm_two_factor",
            &[("password", PASSWORD), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong = server
        .call(
            client,
            "confirm_two_factor",
            &[("password", "nope nope nope"), ("code", &code(&secret, -1))],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let res = server
        .call(
            client,
            "confirm_two_factor",
            &[("password", PASSWORD), ("code", &code(&secret, -1))],
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.unwrap();
    (secret, codes)
}

/// A password sign-in that stops at the second factor.
async fn first_step(server: &TestServer, email: &str) -> Client {
    let client = server.client();
    let res = server.login(&client, email, PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/login/two-factor");
    assert_eq!(signed_in(server, &client).await, None, "not signed in yet");
    client
}

#[tokio::test]
async fn enrol_then_codes_once_recovery_codes_once_and_wrong_codes_are_throttled() {
    fresh_step().await;
    let server = TestServer::start_with(settings(true)).await;
    let (admin, _) = server.admin_with_team().await;
    let (secret, recovery) = enrol(&server, &admin).await;
    assert_eq!(recovery.len(), 10);
    let stored: Vec<String> = recovery_codes::Entity::find()
        .all(&server.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code_hash)
        .collect();
    assert_eq!(stored.len(), 10);
    assert!(
        recovery.iter().all(|c| !stored.contains(c)),
        "stored hashed"
    );

    // Password, then the app's current code.
    let client = first_step(&server, "ada@example.com").await;
    let page = server
        .page(&client, "/login/two-factor")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("six-digit code"));
    let now = code(&secret, 0);
    server
        .call_ok(&client, "login_second_factor", &[("code", &now)])
        .await;
    assert_eq!(
        signed_in(&server, &client).await.as_deref(),
        Some("ada@example.com")
    );
    let sessions = server.get_json(&client, "/rpc/list_my_sessions").await;
    assert_eq!(sessions[0]["method"], "password_totp", "{sessions}");

    // The same code again, within its window: refused.
    let again = first_step(&server, "ada@example.com").await;
    let res = server
        .call(&again, "login_second_factor", &[("code", &now)])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(signed_in(&server, &again).await, None);

    // A recovery code works once.
    let client = first_step(&server, "ada@example.com").await;
    server
        .call_ok(
            &client,
            "login_second_factor",
            &[("code", &recovery[3].to_uppercase())],
        )
        .await;
    let sessions = server.get_json(&client, "/rpc/list_my_sessions").await;
    assert_eq!(sessions[0]["method"], "password_recovery");
    let client = first_step(&server, "ada@example.com").await;
    let res = server
        .call(&client, "login_second_factor", &[("code", &recovery[3])])
        .await;
    assert_eq!(res.status(), 422);

    // Wrong codes count toward the throttle (6 failures lock the account here): the refused
    // reuse and recovery code above left 2 (each with its password step; a success clears the
    // count), this password step is the 3rd, two wrong codes the 4th and 5th, the next locks;
    // then even the right code is refused.
    let client = first_step(&server, "ada@example.com").await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let res = server
            .call(&client, "login_second_factor", &[("code", "123456")])
            .await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, vec![422, 422, 429]);
    let res = server
        .call(
            &client,
            "login_second_factor",
            &[("code", &code(&secret, 1))],
        )
        .await;
    assert_eq!(res.status(), 429);
    assert_eq!(signed_in(&server, &client).await, None);
    assert_eq!(
        server
            .login(&server.client(), "ada@example.com", PASSWORD)
            .await
            .status(),
        429
    );
    // A second step belongs to the session that gave the password.
    let stranger = server.client();
    let res = server
        .call(&stranger, "login_second_factor", &[("code", "123456")])
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn required_for_everyone_enrols_at_sign_in_and_admins_reset_lost_factors() {
    fresh_step().await;
    let server = TestServer::start_with(settings(true)).await;
    let (admin, _) = server.admin_with_team().await;
    server.add_user("bob@example.com", false).await;
    server
        .call_ok(&admin, "set_two_factor_required", &[("required", "true")])
        .await;

    // Bob's next sign-in sets up a second factor before anything else.
    let bob = first_step(&server, "bob@example.com").await;
    let step = server.get_json(&bob, "/rpc/second_factor_step").await;
    assert_eq!(step["enrol"], true, "{step}");
    let secret = step["secret"].as_str().unwrap().to_owned();
    let page = server
        .page(&bob, "/login/two-factor")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg") && page.contains(&secret));
    let res = server
        .call(&bob, "login_second_factor", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), 422);
    let res = server
        .call(&bob, "login_second_factor", &[("code", &code(&secret, 0))])
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        signed_in(&server, &bob).await.as_deref(),
        Some("bob@example.com")
    );
    // Required: Bob cannot turn it off.
    let res = server
        .call(&bob, "disable_two_factor", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 409);

    // Bob lost his phone: an admin resets his second factor (audited), Bob enrols again.
    let bob_id = server.auth_user("bob@example.com").await.id.to_string();
    let res = server
        .call(&bob, "admin_reset_two_factor", &[("user_id", &bob_id)])
        .await;
    assert_eq!(res.status(), 403, "not for Bob himself");
    server
        .call_ok(&admin, "admin_reset_two_factor", &[("user_id", &bob_id)])
        .await;
    assert!(
        server
            .audit_trail()
            .await
            .contains(&("user".into(), "totp_reset".into()))
    );
    assert_eq!(
        recovery_codes::Entity::find()
            .filter(recovery_codes::Column::UserId.eq(bob_id.parse::<i32>().unwrap()))
            .count(&server.db)
            .await
            .unwrap(),
        0
    );
    let bob = first_step(&server, "bob@example.com").await;
    assert_eq!(
        server.get_json(&bob, "/rpc/second_factor_step").await["enrol"],
        true
    );

    // Optional again: Bob, without a second factor, signs in with the password alone.
    server
        .call_ok(&admin, "set_two_factor_required", &[("required", "false")])
        .await;
    let client = server.client();
    assert_eq!(
        server
            .login(&client, "bob@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(
        signed_in(&server, &client).await.as_deref(),
        Some("bob@example.com")
    );
    let users = server.get_json(&admin, "/rpc/list_users").await;
    let ada = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ada@example.com")
        .unwrap();
    assert_eq!(ada["two_factor"], false);
    assert_eq!(ada["has_password"], true);
}

#[tokio::test]
async fn without_a_secret_key_two_factor_cannot_be_turned_on() {
    let server = TestServer::start_with(settings(false)).await;
    let (admin, _) = server.admin_with_team().await;
    assert_eq!(
        server.call(&admin, "start_two_factor", &[]).await.status(),
        409
    );
    let res = server
        .call(&admin, "set_two_factor_required", &[("required", "true")])
        .await;
    assert_eq!(res.status(), 409);
    let status = server.get_json(&admin, "/rpc/two_factor_status").await;
    assert_eq!(status["available"], false);
    // Password sign-in is unchanged.
    assert_eq!(
        server
            .login(&server.client(), "ada@example.com", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn turning_two_factor_off_needs_the_password() {
    fresh_step().await;
    let server = TestServer::start_with(settings(true)).await;
    let (admin, _) = server.admin_with_team().await;
    enrol(&server, &admin).await;
    let res = server
        .call(
            &admin,
            "disable_two_factor",
            &[("password", "wrong password!")],
        )
        .await;
    assert_eq!(res.status(), 422);
    server
        .call_ok(&admin, "disable_two_factor", &[("password", PASSWORD)])
        .await;
    let trail = server.audit_trail().await;
    assert!(trail.contains(&("user".into(), "totp_enrolled".into())));
    assert!(trail.contains(&("user".into(), "totp_disabled".into())));
    assert_eq!(
        server
            .login(&server.client(), "ada@example.com", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_changed_secret_key_is_a_clear_refusal_not_an_error() {
    fresh_step().await;
    let server = TestServer::start_with(settings(true)).await;
    let (admin, _) = server.admin_with_team().await;
    let (secret, _) = enrol(&server, &admin).await;
    // The same database served with another key.
    let other = TestServer::start_on(
        server.db.clone(),
        AppSettings {
            secret_key: Some(SecretKey::from_config(&"t".repeat(40)).unwrap()),
            ..settings(true)
        },
    )
    .await;
    let client = first_step(&other, "ada@example.com").await;
    let res = other
        .call(
            &client,
            "login_second_factor",
            &[("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("reset it"));
    assert_eq!(signed_in(&other, &client).await, None);
}

#[tokio::test]
async fn the_command_line_removes_a_locked_out_admins_second_factor() {
    fresh_step().await;
    let url = crate::support::fresh_db_url().await;
    let db = preflight_server::db::open(&url).await.unwrap();
    let server = TestServer::start_on(db, settings(true)).await;
    let (admin, _) = server.admin_with_team().await;
    enrol(&server, &admin).await;
    // The only admin lost the phone and the recovery codes: the password alone is not enough.
    first_step(&server, "ada@example.com").await;

    let run = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["user", "reset-two-factor", email])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = run("nobody@example.com");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account nobody@example.com"));
    let out = run("Ada@Example.com");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed the second factor"));
    assert!(
        server
            .audit_trail()
            .await
            .contains(&("user".into(), "totp_reset".into()))
    );
    let ada = server.auth_user("ada@example.com").await.id;
    assert_eq!(
        recovery_codes::Entity::find()
            .filter(recovery_codes::Column::UserId.eq(ada))
            .count(&server.db)
            .await
            .unwrap(),
        0
    );
    let client = server.client();
    assert_eq!(
        server
            .login(&client, "ada@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(
        signed_in(&server, &client).await.as_deref(),
        Some("ada@example.com")
    );
    // Again: nothing to remove, said so, still a success.
    let out = run("ada@example.com");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("had no second factor"));
}
