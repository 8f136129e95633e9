//! `/account`: display name, password, notifications, sessions, API tokens.

use crate::components::loaded::loaded;
use leptos::prelude::*;

use super::api::{
    ChangePassword, CreateApiToken, EndSession, RevokeApiToken, UpdateProfile, list_api_tokens,
    list_my_sessions,
};
use crate::components::page_action::page_action;
use crate::components::{
    error_view::ErrorView,
    field_error::{FieldError, FormError, action_error, non_field_error},
    layout::SessionResource,
    require_user::RequireUser,
    shown_once::ShownOnce,
};

/// `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    // The actions live above `RequireUser`: reloading the session after a change re-renders the
    // page under it, and their results (the "changed" messages) must survive that.
    let session = expect_context::<SessionResource>().0;
    let profile = page_action::<UpdateProfile>();
    let password = page_action::<ChangePassword>();
    let end = page_action::<EndSession>();
    // The lists are made here too, outside `RequireUser`'s Suspense, which would make them
    // again (and fetch them again) each time the server walks it.
    let sessions = Resource::new(|| (), |_| list_my_sessions());
    let create_token = page_action::<CreateApiToken>();
    let revoke_token = page_action::<RevokeApiToken>();
    let tokens = Resource::new(|| (), |_| list_api_tokens());
    let save_prefs = page_action::<crate::inbox::api::SaveNotificationPrefs>();
    let prefs = Resource::new(|| (), |_| crate::inbox::api::get_notification_prefs());
    let start_2fa = page_action::<super::api::StartTwoFactor>();
    let confirm_2fa = page_action::<super::api::ConfirmTwoFactor>();
    let disable_2fa = page_action::<super::api::DisableTwoFactor>();
    let two_factor = Resource::new(|| (), |_| super::api::get_two_factor_status());
    view! {
        <RequireUser>
            <h1>"Your account"</h1>
            <Transition>
                {move || Suspend::new(async move {
                    let user = session.await.ok().and_then(|s| s.user);
                    user.map(|u| {
                        view! {
                            {u
                                .must_change_password
                                .then(|| {
                                    view! {
                                        <p class="notice" role="status">
                                            "You signed in with a temporary password. Choose your own password to continue."
                                        </p>
                                    }
                                })}
                            <ProfileForm action=profile display_name=u.display_name email=u.email />
                        }
                    })
                })}
            </Transition>
            <PasswordForm action=password />
            <TwoFactor start=start_2fa confirm=confirm_2fa disable=disable_2fa status=two_factor />
            <crate::inbox::page::NotificationSettings save=save_prefs prefs />
            <Sessions end sessions />
            <ApiTokens create=create_token revoke=revoke_token tokens />
        </RequireUser>
    }
}

/// Two-factor sign-in: set up with an authenticator app (QR code and first code), the
/// recovery codes shown once, turned off with the password.
#[component]
fn TwoFactor(
    start: ServerAction<super::api::StartTwoFactor>,
    confirm: ServerAction<super::api::ConfirmTwoFactor>,
    disable: ServerAction<super::api::DisableTwoFactor>,
    status: Resource<Result<crate::account::model::TwoFactorStatus, crate::error::AppError>>,
) -> impl IntoView {
    let start_error = action_error(start);
    let confirm_error = action_error(confirm);
    let disable_error = action_error(disable);
    let codes = move || confirm.value().get().and_then(Result::ok);
    let body = move |s: crate::account::model::TwoFactorStatus| {
        if let Some(codes) = codes() {
            return view! {
                <div class="success" role="status">
                    <p>
                    "Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are not shown again."
                    </p>
                    <ul class="recovery-codes">
                        {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ul>
                </div>
            }
                .into_any();
        }
        if s.enabled {
            return view! {
                <p>
                    {format!("On. {} recovery codes left.", s.recovery_left)}
                </p>
                {(!s.required).then(|| view! {
                    <ActionForm action=disable attr:class="stack">
                        <FormError error=non_field_error(disable_error) />
                        <label>
                            "Password"
                            <input type="password" name="password" autocomplete="current-password" required />
                        </label>
                        <FieldError error=disable_error field="password" />
                        <button type="submit" class="danger">"Turn off two-factor sign-in"</button>
                    </ActionForm>
                })}
            }
                .into_any();
        }
        if !s.has_password {
            return view! {
                <p class="muted">"You sign in through single sign-on: your identity provider asks for your second factor."</p>
            }
                .into_any();
        }
        if !s.available {
            return view! {
                <p class="muted">"Not available: the server has no PREFLIGHT_SECRET_KEY. Ask an administrator."</p>
            }
                .into_any();
        }
        match s.pending {
            Some(e) => view! {
                <p>"Scan this code with an authenticator app, then enter your password and the six digits it shows."</p>
                <div class="qr" inner_html=e.qr_svg></div>
                <p class="muted">"Or type this key: " <code>{e.secret}</code></p>
                <ActionForm action=confirm attr:class="stack">
                    <FormError error=non_field_error(confirm_error) />
                    <label>
                        "Password"
                        <input type="password" name="password" autocomplete="current-password" required />
                    </label>
                    <FieldError error=confirm_error field="password" />
                    <label>
                        "Code from the app"
                        <input type="text" name="code" autocomplete="one-time-code" inputmode="numeric" maxlength="16" required />
                    </label>
                    <FieldError error=confirm_error field="code" />
                    <button type="submit">"Turn on"</button>
                </ActionForm>
            }
                .into_any(),
            None => view! {
                <p>
                    {if s.required {
                        "Required here. Set it up with an authenticator app on your phone."
                    } else {
                        "Off. Add a code from an authenticator app on your phone to every password sign-in."
                    }}
                </p>
                <ActionForm action=start>
                    <FormError error=start_error />
                    <button type="submit">"Set up two-factor sign-in"</button>
                </ActionForm>
            }
                .into_any(),
        }
    };
    view! {
        <section class="card" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">"Two-factor sign-in"</h2>
            <Transition>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => body(s),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// API tokens for scripts and CI: create (shown once), see their last use, revoke.
#[component]
fn ApiTokens(
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
    tokens: Resource<Result<Vec<crate::account::model::ApiTokenView>, crate::error::AppError>>,
) -> impl IntoView {
    let error = action_error(create);
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="muted">
                "A token acts as you, with your permissions (a read-only token can only read), \
                 for scripts and CI. Send it as "
                <code>"Authorization: Bearer …"</code>
                ". Revoke it and it stops working at once. The "
                <a href="/api/v1/docs" rel="external">"API documentation"</a>
                " lists every operation."
            </p>
            <ActionForm action=create attr:class="stack">
                <FormError error=non_field_error(error) />
                <label>
                    "Name" <input type="text" name="name" maxlength="80" required placeholder="CI pipeline" />
                </label>
                <FieldError error field="name" />
                <label>
                    "Scope "
                    <select name="scope">
                        <option value="read">"Read only"</option>
                        <option value="write">"Read and write"</option>
                    </select>
                </label>
                <FieldError error field="scope" />
                <label>
                    "Expires after (days, blank: never)"
                    <input type="number" name="expires_in_days" min="1" max="366" />
                </label>
                <FieldError error field="expires_in_days" />
                <button type="submit" disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
            {move || created().map(|token| view! {
                <ShownOnce what="token" label="New API token" value=token />
            })}
            <Transition>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p>"No API tokens yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Scope"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"Expires"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|t| view! {
                                        <tr>
                                            <th scope="row">{t.name.clone()}</th>
                                            <td>{t.scope.label()}</td>
                                            <td>{t.created_at.clone()}</td>
                                            <td>{t.expires_at.clone().unwrap_or_else(|| "Never".into())}</td>
                                            <td>{t.last_used_at.clone().unwrap_or_else(|| "Never".into())}</td>
                                            <td>
                                                {if t.active {
                                                    view! {
                                                        <ActionForm action=revoke attr:class="inline">
                                                            <input type="hidden" name="id" value=t.id />
                                                            <button type="submit" class="danger">"Revoke"</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                } else {
                                                    view! { <span class="badge">"Inactive"</span> }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProfileForm(
    action: ServerAction<UpdateProfile>,
    display_name: String,
    email: String,
) -> impl IntoView {
    let error = action_error(action);
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card">
            <h2>"Profile"</h2>
            <p class="muted">"Signed in as " {email}</p>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <label>
                    "Display name"
                    <input
                        type="text"
                        name="display_name"
                        required
                        maxlength="120"
                        value=display_name
                    />
                </label>
                <FieldError error field="display_name" />
                <button type="submit">"Save name"</button>
                {move || saved().then(|| view! { <p role="status">"Saved."</p> })}
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm(action: ServerAction<ChangePassword>) -> impl IntoView {
    let error = action_error(action);
    let done = move || {
        action.value().get().and_then(Result::ok).map(|ended| {
            view! {
                <p role="status">
                    "Password changed. " {ended} " other session(s) signed out."
                </p>
            }
        })
    };
    view! {
        <section class="card">
            <h2>"Password"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <label>
                    "Current password"
                    <input
                        type="password"
                        name="current_password"
                        autocomplete="current-password"
                        required
                    />
                </label>
                <FieldError error field="current_password" />
                <label>
                    "New password (at least 10 characters)"
                    <input
                        type="password"
                        name="new_password"
                        autocomplete="new-password"
                        minlength="10"
                        required
                    />
                </label>
                <FieldError error field="new_password" />
                <button type="submit" disabled=move || action.pending().get()>
                    "Change password"
                </button>
                {done}
            </ActionForm>
        </section>
    }
}

#[component]
fn Sessions(
    end: ServerAction<EndSession>,
    sessions: Resource<Result<Vec<crate::account::model::SessionView>, crate::error::AppError>>,
) -> impl IntoView {
    let error = action_error(end);
    view! {
            <section class="card">
                <h2>"Signed-in sessions"</h2>
                <FormError error />
                {loaded(sessions, move |list| {
                                view! {
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Browser"</th>
                                                <th scope="col">"Signed in with"</th>
                                                <th scope="col">"Signed in"</th>
                                                <th scope="col">"Last active"</th>
                                                <th scope="col">
                                                    <span class="visually-hidden">"Actions"</span>
                                                </th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|s| {
                                                    view! {
                                                        <tr>
                                                            <td class="wrap">
                                                                {if s.user_agent.is_empty() {
                                                                    "Unknown".to_owned()
                                                                } else {
                                                                    s.user_agent
                                                                }}
                                                            </td>
                                                            <td>
                                                                {s.method.map_or("Unknown", |m| m.label())}
                                                            </td>
                                                            <td>
                                                                <time datetime=s.created_at.clone()>{s.created_at.clone()}</time>
                                                            </td>
                                                            <td>
                                                                <time datetime=s
                                                                    .last_seen_at
                                                                    .clone()>{s.last_seen_at.clone()}</time>
                                                            </td>
                                                            <td>
                                                                {if s.current {
                                                                    view! { <span class="badge">"This browser"</span> }
                                                                        .into_any()
                                                                } else {
                                                                    view! {
                                                                        <ActionForm action=end attr:class="inline">
                                                                            <input type="hidden" name="handle" value=s.handle />
                                                                            <button type="submit" class="danger">
                                                                                "Sign out"
                                                                            </button>
                                                                        </ActionForm>
                                                                    }
                                                                        .into_any()
                                                                }}
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                }
    })}
            </section>
        }
}
