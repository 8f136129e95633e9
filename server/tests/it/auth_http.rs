use crate::support::{PASSWORD, TestServer, error_kind, session_set_cookie};

#[tokio::test]
async fn setup_works_once_then_is_closed() {
    let s = TestServer::start().await;
    let c = s.client();

    // A fresh instance sends every page to /setup.
    let res = s.page(&c, "/").await;
    assert_eq!(res.status(), 302);
    let res = s.page(&c, "/login").await;
    assert_eq!(res.headers()["location"], "/setup");
    let res = s.page(&c, "/setup").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Create administrator"));

    let res = s.setup_admin(&c, "ada@example.com").await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    // Signed in right away.
    let info: serde_json::Value = s.get_json(&c, "/rpc/session_info").await;
    assert_eq!(info["user"]["email"], "ada@example.com");
    assert_eq!(info["user"]["is_admin"], true);

    // Closed for good: another visitor cannot run setup again, and the page is gone.
    let other = s.client();
    let (status, body) = error_kind(s.setup_admin(&other, "eve@example.com").await).await;
    assert_eq!((status, body["kind"].as_str()), (404, Some("not_found")));
    let res = s.page(&other, "/setup").await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login");
}

#[tokio::test]
async fn setup_rejects_bad_input_field_by_field() {
    let s = TestServer::start().await;
    let c = s.client();
    let res = s
        .call(
            &c,
            "setup",
            &[
                ("email", "not-an-email"),
                ("display_name", " "),
                ("password", "short"),
                ("team_name", "Platform"),
            ],
        )
        .await;
    let (status, body) = error_kind(res).await;
    assert_eq!(status, 422);
    assert_eq!(body["kind"], "validation");
    for field in ["email", "display_name", "password"] {
        assert!(body["detail"][field].is_string(), "{field}: {body}");
    }
    // Nothing was created: setup is still open.
    let info: serde_json::Value = s.get_json(&c, "/rpc/session_info").await;
    assert_eq!(info["needs_setup"], true);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;

    let wrong = s
        .login(&s.client(), "ada@example.com", "wrong password!")
        .await;
    let wrong = (wrong.status(), wrong.text().await.unwrap());
    let unknown = s.login(&s.client(), "nobody@example.com", PASSWORD).await;
    let unknown = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong, unknown);

    // Email is case-insensitive; the right password signs in.
    let c = s.client();
    let ok = s.login(&c, "ADA@Example.com", PASSWORD).await;
    assert_eq!(ok.status(), 200);
    let res = c.get(s.url("/rpc/list_projects")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn disabled_account_cannot_sign_in() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let bob = s.add_user("bob@example.com", false).await;

    let c = s.client();
    assert_eq!(s.login(&c, "bob@example.com", PASSWORD).await.status(), 200);
    let mut active: app::entities::users::ActiveModel = bob.into();
    active.is_disabled = Set(true);
    active.update(&s.db).await.unwrap();

    // The existing session ends at once, and a new login is refused.
    let res = c.get(s.url("/rpc/list_projects")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(s.login(&c, "bob@example.com", PASSWORD).await.status(), 401);
}

#[tokio::test]
async fn pages_need_a_session() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let anon = s.client();
    for path in ["/", "/p/anything"] {
        let res = s.page(&anon, path).await;
        assert_eq!(res.status(), 302, "{path}");
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/login?next="), "{path} -> {location}");
    }
    let res = anon.get(s.url("/rpc/list_projects")).send().await.unwrap();
    assert_eq!(error_kind(res).await.0, 401);
    // The public pages and probes answer without one.
    for path in ["/login", "/healthz", "/readyz"] {
        let res = s.page(&anon, path).await;
        assert_eq!(res.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn logout_ends_the_session_and_the_old_cookie_is_refused() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let login = s.login(&c, "ada@example.com", PASSWORD).await;
    let cookie = session_set_cookie(&login)
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("session cookie set at login");
    assert!(cookie.len() > "preflight_session=".len() + 10);

    let res = s.call(&c, "logout", &[]).await;
    assert_eq!(res.status(), 200);

    let replay = reqwest::Client::new()
        .get(s.url("/rpc/list_projects"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(s.url("/"))
        .header("accept", "text/html")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 302);
}

#[tokio::test]
async fn login_issues_a_new_session_id_and_a_hardened_cookie() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let first = session_set_cookie(&s.login(&c, "ada@example.com", PASSWORD).await).unwrap();
    let second = session_set_cookie(&s.login(&c, "ada@example.com", PASSWORD).await).unwrap();
    assert_ne!(first.split(';').next(), second.split(';').next());
    let lower = second.to_ascii_lowercase();
    assert!(lower.contains("httponly"), "{second}");
    assert!(lower.contains("samesite=lax"), "{second}");
    assert!(!lower.contains("secure"), "plain http base URL: {second}");
}

async fn signed_in_status(s: &TestServer, c: &reqwest::Client) -> u16 {
    c.get(s.url("/rpc/list_projects"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn idle_sessions_expire_and_activity_extends_them() {
    use std::time::Duration;
    let s = TestServer::start_with(app::state::AppSettings {
        session_idle: Duration::from_secs(3),
        ..Default::default()
    })
    .await;
    let c = s.client();
    let setup = s.setup_admin(&c, "ada@example.com").await;
    let cookie = session_set_cookie(&setup).unwrap();
    // Requests every second keep a 3-second idle session alive well past 3 seconds (with a
    // margin for a loaded machine)...
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(signed_in_status(&s, &c).await, 200);
    }
    // ...and a pause longer than the idle timeout ends it, in the store too (the old cookie
    // replayed by another client is refused).
    tokio::time::sleep(Duration::from_millis(4200)).await;
    let replay = reqwest::Client::new()
        .get(s.url("/rpc/list_projects"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    assert_eq!(signed_in_status(&s, &c).await, 401);
}

#[tokio::test]
async fn sessions_end_at_their_absolute_lifetime_however_active() {
    use std::time::{Duration, Instant};
    // Sign-in time is kept in whole seconds, so an age can read up to a second long: check
    // well inside and well past the 3-second lifetime, timed from just after sign-in.
    let s = TestServer::start_with(app::state::AppSettings {
        session_max: Duration::from_secs(3),
        ..Default::default()
    })
    .await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let signed_in = Instant::now();
    assert_eq!(signed_in_status(&s, &c).await, 200);
    tokio::time::sleep_until((signed_in + Duration::from_millis(1000)).into()).await;
    assert_eq!(
        signed_in_status(&s, &c).await,
        200,
        "active and young: still signed in"
    );
    tokio::time::sleep_until((signed_in + Duration::from_millis(3200)).into()).await;
    assert_eq!(
        signed_in_status(&s, &c).await,
        401,
        "past the lifetime despite activity"
    );
}

/// An ended session stays ended. A request still in flight when its session is deleted (sign-out,
/// "end session", a password change) saves the session at its end; that save must not write the
/// deleted row back, while a save of a live session still updates it.
#[tokio::test]
async fn a_late_save_does_not_bring_an_ended_session_back() {
    use preflight_server::session_store::DbSessionStore;
    use tower_sessions::{
        SessionStore,
        session::{Id, Record},
    };
    let db = crate::support::fresh_db().await;
    preflight_server::db::migrate(&db).await.unwrap();
    let store = DbSessionStore::new(db);
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.unwrap();

    record.data.insert("seen".into(), "first".into());
    store.save(&record).await.unwrap();
    let live = store.load(&record.id).await.unwrap().expect("live session");
    assert_eq!(live.data["seen"], "first");

    // Signed out while the request was in flight, which then saves at its end.
    store.delete(&record.id).await.unwrap();
    record.data.insert("seen".into(), "late".into());
    store.save(&record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
}

/// First-run setup succeeds once, however many run at the same moment (on PostgreSQL two
/// transactions used to both see no account and both make an administrator).
#[tokio::test]
async fn concurrent_first_runs_make_one_administrator() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let s = TestServer::start().await;
    let clients: Vec<_> = (0..5).map(|_| s.client()).collect();
    let runs = clients.iter().enumerate().map(|(i, c)| {
        let s = &s;
        async move {
            s.setup_admin(c, &format!("admin{i}@example.com"))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(runs).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        app::entities::users::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        1
    );
}
