//! `/admin/users` and `/admin/audit`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::{
        AdminCreateUser, AdminResetTwoFactor, AdminUnlinkIdentity, ResetUserPassword,
        SetTwoFactorRequired, SetUserAdmin, SetUserDisabled, get_two_factor_policy, list_users,
    },
    model::{IssuedPassword, UserRow},
};
use crate::components::loaded::loaded;
use crate::components::page_action::page_action;
use crate::{
    audit::{api::list_audit, model::AuditPage},
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
};

/// `/admin/users`: every account; create, disable, grant admin, reset password.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let a = UserActions {
        create: page_action(),
        disable: page_action(),
        admin: page_action(),
        reset: page_action(),
        reset_2fa: page_action(),
        unlink: page_action(),
    };
    let require = page_action::<SetTwoFactorRequired>();
    let policy = Resource::new(|| (), |_| get_two_factor_policy());
    let users = Resource::new(|| (), |_| list_users());
    let errors = [
        action_error(a.disable),
        action_error(a.admin),
        action_error(a.reset),
        action_error(a.reset_2fa),
        action_error(a.unlink),
    ];
    let row_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    // The password just issued (new account or reset), shown once.
    let issued = Signal::derive(move || {
        let ok = |v: Option<Result<IssuedPassword, _>>| v.and_then(Result::ok);
        ok(a.create.value().get()).or_else(|| ok(a.reset.value().get()))
    });
    view! {
            <RequireUser>
                <h1>"Users"</h1>
                <p>
                    <a href="/admin/audit">"Audit log"</a>
                </p>
                <IssuedPasswordBox issued />
                <CreateUserForm action=a.create />
                <TwoFactorPolicyForm action=require policy />
                <section class="card">
                    <h2>"Accounts"</h2>
                    <FormError error=row_error />
                    {loaded(users, move |list| {
                                    view! {
                                        <table class="table">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"User"</th>
                                                    <th scope="col">"Teams"</th>
                                                    <th scope="col">"Signs in with"</th>
                                                    <th scope="col">"Status"</th>
                                                    <th scope="col" class="num">"Sessions"</th>
                                                    <th scope="col">
                                                        <span class="visually-hidden">"Actions"</span>
                                                    </th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {list
                                                    .into_iter()
                                                    .map(|u| view! { <UserRowView u a /> })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    }
    })}
                </section>
            </RequireUser>
        }
}

#[derive(Clone, Copy)]
struct UserActions {
    create: ServerAction<AdminCreateUser>,
    disable: ServerAction<SetUserDisabled>,
    admin: ServerAction<SetUserAdmin>,
    reset: ServerAction<ResetUserPassword>,
    reset_2fa: ServerAction<AdminResetTwoFactor>,
    unlink: ServerAction<AdminUnlinkIdentity>,
}

/// Two-factor sign-in required of every account that signs in with a password, or not.
#[component]
fn TwoFactorPolicyForm(
    action: ServerAction<SetTwoFactorRequired>,
    policy: Resource<Result<super::model::TwoFactorPolicy, crate::error::AppError>>,
) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <h2>"Two-factor sign-in"</h2>
            {loaded(policy, move |p| {
                view! {
                    <p>
                        {match (p.available, p.required) {
                            (false, _) => "Not available: set PREFLIGHT_SECRET_KEY on the server to let people turn it on.",
                            (true, true) => "Required: every account that signs in with a password sets up an authenticator at its next sign-in.",
                            (true, false) => "Optional: each person may turn it on in their account.",
                        }}
                    </p>
                    <ActionForm action>
                        <FormError error />
                        <input type="hidden" name="required" value=(!p.required).to_string() />
                        <button type="submit" class="secondary" disabled=!p.available && !p.required>
                            {if p.required { "Make it optional" } else { "Require it for everyone" }}
                        </button>
                    </ActionForm>
                }
            })}
        </section>
    }
}

#[component]
fn IssuedPasswordBox(issued: Signal<Option<IssuedPassword>>) -> impl IntoView {
    move || {
        issued.get().map(|p| {
            view! {
                <section class="notice" role="status">
                    <p>
                        "Temporary password for " <strong>{p.email}</strong>
                        " — shown only now. Hand it over privately; they choose their own at first sign-in:"
                    </p>
                    <p>
                        <code class="secret">{p.password}</code>
                    </p>
                </section>
            }
        })
    }
}

#[component]
fn CreateUserForm(action: ServerAction<AdminCreateUser>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <h2>"New account"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <label>
                    "Email" <input type="email" name="email" required autocomplete="off" />
                </label>
                <FieldError error field="email" />
                <label>
                    "Display name" <input type="text" name="display_name" required maxlength="120" />
                </label>
                <FieldError error field="display_name" />
                <label class="checkbox">
                    <input type="checkbox" name="is_admin" value="on" />
                    "Site administrator"
                </label>
                <button type="submit" disabled=move || action.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserRowView(u: UserRow, a: UserActions) -> impl IntoView {
    let status = match (u.is_disabled, u.must_change_password) {
        (true, _) => "Disabled",
        (false, true) => "Temporary password",
        (false, false) => "Active",
    };
    view! {
        <tr class:disabled=u.is_disabled>
            <td>
                <strong>{u.display_name}</strong>
                {u.is_admin.then(|| view! { <span class="badge">"admin"</span> })}
                <br />
                <span class="muted">{u.email.clone()}</span>
            </td>
            <td>{u.teams.join(", ")}</td>
            <td>
                <ul class="plain">
                    {u.has_password.then(|| view! {
                        <li>{if u.two_factor { "Password and authenticator" } else { "Password" }}</li>
                    })}
                    {u.identities.iter().map(|i| {
                        let id = i.id;
                        view! {
                            <li>
                                "Single sign-on as " {i.email.clone()}
                                <ActionForm action=a.unlink attr:class="inline">
                                    <input type="hidden" name="identity_id" value=id />
                                    <button type="submit" class="secondary">"Unlink"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </td>
            <td>{status}</td>
            <td class="num">{u.sessions}</td>
            <td class="actions">
                <ActionForm action=a.disable attr:class="inline">
                    <input type="hidden" name="user_id" value=u.id />
                    <input type="hidden" name="disabled" value=(!u.is_disabled).to_string() />
                    <button type="submit" class="secondary">
                        {if u.is_disabled { "Enable" } else { "Disable" }}
                    </button>
                </ActionForm>
                <ActionForm action=a.admin attr:class="inline">
                    <input type="hidden" name="user_id" value=u.id />
                    <input type="hidden" name="is_admin" value=(!u.is_admin).to_string() />
                    <button type="submit" class="secondary">
                        {if u.is_admin { "Remove admin" } else { "Make admin" }}
                    </button>
                </ActionForm>
                <ActionForm action=a.reset attr:class="inline">
                    <input type="hidden" name="user_id" value=u.id />
                    <button type="submit" class="secondary">
                        "Reset password"
                    </button>
                </ActionForm>
                {u.two_factor.then(|| view! {
                    <ActionForm action=a.reset_2fa attr:class="inline">
                        <input type="hidden" name="user_id" value=u.id />
                        <button type="submit" class="secondary">"Reset two-factor"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// `/admin/audit`: the audit log, filtered through the URL (`?actor=&entity=&from=&to=&page=`).
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let log = Resource::new(
        move || {
            (
                param("actor"),
                param("entity"),
                param("from"),
                param("to"),
                param("page").parse::<u64>().unwrap_or(1),
            )
        },
        |(actor, entity, from, to, page)| list_audit(actor, entity, from, to, page),
    );
    view! {
        <RequireUser>
            <h1>"Audit log"</h1>
            <form method="get" action="/admin/audit" class="filters">
                <label>
                    "Actor email" <input type="text" name="actor" value=move || param("actor") />
                </label>
                <label>
                    "Entity"
                    <select name="entity">
                        {["", "user", "team", "team_member", "project", "session", "login"]
                            .into_iter()
                            .map(|e| {
                                view! {
                                    <option value=e selected=move || param("entity") == e>
                                        {if e.is_empty() { "Any" } else { e }}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "From" <input type="date" name="from" value=move || param("from") />
                </label>
                <label>
                    "To" <input type="date" name="to" value=move || param("to") />
                </label>
                <button type="submit">"Filter"</button>
            </form>
            {loaded(log, move |page| view! { <AuditTable page /> })}
        </RequireUser>
    }
}

#[component]
fn AuditTable(page: AuditPage) -> impl IntoView {
    let query = use_query_map();
    let link = move |n: u64| {
        let q = query.read();
        let mut s = form_urlencoded::Serializer::new(String::new());
        for k in ["actor", "entity", "from", "to"] {
            if let Some(v) = q.get(k).filter(|v| !v.is_empty()) {
                s.append_pair(k, &v);
            }
        }
        s.append_pair("page", &n.to_string());
        format!("/admin/audit?{}", s.finish())
    };
    let (n, pages, total) = (page.page, page.pages(), page.total);
    view! {
        <p class="muted">{total} " events · page " {n} " of " {pages}</p>
        <table class="table audit">
            <thead>
                <tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"Changes"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .entries
                    .into_iter()
                    .map(|e| {
                        view! {
                            <tr>
                                <td>
                                    <time datetime=e.at.clone()>{e.at.clone()}</time>
                                </td>
                                <td>{e.actor}</td>
                                <td>{e.entity} " " {e.entity_id} " " <strong>{e.action}</strong></td>
                                <td>
                                    <ul class="changes">
                                        {e
                                            .changes
                                            .into_iter()
                                            .map(|c| {
                                                let before = (!c.before.is_empty())
                                                    .then(|| view! { <del>{c.before}</del> " → " });
                                                let after = (!c.after.is_empty())
                                                    .then(|| view! { <ins>{c.after}</ins> });
                                                view! {
                                                    <li>
                                                        <code>{c.field}</code> ": " {before} {after}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            {(n > 1).then(|| view! { <a href=link(n - 1) rel="prev">"← Newer"</a> })}
            {(n < pages).then(|| view! { <a href=link(n + 1) rel="next">"Older →"</a> })}
        </nav>
    }
}
