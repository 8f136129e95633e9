//! `/exceptions` (requests across the viewer's teams, decided in place) and the exception
//! policy card of a project's settings.

use leptos::prelude::*;

use super::{
    api::{DecideException, SetExceptionPolicy, get_exception_policy, list_exceptions},
    model::ExceptionView,
};
use crate::components::{
    field_error::{FieldError, FormError, action_error, non_field_error},
    loaded::loaded,
    page_action::page_action,
    require_user::RequireUser,
};

/// `/exceptions`.
#[component]
pub fn ExceptionsPage() -> impl IntoView {
    let decide = page_action::<DecideException>();
    let list = Resource::new(|| (), |_| list_exceptions());
    let error = action_error(decide);
    view! {
        <RequireUser>
            <h1>"Exceptions"</h1>
            <p class="muted">
                "Accepted risks and not-applicable items that need someone else's approval, in your teams and for the reviewer groups you belong to. An item counts as open until its exception is approved; an approved acceptance ends on its date."
            </p>
            <FormError error />
            {loaded(list, move |list| {
                let (pending, rest): (Vec<_>, Vec<_>) =
                    list.into_iter().partition(|e| e.state == "pending");
                let (approved, other): (Vec<_>, Vec<_>) =
                    rest.into_iter().partition(|e| e.state == "approved");
                view! {
                    <ExceptionTable title="Pending" rows=pending decide />
                    <ExceptionTable title="Approved" rows=approved decide />
                    <ExceptionTable title="Declined and withdrawn" rows=other decide />
                }
            })}
        </RequireUser>
    }
}

#[component]
fn ExceptionTable(
    title: &'static str,
    rows: Vec<ExceptionView>,
    decide: ServerAction<DecideException>,
) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <section class="card">
            <h2>{title}</h2>
            {if empty {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Item"</th>
                                <th scope="col">"Asked for"</th>
                                <th scope="col">"Reason"</th>
                                <th scope="col">"Until"</th>
                                <th scope="col">"Asked by"</th>
                                <th scope="col">"Decision"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|e| view! { <ExceptionRow e decide /> }).collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn ExceptionRow(e: ExceptionView, decide: ServerAction<DecideException>) -> impl IntoView {
    let asked = crate::scoring::Status::parse(&e.status).map_or("?", |s| s.label());
    let decision = if e.may_decide {
        let id = e.id;
        view! {
            <ActionForm action=decide attr:class="inline">
                <input type="hidden" name="id" value=id />
                <label>
                    <span class="visually-hidden">"Comment"</span>
                    <input type="text" name="comment" maxlength="2000" placeholder="Comment" />
                </label>
                <button type="submit" name="approve" value="true">"Approve"</button>
                <button type="submit" name="approve" value="false" class="secondary">"Decline"</button>
            </ActionForm>
        }
            .into_any()
    } else if e.state == "pending" {
        view! { <span>{format!("awaiting {}", e.approvers)}</span> }.into_any()
    } else {
        let by = e
            .decided_by
            .clone()
            .map(|b| format!(" by {b}"))
            .unwrap_or_default();
        let comment = (!e.comment.is_empty()).then(|| format!(": {}", e.comment));
        view! {
            <span>
                {format!("{}{by}", e.state)} {comment}
                {e.expiring.then(|| view! { " " <span class="badge">"expiring"</span> })}
            </span>
        }
        .into_any()
    };
    view! {
        <tr>
            <td>
                <a href=format!("/p/{}/items/{}", e.project_slug, e.item_id)>{e.item_title}</a>
                <br />
                <span class="muted">{e.project_name}</span>
            </td>
            <td>{asked}</td>
            <td class="wrap">{e.reason}</td>
            <td>{e.until.unwrap_or_else(|| "—".into())}</td>
            <td>{e.requested_by}</td>
            <td>{decision}</td>
        </tr>
    }
}

/// The exception policy of a project (its settings page).
#[component]
pub fn ExceptionPolicyCard(slug: String) -> impl IntoView {
    let save = page_action::<SetExceptionPolicy>();
    let error = action_error(save);
    let policy = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        get_exception_policy,
    );
    view! {
        <section class="card" aria-labelledby="exceptions-heading">
            <h2 id="exceptions-heading">"Exceptions"</h2>
            {move || {
                let slug = slug.clone();
                loaded(policy, move |p| {
                    let edit = p.can_manage;
                    let slug = slug.clone();
                    view! {
                        <ActionForm action=save attr:class="stack">
                            <FormError error=non_field_error(error) />
                            <input type="hidden" name="slug" value=slug.clone() />
                            <label class="checkbox">
                                <input type="checkbox" name="accepted_risk" value="on" checked=p.accepted_risk disabled=!edit />
                                "Accepting a risk needs approval (never the requester's own)"
                            </label>
                            <label class="checkbox">
                                <input type="checkbox" name="not_applicable" value="on" checked=p.not_applicable disabled=!edit />
                                "Marking an item not applicable needs approval too"
                            </label>
                            <label>
                                "Approved by"
                                <select name="group_id" disabled=!edit>
                                    <option value="" selected=p.group_id.is_none()>"The team's owners"</option>
                                    {p
                                        .groups
                                        .into_iter()
                                        .map(|g| {
                                            let chosen = p.group_id == Some(g.id);
                                            view! {
                                                <option value=g.id selected=chosen>
                                                    {format!("Reviewer group: {}", g.name)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <FieldError error field="group_id" />
                            <label>
                                "Longest acceptance (days)"
                                <input type="number" name="max_days" min="1" max="3650" value=p.max_days required disabled=!edit />
                            </label>
                            <FieldError error field="max_days" />
                            {edit.then(|| view! { <button type="submit">"Save exception rules"</button> })}
                        </ActionForm>
                    }
                })
            }}
        </section>
    }
}
