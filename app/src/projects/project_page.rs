use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::get_project;
use crate::components::{error_view::ErrorView, require_user::RequireUser};

/// `/p/{slug}`: one project. Missing or another team's project is a 404.
#[component]
pub fn ProjectPage() -> impl IntoView {
    view! {
        <RequireUser>
            <ProjectOverview />
        </RequireUser>
    }
}

#[component]
fn ProjectOverview() -> impl IntoView {
    let params = use_params_map();
    let project = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_project,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match project.await {
                    Ok(p) => {
                        view! {
                            <article class="project">
                                <h1>{p.name.clone()}</h1>
                                <p class="muted">
                                    "Team " {p.team_name.clone()} " · readiness threshold "
                                    {p.threshold} "%"
                                </p>
                                <p class="description">{p.description.clone()}</p>
                            </article>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
