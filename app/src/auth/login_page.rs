use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use super::{
    api::{LinkAccount, Login, LoginSecondFactor, get_pending_link, get_second_factor_step},
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
    let refusal = move || {
        query
            .read()
            .get("sso")
            .and_then(|c| sso_refusal_message(&c))
    };
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
                                    <label>
                                        "Authenticator or recovery code (if the account has two-factor sign-in)"
                                        <input
                                            type="text"
                                            name="code"
                                            autocomplete="one-time-code"
                                            maxlength="64"
                                        />
                                    </label>
                                    <FieldError error field="code" />
                                    <button type="submit" disabled=move || link.pending().get()>
                                        "Link and sign in"
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Expired title="Nothing to link" /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/login/two-factor`: the second step of a password sign-in (a code from the authenticator
/// app, or a recovery code); or, when two-factor is required and the account has none yet,
/// setting it up, after which the recovery codes are shown once.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let submit = page_action::<LoginSecondFactor>();
    let error = action_error(submit);
    let form_error = non_field_error(error);
    let step = Resource::new(|| (), |()| get_second_factor_step());
    let codes = move || submit.value().get().and_then(Result::ok).flatten();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                if let Some(codes) = codes() {
                    return view! {
                        <section class="card narrow">
                            <h1>"Two-factor sign-in is on"</h1>
                            <div class="success" role="status">
                                <p>
                                    "Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are not shown again."
                                </p>
                                <ul class="recovery-codes">
                                    {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                </ul>
                            </div>
                            <a class="button primary" href="/">"Continue"</a>
                        </section>
                    }
                        .into_any();
                }
                match step.await {
                    Ok(Some(step)) => {
                        let enrol = step.enrol;
                        view! {
                            <section class="card narrow">
                                <h1>{if enrol { "Set up two-factor sign-in" } else { "Two-factor sign-in" }}</h1>
                                {if enrol {
                                    view! {
                                        <p>
                                            "An administrator requires a second factor for " <strong>{step.email.clone()}</strong>
                                            ". Scan this code with an authenticator app, then enter the six digits it shows."
                                        </p>
                                        <div class="qr" inner_html=step.qr_svg.clone().unwrap_or_default()></div>
                                        <p class="muted">
                                            "Or type this key: " <code>{step.secret.clone().unwrap_or_default()}</code>
                                        </p>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <p>
                                            "Enter the six-digit code from your authenticator app, or one of your recovery codes."
                                        </p>
                                    }
                                        .into_any()
                                }}
                                <ActionForm action=submit attr:class="stack">
                                    <FormError error=form_error />
                                    <label>
                                        {if enrol { "Code from the app" } else { "Code" }}
                                        <input
                                            type="text"
                                            name="code"
                                            autocomplete="one-time-code"
                                            inputmode="numeric"
                                            maxlength="64"
                                            required
                                            autofocus
                                        />
                                    </label>
                                    <FieldError error field="code" />
                                    <button type="submit" disabled=move || submit.pending().get()>
                                        {if enrol { "Turn on and sign in" } else { "Sign in" }}
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Expired title="Sign in again" /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A later sign-in step with nothing waiting for it (expired, or another browser's).
#[component]
fn Expired(title: &'static str) -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>{title}</h1>
            <p>"That sign-in expired. " <a href="/login">"Sign in again"</a> "."</p>
        </section>
    }
}
