//! `/search?q=…`: everything the user may see that matches, with filters, newest text first.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::search,
    model::{Fragment, SearchFilter, SearchHit, SearchResults},
};
use crate::{
    components::{error_view::ErrorView, require_user::RequireUser},
    error::AppError,
    scoring::{Priority, Status},
    teams::{api::list_teams, model::TeamSummary},
};

fn filter_from_query() -> SearchFilter {
    let query = use_query_map();
    let q = query.read_untracked();
    let get = |k: &str| q.get(k).unwrap_or_default();
    SearchFilter {
        q: get("q"),
        kind: get("kind"),
        project: get("project"),
        team: get("team"),
        status: get("status"),
        priority: get("priority"),
        assignee: get("assignee"),
        page: get("page").parse().unwrap_or(1),
    }
}

/// The query string of `f` on another page.
fn href(f: &SearchFilter, page: u32) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", &f.q),
        ("kind", &f.kind),
        ("project", &f.project),
        ("team", &f.team),
        ("status", &f.status),
        ("priority", &f.priority),
        ("assignee", &f.assignee),
    ] {
        if !v.is_empty() {
            url.append_pair(k, v);
        }
    }
    if page > 1 {
        url.append_pair("page", &page.to_string());
    }
    format!("/search?{}", url.finish())
}

/// `/search`.
#[component]
pub fn SearchPage() -> impl IntoView {
    let filter = filter_from_query();
    let searching = !filter.q.trim().is_empty();
    let results = {
        let filter = filter.clone();
        Resource::new(
            || (),
            move |_| {
                let filter = filter.clone();
                async move {
                    if searching {
                        search(filter).await.map(Some)
                    } else {
                        Ok(None)
                    }
                }
            },
        )
    };
    let teams = Resource::new(|| (), |_| list_teams());
    let filter = StoredValue::new(filter);
    view! {
        <RequireUser>
            <h1>"Search"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {
                    move || {
                        let filter = filter.get_value();
                        Suspend::new(async move {
                            let teams = teams.await.unwrap_or_default();
                            let results = results.await;
                            let error = results.as_ref().err().cloned();
                            view! {
                                <SearchForm filter=filter.clone() teams error=error.clone() />
                                {match results {
                                    Ok(Some(r)) => view! { <Results filter results=r /> }.into_any(),
                                    Ok(None) => view! {
                                        <p class="muted">
                                            "Words must all appear, as whole words; word* finds words starting with it; \"quoted words\" appear together; -word leaves out what has it."
                                        </p>
                                    }
                                        .into_any(),
                                    Err(AppError::Validation(_)) => ().into_any(),
                                    Err(error) => view! { <ErrorView error /> }.into_any(),
                                }}
                            }
                        })
                    }
                }
            </Transition>
        </RequireUser>
    }
}

#[component]
fn SearchForm(
    filter: SearchFilter,
    teams: Vec<TeamSummary>,
    error: Option<AppError>,
) -> impl IntoView {
    let message = move |field: &str| error.as_ref().and_then(|e| e.field_message(field));
    let q_error = message("q");
    let other_error = ["kind", "team", "status", "priority", "assignee", "page"]
        .into_iter()
        .find_map(message);
    let option = |value: &str, label: &str, current: &str| {
        view! {
            <option value=value.to_owned() selected=current == value>
                {label.to_owned()}
            </option>
        }
    };
    view! {
        <form method="get" action="/search" class="filters search-form" role="search">
            <label class="grow">
                "Search for"
                <input
                    type="search"
                    name="q"
                    value=filter.q.clone()
                    maxlength="200"
                    aria-invalid=q_error.is_some().then_some("true")
                    aria-describedby=q_error.is_some().then_some("q-error")
                />
            </label>
            <label>
                "In"
                <select name="kind">
                    {option("", "Everything", &filter.kind)}
                    {option("project", "Projects", &filter.kind)}
                    {option("item", "Items", &filter.kind)}
                    {option("risk", "Risks", &filter.kind)}
                    {option("comment", "Comments", &filter.kind)}
                </select>
            </label>
            <label>
                "Team"
                <select name="team">
                    {option("", "Any", &filter.team)}
                    {teams
                        .iter()
                        .map(|t| option(&t.id.to_string(), &t.name, &filter.team))
                        .collect_view()}
                </select>
            </label>
            <label>
                "Status"
                <select name="status">
                    {option("", "Any", &filter.status)}
                    {Status::ALL
                        .into_iter()
                        .map(|s| option(s.as_str(), s.label(), &filter.status))
                        .collect_view()}
                </select>
            </label>
            <label>
                "Priority"
                <select name="priority">
                    {option("", "Any", &filter.priority)}
                    {Priority::ALL
                        .into_iter()
                        .map(|p| option(p.as_str(), p.label(), &filter.priority))
                        .collect_view()}
                </select>
            </label>
            <label>
                "Assignee"
                <select name="assignee">
                    {option("", "Anyone", &filter.assignee)}
                    {option("me", "Me", &filter.assignee)}
                    {option("none", "Nobody", &filter.assignee)}
                </select>
            </label>
            {(!filter.project.is_empty())
                .then(|| view! { <input type="hidden" name="project" value=filter.project.clone() /> })}
            <button type="submit">"Search"</button>
        </form>
        {q_error.map(|m| view! { <p class="field-error" id="q-error" role="alert">{m}</p> })}
        {other_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
}

fn fragments(parts: Vec<Fragment>) -> impl IntoView {
    parts
        .into_iter()
        .map(|f| {
            if f.hit {
                view! { <mark>{f.text}</mark> }.into_any()
            } else {
                f.text.into_any()
            }
        })
        .collect_view()
}

#[component]
fn Results(filter: SearchFilter, results: SearchResults) -> impl IntoView {
    let SearchResults {
        hits,
        total,
        total_capped,
        page,
        has_more,
        ..
    } = results;
    let count = match (total, total_capped) {
        (0, _) => "Nothing found.".to_owned(),
        (1, _) => "1 result".to_owned(),
        (n, false) => format!("{n} results"),
        (n, true) => format!("More than {n} results"),
    };
    let previous = (page > 1).then(|| href(&filter, page - 1));
    let next = has_more.then(|| href(&filter, page + 1));
    let only_project = filter.project.is_empty().then_some(filter.clone());
    view! {
        <p class="muted" role="status">{count}</p>
        <ol class="search-results">
            {hits
                .into_iter()
                .map(|hit| view! { <Hit hit only=only_project.clone() /> })
                .collect_view()}
        </ol>
        <nav class="pager" aria-label="Result pages">
            {previous.map(|h| view! { <a href=h rel="prev">"Previous"</a> })}
            {(page > 1 || has_more).then(|| view! { <span>{format!("Page {page}")}</span> })}
            {next.map(|h| view! { <a href=h rel="next">"Next"</a> })}
        </nav>
    }
}

#[component]
fn Hit(hit: SearchHit, only: Option<SearchFilter>) -> impl IntoView {
    let kind = match hit.kind.as_str() {
        "project" => "Project",
        "item" => "Item",
        "risk" => "Risk",
        _ => "Comment",
    };
    let narrow = only.map(|mut f| {
        f.project = hit.project_slug.clone();
        href(&f, 1)
    });
    view! {
        <li class="search-hit">
            <span class="badge">{kind}</span>
            " "
            <a href=hit.url class="hit-title">{fragments(hit.title)}</a>
            <span class="muted">
                " in "
                <a href=format!("/p/{}", hit.project_slug)>{hit.project_name}</a>
                {narrow.map(|h| view! { " · " <a href=h>"only this project"</a> })}
            </span>
            <p class="snippet">{fragments(hit.snippet)}</p>
        </li>
    }
}
