//! `/teams` and `/teams/{id}`.

use crate::components::loaded::loaded;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    api::{
        AddMember, ChangeMemberRole, CreateTeam, RemoveMember, RenameTeam, get_team, list_teams,
    },
    model::{MemberView, TeamDetail, TeamRole},
};
use crate::components::page_action::page_action;
use crate::components::{
    error_view::ErrorView,
    field_error::{FieldError, FormError, action_error, non_field_error},
    require_user::RequireUser,
};

/// `/teams`: the user's teams and a form to create one.
#[component]
pub fn TeamsPage() -> impl IntoView {
    let create = page_action::<CreateTeam>();
    let teams = Resource::new(|| (), |_| list_teams());
    let error = action_error(create);
    view! {
        <RequireUser>
            <h1>"Teams"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match teams.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"You are not in any team yet."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Team"</th>
                                            <th scope="col">"Your role"</th>
                                            <th scope="col" class="num">"Members"</th>
                                            <th scope="col" class="num">"Projects"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|t| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!("/teams/{}", t.id)>{t.name}</a>
                                                        </td>
                                                        <td>
                                                            {t
                                                                .my_role
                                                                .map_or("— (administrator)", TeamRole::label)}
                                                        </td>
                                                        <td class="num">{t.members}</td>
                                                        <td class="num">{t.projects}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
            <section class="card">
                <h2>"New team"</h2>
                <ActionForm action=create attr:class="stack">
                    <FormError error=non_field_error(error) />
                    <label>
                        "Name" <input type="text" name="name" required maxlength="120" />
                    </label>
                    <FieldError error field="name" />
                    <button type="submit" disabled=move || create.pending().get()>
                        "Create team"
                    </button>
                </ActionForm>
            </section>
        </RequireUser>
    }
}

/// `/teams/{id}`: members and projects; owners manage members and roles.
#[component]
pub fn TeamPage() -> impl IntoView {
    let params = use_params_map();
    let actions = TeamActions {
        add: page_action(),
        change: page_action(),
        remove: page_action(),
        rename: page_action(),
        webhooks: crate::webhooks::page::WebhookActions {
            create: page_action(),
            delete: page_action(),
            again: page_action(),
        },
    };
    let hooks = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i32>().ok())
        },
        |id| async move {
            match id {
                Some(id) => crate::webhooks::api::list_webhooks(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let team = Resource::new(
        move || {
            (params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i32>().ok()),)
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_team(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let (change_error, remove_error) = (action_error(actions.change), action_error(actions.remove));
    let member_error = Signal::derive(move || change_error.get().or_else(|| remove_error.get()));
    view! {
        <RequireUser>
            {loaded(team, move |t| view! { <TeamView t actions member_error hooks /> })}
        </RequireUser>
    }
}

/// The actions of the team page, shared by its parts.
#[derive(Clone, Copy)]
struct TeamActions {
    add: ServerAction<AddMember>,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    rename: ServerAction<RenameTeam>,
    webhooks: crate::webhooks::page::WebhookActions,
}

#[component]
fn TeamView(
    t: TeamDetail,
    actions: TeamActions,
    member_error: Signal<Option<crate::error::AppError>>,
    hooks: Resource<Result<Vec<crate::webhooks::model::WebhookView>, crate::error::AppError>>,
) -> impl IntoView {
    let manage = t.permissions.can_manage;
    let team_id = t.id;
    let me = t.me;
    view! {
        <h1>{t.name.clone()}</h1>
        <p class="muted">"Your role: " {t.permissions.role.label()}</p>
        <section class="card">
            <h2>"Members"</h2>
            <FormError error=member_error />
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {t
                        .members
                        .into_iter()
                        .map(|m| view! { <MemberRow m team_id me manage actions /> })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        {manage.then(|| view! { <AddMemberForm team_id action=actions.add /> })}
        <section class="card">
            <h2>"Projects"</h2>
            {if t.projects.is_empty() {
                view! { <p class="empty">"No projects in this team."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {t
                            .projects
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        <a href=format!("/p/{}", p.slug)>{p.name}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        {manage.then(|| view! { <crate::webhooks::page::Webhooks team_id hooks actions=actions.webhooks /> })}
        {manage.then(|| view! { <RenameTeamForm team_id name=t.name action=actions.rename /> })}
    }
}

#[component]
fn MemberRow(
    m: MemberView,
    team_id: i32,
    me: i32,
    manage: bool,
    actions: TeamActions,
) -> impl IntoView {
    let is_me = m.user_id == me;
    let email = m.email.clone();
    let role_cell = if manage {
        let current = m.role;
        view! {
            <ActionForm action=actions.change attr:class="inline">
                <input type="hidden" name="team_id" value=team_id />
                <input type="hidden" name="user_id" value=m.user_id />
                <label class="visually-hidden" for=format!("role-{}", m.user_id)>
                    "Role of " {email}
                </label>
                <select name="role" id=format!("role-{}", m.user_id)>
                    {TeamRole::ALL
                        .into_iter()
                        .map(|r| {
                            view! {
                                <option value=r.as_str() selected=r == current>
                                    {r.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="secondary">
                    "Change"
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { {m.role.label()} }.into_any()
    };
    let remove = (manage || is_me).then(|| {
        let label = if is_me { "Leave team" } else { "Remove" };
        view! {
            <ActionForm action=actions.remove attr:class="inline">
                <input type="hidden" name="team_id" value=team_id />
                <input type="hidden" name="user_id" value=m.user_id />
                <button type="submit" class="danger">
                    {label}
                </button>
            </ActionForm>
        }
    });
    view! {
        <tr>
            <td>
                {m.display_name} {m.disabled.then(|| view! { <span class="badge">"disabled"</span> })}
            </td>
            <td>{m.email}</td>
            <td>{role_cell}</td>
            <td>{remove}</td>
        </tr>
    }
}

#[component]
fn AddMemberForm(team_id: i32, action: ServerAction<AddMember>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <h2>"Add a member"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="team_id" value=team_id />
                <label>
                    "Email of an existing account"
                    <input type="email" name="email" required autocomplete="off" />
                </label>
                <FieldError error field="email" />
                <label for="new-member-role">"Role"</label>
                <select name="role" id="new-member-role">
                        <option value="viewer">"Viewer — reads and comments"</option>
                        <option value="editor">"Editor — edits the team's projects"</option>
                        <option value="owner">"Owner — manages members and projects"</option>
                </select>
                <button type="submit" disabled=move || action.pending().get()>
                    "Add member"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RenameTeamForm(team_id: i32, name: String, action: ServerAction<RenameTeam>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <h2>"Rename team"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="team_id" value=team_id />
                <label>
                    "Name" <input type="text" name="name" required maxlength="120" value=name />
                </label>
                <FieldError error field="name" />
                <button type="submit">"Rename"</button>
            </ActionForm>
        </section>
    }
}
