use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use super::{
    api::{LinkAccount, Login, get_pending_link},
    model::{SessionInfo, sso_refusal_message},
};
use crate::components::page_action::page_action;
use crate::components::{
    error_view::ErrorView,
    field_error::{FieldError, FormError, action_error, non_field_error},
    layout::SessionResource,
};

/// `/login`: single sign-on when configured, and email and password unless single sign-on is
/// the only way (then `?local=1` shows the password form, for break-glass administrators).
/// Signed-in visitors go home; a fresh instance goes to setup.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = expect_context::<SessionResource>().0;
    let login = page_action::<Login>();
    let error = action_error(login);
    let form_error = non_field_error(error);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let refusal = move || query.read().get("sso").and_then(|c| sso_refusal_message(&c));
    let local = move || query.read().get("local").is_some();
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
                    Ok(SessionInfo { sign_in, .. }) => {
                        let sso_href = move || {
                            let next = next();
                            if next.is_empty() {
                                "/auth/oidc/start".to_owned()
                            } else {
                                let q: String = form_urlencoded::Serializer::new(String::new())
                                    .append_pair("next", &next)
                                    .finish();
                                format!("/auth/oidc/start?{q}")
                            }
                        };
                        let show_password = !sign_in.sso_only || local();
                        let sso = sign_in
                            .sso_label
                            .map(|label| {
                                view! {
                                    <a class="button primary sso" href=sso_href>
                                        {label}
                                    </a>
                                }
                            });
                        view! {
                            <section class="card narrow">
                                <h1>"Sign in"</h1>
                                {refusal()
                                    .map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                                {sso}
                                <Show when=move || show_password fallback=|| view! {
                                    <p class="muted">
                                        <a href="/login?local=1">"Administrator sign-in"</a>
                                    </p>
                                }>
                                <ActionForm action=login attr:class="stack">
                                    <FormError error=form_error />
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
                                    <FieldError error field="email" />
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
                                </Show>
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

/// `/login/link`: a single sign-on identity whose email is a local account's waits here for
/// that account's password before it is linked.
#[component]
pub fn LinkPage() -> impl IntoView {
    let link = page_action::<LinkAccount>();
    let error = action_error(link);
    let form_error = non_field_error(error);
    let pending = Resource::new(|| (), |()| get_pending_link());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match pending.await {
                    Ok(Some(email)) => {
                        view! {
                            <section class="card narrow">
                                <h1>"Link your sign-in"</h1>
                                <p>
                                    "Preflight already has a local account for " <strong>{email}</strong>
                                    ". Enter its password once to link it to your single sign-on; from then on, single sign-on signs you in."
                                </p>
                                <ActionForm action=link attr:class="stack">
                                    <FormError error=form_error />
                                    <label>
                                        "Password"
                                        <input
                                            type="password"
                                            name="password"
                                            autocomplete="current-password"
                                            required
                                            autofocus
                                        />
                                    </label>
                                    <FieldError error field="password" />
                                    <button type="submit" disabled=move || link.pending().get()>
                                        "Link and sign in"
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(None) => {
                        view! {
                            <section class="card narrow">
                                <h1>"Nothing to link"</h1>
                                <p>
                                    "That request expired. " <a href="/login">"Sign in again"</a> "."
                                </p>
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
