use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use super::{
    api::{CreateProject, get_portfolio, list_project_teams},
    model::{MyGap, ProjectSummary},
};
use crate::components::page_action::page_action;
use crate::components::project_fields::{NameAndSlug, TeamSelect};
use crate::{
    checklist::page::VerdictBadge,
    components::{
        error_view::ErrorView,
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
};

/// `/`: the projects the user can see, and a form to create one.
#[component]
pub fn PortfolioPage() -> impl IntoView {
    let create = page_action::<CreateProject>();
    let portfolio = Resource::new(|| (), |_| get_portfolio());
    // Made here, outside `RequireUser`'s Suspense, which would make (and fetch) them again each
    // time the server walks it.
    let teams = Resource::new(|| (), |_| list_project_teams());
    let query = use_query_map();
    let sort = Memo::new(move |_| query.read().get("sort").unwrap_or_default());
    view! {
        <RequireUser>
            <section>
                <h1>"Projects"</h1>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match portfolio.await {
                            Ok(p) if p.projects.is_empty() => {
                                view! {
                                    <p class="empty">"No projects yet. Create the first one below."</p>
                                }
                                    .into_any()
                            }
                            Ok(p) => {
                                view! {
                                    <ProjectTable projects=p.projects sort=sort.get() />
                                    <MyGaps gaps=p.my_gaps />
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <NewProjectForm create teams />
        </RequireUser>
    }
}

/// Sorts the portfolio by the `sort` key of the URL (name when unknown).
fn sort_projects(projects: &mut [ProjectSummary], sort: &str) {
    use crate::scoring::Verdict;
    let rank = |v: Verdict| match v {
        Verdict::NotReady => 0,
        Verdict::ReadyWithGaps => 1,
        Verdict::AwaitingSignOff => 2,
        Verdict::Ready => 3,
    };
    match sort {
        "score" => projects.sort_by_key(|p| p.overall.map_or(-1, i16::from)),
        "verdict" => projects.sort_by_key(|p| rank(p.verdict)),
        "blocking" => projects.sort_by_key(|p| std::cmp::Reverse(p.blocking_gaps)),
        "overdue" => projects.sort_by_key(|p| std::cmp::Reverse(p.overdue)),
        "risks" => projects.sort_by_key(|p| std::cmp::Reverse(p.serious_risks)),
        "change" => projects.sort_by_key(|p| p.since_review.unwrap_or(i32::MAX)),
        "team" => projects.sort_by(|a, b| a.team_name.cmp(&b.team_name)),
        // The worst outlook first, then the latest date.
        "forecast" => projects.sort_by_key(|p| {
            let rank = match p.outlook {
                Some(crate::forecast::Outlook::Late) => 0,
                Some(crate::forecast::Outlook::AtRisk) => 1,
                Some(crate::forecast::Outlook::OnTrack) => 2,
                None => 3,
            };
            (
                rank,
                p.ready_date.is_none(),
                std::cmp::Reverse(p.ready_date),
            )
        }),
        _ => projects.sort_by_key(|p| p.name.to_lowercase()),
    }
}

#[component]
fn ProjectTable(mut projects: Vec<ProjectSummary>, sort: String) -> impl IntoView {
    sort_projects(&mut projects, &sort);
    let header = move |key: &'static str, label: &'static str, num: bool| {
        let current = sort == key || (sort.is_empty() && key == "name");
        view! {
            <th
                scope="col"
                class:num=num
                aria-sort=if current { "ascending" } else { "none" }
            >
                <a href=format!("/?sort={key}")>{label}</a>
            </th>
        }
    };
    view! {
        <table class="table portfolio">
            <thead>
                <tr>
                    {header("name", "Project", false)}
                    {header("team", "Team", false)}
                    {header("verdict", "Verdict", false)}
                    {header("score", "Score", true)}
                    {header("blocking", "Blocking", true)}
                    {header("overdue", "Overdue", true)}
                    {header("risks", "High risks", true)}
                    {header("change", "Since review", true)}
                    {header("forecast", "Forecast", false)}
                </tr>
            </thead>
            <tbody>
                {projects
                    .into_iter()
                    .map(|p| {
                        view! {
                            <tr>
                                <td>
                                    <a href=format!("/p/{}", p.slug)>{p.name}</a>
                                </td>
                                <td>{p.team_name}</td>
                                <td>
                                    <VerdictBadge verdict=p.verdict />
                                    {(!p.awaiting.is_empty())
                                        .then(|| {
                                            view! {
                                                <span class="muted small">
                                                    {format!(" {}", p.awaiting.join(", "))}
                                                </span>
                                            }
                                        })}
                                </td>
                                <td class="num">
                                    {p.overall.map_or("—".to_owned(), |o| o.to_string())}
                                </td>
                                <td class="num">{p.blocking_gaps}</td>
                                <td class="num">{p.overdue}</td>
                                <td class="num">{p.serious_risks}</td>
                                <td class="num">
                                    {p
                                        .since_review
                                        .map_or("—".to_owned(), |d| if d > 0 { format!("+{d}") } else { d.to_string() })}
                                </td>
                                <td class="forecast-cell" title=p.forecast.clone()>
                                    {p.outlook.map(|o| view! {
                                        <span class=format!("outlook outlook-{}", o.as_str())>{o.label()}</span>
                                        " "
                                    })}
                                    {p.ready_date.map_or_else(
                                        || "no date".to_owned(),
                                        |d| format!("ready ~{d}"),
                                    )}
                                    {p.review_overdue.then(|| view! {
                                        <br /><span class="phase-flag">"Review overdue"</span>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn MyGaps(gaps: Vec<MyGap>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"My gaps"</h2>
            {if gaps.is_empty() {
                view! { <p class="empty">"Nothing open is assigned to you."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list my-gaps">
                        {gaps
                            .into_iter()
                            .map(|g| {
                                view! {
                                    <li class:overdue=g.overdue>
                                        <a href=format!("/p/{}/items/{}", g.slug, g.item_id)>{g.title}</a>
                                        " · " {g.project} " · " {g.priority.label()}
                                        {g.blocking.then_some(" · blocking")}
                                        {g.due_date.map(|d| format!(" · due {d}"))}
                                        {g.overdue.then(|| view! { <span class="badge overdue">"overdue"</span> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Name, slug (follows the name until edited), description and team.
#[component]
fn NewProjectForm(
    create: ServerAction<CreateProject>,
    teams: Resource<Result<Vec<crate::teams::model::TeamChoice>, crate::error::AppError>>,
) -> impl IntoView {
    let error = action_error(create);
    let form_error = non_field_error(error);
    let field = move |name| error.get_untracked().and_then(|e| e.field_message(name));
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
                            <NameAndSlug name_error=field("name") slug_error=field("slug") />
                            <label>
                                "Description"
                                <textarea name="description" rows="3" maxlength="10000"></textarea>
                            </label>
                            <FieldError error field="description" />
                            <TeamSelect teams error />
                            <button type="submit" disabled=move || create.pending().get()>
                                "Create project"
                            </button>
                        </ActionForm>
                        <p>
                            <a href="/import">"New project from a document"</a>
                            " — a Markdown readiness review, a CSV of items or Preflight JSON — or "
                            <a href="/templates">"from a template"</a>
                            "."
                        </p>
                    </section>
                }
                    .into_any()
            })}
        </Transition>
    }
}
