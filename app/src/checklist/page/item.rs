//! `/p/{slug}/items/{id}`: one item, its details, status, comments, risks and history.

use super::*;
use crate::components::loaded::by_id;
use crate::components::loaded::loaded;
use crate::{
    audit::model::AuditEntry,
    checklist::model::{CommentView, ItemView},
};

/// `/p/{slug}/items/{id}`: one item with its details, status, comments and history.
#[component]
pub fn ItemPage() -> impl IntoView {
    let update = page_action::<UpdateItem>();
    let status = page_action::<SetItemStatus>();
    let comment = page_action::<AddComment>();
    let delete = page_action::<DeleteItem>();
    let detail = by_id(get_item);
    let params = leptos_router::hooks::use_params_map();
    let watch = Resource::new(
        move || {
            let p = params.read();
            let item = p.get("id").and_then(|i| i.parse::<i32>().ok());
            (p.get("slug").unwrap_or_default(), item)
        },
        |(slug, item)| crate::inbox::api::get_watch(slug, item),
    );
    let set_watch = page_action::<crate::inbox::api::SetWatch>();
    let evidence = super::evidence::EvidenceActions::new();
    let checks = crate::checks::page::ChecksActions::new();
    let remove_file = crate::files::page::remove_action();
    view! {
        <RequireUser>
            {loaded(detail, move |d| view! { <ItemBody d update status comment delete watch set_watch evidence checks remove_file /> })}
        </RequireUser>
    }
}

#[component]
pub(super) fn ItemBody(
    d: crate::checklist::api::ItemDetail,
    update: ServerAction<UpdateItem>,
    status: ServerAction<SetItemStatus>,
    comment: ServerAction<AddComment>,
    delete: ServerAction<DeleteItem>,
    watch: Resource<Result<crate::inbox::model::WatchState, AppError>>,
    set_watch: ServerAction<crate::inbox::api::SetWatch>,
    evidence: super::evidence::EvidenceActions,
    checks: crate::checks::page::ChecksActions,
    remove_file: ServerAction<crate::checklist::api::DeleteEvidenceFile>,
) -> impl IntoView {
    let files_part = view! {
        <crate::files::page::FilesCard
            files=d.files.clone()
            slug=d.slug.clone()
            item_id=d.item.id
            edit=d.permissions.can_edit
            remove=remove_file
        />
    };
    let checks_part = view! {
        <crate::checks::page::ChecksCard
            checks=d.checks.clone()
            item_id=d.item.id
            slug=d.slug.clone()
            edit=d.permissions.can_edit
            actions=checks
        />
    };
    let risks_part = view! { <ItemRisks d=d.clone() /> };
    let i = d.item;
    let edit = d.permissions.can_edit;
    let category = d.category_name.clone();
    let members = d.members.clone();
    let phases = d.phases.clone();
    view! {
        <p>
            <a href=format!("/p/{}/checklist", d.slug)>"← " {d.project_name.clone()} " checklist"</a>
        </p>
        <ItemSummary i=i.clone() category=category />
        {d.pending_exception.clone().map(|(asked, until, who)| view! {
            <p class="notice" role="status">
                <span class="badge">"Exception requested"</span> " "
                {format!(
                    "{who} asked for “{asked}”{}: it counts as open until a team owner approves it on ",
                    until.map(|u| format!(" until {u}")).unwrap_or_default(),
                )}
                <a href="/exceptions">"Exceptions"</a> "."
            </p>
        })}
        <crate::inbox::page::WatchControl slug=d.slug.clone() item=Some(i.id) state=watch set=set_watch />
        <super::evidence::EvidenceCard i=i.clone() edit actions=evidence />
        {checks_part}
        {files_part}
        {edit
            .then(|| {
                view! {
                    <StatusForm i=i.clone() status=status />
                    <EditItem i=i.clone() members=members.clone() phases=phases.clone() slug=d.slug.clone() update=update delete=delete />
                }
            })}
        {risks_part}
        <Comments item_id=i.id comments=d.comments comment=comment />
        <History history=d.history />
    }
}

/// The overview's readiness part: verdict with its reason, scores, effort, who has what.
/// The risks an item mitigates, and (for a failed critical or high item) one action that turns
/// it into a risk linked to it.
#[component]
pub(super) fn ItemRisks(d: crate::checklist::api::ItemDetail) -> impl IntoView {
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

/// What the item is: its facts, description, reason and evidence.
#[component]
fn ItemSummary(i: ItemView, category: String) -> impl IntoView {
    view! {
    <article class="item-detail">
        <h1>{i.title.clone()}</h1>
        <p class="muted">
            {category} " · " {i.priority.label()} {i.blocking.then_some(" · blocking")} " · "
            {i.status.label()} {i.expired.then_some(" (acceptance expired)")}
            {i.stale.then_some(" (stale: evidence ran out)")}
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
    }
}

/// The status form (editors).
#[component]
fn StatusForm(i: ItemView, status: ServerAction<SetItemStatus>) -> impl IntoView {
    let status_error = action_error(status);
    let current = i.status;
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
    }
}

/// The item's edit and delete forms (editors).
#[component]
fn EditItem(
    i: ItemView,
    members: Vec<Person>,
    phases: Vec<(i32, String)>,
    slug: String,
    update: ServerAction<UpdateItem>,
    delete: ServerAction<DeleteItem>,
) -> impl IntoView {
    let update_error = action_error(update);
    view! {
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
                "Plan phase"
                <select name="phase">
                    <option value="">"Not scheduled"</option>
                    {phases
                        .into_iter()
                        .map(|(id, name)| {
                            view! {
                                <option value=id selected=i.phase_id == Some(id)>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <FieldError error=update_error field="phase" />
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
            <input type="hidden" name="next" value=format!("/p/{slug}/checklist") />
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
}

/// The comments, oldest first, and the form to add one.
#[component]
fn Comments(
    item_id: i32,
    comments: Vec<CommentView>,
    comment: ServerAction<AddComment>,
) -> impl IntoView {
    let comment_error = action_error(comment);
    view! {
    <section class="card">
        <h2>"Comments"</h2>
        {if comments.is_empty() {
            view! { <p class="empty">"No comments yet."</p> }.into_any()
        } else {
            view! {
                <ol class="comments">
                    {comments
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
            <input type="hidden" name="item_id" value=item_id />
            <label>
                "Add a comment (Markdown)"
                <textarea name="body" rows="3" required maxlength="20000"></textarea>
            </label>
            <FieldError error=comment_error field="body" />
            <button type="submit">"Comment"</button>
        </ActionForm>
    </section>
    }
}

/// The item's audit history.
#[component]
fn History(history: Vec<AuditEntry>) -> impl IntoView {
    view! {
    <section class="card">
        <h2>"History"</h2>
        <ul class="history">
            {history
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
