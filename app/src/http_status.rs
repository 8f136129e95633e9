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
    let policy = page_csp(&nonce.to_string());
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The CSP of an HTML page whose inline scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}
