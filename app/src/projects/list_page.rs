use leptos::prelude::*;

use super::{
    api::{CreateProject, list_project_teams, list_projects},
    model::slugify,
};
use crate::components::{
    error_view::ErrorView,
    field_error::{FieldError, FormError, action_error, non_field_error},
    require_user::RequireUser,
};

/// `/`: the projects the user can see, and a form to create one.
#[component]
pub fn PortfolioPage() -> impl IntoView {
    view! {
        <RequireUser>
            <Portfolio />
        </RequireUser>
    }
}

#[component]
fn Portfolio() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let projects = Resource::new(move || create.version().get(), |_| list_projects());
    view! {
        <section>
            <h1>"Projects"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match projects.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="empty">"No projects yet. Create the first one below."</p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="project-list">
                                    <For each=move || list.clone() key=|p| p.slug.clone() let:p>
                                        <li>
                                            <a href=format!("/p/{}", p.slug)>{p.name}</a>
                                            <span class="muted">{p.team_name}</span>
                                        </li>
                                    </For>
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <NewProjectForm create />
    }
}

/// Name, slug (follows the name until edited), description and team.
#[component]
fn NewProjectForm(create: ServerAction<CreateProject>) -> impl IntoView {
    let teams = Resource::new(|| (), |_| list_project_teams());
    let error = action_error(create);
    let form_error = non_field_error(error);
    let slug = RwSignal::new(String::new());
    let slug_edited = RwSignal::new(false);
    view! {
        <Transition>
            {move || Suspend::new(async move {
                let teams = teams.await.unwrap_or_default();
                if teams.is_empty() {
                    return view! {
                        <p class="muted">
                            "To create projects you need the editor or owner role in a team. "
                            <a href="/teams">"Create a team"</a>
                            " or ask a team owner to add you."
                        </p>
                    }
                        .into_any();
                }
                view! {
                    <section class="card">
                        <h2>"New project"</h2>
                        <ActionForm action=create attr:class="stack">
                            <FormError error=form_error />
                            <label>
                                "Name"
                                <input
                                    type="text"
                                    name="name"
                                    required
                                    maxlength="120"
                                    on:input=move |ev| {
                                        if !slug_edited.get_untracked() {
                                            slug.set(slugify(&event_target_value(&ev)));
                                        }
                                    }
                                />
                            </label>
                            <FieldError error field="name" />
                            <label>
                                "Slug (used in the URL; derived from the name when left blank)"
                                <input
                                    type="text"
                                    name="slug"
                                    maxlength="64"
                                    pattern="[a-z0-9]+(-[a-z0-9]+)*"
                                    prop:value=move || slug.get()
                                    on:input=move |ev| {
                                        slug_edited.set(true);
                                        slug.set(event_target_value(&ev));
                                    }
                                />
                            </label>
                            <FieldError error field="slug" />
                            <label>
                                "Description"
                                <textarea name="description" rows="3" maxlength="10000"></textarea>
                            </label>
                            <FieldError error field="description" />
                            <label>
                                "Team"
                                <select name="team_id" required>
                                    {teams
                                        .into_iter()
                                        .map(|t| view! { <option value=t.id>{t.name}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <FieldError error field="team_id" />
                            <button type="submit" disabled=move || create.pending().get()>
                                "Create project"
                            </button>
                        </ActionForm>
                    </section>
                }
                    .into_any()
            })}
        </Transition>
    }
}
