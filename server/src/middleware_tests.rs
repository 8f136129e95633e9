use super::*;

#[test]
fn exports_and_share_links_get_longer_to_answer() {
    let secs = |p: &str| deadline_for(p).as_secs();
    assert_eq!(secs("/p/shop/export/pdf"), 120);
    assert_eq!(secs("/share/abc/pdf"), 120);
    assert_eq!(secs("/p/shop/checklist"), 30);
    assert_eq!(secs("/rpc/get_checklist"), 30);
}

#[test]
fn only_errors_carried_by_this_site_reach_a_page() {
    let uri: http::Uri = "/login?next=%2Fx&__path=%2Frpc%2Flogin&__err=QUJD"
        .parse()
        .unwrap_or_default();
    // From the URL alone: dropped, the rest of the query kept.
    assert_eq!(
        with_action_error(&uri, None).to_string(),
        "/login?next=%2Fx"
    );
    // Carried (cookie or header): put back, if it looks like a server function's error.
    let carried = "__path=%2Frpc%2Flogin&__err=REVG";
    assert_eq!(
        with_action_error(&uri, Some(carried)).to_string(),
        "/login?next=%2Fx&__path=%2Frpc%2Flogin&__err=REVG"
    );
    assert_eq!(
        with_action_error(&uri, Some("__path=https%3A%2F%2Fx&__err=REVG")).to_string(),
        "/login?next=%2Fx"
    );
}

fn post(headers: &[(&str, &str)]) -> Request {
    let mut b = Request::builder().method("POST").uri("/rpc/x");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::empty()).unwrap_or_default()
}

#[test]
fn fetch_metadata_decides_when_present() {
    assert!(is_same_site(
        &post(&[("sec-fetch-site", "same-origin")]),
        None
    ));
    assert!(!is_same_site(
        &post(&[("sec-fetch-site", "cross-site")]),
        None
    ));
    assert!(!is_same_site(
        &post(&[("sec-fetch-site", "same-site")]),
        None
    ));
}

#[test]
fn origin_must_match_base_url_or_host() {
    let base = Some("https://pf.example.com");
    assert!(is_same_site(
        &post(&[("origin", "https://pf.example.com")]),
        base
    ));
    assert!(!is_same_site(
        &post(&[("origin", "https://evil.example")]),
        base
    ));
    assert!(!is_same_site(&post(&[("origin", "null")]), base));
    assert!(is_same_site(
        &post(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ]),
        None
    ));
    assert!(!is_same_site(
        &post(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ]),
        None
    ));
}

#[test]
fn client_ip_believes_only_trusted_proxies() {
    let ip = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap_or_default()];
    // Untrusted peer: the header is ignored.
    assert_eq!(
        resolve_client_ip(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
        ip("203.0.113.9")
    );
    // Trusted peer: the rightmost untrusted hop is the client (a spoofed left part is not).
    assert_eq!(
        resolve_client_ip(
            ip("10.0.0.2"),
            &["6.6.6.6", "198.51.100.7", "10.0.0.5"],
            &trusted
        ),
        ip("198.51.100.7")
    );
    // Trusted peer without a header: the peer.
    assert_eq!(
        resolve_client_ip(ip("10.0.0.2"), &[], &trusted),
        ip("10.0.0.2")
    );
    // Garbage stops the walk at the last good hop.
    assert_eq!(
        resolve_client_ip(ip("10.0.0.2"), &["nonsense"], &trusted),
        ip("10.0.0.2")
    );
    // No trusted proxies configured: always the peer.
    assert_eq!(
        resolve_client_ip(ip("10.0.0.2"), &["1.2.3.4"], &[]),
        ip("10.0.0.2")
    );
}

#[test]
fn non_browser_clients_without_origin_pass() {
    assert!(is_same_site(&post(&[]), Some("https://pf.example.com")));
}
