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
