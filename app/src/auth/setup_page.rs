use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::{api::Setup, model::SessionInfo};
use crate::components::page_action::page_action;
use crate::components::{
    error_view::ErrorView,
    field_error::{FieldError, FormError, action_error, non_field_error},
    layout::SessionResource,
};

/// `/setup`: the first run creates the site admin and their team. Gone once any account exists.
#[component]
pub fn SetupPage() -> impl IntoView {
    let session = expect_context::<SessionResource>().0;
    let setup = page_action::<Setup>();
    let error = action_error(setup);
    let form_error = non_field_error(error);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(SessionInfo { needs_setup: true, .. }) => {
                        view! {
                            <section class="card narrow">
                                <h1>"Set up Preflight"</h1>
                                <p>
                                    "Create the first administrator account and your team. "
                                    "You can invite others afterwards."
                                </p>
                                <ActionForm action=setup attr:class="stack">
                                    <FormError error=form_error />
                                    <label>
                                        "Your name"
                                        <input
                                            type="text"
                                            name="display_name"
                                            autocomplete="name"
                                            required
                                            maxlength="120"
                                        />
                                    </label>
                                    <FieldError error field="display_name" />
                                    <label>
                                        "Email"
                                        <input
                                            type="email"
                                            name="email"
                                            autocomplete="username"
                                            required
                                        />
                                    </label>
                                    <FieldError error field="email" />
                                    <label>
                                        "Password (at least 10 characters)"
                                        <input
                                            type="password"
                                            name="password"
                                            autocomplete="new-password"
                                            required
                                            minlength="10"
                                        />
                                    </label>
                                    <FieldError error field="password" />
                                    <label>
                                        "Team name"
                                        <input
                                            type="text"
                                            name="team_name"
                                            value="Engineering"
                                            required
                                            maxlength="120"
                                        />
                                    </label>
                                    <FieldError error field="team_name" />
                                    <button type="submit" disabled=move || setup.pending().get()>
                                        "Create administrator"
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(SessionInfo { user: Some(_), .. }) => {
                        view! { <Redirect path="/" /> }.into_any()
                    }
                    Ok(_) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
