//! API tokens: created once and shown once, stored hashed, listed with their last use,
//! revoked at once; a token stands for its owner only while owner and token are both live.

use app::{
    account::{model::TokenScope, tokens},
    error::AppError,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use crate::support::{TestServer, error_kind};

async fn create(
    s: &TestServer,
    c: &reqwest::Client,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    error_kind(s.call(c, "create_api_token", form).await).await
}

#[tokio::test]
async fn a_token_stands_for_its_owner_until_revoked_or_expired() {
    let s = TestServer::start().await;
    let (c, _) = s.admin_with_team().await;
    let (status, token) = create(&s, &c, &[("name", "CI pipeline"), ("scope", "write")]).await;
    assert_eq!(status, 200, "{token}");
    let token = token.as_str().unwrap().to_owned();
    assert!(
        token.starts_with("pfat_") && token.len() == 5 + 64,
        "{token}"
    );

    let stored = app::entities::api_tokens::Entity::find()
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].token_hash.contains(&token[5..21]),
        "only a digest is stored"
    );

    let listed = s.get_json(&c, "/rpc/list_api_tokens").await;
    assert_eq!(listed[0]["name"], "CI pipeline");
    assert_eq!(listed[0]["scope"], "write");
    assert_eq!(listed[0]["active"], true);
    assert!(listed[0]["last_used_at"].is_null());
    assert!(
        !listed.to_string().contains(&token[5..]),
        "the list never shows the secret"
    );

    let tokens::Bearer { user, scope, .. } = tokens::authenticate(&s.db, &token).await.unwrap();
    assert_eq!(user.email, "ada@example.com");
    assert_eq!(scope, TokenScope::Write);
    let listed = s.get_json(&c, "/rpc/list_api_tokens").await;
    assert!(listed[0]["last_used_at"].is_string(), "use is recorded");

    // Wrong, malformed or unprefixed tokens are all just unauthorized.
    let wrong = format!("pfat_{}", "ab".repeat(32));
    for bad in [wrong.as_str(), "pfat_short", &token[5..], "", "Bearer x"] {
        assert!(
            matches!(
                tokens::authenticate(&s.db, bad).await,
                Err(AppError::Unauthorized)
            ),
            "{bad}"
        );
    }

    // Revoked: dead at once, still listed as inactive, audited.
    let id = listed[0]["id"].to_string();
    s.call_ok(&c, "revoke_api_token", &[("id", &id)]).await;
    assert!(matches!(
        tokens::authenticate(&s.db, &token).await,
        Err(AppError::Unauthorized)
    ));
    let listed = s.get_json(&c, "/rpc/list_api_tokens").await;
    assert_eq!(listed[0]["active"], false);
    let trail = s.audit_trail().await;
    for action in ["created", "revoked"] {
        assert!(
            trail.iter().any(|(e, a)| e == "api_token" && a == action),
            "{trail:?}"
        );
    }

    // Expired: a token for one day, a day later.
    let (_, token) = create(
        &s,
        &c,
        &[
            ("name", "Short"),
            ("scope", "read"),
            ("expires_in_days", "1"),
        ],
    )
    .await;
    let token = token.as_str().unwrap().to_owned();
    let scope = tokens::authenticate(&s.db, &token).await.unwrap().scope;
    assert_eq!(scope, TokenScope::Read);
    let row = app::entities::api_tokens::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Short")
        .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    row.update(&s.db).await.unwrap();
    assert!(matches!(
        tokens::authenticate(&s.db, &token).await,
        Err(AppError::Unauthorized)
    ));
}

#[tokio::test]
async fn a_disabled_owner_disables_the_token_and_others_cannot_revoke_it() {
    let s = TestServer::start().await;
    let (_admin, _) = s.admin_with_team().await;
    let bob = s.add_user("bob@example.com", false).await;
    let b = s.client();
    s.login(&b, "bob@example.com", crate::support::PASSWORD)
        .await;
    let (_, token) = create(&s, &b, &[("name", "Laptop"), ("scope", "read")]).await;
    let token = token.as_str().unwrap().to_owned();
    assert!(tokens::authenticate(&s.db, &token).await.is_ok());
    let id = s.get_json(&b, "/rpc/list_api_tokens").await[0]["id"].to_string();

    // Eve cannot see or revoke Bob's token.
    s.add_user("eve@example.com", false).await;
    let e = s.client();
    s.login(&e, "eve@example.com", crate::support::PASSWORD)
        .await;
    assert_eq!(
        s.get_json(&e, "/rpc/list_api_tokens").await,
        serde_json::json!([])
    );
    let (status, _) = error_kind(s.call(&e, "revoke_api_token", &[("id", &id)]).await).await;
    assert_eq!(status, 404);
    assert!(tokens::authenticate(&s.db, &token).await.is_ok());

    let mut user = bob.into_active_model();
    user.is_disabled = Set(true);
    user.update(&s.db).await.unwrap();
    assert!(matches!(
        tokens::authenticate(&s.db, &token).await,
        Err(AppError::Unauthorized)
    ));
}

#[tokio::test]
async fn bad_token_requests_are_field_errors_and_create_nothing() {
    let s = TestServer::start().await;
    let (c, _) = s.admin_with_team().await;
    let long = "x".repeat(81);
    for (field, form) in [
        ("name", vec![("name", ""), ("scope", "read")]),
        ("name", vec![("name", long.as_str()), ("scope", "read")]),
        ("scope", vec![("name", "CI"), ("scope", "admin")]),
        (
            "expires_in_days",
            vec![("name", "CI"), ("scope", "read"), ("expires_in_days", "0")],
        ),
        (
            "expires_in_days",
            vec![
                ("name", "CI"),
                ("scope", "read"),
                ("expires_in_days", "many"),
            ],
        ),
    ] {
        let (status, body) = create(&s, &c, &form).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    assert_eq!(
        s.get_json(&c, "/rpc/list_api_tokens").await,
        serde_json::json!([])
    );
}
