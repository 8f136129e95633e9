use crate::support::{PASSWORD, STATIC_CSS, TestServer, session_set_cookie};

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let c = s.client();
    let form = [("email", "ada@example.com"), ("password", PASSWORD)];

    let res = c
        .post(s.url("/rpc/login"))
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let res = c
        .post(s.url("/rpc/login"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", &s.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // The same request from our own origin goes through.
    let res = c
        .post(s.url("/rpc/login"))
        .header("sec-fetch-site", "same-origin")
        .header("origin", &s.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn malformed_server_function_bodies_are_400() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    for body in ["team_id=not-a-number&name=x", "", "%%%"] {
        let res = c
            .post(s.url("/rpc/create_project"))
            .header("origin", &s.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 400, "{body:?}: {text}");
        assert!(!text.to_lowercase().contains("sql"), "{text}");
    }
}

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
    assert!(h.contains_key("x-request-id"), "{what}");
}

#[tokio::test]
async fn security_headers_on_pages_errors_and_static_files() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;

    let page = s.page(&c, "/").await;
    assert_eq!(page.status(), 200);
    assert_security_headers(&page, "page");
    assert_eq!(page.headers()["cache-control"], "no-store");
    // The page's inline hydration script carries the nonce its CSP allows.
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("page CSP has a nonce")
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");

    // Each response gets its own nonce.
    let again = s.page(&c, "/").await;
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce)
    );

    let missing = s.page(&c, "/p/nope").await;
    assert_eq!(missing.status(), 404);
    assert_security_headers(&missing, "error page");

    // A static file right after an error page keeps its own status: the 404 of the page
    // before it once leaked into it. Interleave them so a leak shows up.
    for round in 0..40 {
        let (missing, css) = tokio::join!(s.page(&c, "/p/nope"), s.page(&c, "/pkg/preflight.css"));
        assert_eq!(missing.status(), 404, "round {round}");
        assert_eq!(css.status(), 200, "round {round}");
    }
    let css = s.page(&c, "/pkg/preflight.css").await;
    assert_eq!(css.status(), 200);
    assert_security_headers(&css, "static file");
    assert_eq!(css.text().await.unwrap(), STATIC_CSS);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let s = TestServer::start().await;
    let c = s.client();
    let big = "x".repeat(preflight_server::router::BODY_LIMIT + 1);
    let res = c
        .post(s.url("/rpc/login"))
        .header("origin", &s.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={big}&password=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn https_base_url_makes_cookies_secure_and_checks_origin_against_it() {
    let s = TestServer::start_with(app::state::AppSettings {
        base_url: Some("https://preflight.example.com".into()),
        ..Default::default()
    })
    .await;
    let c = s.client();
    let form = [
        ("email", "ada@example.com"),
        ("display_name", "Ada"),
        ("password", PASSWORD),
        ("team_name", "Platform"),
    ];
    // Our own address is not the configured public origin: refused.
    let res = s.call(&c, "setup", &form).await;
    assert_eq!(res.status(), 403);

    let res = c
        .post(s.url("/rpc/setup"))
        .header("origin", "https://preflight.example.com")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = session_set_cookie(&res).unwrap().to_ascii_lowercase();
    assert!(cookie.contains("; secure"), "{cookie}");
    assert!(res.headers().contains_key("strict-transport-security"));
}

/// Sign-in goes only to a local path: `next` values that browsers read as another site (tabs
/// and newlines are dropped by them, so `/\t/evil.example` is `//evil.example`) go home, and
/// none of them breaks the response (a newline used to panic building `Location`).
#[tokio::test]
async fn sign_in_never_sends_the_browser_off_site() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;

    // The login page carries `next` from its URL into the form as it is.
    let page = s
        .page(&s.client(), "/login?next=/%09/evil.example")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="next""#), "{page}");

    for (next, expected) in [
        (
            "/p/shop/checklist?status=open",
            "/p/shop/checklist?status=open",
        ),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("/\0evil", "/"),
        ("/\\evil.example", "/"),
        ("/caf\u{e9}", "/"),
    ] {
        let c = s.client();
        let res = c
            .post(s.url("/rpc/login"))
            .header("origin", s.url(""))
            .header("accept", "text/html")
            .form(&[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
        assert!(session_set_cookie(&res).is_some(), "{next:?}: signed in");
    }
}

/// A page shows only errors this site produced for it. Leptos reads a form's error from the
/// page's URL (`__path`, `__err`), so any link could make any page say anything ("call this
/// number"). Errors in a URL are now ignored; a native post's error reaches its page through a
/// short-lived cookie its own response sets, and the enhancement's through a request header,
/// neither of which a link can carry.
#[tokio::test]
async fn a_link_cannot_make_a_page_show_its_own_error_text() {
    use app::error::AppError;
    use server_fn::error::ServerFnUrlError;
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let bait = "Your account is locked. Call +1 555 0100.";
    let crafted = ServerFnUrlError::new("/rpc/login", AppError::Conflict(bait.into()))
        .to_url(&s.url("/login"))
        .unwrap();
    let pairs = crafted.query().unwrap().to_owned();
    let c = s.client();
    let html = s
        .page(&c, &format!("/login?{pairs}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in"), "{html}");
    assert!(!html.contains(bait), "an error in the URL is shown");

    // The enhancement's header is believed (a link cannot send headers).
    let html = c
        .get(s.url("/login"))
        .header("accept", "text/html")
        .header("x-preflight-error", &pairs)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(bait));

    // A native post's own error shows on the page it goes back to, once.
    let res = c
        .post(s.url("/rpc/login"))
        .header("origin", s.url(""))
        .header("accept", "text/html")
        .header("referer", s.url("/login?next=/teams"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", "wrong password!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("__err"), "{location}");
    assert!(location.contains("/login?next="), "{location}");
    let page = |c: &reqwest::Client, url: String| {
        let c = c.clone();
        async move {
            c.get(url)
                .header("accept", "text/html")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let html = page(&c, location.clone()).await;
    assert!(html.contains("Email or password is incorrect."), "{html}");
    let html = page(&c, location).await;
    assert!(
        !html.contains("Email or password is incorrect."),
        "shown once"
    );
}

/// A client that sends its headers a byte at a time, or keeps a connection open without a
/// request, is cut off after the header-read timeout (it used to hold the connection for ever).
#[tokio::test]
async fn slow_and_idle_connections_are_closed() {
    use preflight_server::listen::ListenLimits;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = crate::support::fresh_db().await;
    preflight_server::db::migrate(&db).await.unwrap();
    let limits = ListenLimits {
        header_read_timeout: Duration::from_secs(1),
        ..ListenLimits::default()
    };
    let s = TestServer::start_listening(db, Default::default(), limits).await;
    let addr = s.base.trim_start_matches("http://").to_owned();

    // Trickling headers: a byte every 200 ms, never finishing.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let started = Instant::now();
    let mut closed_after = None;
    for b in
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter()
    {
        if slow.write_all(&[*b]).await.is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut buf = [0u8; 256];
        // Anything read (a 408, the end of the stream, an error) means the server let go.
        if tokio::time::timeout(Duration::from_millis(1), slow.read(&mut buf))
            .await
            .is_ok()
        {
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the slow client was never cut off");
    assert!(closed_after < Duration::from_secs(4), "{closed_after:?}");

    // Idle after a request: closed too.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let rest = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await;
    assert!(
        matches!(rest, Ok(Ok(0) | Err(_))),
        "an idle kept-alive connection stays open: {rest:?}"
    );
}

/// Sign-in and setup take a few short fields: a large body is refused before it is read.
#[tokio::test]
async fn sign_in_refuses_a_large_body() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let big = "x".repeat(64 * 1024);
    let res = s
        .client()
        .post(s.url("/rpc/login"))
        .header("origin", s.url(""))
        .form(&[("email", "ada@example.com"), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // The throttle saw nothing: no counter was made.
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        app::entities::login_throttle::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        0
    );
}

/// Past the connection limit, a connection waits to be served until one ends; the server never
/// holds more at once (before: no limit at all).
#[tokio::test]
async fn connections_past_the_limit_wait_for_a_free_one() {
    use preflight_server::listen::ListenLimits;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = crate::support::fresh_db().await;
    preflight_server::db::migrate(&db).await.unwrap();
    let limits = ListenLimits {
        max_connections: 2,
        ..ListenLimits::default()
    };
    let s = TestServer::start_listening(db, Default::default(), limits).await;
    let addr = s.base.trim_start_matches("http://").to_owned();
    // Two connections hold both slots with a request that has not finished its headers.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        held.push(c);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut third = tokio::net::TcpStream::connect(&addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_secs(1), third.read(&mut buf)).await;
    assert!(early.is_err(), "a third connection was served: {early:?}");
    // One holder goes away: the third is served.
    drop(held.pop());
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf))
        .await
        .expect("the waiting connection was never served")
        .unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
}

/// With the database gone (its pool closed under the server), requests answer 503 with
/// `Retry-After` at once — pages, server functions and the REST API alike — never a 500 or a
/// hang; `/readyz` says so and `/healthz` still answers.
#[tokio::test]
async fn without_its_database_the_server_answers_503_fast_not_500() {
    let s = crate::support::TestServer::start().await;
    let (c, _) = s.admin_with_team().await;
    s.db.clone().close().await.unwrap();
    let started = std::time::Instant::now();
    for res in [
        c.get(s.url("/")).send().await.unwrap(),
        c.get(s.url("/rpc/list_exceptions")).send().await.unwrap(),
        reqwest::Client::new()
            .get(s.url("/api/v1/projects"))
            .bearer_auth(format!("pfat_{}", "a".repeat(64)))
            .send()
            .await
            .unwrap(),
        c.get(s.url("/readyz")).send().await.unwrap(),
    ] {
        assert_eq!(res.status(), 503, "{}", res.url());
        if res.url().path() != "/readyz" {
            assert!(res.headers().contains_key("retry-after"), "{}", res.url());
        }
        let body = res.text().await.unwrap();
        assert!(!body.to_lowercase().contains("pool"), "{body}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(reqwest::get(s.url("/healthz")).await.unwrap().status(), 200);
}
