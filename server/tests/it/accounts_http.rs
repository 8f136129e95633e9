//! Site administration and self-service accounts over HTTP.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{PASSWORD, TestServer, error_kind};

async fn live_sessions(s: &TestServer, email: &str) -> u64 {
    let id = s.auth_user(email).await.id;
    app::entities::sessions::Entity::find()
        .filter(app::entities::sessions::Column::UserId.eq(id))
        .count(&s.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn admin_creates_an_account_whose_user_must_choose_a_password() {
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    let res = s
        .call(
            &admin,
            "admin_create_user",
            &[("email", "Bob@Example.com"), ("display_name", "Bob")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let issued: serde_json::Value = res.json().await.unwrap();
    assert_eq!(issued["email"], "bob@example.com");
    let temp = issued["password"].as_str().unwrap().to_owned();
    assert_eq!(temp.len(), 16);

    // The same email again is a field error.
    let (status, body) = error_kind(
        s.call(
            &admin,
            "admin_create_user",
            &[("email", "bob@example.com"), ("display_name", "Bob 2")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["detail"]["email"].is_string());

    // Bob signs in with the temporary password and is sent to /account to replace it.
    let bob = s.client();
    assert_eq!(s.login(&bob, "bob@example.com", &temp).await.status(), 200);
    let info = s.get_json(&bob, "/rpc/session_info").await;
    assert_eq!(info["user"]["must_change_password"], true);
    let home = s.page(&bob, "/").await;
    assert_eq!(home.status(), 302);
    assert_eq!(home.headers()["location"], "/account");
    let res = s
        .call(
            &bob,
            "change_password",
            &[("current_password", &temp), ("new_password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(s.page(&bob, "/").await.status(), 200);

    let users = s.get_json(&admin, "/rpc/list_users").await;
    let bob_row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "bob@example.com")
        .unwrap();
    assert_eq!(bob_row["must_change_password"], false);
    assert_eq!(bob_row["sessions"], 1);
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    let bob_id = s.add_user("bob@example.com", false).await.id.to_string();
    let bob = s.client();
    s.login(&bob, "bob@example.com", PASSWORD).await;
    assert_eq!(s.page(&bob, "/").await.status(), 200);

    let res = s
        .call(
            &admin,
            "set_user_disabled",
            &[("user_id", &bob_id), ("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(live_sessions(&s, "bob@example.com").await, 0);
    assert_eq!(s.page(&bob, "/").await.status(), 302);
    assert_eq!(
        s.login(&bob, "bob@example.com", PASSWORD).await.status(),
        401
    );

    let res = s
        .call(
            &admin,
            "set_user_disabled",
            &[("user_id", &bob_id), ("disabled", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        s.login(&bob, "bob@example.com", PASSWORD).await.status(),
        200
    );
    let trail = s.audit_trail().await;
    assert!(trail.contains(&("user".into(), "disabled".into())));
    assert!(trail.contains(&("user".into(), "enabled".into())));
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed_or_disabled() {
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    let ada = s.auth_user("ada@example.com").await.id.to_string();
    let (status, _) = error_kind(
        s.call(
            &admin,
            "set_user_admin",
            &[("user_id", &ada), ("is_admin", "false")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = error_kind(
        s.call(
            &admin,
            "set_user_disabled",
            &[("user_id", &ada), ("disabled", "true")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 409);
    assert!(body["detail"].as_str().unwrap().contains("own account"));

    // A second admin, disabled, does not count: Ada is still the last one who can sign in.
    let bea = s.add_user("bea@example.com", true).await.id.to_string();
    s.call(
        &admin,
        "set_user_disabled",
        &[("user_id", &bea), ("disabled", "true")],
    )
    .await;
    let (status, body) = error_kind(
        s.call(
            &admin,
            "set_user_admin",
            &[("user_id", &ada), ("is_admin", "false")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("last site administrator")
    );

    // Once Bea is enabled again, Ada may step down.
    s.call(
        &admin,
        "set_user_disabled",
        &[("user_id", &bea), ("disabled", "false")],
    )
    .await;
    let res = s
        .call(
            &admin,
            "set_user_admin",
            &[("user_id", &ada), ("is_admin", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(!s.auth_user("ada@example.com").await.is_admin);
}

#[tokio::test]
async fn reset_password_issues_a_new_one_and_ends_sessions() {
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    let bob_id = s.add_user("bob@example.com", false).await.id.to_string();
    let bob = s.client();
    s.login(&bob, "bob@example.com", PASSWORD).await;
    let res = s
        .call(&admin, "reset_user_password", &[("user_id", &bob_id)])
        .await;
    assert_eq!(res.status(), 200);
    let temp = res.json::<serde_json::Value>().await.unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(live_sessions(&s, "bob@example.com").await, 0);
    assert_eq!(
        s.login(&bob, "bob@example.com", PASSWORD).await.status(),
        401
    );
    assert_eq!(s.login(&bob, "bob@example.com", &temp).await.status(), 200);
    assert!(s.auth_user("bob@example.com").await.must_change_password);
}

#[tokio::test]
async fn password_change_ends_every_other_session() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let (laptop, phone) = (s.client(), s.client());
    s.login(&laptop, "ada@example.com", PASSWORD).await;
    s.login(&phone, "ada@example.com", PASSWORD).await;
    // The setup client's session plus these two.
    assert_eq!(live_sessions(&s, "ada@example.com").await, 3);

    // Wrong current password: a field error, nothing changes.
    let (status, body) = error_kind(
        s.call(
            &laptop,
            "change_password",
            &[
                ("current_password", "wrong password"),
                ("new_password", "another secret 1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["current_password"],
        "The current password is incorrect."
    );
    assert_eq!(live_sessions(&s, "ada@example.com").await, 3);

    let res = s
        .call(
            &laptop,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "another secret 1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<u64>().await.unwrap(), 2);
    assert_eq!(live_sessions(&s, "ada@example.com").await, 1);
    assert_eq!(
        s.page(&laptop, "/").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        s.page(&phone, "/").await.status(),
        302,
        "the other one ended"
    );
    assert_eq!(
        s.login(&phone, "ada@example.com", PASSWORD).await.status(),
        401
    );
    assert_eq!(
        s.login(&phone, "ada@example.com", "another secret 1")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn users_list_and_end_their_own_sessions() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let (laptop, phone) = (s.client(), s.client());
    s.login(&laptop, "ada@example.com", PASSWORD).await;
    phone
        .post(s.url("/rpc/login"))
        .header("origin", &s.base)
        .header("user-agent", "PhoneBrowser/1.0")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let sessions = s.get_json(&laptop, "/rpc/list_my_sessions").await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let phone_session = sessions
        .iter()
        .find(|s| s["user_agent"] == "PhoneBrowser/1.0")
        .unwrap();
    let handle = phone_session["handle"].as_str().unwrap();

    // Another user cannot end it.
    s.add_user("bob@example.com", false).await;
    let bob = s.client();
    s.login(&bob, "bob@example.com", PASSWORD).await;
    let res = s.call(&bob, "end_session", &[("handle", handle)]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(s.page(&phone, "/").await.status(), 200);

    let res = s.call(&laptop, "end_session", &[("handle", handle)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(s.page(&phone, "/").await.status(), 302);
    assert_eq!(s.page(&laptop, "/").await.status(), 200);

    let res = s
        .call(&laptop, "update_profile", &[("display_name", "  ")])
        .await;
    assert_eq!(error_kind(res).await.0, 422);
    let res = s
        .call(&laptop, "update_profile", &[("display_name", "Ada L.")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(s.auth_user("ada@example.com").await.display_name, "Ada L.");
}

/// `is_admin` means what it says: `false` (an API caller) and an unticked box (no field) make a
/// plain account, `true` and a ticked box ("on") an administrator, anything else is a field error.
#[tokio::test]
async fn creating_an_account_grants_administration_only_when_asked() {
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    for (email, flag, expected) in [
        ("plain@example.com", None, false),
        ("false@example.com", Some("false"), false),
        ("zero@example.com", Some("0"), false),
        ("ticked@example.com", Some("on"), true),
        ("true@example.com", Some("true"), true),
    ] {
        let mut form = vec![("email", email), ("display_name", "Someone")];
        form.extend(flag.map(|f| ("is_admin", f)));
        s.call_ok(&admin, "admin_create_user", &form).await;
        assert_eq!(s.auth_user(email).await.is_admin, expected, "{flag:?}");
    }
    let (status, body) = error_kind(
        s.call(
            &admin,
            "admin_create_user",
            &[
                ("email", "maybe@example.com"),
                ("display_name", "Maybe"),
                ("is_admin", "maybe"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["detail"]["is_admin"].is_string(), "{body}");
}

async fn new_token(s: &TestServer, c: &reqwest::Client) -> String {
    let res = s
        .call(c, "create_api_token", &[("name", "CI"), ("scope", "read")])
        .await;
    assert_eq!(res.status(), 200);
    let token: serde_json::Value = res.json().await.unwrap();
    token.as_str().unwrap().to_owned()
}

/// A new password ends what the old one could reach: the user's API tokens are revoked, the
/// session that changed it gets a new id (its old cookie is worthless), no row holds a cookie's
/// id, and the current password is guessed no faster than a sign-in.
#[tokio::test]
async fn a_new_password_revokes_tokens_and_rotates_the_session() {
    use app::account::tokens;
    let s = TestServer::start().await;
    let (ada, _) = s.admin_with_team().await;
    let token = new_token(&s, &ada).await;
    assert!(tokens::authenticate(&s.db, &token).await.is_ok());

    let before = session_cookie(&s, "ada@example.com", PASSWORD).await;
    let stolen = s.client();
    let res = stolen
        .get(s.url("/rpc/session_info"))
        .header("cookie", &before)
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("ada@example.com"));
    // The database holds a digest of the id, never the cookie's value.
    let id = before.split_once('=').unwrap().1;
    let rows = app::entities::sessions::Entity::find()
        .all(&s.db)
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.id != id && r.id.len() == 64));

    let c = s.client();
    let res = c
        .post(s.url("/rpc/change_password"))
        .header("origin", s.url(""))
        .header("cookie", &before)
        .form(&[
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let after = crate::support::session_set_cookie(&res).expect("a new session id");
    assert_ne!(
        after.split(';').next().unwrap(),
        before,
        "the id was rotated"
    );
    // The old cookie signs nobody in; the token is revoked.
    let info = stolen
        .get(s.url("/rpc/session_info"))
        .header("cookie", &before)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!info.contains("ada@example.com"), "{info}");
    assert!(tokens::authenticate(&s.db, &token).await.is_err());
}

/// Five wrong current passwords lock the account like five wrong sign-ins.
#[tokio::test]
async fn the_current_password_is_throttled() {
    let s = TestServer::start().await;
    let (ada, _) = s.admin_with_team().await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let res = s
            .call(
                &ada,
                "change_password",
                &[
                    ("current_password", format!("guess number {i}").as_str()),
                    ("new_password", "a brand new passphrase"),
                ],
            )
            .await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 429, 429]);
}

/// A temporary password is only good for choosing a new one: other server functions answer 403
/// and the user's API tokens stop working (an admin reset revokes them) until it is replaced.
#[tokio::test]
async fn a_temporary_password_only_lets_the_user_choose_a_new_one() {
    use app::account::tokens;
    let s = TestServer::start().await;
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    let bob_id = s.add_user("bob@example.com", false).await.id.to_string();
    let bob = s.client();
    s.login(&bob, "bob@example.com", PASSWORD).await;
    let token = new_token(&s, &bob).await;
    let res = s
        .call(&admin, "reset_user_password", &[("user_id", &bob_id)])
        .await;
    let temp = res.json::<serde_json::Value>().await.unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        tokens::authenticate(&s.db, &token).await.is_err(),
        "revoked"
    );

    assert_eq!(s.login(&bob, "bob@example.com", &temp).await.status(), 200);
    let (status, _) = error_kind(s.call(&bob, "create_team", &[("name", "Bob's")]).await).await;
    assert_eq!(status, 403, "a temporary password cannot create a team");
    let res = s
        .call(
            &bob,
            "create_api_token",
            &[("name", "x"), ("scope", "read")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let info = s.get_json(&bob, "/rpc/session_info").await;
    assert_eq!(info["user"]["must_change_password"], true);
    s.call_ok(
        &bob,
        "change_password",
        &[("current_password", &temp), ("new_password", PASSWORD)],
    )
    .await;
    s.call_ok(&bob, "create_team", &[("name", "Bob's")]).await;
}

/// Signs in on a fresh client and returns its session cookie (`name=value`).
async fn session_cookie(s: &TestServer, email: &str, password: &str) -> String {
    let res = s.login(&s.client(), email, password).await;
    crate::support::session_set_cookie(&res)
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}
