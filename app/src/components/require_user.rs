use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use super::{error_view::ErrorView, layout::SessionResource};
use crate::auth::model::SessionInfo;

/// Renders `children` for a signed-in user; otherwise redirects to `/login?next=…` (or to
/// `/setup` on a fresh instance). A user still on an admin-issued password goes to `/account`
/// to choose their own. The server functions behind the page check again.
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<SessionResource>().0;
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(SessionInfo { user: Some(user), .. })
                        if user.must_change_password
                            && location.pathname.get_untracked() != "/account" =>
                    {
                        view! { <Redirect path="/account" /> }.into_any()
                    }
                    Ok(SessionInfo { user: Some(_), .. }) => {
                        children.read_value()().into_any()
                    }
                    Ok(SessionInfo { needs_setup: true, .. }) => {
                        view! { <Redirect path="/setup" /> }.into_any()
                    }
                    Ok(_) => {
                        let here = return_path(
                            &location.pathname.get_untracked(),
                            &location.search.get_untracked(),
                        );
                        let next: String = form_urlencoded::byte_serialize(here.as_bytes())
                            .collect();
                        view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Where to come back to after signing in: this page, without the error of a call that failed
/// because the session had ended (`__path`, `__err`, see [`crate::enhance`]).
fn return_path(path: &str, search: &str) -> String {
    let kept: Vec<(String, String)> =
        form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .filter(|(k, _)| k != "__path" && k != "__err")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::return_path;

    #[test]
    fn the_way_back_keeps_the_query_but_not_a_failed_calls_error() {
        assert_eq!(return_path("/p/x/checklist", ""), "/p/x/checklist");
        assert_eq!(
            return_path("/p/x/checklist", "?status=open&q=tls"),
            "/p/x/checklist?status=open&q=tls"
        );
        assert_eq!(
            return_path(
                "/p/x/checklist",
                "?status=open&__path=%2Frpc%2Fset_item_status&__err=eyJ9"
            ),
            "/p/x/checklist?status=open"
        );
        assert_eq!(return_path("/", "__path=a&__err=b"), "/");
    }
}
