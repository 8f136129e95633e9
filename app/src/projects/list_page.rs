use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use super::{
    api::{CreateProject, get_portfolio, list_project_teams},
    model::{MyGap, PortfolioQuery, ProjectSummary},
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

/// The portfolio's query from the URL.
fn query_from_url() -> PortfolioQuery {
    let query = use_query_map();
    let q = query.read_untracked();
    let get = |k: &str| q.get(k).unwrap_or_default();
    PortfolioQuery {
        sort: get("sort"),
        desc: get("desc"),
        team: get("team"),
        tier: get("tier"),
        verdict: get("verdict"),
        q: get("q"),
        page: get("page").parse().unwrap_or(1),
    }
}

/// The portfolio's URL for `q`.
fn href(q: &PortfolioQuery) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("sort", &q.sort),
        ("desc", &q.desc),
        ("team", &q.team),
        ("tier", &q.tier),
        ("verdict", &q.verdict),
        ("q", &q.q),
    ] {
        if !v.is_empty() {
            url.append_pair(k, v);
        }
    }
    if q.page > 1 {
        url.append_pair("page", &q.page.to_string());
    }
    let query = url.finish();
    if query.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{query}")
    }
}

/// `/`: a page of the projects the user can see (ordered, filtered and paged on the server), the
/// user's gaps, and a form to create a project.
#[component]
pub fn PortfolioPage() -> impl IntoView {
    let create = page_action::<CreateProject>();
    let query = query_from_url();
    let portfolio = {
        let query = query.clone();
        Resource::new(|| (), move |_| get_portfolio(query.clone()))
    };
    // Made here, outside `RequireUser`'s Suspense, which would make (and fetch) them again each
    // time the server walks it.
    let teams = Resource::new(|| (), |_| list_project_teams());
    let team_filter = Resource::new(|| (), |_| crate::teams::api::list_teams());
    let tiers = Resource::new(|| (), |_| crate::tiers::api::list_tiers());
    let query = StoredValue::new(query);
    view! {
        <RequireUser>
            <section>
                <h1>"Projects"</h1>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let query = query.get_value();
                        let team_list = team_filter.await.unwrap_or_default();
                        let tier_list = tiers.await.unwrap_or_default();
                        match portfolio.await {
                            Ok(p) if p.visible == 0 => {
                                view! {
                                    <p class="empty">"No projects yet. Create the first one below."</p>
                                }
                                    .into_any()
                            }
                            Ok(p) => {
                                view! {
                                    <Filters query=query.clone() teams=team_list tiers=tier_list />
                                    <ProjectTable projects=p.projects.clone() query=query.clone() />
                                    <Pager portfolio=p.clone() query />
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

#[component]
fn Filters(
    query: PortfolioQuery,
    teams: Vec<crate::teams::model::TeamSummary>,
    tiers: Vec<crate::tiers::model::TierView>,
) -> impl IntoView {
    use crate::scoring::Verdict;
    let option = |value: String, label: String, current: &str| {
        let selected = current == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form method="get" action="/" class="filters" role="search" aria-label="Filter projects">
            <label>
                "Project contains"
                <input type="search" name="q" value=query.q.clone() maxlength="200" />
            </label>
            <label>
                "Owned by"
                <select name="team">
                    {option(String::new(), "Any".into(), &query.team)}
                    {teams
                        .into_iter()
                        .map(|t| option(t.id.to_string(), t.name, &query.team))
                        .collect_view()}
                </select>
            </label>
            {(!tiers.is_empty())
                .then(|| {
                    view! {
                        <label>
                            "Launch tier"
                            <select name="tier">
                                {option(String::new(), "Any".into(), &query.tier)}
                                {option("none".into(), "No tier".into(), &query.tier)}
                                {tiers
                                    .into_iter()
                                    .map(|t| option(t.id.to_string(), t.name, &query.tier))
                                    .collect_view()}
                            </select>
                        </label>
                    }
                })}
            <label>
                "Verdict is"
                <select name="verdict">
                    {option(String::new(), "Any".into(), &query.verdict)}
                    {[
                        Verdict::NotReady,
                        Verdict::ReadyWithGaps,
                        Verdict::AwaitingSignOff,
                        Verdict::Ready,
                    ]
                        .into_iter()
                        .map(|v| option(v.as_str().into(), v.label().into(), &query.verdict))
                        .collect_view()}
                </select>
            </label>
            {(!query.sort.is_empty())
                .then(|| view! { <input type="hidden" name="sort" value=query.sort.clone() /> })}
            {(!query.desc.is_empty())
                .then(|| view! { <input type="hidden" name="desc" value=query.desc.clone() /> })}
            <button type="submit">"Filter"</button>
        </form>
    }
}

#[component]
fn Pager(portfolio: crate::projects::model::Portfolio, query: PortfolioQuery) -> impl IntoView {
    let (page, per_page, total) = (portfolio.page, portfolio.per_page, portfolio.total);
    let first = (page - 1).saturating_mul(per_page) + 1;
    let last = first + u32::try_from(portfolio.projects.len()).unwrap_or(0) - 1;
    let at = |page: u32| {
        let mut q = query.clone();
        q.page = page;
        href(&q)
    };
    let shown = if total == 0 {
        "No project matches these filters.".to_owned()
    } else {
        format!("Projects {first}–{last} of {total}")
    };
    view! {
        <nav class="pager" aria-label="Project pages">
            {(page > 1).then(|| view! { <a href=at(page - 1) rel="prev">"Previous"</a> })}
            <span role="status">{shown}</span>
            {(last < total).then(|| view! { <a href=at(page + 1) rel="next">"Next"</a> })}
        </nav>
    }
}

#[component]
fn ProjectTable(projects: Vec<ProjectSummary>, query: PortfolioQuery) -> impl IntoView {
    let sort = query.sort.clone();
    let desc = query.desc == "1";
    let header = move |key: &'static str, label: &'static str, num: bool| {
        let current = sort == key || (sort.is_empty() && key == "name");
        let mut q = query.clone();
        q.sort = if key == "name" {
            String::new()
        } else {
            key.to_owned()
        };
        q.desc = if current && !desc {
            "1".into()
        } else {
            String::new()
        };
        q.page = 1;
        let state = match (current, desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        view! {
            <th scope="col" class:num=num aria-sort=state>
                <a href=href(&q)>{label}</a>
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
