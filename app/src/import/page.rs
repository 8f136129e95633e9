//! `/import` (a new project from a document) and `/p/{slug}/import` (merge a document into a
//! project): paste a Markdown readiness document, a CSV of items or Preflight JSON, preview
//! what it holds and what importing would change, then import.
//!
//! One form with two buttons, an island. Without JavaScript, "Import" posts the form straight to
//! the import (its `formaction`); the preview and choosing a file need the island hydrated.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::form::ImportForm;
use crate::components::loaded::loaded;
use crate::{
    checklist::page::ProjectTabs,
    components::{error_view::ErrorView, require_user::RequireUser},
    projects::api::{get_project, list_project_teams},
};

/// `/import`: a new project from a document.
#[component]
pub fn ImportPage() -> impl IntoView {
    // Made here, outside `RequireUser`'s Suspense, which would make (and fetch) it again each
    // time the server walks it.
    let teams = Resource::new(|| (), |_| list_project_teams());
    view! {
        <RequireUser>
            <h1>"New project from a document"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match teams.await {
                        Ok(teams) if teams.is_empty() => view! {
                            <p class="muted">
                                "To create projects you need the editor or owner role in a team."
                            </p>
                        }
                            .into_any(),
                        Ok(teams) => view! { <ImportForm project=None teams /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

/// `/p/{slug}/import`: merge a document into the project (editors; a real 404 for projects
/// the user cannot see).
#[component]
pub fn ProjectImportPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let project = Resource::new(move || slug.get(), get_project);
    view! {
        <RequireUser>
            {loaded(project, move |p| view! {
                            <h1>"Import into " {p.name.clone()}</h1>
                            <ProjectTabs slug=p.slug.clone() current="Settings" />
                            {if p.permissions.can_edit {
                                view! { <ImportForm project=Some(p.slug.clone()) teams=Vec::new() /> }.into_any()
                            } else {
                                view! {
                                    <p class="muted">
                                        "Importing into this project needs the editor role in its team."
                                    </p>
                                }
                                    .into_any()
                            }}
                        })}
        </RequireUser>
    }
}
