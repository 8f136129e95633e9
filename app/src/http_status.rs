//! Setting the HTTP status of the page being rendered (a no-op in the browser).

/// Sets the status of the current server-rendered response, e.g. 404 for a missing project.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(opts), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        opts.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Adds the Content-Security-Policy header with this response's script nonce: only our own
/// scripts and the nonce'd hydration scripts run; wasm may compile; nothing may frame us.
#[cfg(feature = "ssr")]
pub fn set_csp_header() {
    use leptos::prelude::use_context;
    let (Some(opts), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    // Signing out of a single sign-on session ends at the provider: a form post may lead there.
    let provider = use_context::<crate::state::AppState>().and_then(|s| {
        s.settings
            .sso
            .as_ref()
            .and_then(|sso| origin_of(&sso.issuer))
    });
    let policy = page_csp(&nonce.to_string(), provider.as_deref());
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The CSP of an HTML page whose inline scripts carry `nonce`; forms may also lead to
/// `form_origin` (the sign-in provider's, where signing out ends).
pub fn page_csp(nonce: &str, form_origin: Option<&str>) -> String {
    let extra = form_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'{extra}; frame-ancestors 'none'"
    )
}

/// `scheme://host[:port]` of a URL, when it is an http(s) URL without quotes or spaces.
#[cfg(feature = "ssr")]
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    let ok = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    ok.then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}
