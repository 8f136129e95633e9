//! Login throttling: per account and per client address, in the database.

use std::time::Duration;

use app::{auth::throttle::ThrottlePolicy, state::AppSettings};

use crate::support::{PASSWORD, TestServer, error_kind};

/// Behind a proxy on 127.0.0.1, so each test client can come from its own address; small
/// limits so the tests stay quick.
fn settings() -> AppSettings {
    AppSettings {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        throttle: ThrottlePolicy {
            account_free: 3,
            address_free: 5,
            base_lock: Duration::from_secs(60),
            ..ThrottlePolicy::default()
        },
        ..AppSettings::default()
    }
}

async fn attempt(s: &TestServer, ip: &str, email: &str, password: &str) -> u16 {
    s.login(&s.client_at(ip), email, password)
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_account_locks_after_repeated_failures_from_any_address() {
    let s = TestServer::start_with(settings()).await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    assert_eq!(
        attempt(&s, "198.51.100.1", "ada@example.com", "wrong 1").await,
        401
    );
    assert_eq!(
        attempt(&s, "198.51.100.1", "ada@example.com", "wrong 2").await,
        401
    );
    let res = s
        .login(&s.client_at("198.51.100.1"), "ada@example.com", "wrong 3")
        .await;
    assert_eq!(res.status(), 429, "the third failure locks the account");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((50..=60).contains(&retry), "{retry}");
    let (_, body) = error_kind(res).await;
    assert_eq!(body["kind"], "too_many_attempts");

    // Locked: even the right password from another address is refused, without a check.
    assert_eq!(
        attempt(&s, "203.0.113.7", "ada@example.com", PASSWORD).await,
        429
    );

    // An unknown email behaves exactly the same way.
    for (i, expected) in [401, 401, 429, 429].into_iter().enumerate() {
        let status = attempt(&s, "192.0.2.9", "ghost@example.com", &format!("guess {i}")).await;
        assert_eq!(status, expected, "attempt {i} on an unknown account");
    }
    assert!(
        s.audit_trail()
            .await
            .contains(&("login".into(), "locked".into()))
    );
}

#[tokio::test]
async fn an_address_locks_after_failures_across_accounts_but_others_still_sign_in() {
    let s = TestServer::start_with(settings()).await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let attacker = "198.51.100.66";
    for i in 0..4 {
        let email = format!("user{i}@example.com");
        assert_eq!(attempt(&s, attacker, &email, "guess").await, 401);
    }
    assert_eq!(
        attempt(&s, attacker, "user4@example.com", "guess").await,
        429
    );
    // The address is locked, whatever account it tries…
    assert_eq!(
        attempt(&s, attacker, "ada@example.com", PASSWORD).await,
        429
    );
    // …but Ada's account is not: from her own address her password works.
    assert_eq!(
        attempt(&s, "203.0.113.20", "ada@example.com", PASSWORD).await,
        200
    );
}

#[tokio::test]
async fn success_resets_the_account_counter() {
    let s = TestServer::start_with(settings()).await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let ip = "203.0.113.5";
    for _ in 0..2 {
        assert_eq!(attempt(&s, ip, "ada@example.com", "typo").await, 401);
    }
    assert_eq!(attempt(&s, ip, "ada@example.com", PASSWORD).await, 200);
    for _ in 0..2 {
        assert_eq!(attempt(&s, ip, "ada@example.com", "typo").await, 401);
    }
    assert_eq!(attempt(&s, ip, "ada@example.com", PASSWORD).await, 200);
}

#[tokio::test]
async fn locks_survive_a_restart_and_hold_for_other_instances() {
    let first = TestServer::start_with(settings()).await;
    first.setup_admin(&first.client(), "ada@example.com").await;
    for _ in 0..3 {
        attempt(&first, "198.51.100.1", "ada@example.com", "wrong").await;
    }
    // A new server process over the same database.
    let second = TestServer::start_on(first.db.clone(), settings()).await;
    assert_eq!(
        attempt(&second, "203.0.113.1", "ada@example.com", PASSWORD).await,
        429
    );
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_header_is_ignored() {
    let s = TestServer::start_with(AppSettings {
        throttle: settings().throttle,
        ..AppSettings::default()
    })
    .await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    // Five failures on different accounts claiming five different addresses: all come from
    // 127.0.0.1 really, so that address locks.
    for i in 0..5 {
        attempt(
            &s,
            &format!("198.51.100.{i}"),
            &format!("u{i}@example.com"),
            "x",
        )
        .await;
    }
    assert_eq!(
        attempt(&s, "203.0.113.99", "ada@example.com", PASSWORD).await,
        429
    );
}

/// Parallel attempts cannot outrun the count. Forty wrong passwords for one account sent at once
/// (from forty addresses): each is counted before its password is checked, so only the free
/// attempts reach a check and the rest are refused, and the account's counter holds exactly
/// the attempts that were checked (before, all forty were checked and then counted).
#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_checks_than_allowed() {
    use app::entities::login_throttle;
    use sea_orm::EntityTrait;
    let s = TestServer::start_with(settings()).await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let attempts = (0..40).map(|i| {
        let s = &s;
        async move {
            let ip = format!("198.51.100.{}", i + 1);
            attempt(s, &ip, "ada@example.com", &format!("wrong {i}")).await
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked_and_wrong = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked_and_wrong, refused), (2, 38), "{statuses:?}");
    let row = login_throttle::Entity::find_by_id("account:ada@example.com")
        .one(&s.db)
        .await
        .unwrap()
        .expect("the account's counter");
    assert_eq!(
        row.failures, 3,
        "password checks run: the free attempts only"
    );
    assert!(row.locked_until.is_some());

    // A right password from a fresh address is refused too while the lock lasts.
    assert_eq!(
        attempt(&s, "203.0.113.50", "ada@example.com", PASSWORD).await,
        429
    );
}

/// A successful sign-in gives its attempt back to the address: signing in many times from one
/// office address never locks it.
#[tokio::test]
async fn successful_sign_ins_do_not_use_up_the_address() {
    let s = TestServer::start_with(settings()).await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    for i in 0..8 {
        assert_eq!(
            attempt(&s, "198.51.100.200", "ada@example.com", PASSWORD).await,
            200,
            "sign-in {i}"
        );
    }
}

/// An over-long email is refused before anything is counted or stored.
#[tokio::test]
async fn an_over_long_email_stores_nothing() {
    use app::entities::login_throttle;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let s = TestServer::start_with(settings()).await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let long = format!("{}@example.com", "a".repeat(300));
    assert_eq!(attempt(&s, "198.51.100.9", &long, "guess").await, 401);
    assert_eq!(
        login_throttle::Entity::find().count(&s.db).await.unwrap(),
        0
    );
}

/// Counters are not kept for ever: one with no failure for `forget_after` and no running lock is
/// purged; a recent one and one still locked stay.
#[tokio::test]
async fn old_counters_are_purged_and_running_locks_kept() {
    use app::{auth::throttle, entities::login_throttle};
    use chrono::{Duration as Span, Utc};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
    let s = TestServer::start_with(settings()).await;
    let now = Utc::now();
    for (key, last, locked) in [
        ("ip:192.0.2.1", now - Span::days(2), None),
        (
            "ip:192.0.2.2",
            now - Span::days(2),
            Some(now + Span::minutes(5)),
        ),
        ("ip:192.0.2.3", now - Span::hours(1), None),
    ] {
        login_throttle::ActiveModel {
            key: Set(key.into()),
            failures: Set(3),
            last_failure_at: Set(last),
            locked_until: Set(locked),
        }
        .insert(&s.db)
        .await
        .unwrap();
    }
    let purged = throttle::purge(&s.db, &settings().throttle, now)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let left: Vec<String> = login_throttle::Entity::find()
        .order_by_asc(login_throttle::Column::Key)
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(left, ["ip:192.0.2.2", "ip:192.0.2.3"]);
}
