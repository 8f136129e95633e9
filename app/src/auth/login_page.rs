use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use super::{api::Login, model::SessionInfo};
use crate::components::page_action::page_action;
use crate::components::{
    error_view::ErrorView,
    field_error::{FormError, action_error},
    layout::SessionResource,
};

/// `/login`: email and password. Signed-in visitors go home; a fresh instance goes to setup.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = expect_context::<SessionResource>().0;
    let login = page_action::<Login>();
    let error = action_error(login);
    let next = move || use_query_map().read().get("next").unwrap_or_default();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(SessionInfo { user: Some(_), .. }) => {
                        view! { <Redirect path="/" /> }.into_any()
                    }
                    Ok(SessionInfo { needs_setup: true, .. }) => {
                        view! { <Redirect path="/setup" /> }.into_any()
                    }
                    Ok(_) => {
                        view! {
                            <section class="card narrow">
                                <h1>"Sign in"</h1>
                                <ActionForm action=login attr:class="stack">
                                    <FormError error />
                                    <label>
                                        "Email"
                                        <input
                                            type="email"
                                            name="email"
                                            autocomplete="username"
                                            required
                                            autofocus
                                        />
                                    </label>
                                    <label>
                                        "Password"
                                        <input
                                            type="password"
                                            name="password"
                                            autocomplete="current-password"
                                            required
                                        />
                                    </label>
                                    <input type="hidden" name="next" value=next />
                                    <button type="submit" disabled=move || login.pending().get()>
                                        "Sign in"
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
