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
                        let here = format!(
                            "{}{}",
                            location.pathname.get_untracked(),
                            location.search.get_untracked(),
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
