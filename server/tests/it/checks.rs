//! Checks against real listeners the tests start on loopback: an HTTP server whose status the
//! test flips, TLS listeners with certificates made here (a CA, a leaf valid 5 days, one valid
//! 100), DNS for `localhost`, and CI results through the REST API with a token. Time moves
//! through the server's clock, never by sleeping.

use std::sync::{
    Arc,
    atomic::{AtomicU16, Ordering},
};

use app::{
    account::tokens,
    checks::{probe::Prober, service::sweep},
    state::AppSettings,
};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sea_orm::EntityTrait;

use crate::support::TestServer;

/// An HTTP server on 127.0.0.1 answering `GET /health` with the status in the returned cell.
async fn flipping_server() -> (String, Arc<AtomicU16>) {
    let status = Arc::new(AtomicU16::new(200));
    let cell = status.clone();
    let app = axum::Router::new().route(
        "/health",
        axum::routing::get(move || {
            let cell = cell.clone();
            async move {
                let code = axum::http::StatusCode::from_u16(cell.load(Ordering::SeqCst))
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
                (code, [("x-health", "1")], "status: ok")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/health", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, status)
}

/// Ada (admin) with project `shop`, a category, and item "Health endpoint" assigned to Bob, an
/// editor who watches it; returns (client, item id, Bob's user id).
async fn shop(s: &TestServer) -> (reqwest::Client, String, i32) {
    let shop = s.shop("Ops").await;
    s.member(&shop.c, &shop.team, "bob@example.com", "editor")
        .await;
    let bob = s.auth_user("bob@example.com").await.id;
    let item = shop
        .item(
            s,
            &[
                ("title", "Health endpoint"),
                ("priority", "critical"),
                ("assignee", &bob.to_string()),
            ],
        )
        .await;
    (shop.c, item, bob)
}

async fn detail(s: &TestServer, c: &reqwest::Client, item: &str) -> serde_json::Value {
    s.get_json(c, &format!("/rpc/get_item?item_id={item}"))
        .await
}

async fn notifications_of(s: &TestServer, user: i32) -> Vec<String> {
    use sea_orm::{ColumnTrait, QueryFilter};
    app::entities::notifications::Entity::find()
        .filter(app::entities::notifications::Column::UserId.eq(user))
        .filter(app::entities::notifications::Column::Kind.eq("check_failed"))
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect()
}

fn allowing() -> AppSettings {
    AppSettings {
        checks_allow_private: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn an_http_check_marks_its_item_done_reopens_it_on_failure_and_tells_its_holder() {
    let s = TestServer::start_with(allowing()).await;
    let (c, item, bob) = shop(&s).await;
    let (url, status) = flipping_server().await;
    let res = s
        .call(
            &c,
            "create_check",
            &[
                ("item_id", &item),
                ("kind", "http"),
                ("url", &url),
                ("body_contains", "ok"),
                ("header", "x-health"),
                ("interval_minutes", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let prober = Prober::new(true, &[]);

    let swept = sweep(&s.db, &prober, s.clock.now()).await.unwrap();
    assert_eq!((swept.ran, swept.failed), (1, 0));
    let d = detail(&s, &c, &item).await;
    assert_eq!(d["item"]["status"], "done");
    assert_eq!(d["item"]["evidence_kind"], "measured");
    assert_eq!(d["checks"][0]["state"], "pass");
    assert!(
        d["checks"][0]["runs"][0]["summary"]
            .as_str()
            .unwrap()
            .starts_with("answered 200"),
        "{d}"
    );
    // Not due again within the minute: the next sweep runs nothing.
    let swept = sweep(&s.db, &prober, s.clock.now()).await.unwrap();
    assert_eq!(swept.ran, 0);
    let list = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(list["score"]["evidence"]["measured"], 8);
    let report = s.page(&c, "/p/shop/export/md").await.text().await.unwrap();
    assert!(
        report.contains("100% ready, 100% of it measured or reported by CI"),
        "the report says how much is measured: {report}"
    );
    let overview = s.page(&c, "/p/shop").await.text().await.unwrap();
    assert!(overview.contains("100% of it measured or reported by CI"));

    status.store(503, Ordering::SeqCst);
    s.clock.advance(chrono::Duration::minutes(1));
    let swept = sweep(&s.db, &prober, s.clock.now()).await.unwrap();
    assert_eq!((swept.ran, swept.failed), (1, 1));
    let d = detail(&s, &c, &item).await;
    assert_eq!(d["item"]["status"], "open", "a failing check reopens");
    assert_eq!(d["item"]["evidence_kind"], serde_json::Value::Null);
    let runs = d["checks"][0]["runs"].as_array().unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| r["ok"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [true, false]
    );
    assert!(
        runs[1]["summary"]
            .as_str()
            .unwrap()
            .contains("answered 503, expected 200")
    );
    let told = notifications_of(&s, bob).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("reopened"), "{told:?}");
    let trail = s.audit_trail().await;
    assert!(
        trail.iter().any(|(_, a)| a == "reopened_by_check"),
        "{trail:?}"
    );
    // Still failing: nobody is told twice.
    s.clock.advance(chrono::Duration::minutes(1));
    sweep(&s.db, &prober, s.clock.now()).await.unwrap();
    assert_eq!(notifications_of(&s, bob).await.len(), 1);

    // Back to 200: done again, by the check.
    status.store(200, Ordering::SeqCst);
    s.clock.advance(chrono::Duration::minutes(1));
    sweep(&s.db, &prober, s.clock.now()).await.unwrap();
    let d = detail(&s, &c, &item).await;
    assert_eq!(d["item"]["status"], "done");
    assert_eq!(d["checks"][0]["runs"].as_array().unwrap().len(), 4);
    let page = s.page(&c, &format!("/p/shop/items/{item}")).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"class="run fail""#),
        "the strip shows the failure"
    );
    assert!(html.contains("Run now"));

    // "Run now" answers at once; a viewer may not.
    let check = d["checks"][0]["id"].to_string();
    let res = s.call(&c, "run_check", &[("check_id", &check)]).await;
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["state"], "pass");
}

#[tokio::test]
async fn probes_of_private_addresses_are_refused_unless_the_operator_allows_them() {
    let s = TestServer::start().await;
    let (c, item, _) = shop(&s).await;
    let (url, _) = flipping_server().await;
    let res = s
        .call(
            &c,
            "create_check",
            &[("item_id", &item), ("kind", "http"), ("url", &url)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    let message = body.to_string();
    assert!(message.contains("url"), "{message}");
    assert!(
        message.contains("PREFLIGHT_CHECKS_ALLOW_PRIVATE"),
        "{message}"
    );
    let stored = app::entities::checks::Entity::find()
        .all(&s.db)
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing stored");
    // A check saved while allowed, run by a prober that is not: refused at connection time.
    let guarded = Prober::new(false, &[]);
    let spec = app::checks::spec::CheckSpec::Http {
        url: url.clone(),
        method: "GET".into(),
        expect_status: 200,
        body_contains: String::new(),
        header: String::new(),
        timeout_secs: 5,
    };
    let outcome = guarded.run(&spec).await;
    assert!(!outcome.ok);
    assert!(outcome.summary.contains("private"), "{}", outcome.summary);
    let named = app::checks::spec::CheckSpec::Http {
        url: url.replace("127.0.0.1", "localhost"),
        method: "GET".into(),
        expect_status: 200,
        body_contains: String::new(),
        header: String::new(),
        timeout_secs: 5,
    };
    let outcome = guarded.run(&named).await;
    assert!(!outcome.ok, "a name resolving to loopback is refused too");
    // Bad input: field errors, never a 500.
    for (field, form) in [
        ("url", vec![("kind", "http"), ("url", "ftp://example.com")]),
        (
            "expect_status",
            vec![
                ("kind", "http"),
                ("url", "https://example.com"),
                ("expect_status", "999"),
            ],
        ),
        ("host", vec![("kind", "tls"), ("host", "bad host:99999")]),
        ("key", vec![("kind", "ci"), ("key", "no spaces allowed")]),
        ("kind", vec![("kind", "smtp")]),
    ] {
        let mut form = form;
        form.push(("item_id", &item));
        let res = s.call(&c, "create_check", &form).await;
        assert_eq!(res.status(), 422, "{field}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
}

/// A CA, and a listener on 127.0.0.1 serving a `localhost` leaf it signed, valid `days` more.
async fn tls_listener(ca: &(rcgen::Certificate, KeyPair), days: i64) -> u16 {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(days);
    let leaf = params.signed_by(&key, &ca.0, &ca.1).unwrap();
    let chain = vec![leaf.der().clone(), ca.0.der().clone()];
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, private)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    port
}

fn test_ca() -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "Preflight test CA");
    (params.self_signed(&key).unwrap(), key)
}

#[tokio::test]
async fn a_tls_check_fails_a_certificate_expiring_within_its_days_and_one_that_does_not_verify() {
    let ca = test_ca();
    let short = tls_listener(&ca, 5).await;
    let long = tls_listener(&ca, 100).await;
    let trusted: Vec<CertificateDer<'static>> = vec![ca.0.der().clone()];
    let prober = Prober::new(true, &trusted);
    let tls = |port: u16| app::checks::spec::CheckSpec::Tls {
        host: "localhost".into(),
        port,
        min_days: 14,
        timeout_secs: 5,
    };
    let five = prober.run(&tls(short)).await;
    assert!(!five.ok, "{five:?}");
    assert!(five.summary.contains("expires on"), "{}", five.summary);
    assert!(five.summary.contains("14 needed"), "{}", five.summary);
    let hundred = prober.run(&tls(long)).await;
    assert!(hundred.ok, "{hundred:?}");
    assert!(hundred.summary.contains("days left"), "{}", hundred.summary);
    // Without the CA, the same certificate does not verify.
    let stranger = Prober::new(true, &[]);
    let untrusted = stranger.run(&tls(long)).await;
    assert!(!untrusted.ok);
    assert!(
        untrusted
            .summary
            .contains("not issued by a trusted authority"),
        "{}",
        untrusted.summary
    );
    // Nothing listening: a clear failure, not a hang.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nobody = prober.run(&tls(port)).await;
    assert!(!nobody.ok);
    assert!(
        nobody.summary.contains("could not connect"),
        "{}",
        nobody.summary
    );

    // Through a server whose operator trusts the CA: the check on the item page.
    let s = TestServer::start_with(AppSettings {
        checks_allow_private: true,
        checks_ca: trusted.clone(),
        ..Default::default()
    })
    .await;
    let (c, item, _) = shop(&s).await;
    s.call_ok(
        &c,
        "create_check",
        &[
            ("item_id", &item),
            ("kind", "tls"),
            ("host", &format!("localhost:{long}")),
        ],
    )
    .await;
    let check = detail(&s, &c, &item).await["checks"][0]["id"].to_string();
    let res = s.call(&c, "run_check", &[("check_id", &check)]).await;
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["state"], "pass", "{v}");
    assert_eq!(detail(&s, &c, &item).await["item"]["status"], "done");
}

#[tokio::test]
async fn a_dns_check_resolves_localhost_and_fails_an_address_it_does_not_have() {
    let prober = Prober::new(true, &[]);
    let dns = |expect: &str| app::checks::spec::CheckSpec::Dns {
        name: "localhost".into(),
        expect_address: expect.into(),
    };
    let any = prober.run(&dns("")).await;
    assert!(any.ok, "{any:?}");
    let outcome = prober.run(&dns("127.0.0.1")).await;
    let v6 = prober.run(&dns("::1")).await;
    assert!(outcome.ok || v6.ok, "{outcome:?} {v6:?}");
    let wrong = prober.run(&dns("10.9.9.9")).await;
    assert!(!wrong.ok);
    assert!(wrong.summary.contains("not 10.9.9.9"), "{}", wrong.summary);
    let missing = app::checks::spec::CheckSpec::Dns {
        name: "no-such-name.invalid".into(),
        expect_address: String::new(),
    };
    assert!(!prober.run(&missing).await.ok);
}

#[tokio::test]
async fn a_ci_result_marks_done_and_going_without_one_past_its_ttl_makes_the_item_stale() {
    let s = TestServer::start().await;
    let (c, item, bob) = shop(&s).await;
    s.call_ok(
        &c,
        "create_check",
        &[
            ("item_id", &item),
            ("kind", "ci"),
            ("key", "load-test"),
            ("ttl_hours", "24"),
        ],
    )
    .await;
    let ada = s.auth_user("ada@example.com").await;
    let write = tokens::create(&s.db, &ada, "ci", "write", "")
        .await
        .unwrap();
    let read = tokens::create(&s.db, &ada, "ro", "read", "").await.unwrap();
    let http = reqwest::Client::new();
    let report = |token: &str, key: &str, body: serde_json::Value| {
        http.post(s.url(&format!("/api/v1/projects/shop/checks/{key}/results")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let pass = serde_json::json!({"status": "pass", "url": "https://ci.example.com/runs/1", "summary": "p99 180 ms"});
    assert_eq!(
        report(&read, "load-test", pass.clone())
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        report(&write, "no-such-key", pass.clone())
            .await
            .unwrap()
            .status(),
        404
    );
    let bad = serde_json::json!({"status": "pass", "url": "javascript:alert(1)"});
    assert_eq!(
        report(&write, "load-test", bad).await.unwrap().status(),
        422
    );
    let res = report(&write, "load-test", pass).await.unwrap();
    assert_eq!(res.status(), 200);
    let d = detail(&s, &c, &item).await;
    assert_eq!(d["item"]["status"], "done");
    assert_eq!(d["item"]["evidence_kind"], "ci");
    assert_eq!(
        d["checks"][0]["runs"][0]["url"],
        "https://ci.example.com/runs/1"
    );
    let list = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(list["score"]["verdict"], "ready");

    // 23 hours on: still holds. 25 hours on, no result: stale, counted as open, told.
    let prober = Prober::new(false, &[]);
    s.clock.advance(chrono::Duration::hours(23));
    assert_eq!(sweep(&s.db, &prober, s.clock.now()).await.unwrap().stale, 0);
    s.clock.advance(chrono::Duration::hours(2));
    assert_eq!(sweep(&s.db, &prober, s.clock.now()).await.unwrap().stale, 1);
    assert_eq!(
        sweep(&s.db, &prober, s.clock.now()).await.unwrap().stale,
        0,
        "once"
    );
    let d = detail(&s, &c, &item).await;
    assert_eq!(d["checks"][0]["state"], "stale");
    assert_eq!(d["item"]["stale"], true);
    let list = s
        .get_json(&c, "/rpc/get_checklist?slug=shop&filter[stale]=yes")
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["score"]["verdict"], "not_ready");
    let told = notifications_of(&s, bob).await;
    assert!(told.iter().any(|t| t.contains("went stale")), "{told:?}");

    // A failing result reopens it.
    let fail = serde_json::json!({"status": "fail", "summary": "p99 2.4 s"});
    assert_eq!(
        report(&write, "load-test", fail).await.unwrap().status(),
        200
    );
    let d = detail(&s, &c, &item).await;
    assert_eq!(d["item"]["status"], "open");
    assert_eq!(d["checks"][0]["state"], "fail");
    // The key is the project's: another CI check may not take it.
    let res = s
        .call(
            &c,
            "create_check",
            &[("item_id", &item), ("kind", "ci"), ("key", "load-test")],
        )
        .await;
    assert_eq!(res.status(), 422);
}
