//! `/p/{slug}/checklist` (filterable checklist with inline changes) and
//! `/p/{slug}/items/{id}` (one item: details, status, comments, history).

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::islands::SelectAllRows;

use super::{
    api::{
        AddComment, BulkUpdateItems, CreateCategory, CreateItem, DeleteCategory, DeleteItem,
        MoveCategory, SetItemStatus, UpdateCategory, UpdateItem, get_checklist, get_item,
    },
    model::{CategoryView, ChecklistView, GapLine, ItemFilter, ItemRow, OverviewView, Person},
};
use crate::components::page_action::page_action;
use crate::{
    components::{
        error_view::ErrorView,
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
    error::AppError,
    risks::api::CreateRiskFromItem,
    scoring::{Priority, ProjectScore, Status, Verdict},
};

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
            q: get("q"),
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
    create_item: ServerAction<CreateItem>,
    status: ServerAction<SetItemStatus>,
    bulk: ServerAction<BulkUpdateItems>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            create_category: page_action(),
            update_category: page_action(),
            move_category: page_action(),
            delete_category: page_action(),
            create_item: page_action(),
            status: page_action(),
            bulk: page_action(),
        }
    }

    fn versions(&self) -> usize {
        self.create_category.version().get()
            + self.update_category.version().get()
            + self.move_category.version().get()
            + self.delete_category.version().get()
            + self.create_item.version().get()
            + self.status.version().get()
            + self.bulk.version().get()
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
        <section class="summary" aria-label="Readiness">
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
    let data = Resource::new(
        move || (slug.get(), filter.get(), actions.versions()),
        |(slug, filter, _)| get_checklist(slug, filter),
    );
    let row_error = actions.row_error();
    // The resource is made here, outside the user check's Suspense: a resource made inside a
    // Suspense is made again (and fetched and serialized again) each time the server walks it.
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => {
                            view! { <ChecklistBody view actions row_error filter=filter.get() /> }
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
fn ChecklistBody(
    view: ChecklistView,
    actions: Actions,
    row_error: Signal<Option<AppError>>,
    filter: ItemFilter,
) -> impl IntoView {
    let edit = view.permissions.can_edit;
    let members = StoredValue::new(view.members.clone());
    let shown = view.items.len();
    let total = view.total_items;
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
        </p>
        {edit
            .then(|| {
                view! { <BulkBar slug=slug.clone() members=view.members.clone() actions /> }
            })}
        <FormError error=row_error />
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
        {categories
            .into_iter()
            .map(|c| {
                let cat_items = by_category.remove(&c.id).unwrap_or_default();
                let hide = filtered && cat_items.is_empty();
                (!hide)
                    .then(|| {
                        view! {
                            <CategorySection
                                c
                                items=cat_items
                                edit
                                members
                                actions
                                slug=slug.clone()
                            />
                        }
                    })
            })
            .collect_view()}
        {edit.then(|| view! { <NewCategoryForm slug=slug.clone() action=actions.create_category /> })}
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
    let counts = c.counts;
    let category_id = c.id;
    let assessor = c.assessor_score.map(|s| {
        view! { <span class="muted">" · assessor " {s}</span> }
    });
    view! {
        <section class="category card" aria-labelledby=label_id>
            <header class="category-head">
                <h2 id=heading_id>{c.name.clone()}</h2>
                <span class="category-score">
                    <ScoreBar score=c.effective label=format!("{} score", c.name) />
                    {assessor}
                    <span class="muted">
                        " · " {counts.done + counts.accepted} " of "
                        {counts.total() - counts.not_applicable} " closed"
                    </span>
                </span>
            </header>
            {if items.is_empty() {
                view! { <p class="empty">"No items yet."</p> }.into_any()
            } else {
                view! {
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
                }
                    .into_any()
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

/// The five statuses as options, `current` selected.
fn status_choices(current: Status) -> impl IntoView {
    Status::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=s == current>
                    {s.label()}
                </option>
            }
        })
        .collect_view()
}

/// One category's rows as HTML, written straight into a string.
///
/// A checklist has up to thousands of rows and is most of its page. As Leptos views they cost
/// half the server's time for the page. As one string they are written in a fraction of that.
/// The status forms inside are plain forms: they post natively, or through the page's form
/// enhancement once the wasm runs ([`crate::enhance`]).
/// Every text from the database goes through `html_escape`.
///
/// Each row: a checkbox joining the bulk form (editors), the title with its badges, the
/// priority, the status (an inline form for editors: item, version, labelled select, submit
/// button), the assignee and the due date. Priority and assignee change through the bulk bar
/// or the item page: a picker of every member in each of 1,000 rows would be most of the page.
fn rows_html(items: &[ItemRow], slug: &str, edit: bool) -> String {
    use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
    use server_fn::ServerFn;

    // Plain appends rather than `write!`: this loop is a fifth of the page's server time.
    let slug = attr(slug);
    let status_url = <SetItemStatus as ServerFn>::url();
    let mut out = String::with_capacity(items.len() * if edit { 1_100 } else { 450 });
    let (mut id_buf, mut version_buf) = (itoa::Buffer::new(), itoa::Buffer::new());
    let put = |out: &mut String, parts: &[&str]| parts.iter().for_each(|p| out.push_str(p));
    for i in items {
        let (id, version) = (id_buf.format(i.id), version_buf.format(i.version));
        let title = text(&i.title);
        put(&mut out, &[r#"<tr data-item=""#, id, r#"""#]);
        if i.overdue {
            out.push_str(r#" class="overdue""#);
        }
        out.push('>');
        if edit {
            put(
                &mut out,
                &[
                    r#"<td class="select"><input type="checkbox" name="items[]" value=""#,
                    id,
                    ":",
                    version,
                    r#"" form=""#,
                    BULK_FORM,
                    r#"" id="select-"#,
                    id,
                    r#""><label for="select-"#,
                    id,
                    r#"" class="visually-hidden">Select "#,
                    &title,
                    "</label></td>",
                ],
            );
        }
        put(
            &mut out,
            &[
                r#"<td><a href="/p/"#,
                &slug,
                "/items/",
                id,
                r#"" class="item-title">"#,
                &title,
                "</a>",
            ],
        );
        if i.blocking {
            out.push_str(r#"<span class="badge blocking">blocking</span>"#);
        }
        if i.expired {
            out.push_str(r#"<span class="badge expired">acceptance expired</span>"#);
        }
        put(
            &mut out,
            &[
                r#"</td><td><span class="priority priority-"#,
                i.priority.as_str(),
                r#"">"#,
                i.priority.label(),
                "</span></td><td>",
            ],
        );
        if edit {
            put(
                &mut out,
                &[
                    r#"<form action=""#,
                    status_url,
                    r#"" method="post" class="inline"><input type="hidden" name="item_id" value=""#,
                    id,
                    r#""><input type="hidden" name="version" value=""#,
                    version,
                    r#""><label for="status-"#,
                    id,
                    r#"" class="visually-hidden">Status of "#,
                    &title,
                    r#"</label><select name="status" id="status-"#,
                    id,
                    r#"">"#,
                    status_options_html(i.status),
                    r#"</select><button type="submit" class="secondary">Set</button></form>"#,
                ],
            );
        } else {
            put(
                &mut out,
                &[
                    r#"<span class="status status-"#,
                    i.status.as_str(),
                    r#"">"#,
                    i.status.label(),
                    "</span>",
                ],
            );
        }
        out.push_str(r#"</td><td class="assignee">"#);
        if let Some(a) = &i.assignee {
            out.push_str(&text(&a.name));
        }
        out.push_str("</td><td>");
        if let Some(d) = i.due_date {
            out.push_str(&d.to_string());
        }
        if i.overdue {
            out.push_str(r#"<span class="badge overdue">overdue</span>"#);
        }
        out.push_str("</td></tr>");
    }
    out
}

/// The five statuses as `<option>`s with `current` selected (made once per status).
fn status_options_html(current: Status) -> &'static str {
    static OPTIONS: std::sync::LazyLock<Vec<(Status, String)>> = std::sync::LazyLock::new(|| {
        Status::ALL
            .into_iter()
            .map(|current| {
                let options = Status::ALL.into_iter().map(|s| {
                    let selected = if s == current { " selected" } else { "" };
                    format!(
                        r#"<option value="{}"{selected}>{}</option>"#,
                        s.as_str(),
                        s.label()
                    )
                });
                (current, options.collect())
            })
            .collect()
    });
    OPTIONS
        .iter()
        .find(|(s, _)| *s == current)
        .map_or("", |(_, html)| html)
}

fn status_options() -> Vec<(String, String)> {
    Status::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect()
}

fn priority_options() -> Vec<(String, String)> {
    Priority::ALL
        .into_iter()
        .map(|p| (p.as_str().to_owned(), p.label().to_owned()))
        .collect()
}

fn member_options(members: &[Person]) -> Vec<(String, String)> {
    members
        .iter()
        .map(|m| (m.id.to_string(), m.name.clone()))
        .collect()
}

/// The id of the bulk-change form; row checkboxes join it through their `form` attribute, so
/// the rows' own inline forms need not nest inside it.
const BULK_FORM: &str = "bulk-form";

/// Sets one status, assignee or priority on every selected item.
#[component]
fn BulkBar(slug: String, members: Vec<Person>, actions: Actions) -> impl IntoView {
    let result = actions.bulk.value();
    let keep = || view! { <option value="">"Keep"</option> };
    let options = |opts: Vec<(String, String)>| {
        opts.into_iter()
            .map(|(value, text)| view! { <option value=value>{text}</option> })
            .collect_view()
    };
    view! {
        <ActionForm action=actions.bulk attr:id=BULK_FORM attr:class="bulk card" attr:aria-label="Change selected items">
            <input type="hidden" name="slug" value=slug />
            <SelectAllRows />
            <label>
                "Set status" <select name="status">{keep()} {options(status_options())}</select>
            </label>
            <label>
                "Reason" <input type="text" name="status_reason" placeholder="for n/a or accepted risk" />
            </label>
            <label>
                "Accepted until" <input type="date" name="accepted_until" />
            </label>
            <label>
                "Set assignee"
                <select name="assignee">
                    {keep()} <option value="none">"Nobody"</option>
                    {options(member_options(&members))}
                </select>
            </label>
            <label>
                "Set priority" <select name="priority">{keep()} {options(priority_options())}</select>
            </label>
            <button type="submit">"Apply to selected"</button>
            {move || match result.get() {
                Some(Ok(n)) => {
                    view! {
                        <p role="status" class="ok">
                            {format!("Updated {n} item{}.", if n == 1 { "" } else { "s" })}
                        </p>
                    }
                        .into_any()
                }
                Some(Err(AppError::Validation(errors))) => {
                    view! {
                        <ul class="form-error" role="alert">
                            {errors.into_values().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
                Some(Err(e)) => {
                    view! {
                        <p class="form-error" role="alert">
                            {e.to_string()}
                            " "
                            <a href="" rel="external">"Reload the checklist"</a>
                        </p>
                    }
                        .into_any()
                }
                None => ().into_any(),
            }}
        </ActionForm>
    }
}

#[component]
fn NewItemForm(
    category_id: i32,
    members: Vec<Person>,
    action: ServerAction<CreateItem>,
) -> impl IntoView {
    let error = action_error(action);
    // Only this category's form shows the errors of its last submission.
    let mine = Signal::derive(move || {
        action
            .input()
            .get()
            .is_none_or(|i| i.category_id == category_id)
    });
    let error = Signal::derive(move || error.get().filter(|_| mine.get()));
    view! {
        <details class="add-item">
            <summary>"Add an item"</summary>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="category_id" value=category_id />
                <label>
                    "Title" <input type="text" name="title" required maxlength="200" />
                </label>
                <FieldError error field="title" />
                <div class="row">
                    <label>
                        "Priority"
                        <select name="priority">
                            {Priority::ALL
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <option value=p.as_str() selected=p == Priority::Medium>
                                            {p.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "Blocking"
                        <select name="blocking">
                            <option value="">"Critical items only"</option>
                            <option value="true">"Yes"</option>
                            <option value="false">"No"</option>
                        </select>
                    </label>
                    <label>
                        "Assignee"
                        <select name="assignee">
                            <option value="">"Nobody"</option>
                            {members
                                .into_iter()
                                .map(|m| view! { <option value=m.id>{m.name}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>"Due" <input type="date" name="due_date" /></label>
                    <label>
                        "Effort (hours)"
                        <input type="number" name="effort_hours" min="0" step="0.5" />
                    </label>
                </div>
                <FieldError error field="due_date" />
                <FieldError error field="effort_hours" />
                <FieldError error field="assignee" />
                <label>
                    "Description (Markdown)"
                    <textarea name="description" rows="3" maxlength="20000"></textarea>
                </label>
                <FieldError error field="description" />
                <button type="submit">"Add item"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn CategoryEditor(c: CategoryView, actions: Actions) -> impl IntoView {
    let id = c.id;
    let error = action_error(actions.update_category);
    let n = c.counts.total();
    let delete_label = format!("Delete “{}” and its {n} item(s)", c.name);
    view! {
        <details class="category-edit">
            <summary>"Category settings"</summary>
            <div class="row">
                <ActionForm action=actions.move_category attr:class="inline">
                    <input type="hidden" name="category_id" value=id />
                    <input type="hidden" name="up" value="true" />
                    <button type="submit" class="secondary">
                        "Move up"
                    </button>
                </ActionForm>
                <ActionForm action=actions.move_category attr:class="inline">
                    <input type="hidden" name="category_id" value=id />
                    <input type="hidden" name="up" value="false" />
                    <button type="submit" class="secondary">
                        "Move down"
                    </button>
                </ActionForm>
            </div>
            <ActionForm action=actions.update_category attr:class="stack">
                <input type="hidden" name="category_id" value=id />
                <input type="hidden" name="version" value=c.version />
                <label>
                    "Name" <input type="text" name="name" required maxlength="120" value=c.name.clone() />
                </label>
                <FieldError error field="name" />
                <div class="row">
                    <label>
                        "Weight"
                        <input type="number" name="weight" min="0" max="100" value=c.weight />
                    </label>
                    <label>
                        "Assessor score (0–100, blank for none)"
                        <input
                            type="number"
                            name="assessor_score"
                            min="0"
                            max="100"
                            value=c.assessor_score.map(|s| s.to_string()).unwrap_or_default()
                        />
                    </label>
                </div>
                <FieldError error field="weight" />
                <FieldError error field="assessor_score" />
                <label>
                    "Assessor's note"
                    <textarea name="assessor_note" rows="2">{c.assessor_note.clone()}</textarea>
                </label>
                <button type="submit">"Save category"</button>
            </ActionForm>
            <ActionForm action=actions.delete_category attr:class="stack danger-zone">
                <input type="hidden" name="category_id" value=id />
                <label class="checkbox">
                    <input type="checkbox" required />
                    {delete_label}
                </label>
                <button type="submit" class="danger">
                    "Delete category"
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn NewCategoryForm(slug: String, action: ServerAction<CreateCategory>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <h2>"New category"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=slug />
                <label>
                    "Name" <input type="text" name="name" required maxlength="120" />
                </label>
                <FieldError error field="name" />
                <label>
                    "Weight" <input type="number" name="weight" min="0" max="100" value="1" />
                </label>
                <FieldError error field="weight" />
                <button type="submit">"Add category"</button>
            </ActionForm>
        </section>
    }
}

/// `/p/{slug}/items/{id}`: one item with its details, status, comments and history.
#[component]
pub fn ItemPage() -> impl IntoView {
    let update = page_action::<UpdateItem>();
    let status = page_action::<SetItemStatus>();
    let comment = page_action::<AddComment>();
    let delete = page_action::<DeleteItem>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    });
    let detail = Resource::new(
        move || {
            (
                id.get(),
                update.version().get(),
                status.version().get(),
                comment.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_item(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <ItemBody d update status comment delete /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

#[component]
fn ItemBody(
    d: super::api::ItemDetail,
    update: ServerAction<UpdateItem>,
    status: ServerAction<SetItemStatus>,
    comment: ServerAction<AddComment>,
    delete: ServerAction<DeleteItem>,
) -> impl IntoView {
    let risks_part = view! { <ItemRisks d=d.clone() /> };
    let i = d.item;
    let edit = d.permissions.can_edit;
    let category = d.category_name.clone();
    let members = d.members.clone();
    let update_error = action_error(update);
    let status_error = action_error(status);
    let comment_error = action_error(comment);
    let current = i.status;
    view! {
        <p>
            <a href=format!("/p/{}/checklist", d.slug)>"← " {d.project_name.clone()} " checklist"</a>
        </p>
        <article class="item-detail">
            <h1>{i.title.clone()}</h1>
            <p class="muted">
                {category} " · " {i.priority.label()} {i.blocking.then_some(" · blocking")} " · "
                {i.status.label()} {i.expired.then_some(" (acceptance expired)")}
                {i.assignee.as_ref().map(|a| format!(" · assigned to {}", a.name))}
                {i.due_date.map(|d| format!(" · due {d}"))}
                {i.effort_hours.map(|h| format!(" · {h} h"))}
            </p>
            <div class="markdown" inner_html=i.description_html.clone()></div>
            {(!i.status_reason.is_empty())
                .then(|| view! { <p><strong>"Reason: "</strong> {i.status_reason.clone()}</p> })}
            {i.accepted_until.map(|d| view! { <p><strong>"Accepted until: "</strong> {d.to_string()}</p> })}
            {(!i.evidence_url.is_empty())
                .then(|| {
                    // Only a web link is a link (rows from before the importer checked the
                    // scheme may hold `javascript:`).
                    let url = i.evidence_url.clone();
                    let web = url.starts_with("https://") || url.starts_with("http://");
                    view! {
                        <p>
                            <strong>"Evidence: "</strong>
                            {if web {
                                let href = url.clone();
                                view! {
                                    <a href=href rel="noopener noreferrer nofollow">{url}</a>
                                }
                                    .into_any()
                            } else {
                                view! { <span>{url}</span> }.into_any()
                            }}
                        </p>
                    }
                })}
            {(!i.evidence_text.is_empty())
                .then(|| view! { <p><strong>"Evidence note: "</strong> {i.evidence_text.clone()}</p> })}
        </article>
        {edit
            .then(|| {
                view! {
                    <section class="card">
                        <h2>"Status"</h2>
                        <ActionForm action=status attr:class="stack">
                            <FormError error=non_field_error(status_error) />
                            <input type="hidden" name="item_id" value=i.id />
                            <input type="hidden" name="version" value=i.version />
                            <label>
                                "Status"
                                <select name="status">{status_choices(current)}</select>
                            </label>
                            <FieldError error=status_error field="status" />
                            <label>
                                "Reason (needed for not applicable and accepted risk)"
                                <textarea name="status_reason" rows="2">{i.status_reason.clone()}</textarea>
                            </label>
                            <FieldError error=status_error field="status_reason" />
                            <label>
                                "Accepted until"
                                <input
                                    type="date"
                                    name="accepted_until"
                                    value=i.accepted_until.map(|d| d.to_string()).unwrap_or_default()
                                />
                            </label>
                            <FieldError error=status_error field="accepted_until" />
                            <label>
                                "Evidence link"
                                <input type="url" name="evidence_url" value=i.evidence_url.clone() />
                            </label>
                            <FieldError error=status_error field="evidence_url" />
                            <label>
                                "Evidence note"
                                <textarea name="evidence_text" rows="2">{i.evidence_text.clone()}</textarea>
                            </label>
                            <button type="submit">"Save status"</button>
                        </ActionForm>
                    </section>
                    <details class="card">
                        <summary>"Edit item"</summary>
                        <ActionForm action=update attr:class="stack">
                            <FormError error=non_field_error(update_error) />
                            <input type="hidden" name="item_id" value=i.id />
                            <input type="hidden" name="version" value=i.version />
                            <label>
                                "Title"
                                <input type="text" name="title" required maxlength="200" value=i.title.clone() />
                            </label>
                            <FieldError error=update_error field="title" />
                            <label>
                                "Priority"
                                <select name="priority">
                                    {Priority::ALL
                                        .into_iter()
                                        .map(|pr| {
                                            view! {
                                                <option value=pr.as_str() selected=pr == i.priority>
                                                    {pr.label()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <label class="checkbox">
                                <input type="checkbox" name="blocking" value="true" checked=i.blocking />
                                "Blocking"
                            </label>
                            <label>
                                "Assignee"
                                <select name="assignee">
                                    <option value="">"Nobody"</option>
                                    {members
                                        .iter()
                                        .map(|m| {
                                            let selected = i.assignee.as_ref().is_some_and(|a| a.id == m.id);
                                            view! {
                                                <option value=m.id selected=selected>
                                                    {m.name.clone()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <FieldError error=update_error field="assignee" />
                            <label>
                                "Due"
                                <input
                                    type="date"
                                    name="due_date"
                                    value=i.due_date.map(|d| d.to_string()).unwrap_or_default()
                                />
                            </label>
                            <FieldError error=update_error field="due_date" />
                            <label>
                                "Effort (hours)"
                                <input
                                    type="number"
                                    name="effort_hours"
                                    min="0"
                                    step="0.5"
                                    value=i.effort_hours.map(|h| h.to_string()).unwrap_or_default()
                                />
                            </label>
                            <FieldError error=update_error field="effort_hours" />
                            <label>
                                "Description (Markdown)"
                                <textarea name="description" rows="6" maxlength="20000">
                                    {i.description.clone()}
                                </textarea>
                            </label>
                            <FieldError error=update_error field="description" />
                            <button type="submit">"Save item"</button>
                        </ActionForm>
                        <ActionForm action=delete attr:class="stack danger-zone">
                            <input type="hidden" name="item_id" value=i.id />
                            <input type="hidden" name="next" value=format!("/p/{}/checklist", d.slug) />
                            <label class="checkbox">
                                <input type="checkbox" required />
                                "Delete this item"
                            </label>
                            <button type="submit" class="danger">
                                "Delete item"
                            </button>
                        </ActionForm>
                    </details>
                }
            })}
        {risks_part}
        <section class="card">
            <h2>"Comments"</h2>
            {if d.comments.is_empty() {
                view! { <p class="empty">"No comments yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="comments">
                        {d
                            .comments
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <li>
                                        <p class="muted">
                                            <strong>{c.author}</strong> " · "
                                            <time datetime=c.at.clone()>{c.at.clone()}</time>
                                        </p>
                                        <div class="markdown" inner_html=c.body_html></div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
            <ActionForm action=comment attr:class="stack">
                <input type="hidden" name="item_id" value=i.id />
                <label>
                    "Add a comment (Markdown)"
                    <textarea name="body" rows="3" required maxlength="20000"></textarea>
                </label>
                <FieldError error=comment_error field="body" />
                <button type="submit">"Comment"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"History"</h2>
            <ul class="history">
                {d
                    .history
                    .into_iter()
                    .map(|e| {
                        let changes = e
                            .changes
                            .iter()
                            .filter(|c| c.field != "description")
                            .map(|c| format!("{}: {} → {}", c.field, c.before, c.after))
                            .collect::<Vec<_>>()
                            .join("; ");
                        view! {
                            <li>
                                <time datetime=e.at.clone()>{e.at.clone()}</time> " · " {e.actor}
                                " · " <strong>{e.action}</strong> " " <span class="muted">{changes}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The overview's readiness part: verdict with its reason, scores, effort, who has what.
/// The risks an item mitigates, and (for a failed critical or high item) one action that turns
/// it into a risk linked to it.
#[component]
fn ItemRisks(d: super::api::ItemDetail) -> impl IntoView {
    let create = page_action::<CreateRiskFromItem>();
    let error = action_error(create);
    let slug = d.slug.clone();
    let item_id = d.item.id;
    let failed = matches!(d.item.priority, Priority::Critical | Priority::High)
        && matches!(d.item.status, Status::Open | Status::InProgress);
    let risks = d
        .risks
        .iter()
        .map(|(id, title)| {
            view! {
                <li>
                    <a href=format!("/p/{slug}/risks/{id}")>{title.clone()}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="item-risks">
            <h2 id="item-risks">"Risks"</h2>
            {if d.risks.is_empty() {
                view! { <p class="empty">"This item mitigates no risk yet."</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{risks}</ul> }.into_any()
            }}
            {(d.permissions.can_edit && failed)
                .then(|| {
                    view! {
                        <ActionForm action=create>
                            <FormError error />
                            <input type="hidden" name="item_id" value=item_id />
                            <input type="hidden" name="next" value=format!("/p/{slug}/risks/{{id}}") />
                            <button type="submit" class="secondary">
                                "Create a risk from this item"
                            </button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}

// Longer than 120 lines: the overview's markup, read top to bottom; each section
// is a few lines of view and none is used elsewhere.
#[allow(clippy::too_many_lines)]
#[component]
pub fn OverviewPanel(view: OverviewView) -> impl IntoView {
    let score = view.score.clone();
    let slug = view.slug.clone();
    let OverviewView {
        blocking,
        overdue,
        by_assignee,
        ..
    } = view.clone();
    let reason = match score.verdict {
        Verdict::NotReady => format!(
            "{} blocking item(s) still open or in progress.",
            score.counts.blocking_gaps
        ),
        Verdict::ReadyWithGaps => {
            "No blocking gaps, but the overall score is below the threshold.".to_owned()
        }
        Verdict::Ready => {
            "No blocking gaps and the overall score reaches the threshold.".to_owned()
        }
    };
    let link = |i: &GapLine| {
        view! { <a href=format!("/p/{slug}/items/{}", i.id)>{i.title.clone()}</a> }
    };
    view! {
        <section class="card verdict-card" aria-label="Verdict">
            <p class="verdict-line">
                <VerdictBadge verdict=score.verdict />
                <span class="overall">
                    "Overall score "
                    <strong>{score.overall.map_or("—".to_owned(), |o| o.to_string())}</strong>
                </span>
            </p>
            <p>{reason}</p>
            {(!blocking.is_empty())
                .then(|| {
                    view! {
                        <ul class="blocking-list">
                            {blocking
                                .iter()
                                .map(|i| {
                                    view! {
                                        <li>
                                            {link(i)} " · " {i.priority.label()}
                                            {i.assignee.as_ref().map(|a| format!(" · {a}"))}
                                            {i.due_date.map(|d| format!(" · due {d}"))}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            <p>
                <a href=format!("/p/{slug}/risks?status=live&sort=")>
                    {format!(
                        "{} high or critical open risk{}",
                        view.serious_risks,
                        if view.serious_risks == 1 { "" } else { "s" },
                    )}
                </a>
            </p>
            <p class="muted">
                "Effort to ready: " {format!("{} h", score.effort_to_ready)}
                " · effort remaining: " {format!("{} h", score.effort_remaining)}
            </p>
        </section>
        <section class="card">
            <h2>"Categories"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Computed"</th>
                        <th scope="col" class="num">"Assessor"</th>
                        <th scope="col">"Effective"</th>
                        <th scope="col" class="num">"Weight"</th>
                    </tr>
                </thead>
                <tbody>
                    {view
                        .categories
                        .iter()
                        .map(|c| {
                            view! {
                                <tr>
                                    <td>{c.name.clone()}</td>
                                    <td>
                                        <ScoreBar score=c.computed label=format!("{} computed", c.name) />
                                    </td>
                                    <td class="num">
                                        {c.assessor_score.map_or("—".to_owned(), |s| s.to_string())}
                                    </td>
                                    <td>
                                        <ScoreBar score=c.effective label=format!("{} effective", c.name) />
                                    </td>
                                    <td class="num">{c.weight}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <div class="two-col">
            <section class="card">
                <h2>"Open items by assignee"</h2>
                <ul class="plain-list">
                    {by_assignee
                        .into_iter()
                        .map(|(name, n)| view! { <li>{name} ": " {n}</li> })
                        .collect_view()}
                </ul>
            </section>
            <section class="card">
                <h2>"Overdue"</h2>
                {if overdue.is_empty() {
                    view! { <p class="empty">"Nothing overdue."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {overdue
                                .iter()
                                .map(|i| {
                                    view! {
                                        <li>
                                            {link(i)} " · due " {i.due_date.map(|d| d.to_string())}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i32, title: &str, status: Status) -> ItemRow {
        ItemRow {
            id,
            category_id: 1,
            title: title.into(),
            priority: Priority::High,
            blocking: true,
            status,
            expired: false,
            assignee: Some(Person {
                id: 7,
                name: "Ann <Ops> & \"Co\"".into(),
            }),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 2),
            overdue: true,
            version: 3,
        }
    }

    #[test]
    fn rows_escape_every_text_from_the_database() {
        let html = rows_html(
            &[row(
                1,
                "<script>alert(1)</script> & \"quoted\"",
                Status::Open,
            )],
            "shop",
            true,
        );
        assert!(!html.contains("<script>"), "{html}");
        assert_eq!(
            html.matches("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quoted\"")
                .count(),
            3,
            "title in the link and both labels: {html}"
        );
        assert!(html.contains("Ann &lt;Ops&gt; &amp; \"Co\""), "{html}");
    }

    #[test]
    fn editors_get_a_status_form_and_a_checkbox_per_row_viewers_neither() {
        let items = [
            row(1, "Backups", Status::Done),
            row(2, "Alerts", Status::InProgress),
        ];
        let html = rows_html(&items, "shop", true);
        assert_eq!(html.matches("<tr ").count(), 2);
        assert_eq!(
            html.matches(r#"<form action="/rpc/set_item_status" method="post""#)
                .count(),
            2
        );
        assert!(html.contains(r#"value="1:3" form="bulk-form""#), "{html}");
        assert!(html.contains(r#"<option value="done" selected>Done</option>"#));
        assert!(html.contains(r#"<option value="in_progress" selected>In progress</option>"#));
        assert_eq!(html.matches(" selected>").count(), 2, "one choice per row");
        assert!(html.contains(r#"<tr data-item="2" class="overdue">"#));
        assert!(html.contains(r#"<a href="/p/shop/items/2" class="item-title">Alerts</a>"#));
        assert!(html.contains("2026-01-02<span class=\"badge overdue\">"));

        let read_only = rows_html(&items, "shop", false);
        assert!(!read_only.contains("<form") && !read_only.contains("checkbox"));
        assert!(read_only.contains(r#"<span class="status status-done">Done</span>"#));
    }
}
