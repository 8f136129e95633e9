//! `/p/{slug}/risks` (heat maps, per-category table, filterable register, new risk),
//! `/p/{slug}/risks/{id}` (one risk: edit, mitigating items) and `/p/{slug}/settings` (the
//! risk matrix editor).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{
        CreateRisk, DeleteRisk, LinkRiskItem, SaveRiskMatrix, SetRiskStatus, UpdateRisk,
        get_matrix_settings, get_risk, get_risks,
    },
    heatmap::HeatMap,
    matrix::{Level, MAX_STEPS, MIN_STEPS, RiskMatrix, RiskStatus},
    model::{MatrixSettings, RegisterView, RiskDetail, RiskFilter, RiskView},
};
use crate::components::loaded::loaded;
use crate::components::page_action::page_action;
use crate::{
    checklist::{model::Person, page::ProjectTabs},
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
    error::AppError,
    templates::page::SaveAsTemplateForm,
};

mod risk;
mod settings;

pub use risk::RiskPage;
pub use settings::SettingsPage;

fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("slug").unwrap_or_default())
}

fn filter_from_query() -> Memo<RiskFilter> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        RiskFilter {
            status: get("status"),
            level: get("level"),
            category: get("category"),
            owner: get("owner"),
            current: get("current"),
            target: get("target"),
            sort: get("sort"),
        }
    })
}

/// A level as a badge with its word (never colour alone).
#[component]
pub fn LevelBadge(level: Level) -> impl IntoView {
    view! { <span class=format!("badge level-{}", level.as_str())>{level.label()}</span> }
}

/// `<option>`s for `(value, label)` pairs with `current` selected.
fn options(pairs: Vec<(String, String)>, current: &str) -> impl IntoView + use<> {
    let current = current.to_owned();
    pairs
        .into_iter()
        .map(|(value, label)| {
            let on = value == current;
            view! {
                <option value=value selected=on>
                    {label}
                </option>
            }
        })
        .collect_view()
}

fn status_pairs() -> Vec<(String, String)> {
    RiskStatus::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect()
}

fn step_pairs(labels: &[String]) -> Vec<(String, String)> {
    labels
        .iter()
        .enumerate()
        .map(|(n, l)| ((n + 1).to_string(), format!("{} · {l}", n + 1)))
        .collect()
}

fn category_pairs(categories: &[(i32, String)]) -> Vec<(String, String)> {
    categories
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect()
}

fn member_pairs(members: &[Person]) -> Vec<(String, String)> {
    members
        .iter()
        .map(|m| (m.id.to_string(), m.name.clone()))
        .collect()
}

/// The fields of a risk, for the new-risk and edit forms.
#[component]
fn RiskFields(
    matrix: RiskMatrix,
    categories: Vec<(i32, String)>,
    members: Vec<Person>,
    risk: Option<RiskView>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let r = risk.as_ref();
    let text = |f: fn(&RiskView) -> String| r.map(f).unwrap_or_default();
    let category = text(|r| {
        r.category
            .as_ref()
            .map(|c| c.0.to_string())
            .unwrap_or_default()
    });
    let owner = text(|r| {
        r.owner
            .as_ref()
            .map(|o| o.id.to_string())
            .unwrap_or_default()
    });
    let status = r.map_or("open", |r| r.status.as_str());
    let mid = |n: usize| n.div_ceil(2).to_string();
    let l = r.map_or(mid(matrix.likelihood_steps()), |r| r.likelihood.to_string());
    let i = r.map_or(mid(matrix.impact_steps()), |r| r.impact.to_string());
    let tl = r.map_or("1".to_owned(), |r| r.target_likelihood.to_string());
    let ti = r.map_or(mid(matrix.impact_steps()), |r| r.target_impact.to_string());
    let ls = step_pairs(&matrix.likelihood);
    let is = step_pairs(&matrix.impact);
    view! {
        <label>
            "Title" <input type="text" name="title" required maxlength="200" value=text(|r| r.title.clone()) />
        </label>
        <FieldError error field="title" />
        <label>
            "Description (Markdown)"
            <textarea name="description" rows="3">{text(|r| r.description.clone())}</textarea>
        </label>
        <FieldError error field="description" />
        <div class="row">
            <label>
                "Category"
                <select name="category">
                    <option value="">"None"</option>
                    {options(category_pairs(&categories), &category)}
                </select>
            </label>
            <label>
                "Owner"
                <select name="owner">
                    <option value="">"Nobody"</option>
                    {options(member_pairs(&members), &owner)}
                </select>
            </label>
            <label>
                "Status" <select name="status">{options(status_pairs(), status)}</select>
            </label>
        </div>
        <FieldError error field="category" />
        <FieldError error field="owner" />
        <FieldError error field="status" />
        <fieldset class="row">
            <legend>"Current risk"</legend>
            <label>
                "Likelihood" <select name="likelihood">{options(ls.clone(), &l)}</select>
            </label>
            <label>
                "Impact" <select name="impact">{options(is.clone(), &i)}</select>
            </label>
        </fieldset>
        <FieldError error field="likelihood" />
        <FieldError error field="impact" />
        <fieldset class="row">
            <legend>"Target risk (after mitigation)"</legend>
            <label>
                "Target likelihood" <select name="target_likelihood">{options(ls, &tl)}</select>
            </label>
            <label>
                "Target impact" <select name="target_impact">{options(is, &ti)}</select>
            </label>
        </fieldset>
        <FieldError error field="target_likelihood" />
        <FieldError error field="target_impact" />
    }
}

/// `/p/{slug}/risks`.
#[component]
pub fn RisksPage() -> impl IntoView {
    let create = page_action::<CreateRisk>();
    let status = page_action::<SetRiskStatus>();
    let slug = slug_param();
    let filter = filter_from_query();
    let data = Resource::new(
        move || (slug.get(), filter.get()),
        |(slug, filter, ..)| get_risks(slug, filter),
    );
    view! {
        <RequireUser>
            {loaded(data, move |view| view! { <RegisterBody view filter=filter.get() create status /> })}
        </RequireUser>
    }
}

#[component]
fn RegisterBody(
    view: RegisterView,
    filter: RiskFilter,
    create: ServerAction<CreateRisk>,
    status: ServerAction<SetRiskStatus>,
) -> impl IntoView {
    let edit = view.permissions.can_edit;
    let slug = view.slug.clone();
    let base = format!("/p/{slug}/risks");
    let (b1, b2) = (base.clone(), base.clone());
    let current_link =
        Callback::new(move |(l, i): (i32, i32)| format!("{b1}?status=live&current={l}-{i}"));
    let target_link =
        Callback::new(move |(l, i): (i32, i32)| format!("{b2}?status=live&target={l}-{i}"));
    let status_error = action_error(status);
    let create_error = action_error(create);
    let shown = view.risks.len();
    let total = view.total;
    let narrowed = filter.narrows();
    let rows = view
        .risks
        .iter()
        .cloned()
        .map(|r| view! { <RiskRow r edit slug=slug.clone() status matrix=view.matrix.clone() /> })
        .collect_view();
    let by_category = view
        .by_category
        .iter()
        .map(|c| {
            let cell = |l: Option<Level>| match l {
                Some(level) => view! { <LevelBadge level /> }.into_any(),
                None => view! { <span class="muted">"—"</span> }.into_any(),
            };
            view! {
                <tr>
                    <th scope="row">{c.name.clone()}</th>
                    <td>{cell(c.previous)}</td>
                    <td>{cell(c.current)}</td>
                    <td>{cell(c.target)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>{view.name.clone()} " risks"</h1>
        <ProjectTabs slug=slug.clone() current="Risks" />
        <section class="heatmaps" aria-label="Heat maps">
            <HeatMap
                caption="Current risk".to_owned()
                matrix=view.matrix.clone()
                counts=view.current_counts.clone()
                link=current_link
            />
            <HeatMap
                caption="Target risk".to_owned()
                matrix=view.matrix.clone()
                counts=view.target_counts.clone()
                link=target_link
            />
        </section>
        <p class="muted">
            "Heat maps count risks that are not closed. "
            <a href=format!("/p/{slug}/settings")>"Risk matrix settings"</a>
        </p>
        <section class="card" aria-labelledby="by-category">
            <h2 id="by-category">"Risk by category"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Previous (last final review)"</th>
                        <th scope="col">"Current"</th>
                        <th scope="col">"Target"</th>
                    </tr>
                </thead>
                <tbody>{by_category}</tbody>
            </table>
        </section>
        <RiskFilterForm slug=slug.clone() filter categories=view.categories.clone() members=view.members.clone() />
        <p class="muted" role="status">
            {if narrowed {
                format!("{shown} of {total} risks match the filter.")
            } else {
                format!("{total} risks.")
            }}
        </p>
        <FormError error=status_error />
        {(shown > 0)
            .then(|| {
                view! {
                    <table class="table risks">
                        <thead>
                            <tr>
                                <th scope="col">"Risk"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Current"</th>
                                <th scope="col">"Target"</th>
                                <th scope="col">"Mitigations"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
            })}
        {edit
            .then(|| {
                view! {
                    <details class="card" open=create_error.get_untracked().is_some()>
                        <summary>"Add a risk"</summary>
                        <ActionForm action=create attr:class="stack">
                            <FormError error=non_field_error(create_error) />
                            <input type="hidden" name="slug" value=slug.clone() />
                            <RiskFields
                                matrix=view.matrix.clone()
                                categories=view.categories.clone()
                                members=view.members.clone()
                                risk=None
                                error=create_error
                            />
                            <button type="submit">"Add risk"</button>
                        </ActionForm>
                    </details>
                }
            })}
    }
}

#[component]
fn RiskFilterForm(
    slug: String,
    filter: RiskFilter,
    categories: Vec<(i32, String)>,
    members: Vec<Person>,
) -> impl IntoView {
    let mut statuses = vec![("live".to_owned(), "Not closed".to_owned())];
    statuses.extend(status_pairs());
    let levels: Vec<(String, String)> = Level::ALL
        .into_iter()
        .rev()
        .map(|l| (l.as_str().to_owned(), l.label().to_owned()))
        .collect();
    let mut cats = category_pairs(&categories);
    cats.push(("none".into(), "No category".into()));
    let mut owners = member_pairs(&members);
    owners.push(("none".into(), "Nobody".into()));
    let sorts: Vec<(String, String)> = [
        ("", "Highest current risk"),
        ("target", "Highest target risk"),
        ("title", "Title"),
        ("status", "Status"),
        ("category", "Category"),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_owned(), l.to_owned()))
    .collect();
    view! {
        <form method="get" action=format!("/p/{slug}/risks") class="filters" role="search">
            <label>
                "Status"
                <select name="status">
                    <option value="">"Any"</option>
                    {options(statuses, &filter.status)}
                </select>
            </label>
            <label>
                "Level"
                <select name="level">
                    <option value="">"Any"</option>
                    {options(levels, &filter.level)}
                </select>
            </label>
            <label>
                "Category"
                <select name="category">
                    <option value="">"Any"</option>
                    {options(cats, &filter.category)}
                </select>
            </label>
            <label>
                "Owner"
                <select name="owner">
                    <option value="">"Anyone"</option>
                    {options(owners, &filter.owner)}
                </select>
            </label>
            <label>
                "Sort by" <select name="sort">{options(sorts, &filter.sort)}</select>
            </label>
            {(!filter.current.is_empty())
                .then(|| view! { <input type="hidden" name="current" value=filter.current.clone() /> })}
            {(!filter.target.is_empty())
                .then(|| view! { <input type="hidden" name="target" value=filter.target.clone() /> })}
            <button type="submit">"Filter"</button>
            <a href=format!("/p/{slug}/risks")>"Clear"</a>
        </form>
        {(!filter.current.is_empty() || !filter.target.is_empty())
            .then(|| {
                let which = if filter.current.is_empty() { "target" } else { "current" };
                let cell = if filter.current.is_empty() { &filter.target } else { &filter.current };
                view! {
                    <p class="muted">
                        {format!("Showing one {which} heat-map cell (likelihood-impact {cell}).")}
                    </p>
                }
            })}
    }
}

fn cell_text(matrix: &RiskMatrix, l: i32, i: i32, score: i32) -> String {
    format!("{} ({l}×{i} = {score})", matrix.cell_label(l, i))
}

#[component]
fn RiskRow(
    r: RiskView,
    edit: bool,
    slug: String,
    status: ServerAction<SetRiskStatus>,
    matrix: RiskMatrix,
) -> impl IntoView {
    let id = r.id;
    let status_cell = if edit {
        let label = format!("Status of {}", r.title);
        let current = r.status.as_str();
        view! {
            <ActionForm action=status attr:class="inline">
                <input type="hidden" name="risk_id" value=id />
                <input type="hidden" name="version" value=r.version />
                <label class="visually-hidden" for=format!("risk-status-{id}")>
                    {label}
                </label>
                <select name="status" id=format!("risk-status-{id}")>
                    {options(status_pairs(), current)}
                </select>
                <button type="submit" class="secondary">
                    "Set"
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { {r.status.label()} }.into_any()
    };
    let items = r
        .items
        .iter()
        .map(|i| {
            view! {
                <li>
                    <a href=format!("/p/{slug}/items/{}", i.id)>{i.title.clone()}</a>
                    " · "
                    {i.status.label()}
                </li>
            }
        })
        .collect_view();
    view! {
        <tr data-risk=id>
            <td>
                <a href=format!("/p/{slug}/risks/{id}") class="item-title">{r.title.clone()}</a>
                {r.category.as_ref().map(|c| view! { <div class="muted">{c.1.clone()}</div> })}
                {r.owner.as_ref().map(|o| view! { <div class="muted">"Owner: " {o.name.clone()}</div> })}
            </td>
            <td>{status_cell}</td>
            <td>
                <LevelBadge level=r.level />
                <div class="muted">{cell_text(&matrix, r.likelihood, r.impact, r.score)}</div>
            </td>
            <td>
                <LevelBadge level=r.target_level />
                <div class="muted">
                    {cell_text(&matrix, r.target_likelihood, r.target_impact, r.target_score)}
                </div>
            </td>
            <td>
                <ul class="plain-list">{items}</ul>
                {r.mitigations_complete
                    .then(|| {
                        view! { <span class="badge reassess">"mitigations complete — reassess"</span> }
                    })}
            </td>
        </tr>
    }
}
