//! `/campaigns` (the viewer's campaigns and a form for a new one) and `/campaigns/{id}` (its
//! progress per project, the projects furthest behind and idle, the burn-up; apply, close).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::{ApplyCampaign, CloseCampaign, CreateCampaign, get_campaign, list_campaigns},
    model::{BurnUpDay, CampaignSummary, CampaignView, ProjectProgress},
};
use crate::{
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        loaded::loaded,
        page_action::page_action,
        require_user::RequireUser,
    },
    teams::{api::list_teams, model::TeamRole},
};

/// `/campaigns`.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let create = page_action::<CreateCampaign>();
    let list = Resource::new(|| (), |_| list_campaigns());
    let teams = Resource::new(|| (), |_| list_teams());
    let error = action_error(create);
    view! {
        <RequireUser>
            <h1>"Campaigns"</h1>
            <p class="muted">
                "One set of requirements pushed into many projects at once, with a deadline. Applying a campaign adds its items to each project once; its page follows progress per project."
            </p>
            {loaded(list, |list| view! { <CampaignTable list /> })}
            {loaded(teams, move |teams| {
                let owned: Vec<(i32, String)> = teams
                    .into_iter()
                    .filter(|t| t.my_role.is_none() || t.my_role == Some(TeamRole::Owner))
                    .map(|t| (t.id, t.name))
                    .collect();
                view! { <NewCampaign owned create error /> }
            })}
        </RequireUser>
    }
}

#[component]
fn CampaignTable(list: Vec<CampaignSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No campaigns yet."</p> }.into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Campaign"</th>
                    <th scope="col">"Team"</th>
                    <th scope="col">"Deadline"</th>
                    <th scope="col">"Projects"</th>
                    <th scope="col">"Done"</th>
                    <th scope="col">"State"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|c| {
                        view! {
                            <tr>
                                <td>
                                    <a href=format!("/campaigns/{}", c.id)>{c.name}</a>
                                </td>
                                <td>{c.team.unwrap_or_else(|| "Site-wide".into())}</td>
                                <td>{c.deadline.unwrap_or_else(|| "—".into())}</td>
                                <td>{c.projects}</td>
                                <td>{c.done_percent.map_or("—".into(), |p| format!("{p}%"))}</td>
                                <td>{c.state}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewCampaign(
    owned: Vec<(i32, String)>,
    create: ServerAction<CreateCampaign>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    if owned.is_empty() {
        return ().into_any();
    }
    let options = owned
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="new-campaign">
            <h2 id="new-campaign">"New campaign"</h2>
            <ActionForm action=create attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="next" value="/campaigns/{id}" />
                <label>"Name" <input type="text" name="name" maxlength="120" required /></label>
                <FieldError error field="name" />
                <label>
                    "For the projects of"
                    <select name="team">
                        {options}
                        <option value="0">"Any team (site-wide; administrators)"</option>
                    </select>
                </label>
                <label>
                    "Category its items go into (blank: the campaign's name)"
                    <input type="text" name="category" maxlength="120" />
                </label>
                <FieldError error field="category" />
                <label>"Deadline" <input type="date" name="deadline" /></label>
                <FieldError error field="deadline" />
                <label>
                    "What it is for" <textarea name="description" rows="2" maxlength="20000"></textarea>
                </label>
                <label>
                    "Items, one per line — a priority in brackets first if not high, “!” to make it blocking: [critical] Rotate the database password"
                    <textarea name="items" rows="6" required></textarea>
                </label>
                <FieldError error field="items" />
                <button type="submit">"Create campaign"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// `/campaigns/{id}`.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let apply = page_action::<ApplyCampaign>();
    let close = page_action::<CloseCampaign>();
    let params = leptos_router::hooks::use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        (
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i32>().ok())
                .unwrap_or(0),
            query.read().get("sort").unwrap_or_default(),
        )
    });
    let data = Resource::new(move || key.get(), |(id, sort)| get_campaign(id, sort));
    view! {
        <RequireUser>
            {loaded(data, move |v| view! { <CampaignBody v apply close sort=key.get().1 /> })}
        </RequireUser>
    }
}

#[component]
fn CampaignBody(
    v: CampaignView,
    apply: ServerAction<ApplyCampaign>,
    close: ServerAction<CloseCampaign>,
    sort: String,
) -> impl IntoView {
    let s = v.summary.clone();
    let id = s.id;
    let apply_error = action_error(apply);
    let close_error = action_error(close);
    let total = v.done + v.exception + v.open;
    let behind: Vec<ProjectProgress> = {
        let mut r: Vec<ProjectProgress> = v.rows.iter().filter(|r| r.open > 0).cloned().collect();
        super::service::sort_rows(&mut r, "behind");
        r.truncate(5);
        r
    };
    let idle: Vec<ProjectProgress> = v.rows.iter().filter(|r| r.idle).cloned().collect();
    let head = move |key: &'static str, label: &'static str| {
        let current = sort == key || (sort.is_empty() && key == "behind");
        view! {
            <th scope="col" aria-sort=if current { "ascending" } else { "none" }>
                <a href=format!("/campaigns/{id}?sort={key}")>{label}</a>
            </th>
        }
    };
    view! {
        <p>
            <a href="/campaigns">"← Campaigns"</a>
        </p>
        <h1>{s.name.clone()}</h1>
        <p class="muted">
            {s.team.clone().unwrap_or_else(|| "Site-wide".into())} " · "
            {s.deadline.clone().map_or("no deadline".into(), |d| format!("deadline {d}"))} " · "
            {format!("{} item(s) in “{}”", s.items, v.category)} " · " {s.state.clone()}
        </p>
        {(!v.description.is_empty()).then(|| view! { <p>{v.description.clone()}</p> })}
        <section class="card" aria-labelledby="progress-heading">
            <h2 id="progress-heading">"Progress"</h2>
            <p class="campaign-totals">
                {format!(
                    "{} of {total} closed across {} project(s): {} done, {} exception(s), {} open.",
                    v.done + v.exception,
                    s.projects,
                    v.done,
                    v.exception,
                    v.open,
                )}
            </p>
            <BurnUp days=v.burn_up.clone() />
            {(!behind.is_empty())
                .then(|| {
                    view! {
                        <h3>"Furthest behind"</h3>
                        <ul class="plain-list">
                            {behind
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <li>
                                            <a href=format!("/p/{}", r.slug)>{r.name}</a>
                                            {format!(" — {}% closed, {} open", r.percent, r.open)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {(!idle.is_empty())
                .then(|| {
                    view! {
                        <h3>"No activity for 14 days"</h3>
                        <ul class="plain-list">
                            {idle
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <li>
                                            <a href=format!("/p/{}", r.slug)>{r.name}</a>
                                            {format!(
                                                " — last change {}",
                                                r.last_activity.unwrap_or_else(|| "never".into()),
                                            )}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            <p>
                <a href=format!("/campaigns/{id}/progress.csv")>"Download as CSV"</a>
            </p>
            <table class="table campaign-progress">
                <thead>
                    <tr>
                        {head("name", "Project")}
                        <th scope="col">"Team"</th>
                        {head("behind", "Closed")}
                        <th scope="col">"Done"</th>
                        <th scope="col">"Exception"</th>
                        {head("open", "Open")}
                        {head("activity", "Last change")}
                    </tr>
                </thead>
                <tbody>
                    {v
                        .rows
                        .iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/p/{}", r.slug)>{r.name.clone()}</a>
                                    </td>
                                    <td>{r.team.clone()}</td>
                                    <td>{format!("{}%", r.percent)}</td>
                                    <td>{r.done}</td>
                                    <td>{r.exception}</td>
                                    <td>{r.open}</td>
                                    <td>
                                        {r.last_activity.clone().unwrap_or_else(|| "—".into())}
                                        {r.idle.then(|| view! { " " <span class="badge">"idle"</span> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card" aria-labelledby="items-heading">
            <h2 id="items-heading">"Items"</h2>
            <ol>
                {v
                    .items
                    .iter()
                    .map(|i| {
                        view! {
                            <li>
                                {i.title.clone()}
                                <span class="muted">
                                    {format!(
                                        " · {}{}",
                                        i.priority,
                                        if i.blocking { " · blocking" } else { "" },
                                    )}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
        {v
            .may_manage
            .then(|| {
                let candidates = v.candidates.clone();
                let team = s.team.is_some();
                view! {
                    <section class="card" aria-labelledby="apply-heading">
                        <h2 id="apply-heading">"Apply to projects"</h2>
                        <p class="muted">
                            "Each project gets the items it does not have yet, in its “"
                            {v.category.clone()}
                            "” category; applying again adds nothing twice."
                        </p>
                        <ActionForm action=apply attr:class="stack">
                            <FormError error=non_field_error(apply_error) />
                            <input type="hidden" name="id" value=id />
                            {team
                                .then(|| {
                                    view! {
                                        <label class="checkbox">
                                            <input type="checkbox" name="whole_team" value="on" />
                                            "Every project of the team"
                                        </label>
                                    }
                                })}
                            <label>
                                "Or these projects (slugs, separated by commas or spaces)"
                                <textarea name="projects" rows="2"></textarea>
                            </label>
                            {(!candidates.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="muted small">
                                            "Not yet: "
                                            {candidates
                                                .iter()
                                                .map(|p| p.slug.clone())
                                                .collect::<Vec<_>>()
                                                .join(", ")}
                                        </p>
                                    }
                                })}
                            <FieldError error=apply_error field="projects" />
                            <button type="submit">"Apply"</button>
                        </ActionForm>
                        <ActionForm action=close>
                            <FormError error=close_error />
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="secondary">
                                "Close the campaign (its items stay)"
                            </button>
                        </ActionForm>
                    </section>
                }
            })}
    }
}

const W: f64 = 600.0;
const H: f64 = 160.0;

/// The burn-up: items closed (and all items) by the end of each day, as an SVG with a table.
#[component]
fn BurnUp(days: Vec<BurnUpDay>) -> impl IntoView {
    let top = days.iter().map(|d| d.total).max().unwrap_or(0).max(1);
    let n = days.len().max(2) - 1;
    let x = move |i: usize| 10.0 + (W - 20.0) * i as f64 / n as f64;
    let y = move |v: u32| H - 10.0 - (H - 20.0) * f64::from(v) / f64::from(top);
    let line = |pick: fn(&BurnUpDay) -> u32| {
        days.iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(pick(d))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let closed = line(|d| d.closed);
    let total = line(|d| d.total);
    let described = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!(
            "Burn-up from {} to {}: {} of {} closed at the start, {} of {} now",
            a.day, b.day, a.closed, a.total, b.closed, b.total
        ),
        _ => "Burn-up: nothing yet".to_owned(),
    };
    let changed: Vec<BurnUpDay> = days
        .iter()
        .enumerate()
        .filter(|(i, d)| *i == 0 || days[i - 1].closed != d.closed || days[i - 1].total != d.total)
        .map(|(_, d)| d.clone())
        .collect();
    view! {
        <figure class="burn-up">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=described.clone() class="trend-chart">
                <polyline points=total class="line-total" fill="none" stroke="currentColor" stroke-dasharray="4 3" />
                <polyline points=closed class="line-closed" fill="none" stroke="currentColor" stroke-width="2" />
            </svg>
            <figcaption class="muted small">{described}</figcaption>
        </figure>
        <details>
            <summary>"Burn-up as a table"</summary>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        <th scope="col">"Closed"</th>
                        <th scope="col">"Items"</th>
                    </tr>
                </thead>
                <tbody>
                    {changed
                        .into_iter()
                        .map(|d| view! { <tr><td>{d.day}</td><td>{d.closed}</td><td>{d.total}</td></tr> })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}
