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
use crate::components::page_action::page_action;
use crate::{
    checklist::{model::Person, page::ProjectTabs},
    components::{
        error_view::ErrorView,
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
    error::AppError,
    templates::page::SaveAsTemplateForm,
};

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
        move || {
            (
                slug.get(),
                filter.get(),
                create.version().get(),
                status.version().get(),
            )
        },
        |(slug, filter, ..)| get_risks(slug, filter),
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <RegisterBody view filter=filter.get() create status /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
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

/// `/p/{slug}/risks/{id}`.
#[component]
pub fn RiskPage() -> impl IntoView {
    let update = page_action::<UpdateRisk>();
    let link = page_action::<LinkRiskItem>();
    let delete = page_action::<DeleteRisk>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    });
    let detail = Resource::new(
        move || (id.get(), update.version().get(), link.version().get()),
        |(id, ..)| async move {
            match id {
                Some(id) => get_risk(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <RiskBody d update link delete /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

#[component]
fn RiskBody(
    d: RiskDetail,
    update: ServerAction<UpdateRisk>,
    link: ServerAction<LinkRiskItem>,
    delete: ServerAction<DeleteRisk>,
) -> impl IntoView {
    let r = d.risk.clone();
    let edit = d.permissions.can_edit;
    let slug = d.slug.clone();
    let update_error = action_error(update);
    let link_error = action_error(link);
    let delete_error = action_error(delete);
    let risk_id = r.id;
    let linked = r
        .items
        .clone()
        .into_iter()
        .map(|i| {
            let unlink = edit.then(|| {
                view! {
                    <ActionForm action=link attr:class="inline">
                        <input type="hidden" name="risk_id" value=risk_id />
                        <input type="hidden" name="item_id" value=i.id />
                        <input type="hidden" name="linked" value="false" />
                        <button type="submit" class="secondary">
                            "Unlink"
                        </button>
                    </ActionForm>
                }
            });
            view! {
                <li>
                    <a href=format!("/p/{slug}/items/{}", i.id)>{i.title}</a>
                    " · "
                    {i.status.label()}
                    " "
                    {unlink}
                </li>
            }
        })
        .collect_view();
    view! {
        <p>
            <a href=format!("/p/{slug}/risks")>"← " {d.name.clone()} " risks"</a>
        </p>
        <article class="item-detail">
            <h1>{r.title.clone()}</h1>
            <p class="muted">
                {r.status.label()} " · current " <LevelBadge level=r.level /> " "
                {cell_text(&d.matrix, r.likelihood, r.impact, r.score)} " · target "
                <LevelBadge level=r.target_level /> " "
                {cell_text(&d.matrix, r.target_likelihood, r.target_impact, r.target_score)}
                {r.category.as_ref().map(|c| format!(" · {}", c.1))}
                {r.owner.as_ref().map(|o| format!(" · owned by {}", o.name))}
            </p>
            {r.mitigations_complete
                .then(|| {
                    view! {
                        <p class="badge reassess">
                            "mitigations complete — reassess"
                        </p>
                    }
                })}
            <div class="markdown" inner_html=r.description_html.clone()></div>
        </article>
        <section class="card" aria-labelledby="mitigations">
            <h2 id="mitigations">"Mitigating items"</h2>
            {if r.items.is_empty() {
                view! { <p class="empty">"No items linked yet."</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{linked}</ul> }.into_any()
            }}
            <FormError error=link_error />
            {(edit && !d.linkable.is_empty())
                .then(|| {
                    let choices = d
                        .linkable
                        .iter()
                        .map(|i| (i.id.to_string(), i.title.clone()))
                        .collect();
                    view! {
                        <ActionForm action=link attr:class="inline">
                            <input type="hidden" name="risk_id" value=risk_id />
                            <input type="hidden" name="linked" value="true" />
                            <label>
                                "Checklist item" <select name="item_id">{options(choices, "")}</select>
                            </label>
                            <button type="submit">"Link item"</button>
                        </ActionForm>
                    }
                })}
        </section>
        {edit
            .then(move || {
                let version = r.version;
                view! {
                    <section class="card">
                        <h2>"Edit risk"</h2>
                        <ActionForm action=update attr:class="stack">
                            <FormError error=non_field_error(update_error) />
                            {move || {
                                update_error
                                    .get()
                                    .filter(|e| matches!(e, AppError::Conflict(_)))
                                    .map(|_| view! { <a href="" rel="external">"Reload this risk"</a> })
                            }}
                            <input type="hidden" name="risk_id" value=risk_id />
                            <input type="hidden" name="version" value=version />
                            <RiskFields
                                matrix=d.matrix.clone()
                                categories=d.categories.clone()
                                members=d.members.clone()
                                risk=Some(r)
                                error=update_error
                            />
                            <button type="submit">"Save risk"</button>
                        </ActionForm>
                        <ActionForm action=delete attr:class="danger-zone">
                            <FormError error=delete_error />
                            <input type="hidden" name="risk_id" value=risk_id />
                            <input type="hidden" name="next" value=format!("/p/{slug}/risks") />
                            <button type="submit" class="danger">
                                "Delete risk"
                            </button>
                        </ActionForm>
                    </section>
                }
            })}
    }
}

/// `/p/{slug}/settings`: the risk matrix.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = page_action::<SaveRiskMatrix>();
    let slug = slug_param();
    let query = use_query_map();
    let size = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok());
        (get("likelihood_steps"), get("impact_steps"))
    });
    let data = Resource::new(
        move || (slug.get(), size.get(), save.version().get()),
        |(slug, (l, i), _)| get_matrix_settings(slug, l, i),
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(s) => view! { <SettingsBody s save /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

#[component]
fn SettingsBody(s: MatrixSettings, save: ServerAction<SaveRiskMatrix>) -> impl IntoView {
    let edit = s.permissions.can_edit;
    let slug = s.slug.clone();
    let m = s.matrix.clone();
    let error = action_error(save);
    let result = save.value();
    let sizes: Vec<(String, String)> = (MIN_STEPS..=MAX_STEPS)
        .map(|n| (n.to_string(), n.to_string()))
        .collect();
    let resized = (m.likelihood_steps(), m.impact_steps()) != s.saved_size;
    let labels = move |name: &'static str, what: &'static str, labels: &[String]| {
        labels
            .iter()
            .enumerate()
            .map(|(n, l)| {
                view! {
                    <label>
                        {format!("{what} {}", n + 1)}
                        <input
                            type="text"
                            name=format!("{name}[{n}]")
                            value=l.clone()
                            required
                            maxlength="40"
                            disabled=!edit
                        />
                    </label>
                }
            })
            .collect_view()
    };
    let mut n = 0;
    let grid = (1..=m.likelihood_steps() as i32)
        .rev()
        .map(|l| {
            let cells = (1..=m.impact_steps() as i32)
                .map(|i| {
                    let level = m.level(l, i);
                    let index = (l as usize - 1) * m.impact_steps() + (i as usize - 1);
                    n += 1;
                    let pairs = Level::ALL
                        .into_iter()
                        .map(|v| (v.as_str().to_owned(), v.label().to_owned()))
                        .collect();
                    view! {
                        <td class=format!("heat level-{}", level.as_str())>
                            <label class="visually-hidden" for=format!("level-{l}-{i}")>
                                {format!("Level of {}", m.cell_label(l, i))}
                            </label>
                            <select name=format!("levels[{index}]") id=format!("level-{l}-{i}") disabled=!edit>
                                {options(pairs, level.as_str())}
                            </select>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{m.likelihood[(l - 1) as usize].clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let heads = m
        .impact
        .iter()
        .map(|label| view! { <th scope="col">{label.clone()}</th> })
        .collect_view();
    let remaps = s
        .remaps
        .iter()
        .map(|r| {
            view! {
                <li>
                    {format!(
                        "“{}”: current {}×{} → {}×{}, target {}×{} → {}×{}",
                        r.title,
                        r.current.0.0,
                        r.current.0.1,
                        r.current.1.0,
                        r.current.1.1,
                        r.target.0.0,
                        r.target.0.1,
                        r.target.1.0,
                        r.target.1.1,
                    )}
                </li>
            }
        })
        .collect_view();
    let remap_count = s.remaps.len();
    view! {
        <h1>{s.name.clone()} " settings"</h1>
        <ProjectTabs slug=slug.clone() current="Settings" />
        <section class="card" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export"</h2>
            <p>
                <a href=format!("/p/{slug}/export/json") rel="external" download>
                    "Preflight JSON"
                </a>
                " — the whole project; imports back as it is. "
                <a href=format!("/p/{slug}/export/csv") rel="external" download>
                    "CSV of items"
                </a>
                " — the import's columns, for spreadsheets. Stakeholder reports (PDF, Markdown, \
                 HTML) and share links are on the "
                <a href=format!("/p/{slug}/report")>"report page"</a>
                "."
            </p>
        </section>
        {edit.then(|| view! {
            <section class="card" aria-labelledby="import-heading">
                <h2 id="import-heading">"Import"</h2>
                <p>
                    <a href=format!("/p/{slug}/import")>"Import a document into this project"</a>
                    " — a Markdown readiness review, a CSV of items or Preflight JSON; matching \
                     categories and items are updated, never duplicated."
                </p>
            </section>
        })}
        {edit.then(|| view! { <SaveAsTemplateForm slug=slug.clone() name=s.name.clone() /> })}
        <section class="card" aria-labelledby="matrix-heading">
            <h2 id="matrix-heading">"Risk matrix"</h2>
            <p class="muted">
                "A risk's level is the level of its likelihood × impact cell; its score is likelihood × impact."
            </p>
            {edit
                .then(|| {
                    view! {
                        <form method="get" action=format!("/p/{slug}/settings") class="filters">
                            <label>
                                "Likelihood steps"
                                <select name="likelihood_steps">
                                    {options(sizes.clone(), &m.likelihood_steps().to_string())}
                                </select>
                            </label>
                            <label>
                                "Impact steps"
                                <select name="impact_steps">
                                    {options(sizes.clone(), &m.impact_steps().to_string())}
                                </select>
                            </label>
                            <button type="submit" class="secondary">"Preview size"</button>
                        </form>
                    }
                })}
            {resized
                .then(|| {
                    view! {
                        <p role="status">
                            {format!(
                                "Draft: {}×{} (saved: {}×{}). Labels and levels of a changed scale start from the defaults.",
                                m.likelihood_steps(),
                                m.impact_steps(),
                                s.saved_size.0,
                                s.saved_size.1,
                            )}
                        </p>
                    }
                })}
            <ActionForm action=save attr:class="stack">
                <FormError error=non_field_error(error) />
                {move || match result.get() {
                    Some(Ok(moved)) => Some(view! {
                        <p role="status" class="ok">
                            {format!("Saved. {moved} risk{} moved to the nearest step.", if moved == 1 { "" } else { "s" })}
                        </p>
                    }),
                    _ => None,
                }}
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="version" value=s.version />
                <fieldset class="row">
                    <legend>"Likelihood steps, least likely first"</legend>
                    {labels("likelihood_labels", "Likelihood", &m.likelihood)}
                </fieldset>
                <FieldError error field="likelihood_labels" />
                <fieldset class="row">
                    <legend>"Impact steps, least severe first"</legend>
                    {labels("impact_labels", "Impact", &m.impact)}
                </fieldset>
                <FieldError error field="impact_labels" />
                <table class="heatmap">
                    <caption>"Level of each cell"</caption>
                    <thead>
                        <tr>
                            <th scope="col"><span class="axis">"Likelihood ↓ / Impact →"</span></th>
                            {heads}
                        </tr>
                    </thead>
                    <tbody>{grid}</tbody>
                </table>
                <FieldError error field="levels" />
                {(remap_count > 0)
                    .then(|| {
                        view! {
                            <div class="notice" role="note">
                                <p>
                                    {format!(
                                        "Saving this size moves {remap_count} risk{} to the nearest step:",
                                        if remap_count == 1 { "" } else { "s" },
                                    )}
                                </p>
                                <ul>{remaps}</ul>
                                <label class="checkbox">
                                    <input type="checkbox" name="confirm_remap" value="yes" />
                                    "Move these risks and save"
                                </label>
                            </div>
                        }
                    })}
                <FieldError error field="confirm_remap" />
                {edit.then(|| view! { <button type="submit">"Save matrix"</button> })}
            </ActionForm>
        </section>
    }
}
