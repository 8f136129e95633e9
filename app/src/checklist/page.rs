//! `/p/{slug}/checklist` (filterable checklist with inline changes) and
//! `/p/{slug}/items/{id}` (one item: details, status, comments, history).

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::islands::SelectAllRows;

use super::{
    api::{
        AddComment, BulkUpdateItems, ChecklistFragments, CreateCategory, CreateItem,
        DeleteCategory, DeleteItem, MoveCategory, SetCategoryValidFor, SetItemStatus, SetRowStatus,
        UpdateCategory, UpdateItem, get_checklist, get_item,
    },
    model::{
        CategoryView, ChecklistView, GapLine, ItemFilter, ItemRow, OverviewView, Person, Window,
    },
};
use crate::components::loaded::loaded;
use crate::components::page_action::page_action;
use crate::{
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
    error::AppError,
    risks::api::CreateRiskFromItem,
    scoring::{EvidenceMix, Priority, ProjectScore, Status, Verdict},
};

mod evidence;
mod forms;
mod item;
mod overview;
mod rows;

use forms::*;
pub use item::ItemPage;
pub use overview::OverviewPanel;
use rows::*;

/// The filter in the page's URL.
fn filter_from_query() -> Memo<ItemFilter> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        ItemFilter {
            status: get("status"),
            priority: get("priority"),
            assignee: get("assignee"),
            blocking: get("blocking"),
            overdue: get("overdue"),
            stale: get("stale"),
            q: get("q"),
        }
    })
}

fn window_from_query() -> Memo<Window> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        Window {
            open: q.get("open").and_then(|v| v.parse().ok()),
            from: q.get("from").and_then(|v| v.parse().ok()).unwrap_or(0),
            item: None,
        }
    })
}

fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("slug").unwrap_or_default())
}

/// Every action of the checklist page: created once, above the re-rendered parts, so results
/// and errors survive a reload of the data.
#[derive(Clone, Copy)]
struct Actions {
    create_category: ServerAction<CreateCategory>,
    update_category: ServerAction<UpdateCategory>,
    move_category: ServerAction<MoveCategory>,
    delete_category: ServerAction<DeleteCategory>,
    category_valid_for: ServerAction<SetCategoryValidFor>,
    create_item: ServerAction<CreateItem>,
    status: ServerAction<SetRowStatus>,
    bulk: ServerAction<BulkUpdateItems>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            create_category: page_action(),
            update_category: page_action(),
            move_category: page_action(),
            delete_category: page_action(),
            category_valid_for: page_action(),
            create_item: page_action(),
            status: page_action(),
            bulk: page_action(),
        }
    }

    /// The error of whichever inline change failed last.
    fn row_error(&self) -> Signal<Option<AppError>> {
        let errors = [
            action_error(self.status),
            action_error(self.update_category),
            action_error(self.move_category),
            action_error(self.delete_category),
        ];
        Signal::derive(move || errors.iter().find_map(|e| e.get()))
    }
}

/// Project tabs.
#[component]
pub fn ProjectTabs(slug: String, current: &'static str) -> impl IntoView {
    let tab = |href: String, label: &'static str| {
        let here = label == current;
        view! {
            <a href=href aria-current=here.then_some("page") class:current=here>
                {label}
            </a>
        }
    };
    view! {
        <nav class="tabs" aria-label="Project">
            {tab(format!("/p/{slug}"), "Overview")}
            {tab(format!("/p/{slug}/checklist"), "Checklist")}
            {tab(format!("/p/{slug}/risks"), "Risks")}
            {tab(format!("/p/{slug}/plan"), "Plan")}
            {tab(format!("/p/{slug}/reviews"), "Reviews")}
            {tab(format!("/p/{slug}/report"), "Report")}
            {tab(format!("/p/{slug}/settings"), "Settings")}
        </nav>
    }
}

/// The verdict as a badge with text (not colour alone).
#[component]
pub fn VerdictBadge(verdict: Verdict) -> impl IntoView {
    view! {
        <span class=format!("verdict verdict-{}", verdict.as_str())>{verdict.label()}</span>
    }
}

/// A 0–100 score as a labelled bar.
#[component]
pub fn ScoreBar(score: Option<u8>, label: String) -> impl IntoView {
    match score {
        Some(s) => view! {
            <span class="scorebar" role="img" aria-label=format!("{label}: {s} of 100")>
                <span class="scorebar-fill" style=format!("width: {s}%")></span>
            </span>
            <span class="score-num">{s}</span>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// The score line over the checklist.
#[component]
fn ScoreSummary(score: ProjectScore) -> impl IntoView {
    let c = score.counts;
    view! {
        <section class="summary" id="readiness" aria-label="Readiness">
            <VerdictBadge verdict=score.verdict />
            <span class="overall">
                "Overall " <strong>{score.overall.map_or("—".to_owned(), |o| o.to_string())}</strong>
            </span>
            <span>{c.blocking_gaps} " blocking"</span>
            <span>{c.open} " open"</span>
            <span>{c.in_progress} " in progress"</span>
            <span>{c.done} " done"</span>
            <span>{c.accepted} " accepted"</span>
            <span>{c.not_applicable} " n/a"</span>
        </section>
    }
}

/// `/p/{slug}/checklist`.
#[component]
pub fn ChecklistPage() -> impl IntoView {
    let actions = Actions::new();
    let slug = slug_param();
    let filter = filter_from_query();
    let window = window_from_query();
    let data = Resource::new(
        move || (slug.get(), filter.get(), window.get()),
        |(slug, filter, window)| get_checklist(slug, filter, window),
    );
    let row_error = actions.row_error();
    // The resource is made here, outside the user check's Suspense: a resource made inside a
    // Suspense is made again (and fetched and serialized again) each time the server walks it.
    view! {
            <RequireUser>
                {loaded(data, move |view| {
                                view! { <ChecklistBody view actions row_error filter=filter.get() /> }
    })}
            </RequireUser>
        }
}

#[component]
fn ChecklistBody(
    view: ChecklistView,
    actions: Actions,
    row_error: Signal<Option<AppError>>,
    filter: ItemFilter,
) -> impl IntoView {
    let edit = view.permissions.can_edit;
    let members = StoredValue::new(view.members.clone());
    let shown = view.matched_items;
    let total = view.total_items;
    let collapsed = view.collapsed;
    let window = view.window;
    let matched: HashMap<i32, u32> = view.matched.iter().copied().collect();
    let query = filter.to_query();
    let slug = view.slug.clone();
    let categories = view.categories.clone();
    // The rows come in category order: split them once, without copies.
    let mut by_category: HashMap<i32, Vec<ItemRow>> = HashMap::new();
    for i in view.items {
        by_category.entry(i.category_id).or_default().push(i);
    }
    let filtered = !filter.is_empty();
    view! {
        <h1>{view.name.clone()}</h1>
        <ProjectTabs slug=slug.clone() current="Checklist" />
        <ScoreSummary score=view.score.clone() />
        <FilterForm slug=slug.clone() filter members=view.members.clone() />
        <p class="muted" role="status">
            {if filtered {
                format!("{shown} of {total} items match the filter.")
            } else {
                format!("{total} items.")
            }}
            {collapsed
                .then_some(
                    " Too many to show at once: open a category to see its items, 500 at a time.",
                )}
        </p>
        {edit
            .then(|| {
                view! { <BulkBar slug=slug.clone() members=view.members.clone() actions /> }
            })}
        <div id="row-error">
            {move || {
                row_error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {row_error_text(&e)}
                            </p>
                        }
                    })
            }}
            {move || {
                row_error
                    .get()
                    .filter(|e| matches!(e, AppError::Conflict(_)))
                    .map(|_| {
                        view! {
                            <p>
                                <a href="" rel="external" class="button-link">
                                    "Reload the checklist"
                                </a>
                            </p>
                        }
                    })
            }}
        </div>
        <p id="row-news" class="visually-hidden" role="status"></p>
        {edit.then(|| view! { <div inner_html=row_labels()></div> })}
        {categories
            .into_iter()
            .map(|c| {
                let cat_items = by_category.remove(&c.id).unwrap_or_default();
                let count = matched.get(&c.id).copied().unwrap_or(0);
                let hide = filtered && count == 0;
                if hide {
                    return None;
                }
                if collapsed && window.open != Some(c.id) {
                    let href = category_href(&slug, &query, c.id, 0);
                    return Some(view! { <CollapsedCategory c count href /> }.into_any());
                }
                let pager = collapsed
                    .then(|| {
                        let from = window.from as usize;
                        let to = from + cat_items.len();
                        let prev = (from > 0)
                            .then(|| {
                                category_href(
                                    &slug,
                                    &query,
                                    c.id,
                                    from.saturating_sub(Window::PAGE) as u32,
                                )
                            });
                        let next = (to < count as usize)
                            .then(|| category_href(&slug, &query, c.id, to as u32));
                        view! {
                            <nav class="pager" aria-label=format!("{} pages", c.name)>
                                {prev.map(|h| view! { <a href=h rel="prev">"Previous 500"</a> })}
                                <span>{format!("Items {}–{to} of {count}", from + 1)}</span>
                                {next.map(|h| view! { <a href=h rel="next">"Next 500"</a> })}
                            </nav>
                        }
                    });
                Some(
                    view! {
                        <CategorySection
                            c
                            items=cat_items
                            edit
                            members
                            actions
                            slug=slug.clone()
                        />
                        {pager}
                    }
                        .into_any(),
                )
            })
            .collect_view()}
        {edit.then(|| view! { <NewCategoryForm slug=slug.clone() action=actions.create_category /> })}
    }
}

/// The checklist URL with the filter, category `open` open from item `from`.
fn category_href(slug: &str, filter_query: &str, open: i32, from: u32) -> String {
    let mut q = String::from(filter_query);
    if !q.is_empty() {
        q.push('&');
    }
    q.push_str(&format!("open={open}"));
    if from > 0 {
        q.push_str(&format!("&from={from}"));
    }
    format!("/p/{slug}/checklist?{q}#category-{open}")
}

/// A category of a long checklist, closed: its score and how many of its items match.
#[component]
fn CollapsedCategory(c: CategoryView, count: u32, href: String) -> impl IntoView {
    let heading_id = format!("category-{}", c.id);
    let label_id = heading_id.clone();
    view! {
        <section class="category card collapsed" aria-labelledby=label_id>
            <header class="category-head">
                <h2 id=heading_id>{c.name.clone()}</h2>
                <CategoryScore c />
            </header>
            <p>
                <a href=href>{format!("Show its {count} items")}</a>
            </p>
        </section>
    }
}

#[component]
fn FilterForm(slug: String, filter: ItemFilter, members: Vec<Person>) -> impl IntoView {
    let option = |value: String, label: String, current: &str| {
        let selected = value == current;
        view! {
            <option value=value selected=selected>
                {label}
            </option>
        }
    };
    let statuses = Status::ALL
        .into_iter()
        .map(|s| option(s.as_str().into(), s.label().into(), &filter.status))
        .collect_view();
    let priorities = Priority::ALL
        .into_iter()
        .map(|p| option(p.as_str().into(), p.label().into(), &filter.priority))
        .collect_view();
    let people = members
        .into_iter()
        .map(|m| option(m.id.to_string(), m.name, &filter.assignee))
        .collect_view();
    view! {
        <form method="get" action=format!("/p/{slug}/checklist") class="filters" role="search">
            <label>
                "Status"
                <select name="status">
                    <option value="">"Any"</option>
                    {statuses}
                </select>
            </label>
            <label>
                "Priority"
                <select name="priority">
                    <option value="">"Any"</option>
                    {priorities}
                </select>
            </label>
            <label>
                "Assignee"
                <select name="assignee">
                    <option value="">"Anyone"</option>
                    {option("me".into(), "Me".into(), &filter.assignee)}
                    {option("none".into(), "Unassigned".into(), &filter.assignee)}
                    {people}
                </select>
            </label>
            <label>
                "Blocking"
                <select name="blocking">
                    <option value="">"Any"</option>
                    {option("yes".into(), "Blocking".into(), &filter.blocking)}
                    {option("no".into(), "Not blocking".into(), &filter.blocking)}
                </select>
            </label>
            <label class="checkbox">
                <input type="checkbox" name="overdue" value="yes" checked=filter.overdue == "yes" />
                "Overdue"
            </label>
            <label class="checkbox">
                <input type="checkbox" name="stale" value="yes" checked=filter.stale == "yes" />
                "Stale evidence"
            </label>
            <label>
                "Search" <input type="search" name="q" value=filter.q.clone() />
            </label>
            <button type="submit">"Filter"</button>
            <a href=format!("/p/{slug}/checklist")>"Clear"</a>
        </form>
    }
}

#[component]
fn CategorySection(
    c: CategoryView,
    items: Vec<ItemRow>,
    edit: bool,
    members: StoredValue<Vec<Person>>,
    actions: Actions,
    slug: String,
) -> impl IntoView {
    let heading_id = format!("category-{}", c.id);
    let label_id = heading_id.clone();
    let category_id = c.id;
    let rows_form = edit.then(|| {
        (
            <SetRowStatus as server_fn::ServerFn>::url(),
            format!(
                "{}?slug={}",
                <ChecklistFragments as server_fn::ServerFn>::url(),
                urlencoding(&slug)
            ),
        )
    });
    view! {
        <section class="category card" aria-labelledby=label_id>
            <header class="category-head">
                <h2 id=heading_id>{c.name.clone()}</h2>
                <CategoryScore c=c.clone() />
            </header>
            {if items.is_empty() {
                view! { <p class="empty">"No items yet."</p> }.into_any()
            } else {
                let table = view! {
                    <table class="table items">
                        <thead>
                            <tr>
                                {edit
                                    .then(|| {
                                        view! {
                                            <th scope="col">
                                                <span class="visually-hidden">"Select"</span>
                                            </th>
                                        }
                                    })}
                                <th scope="col">"Item"</th>
                                <th scope="col">"Priority"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Assignee"</th>
                                <th scope="col">"Due"</th>
                            </tr>
                        </thead>
                        <tbody inner_html=rows_html(&items, &slug, edit)></tbody>
                    </table>
                };
                match rows_form {
                    // One status form for the category's rows (see `rows_html`).
                    Some((action, fragments)) => {
                        view! {
                            <form
                                action=action
                                method="post"
                                class="rows"
                                data-fragments=fragments
                            >
                                {table}
                            </form>
                        }
                            .into_any()
                    }
                    None => table.into_any(),
                }
            }}
            {edit
                .then(|| {
                    view! {
                        <NewItemForm category_id members=members.get_value() action=actions.create_item />
                        <CategoryEditor c actions />
                    }
                })}
        </section>
    }
}

/// What a failed change in a row says. A row has no field to mark, so a validation error says
/// its fields' messages (a status that needs a reason asks for it, pointing to the item page).
fn row_error_text(e: &AppError) -> String {
    match e {
        AppError::Validation(fields) => {
            let mut text = fields.values().cloned().collect::<Vec<_>>().join(" ");
            if fields.contains_key("status_reason") || fields.contains_key("evidence_url") {
                text.push_str(" Open the item to give it.");
            }
            text
        }
        other => other.to_string(),
    }
}

/// A category's score line: its score, the assessor's, and how many items are closed.
#[component]
fn CategoryScore(c: CategoryView) -> impl IntoView {
    let counts = c.counts;
    let assessor = c.assessor_score.map(|s| {
        view! { <span class="muted">" · assessor " {s}</span> }
    });
    view! {
        <span class="category-score" id=format!("category-score-{}", c.id)>
            <ScoreBar score=c.effective label=format!("{} score", c.name) />
            {assessor}
            <span class="muted">
                " · " {counts.done + counts.accepted} " of "
                {counts.total() - counts.not_applicable} " closed"
            </span>
        </span>
    }
}

/// A query value, percent-encoded.
fn urlencoding(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// What a status change on item `item_id` changes on the checklist page, rendered by the
/// page's own components: the row, its category's score line, the readiness summary, a cleared
/// row error, and a sentence for screen readers. Each part has the `id` of the element it
/// replaces ([`crate::enhance`] puts them in place). `None` when the item is not in `view`.
#[cfg(feature = "ssr")]
pub(crate) fn fragments_html(view: &ChecklistView, item_id: i32) -> Option<String> {
    let item = view.items.iter().find(|i| i.id == item_id)?;
    let category = view.categories.iter().find(|c| c.id == item.category_id)?;
    let edit = view.permissions.can_edit;
    let (c, score) = (category.clone(), view.score.clone());
    let news = format!("{}: {}.", item.title, item.status.label());
    let parts = Owner::new().with(|| {
        view! {
            <CategoryScore c />
            <ScoreSummary score />
            <div id="row-error"></div>
            <p id="row-news" class="visually-hidden" role="status">
                {news}
            </p>
        }
        .to_html()
    });
    Some(format!(
        "<table><tbody>{}</tbody></table>{parts}",
        rows_html(std::slice::from_ref(item), &view.slug, edit)
    ))
}

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
