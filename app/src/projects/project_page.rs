use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{MoveProject, UpdateProject, get_project},
    model::ProjectView,
};
use crate::checklist::{
    api::get_overview,
    page::{OverviewPanel, ProjectTabs},
};
use crate::components::page_action::page_action;
use crate::components::{
    error_view::ErrorView,
    field_error::{FieldError, FormError, action_error, non_field_error},
    require_user::RequireUser,
};

/// `/p/{slug}`: one project. Missing or another team's project is a 404.
#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // After an import the redirect says what it did (`?imported=N&updated=M`).
    let imported = move || {
        let q = query.read();
        let n = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok());
        n("imported").map(|added| (added, n("updated").unwrap_or(0)))
    };
    let update = page_action::<UpdateProject>();
    let move_to = page_action::<MoveProject>();
    let project = Resource::new(
        move || (params.read().get("slug").unwrap_or_default(),),
        |(slug, ..)| get_project(slug),
    );
    let readiness = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_overview,
    );
    let trend = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        crate::reviews::api::get_trend,
    );
    let watch = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| crate::inbox::api::get_watch(slug, None),
    );
    let set_watch = page_action::<crate::inbox::api::SetWatch>();
    let outlook = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        super::api::get_outlook,
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match project.await {
                        Ok(p) => {
                            let edit = p
                                .permissions
                                .can_edit
                                .then(|| view! { <EditProjectForm p=p.clone() action=update /> });
                            let manage = (p.permissions.can_manage && !p.move_targets.is_empty())
                                .then(|| view! { <MoveProjectForm p=p.clone() action=move_to /> });
                            view! {
                                <article class="project">
                                    <h1>{p.name.clone()}</h1>
                                    <p class="muted">
                                        "Team " <a href=format!("/teams/{}", p.team_id)>{p.team_name.clone()}</a>
                                        " · readiness threshold " {p.threshold} "% · your role: "
                                        {p.permissions.role.label()}
                                    </p>
                                    <p class="description">{p.description.clone()}</p>
                                    <crate::inbox::page::WatchControl slug=p.slug.clone() item=None state=watch set=set_watch />
                                </article>
                                {imported().map(|(added, updated)| view! {
                                    <p class="success" role="status">
                                        {format!("Imported: {added} items added, {updated} updated.")}
                                    </p>
                                })}
                                <ProjectTabs slug=p.slug.clone() current="Overview" />
                                <Transition>
                                    {move || Suspend::new(async move {
                                        readiness.await.ok().map(|view| view! { <OverviewPanel view /> })
                                    })}
                                </Transition>
                                <Transition>
                                    {move || Suspend::new(async move {
                                        outlook.await.ok().map(|o| view! { <OutlookCard o slug=params.read_untracked().get("slug").unwrap_or_default() /> })
                                    })}
                                </Transition>
                                <Transition>
                                    {move || Suspend::new(async move {
                                        let now = readiness.await.ok().and_then(|v| v.score.overall);
                                        trend.await.ok().filter(|r| !r.trend.is_empty()).map(|r| {
                                            let then = r.trend.last().and_then(|p| p.overall);
                                            let change = now.zip(then).map(|(now, then)| i32::from(now) - i32::from(then));
                                            view! {
                                                <section class="card" aria-labelledby="overview-trend">
                                                    <h2 id="overview-trend">"Scores across final reviews"</h2>
                                                    <crate::reviews::trend::TrendChart points_in=r.trend.clone() />
                                                    <p>
                                                        <a href=format!("/p/{}/reviews", r.slug)>
                                                            {match change {
                                                                Some(d) if d > 0 => format!("+{d} since the last review"),
                                                                Some(d) => format!("{d} since the last review"),
                                                                None => "Changes since the last review".to_owned(),
                                                            }}
                                                        </a>
                                                    </p>
                                                </section>
                                            }
                                        })
                                    })}
                                </Transition>
                                {edit}
                                {manage}
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

#[component]
fn EditProjectForm(p: ProjectView, action: ServerAction<UpdateProject>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <details class="card" id="edit-project">
            <summary>"Edit project"</summary>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=p.slug />
                <input type="hidden" name="version" value=p.version />
                <label>
                    "Name" <input type="text" name="name" required maxlength="120" value=p.name />
                </label>
                <FieldError error field="name" />
                <label>
                    "Description"
                    <textarea name="description" rows="4" maxlength="10000">
                        {p.description}
                    </textarea>
                </label>
                <FieldError error field="description" />
                <label>
                    "Readiness threshold (%)"
                    <input
                        type="number"
                        name="threshold"
                        min="0"
                        max="100"
                        required
                        value=p.threshold
                    />
                </label>
                <FieldError error field="threshold" />
                <button type="submit" disabled=move || action.pending().get()>
                    "Save project"
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn MoveProjectForm(p: ProjectView, action: ServerAction<MoveProject>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <details class="card" id="move-project">
            <summary>"Move to another team"</summary>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=p.slug />
                <label>
                    "Team you own"
                    <select name="team_id">
                        {p
                            .move_targets
                            .into_iter()
                            .map(|t| view! { <option value=t.id>{t.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <FieldError error field="team_id" />
                <button type="submit">"Move project"</button>
            </ActionForm>
        </details>
    }
}

/// The forecast against the launch date and the review cadence, with a link to the plan.
#[component]
fn OutlookCard(o: crate::forecast::Outlooked, slug: String) -> impl IntoView {
    let badge = o.forecast.outlook.map(|x| {
        view! { <span class=format!("outlook outlook-{}", x.as_str())>{x.label()}</span> }
    });
    let review = match (o.review_due, o.last_review) {
        (Some(due), last) if o.review_overdue => Some(format!(
            "Review overdue: the next final review was due {due}{}.",
            last.map(|l| format!(" (the last was finalized {l})"))
                .unwrap_or_default()
        )),
        (Some(due), _) => Some(format!("Next final review due {due}.")),
        _ => None,
    };
    view! {
        <section class="card" aria-labelledby="overview-forecast">
            <h2 id="overview-forecast">"Path to ready " {badge}</h2>
            <p class="forecast-reason">{o.forecast.reason}</p>
            {review.map(|r| {
                let class = if o.review_overdue { "phase-flag" } else { "muted" };
                view! { <p class=class>{r}</p> }
            })}
            <p><a href=format!("/p/{slug}/plan")>"The plan and its burn-down"</a></p>
        </section>
    }
}
