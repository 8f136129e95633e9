//! A page's server action, which also starts from the result of an enhanced submit.

/// The request header naming the server function whose result [`RESULT_HEADER`] carries.
pub const RESULT_FN_HEADER: &str = "x-preflight-fn";
/// The request header with a server function's JSON result, percent-encoded (see
/// [`crate::enhance`]). A header, not the query: results can be secrets shown once (a new
/// API token or share link), which must not reach access logs or the browser's history.
pub const RESULT_HEADER: &str = "x-preflight-result";
/// The request header with a server function's error for the page rendered again after an
/// enhanced submit: the `__path=…&__err=…` pairs Leptos reads from a page's URL. The server
/// believes these pairs only from this header or from the cookie a native post leaves (see
/// the server's `action_errors` middleware), never from a URL anyone could send.
pub const ERROR_HEADER: &str = "x-preflight-error";

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use server_fn::ServerFn;

use crate::error::AppError;

/// `ServerAction::new()`, plus: when the page is rendered again after an enhanced submit
/// ([`crate::enhance`]) with this server function's result in the request's headers, the
/// action starts from that result. So what a page shows after a success ("Saved.", "Updated 2
/// items.") shows after an enhanced submit too. (Errors come back through `__err`, which
/// `ServerAction::new()` reads itself.)
pub fn page_action<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    #[cfg(feature = "ssr")]
    if let Some(result) = result_in_headers::<S>() {
        action.value().set(Some(Ok(result)));
    }
    action
}

#[cfg(feature = "ssr")]
fn result_in_headers<S>() -> Option<S::Output>
where
    S: ServerFn,
    S::Output: DeserializeOwned,
{
    let parts = use_context::<http::request::Parts>()?;
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if header(RESULT_FN_HEADER)? != S::PATH {
        return None;
    }
    let encoded = header(RESULT_HEADER)?;
    let json: String = form_urlencoded::parse(format!("r={encoded}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    serde_json::from_str(&json).ok()
}
