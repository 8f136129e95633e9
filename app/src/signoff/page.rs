//! `/admin/reviewer-groups` (site admins keep the groups), `/signoffs` (what waits on the
//! viewer's groups), the sign-off card of a project's settings and the group sign-offs of a
//! review page.

use leptos::prelude::*;

use super::{
    api::{
        AddReviewer, CreateReviewerGroup, DeleteReviewerGroup, RemoveReviewer, RequestSignoff,
        RequireSignoffGroup, SetCategoryGroup, get_signoff_state, list_reviewer_groups,
        list_signoff_queue,
    },
    model::{GroupStanding, ReviewerGroupView, SignoffState},
};
use crate::components::{
    field_error::{FieldError, FormError, action_error, non_field_error},
    loaded::loaded,
    page_action::page_action,
    require_user::RequireUser,
};

fn standing_label(s: &str) -> &'static str {
    match s {
        "signed" => "Signed",
        "invalidated" => "Signed, but a blocking item changed since",
        _ => "Awaiting sign-off",
    }
}

/// `/admin/reviewer-groups`.
#[component]
pub fn ReviewerGroupsPage() -> impl IntoView {
    let create = page_action::<CreateReviewerGroup>();
    let add = page_action::<AddReviewer>();
    let remove = page_action::<RemoveReviewer>();
    let delete = page_action::<DeleteReviewerGroup>();
    let groups = Resource::new(|| (), |_| list_reviewer_groups());
    let create_error = action_error(create);
    let add_error = action_error(add);
    let other = [action_error(remove), action_error(delete)];
    view! {
        <RequireUser>
            <h1>"Reviewer groups"</h1>
            <p class="muted">
                "Disciplines whose sign-off a project can require (SRE, Security, Privacy). A project's owners choose the groups; a member signs the project's latest final review for the group, and reads the project as a viewer."
            </p>
            {other.map(|e| view! { <FormError error=non_field_error(e) /> })}
            {loaded(groups, move |groups| {
                view! {
                    <FormError error=non_field_error(add_error) />
                    {if groups.is_empty() {
                        view! { <p class="empty">"No reviewer groups yet."</p> }.into_any()
                    } else {
                        groups
                            .into_iter()
                            .map(|g| view! { <GroupCard g add remove delete add_error /> })
                            .collect_view()
                            .into_any()
                    }}
                }
            })}
            <section class="card" aria-labelledby="new-group">
                <h2 id="new-group">"New group"</h2>
                <ActionForm action=create attr:class="stack">
                    <FormError error=non_field_error(create_error) />
                    <label>
                        "Name" <input type="text" name="name" maxlength="60" required />
                    </label>
                    <FieldError error=create_error field="name" />
                    <label>
                        "What it reviews"
                        <input type="text" name="description" maxlength="2000" />
                    </label>
                    <FieldError error=create_error field="description" />
                    <button type="submit">"Create group"</button>
                </ActionForm>
            </section>
        </RequireUser>
    }
}

#[component]
fn GroupCard(
    g: ReviewerGroupView,
    add: ServerAction<AddReviewer>,
    remove: ServerAction<RemoveReviewer>,
    delete: ServerAction<DeleteReviewerGroup>,
    add_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let id = g.id;
    let members = g
        .members
        .iter()
        .map(|m| {
            let user = m.user_id;
            view! {
                <li>
                    {format!("{} ({})", m.name, m.email)} " "
                    <ActionForm action=remove attr:class="inline">
                        <input type="hidden" name="group" value=id />
                        <input type="hidden" name="user" value=user />
                        <button type="submit" class="link">
                            "Remove"
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-label=g.name.clone()>
            <h2>{g.name.clone()}</h2>
            {(!g.description.is_empty()).then(|| view! { <p>{g.description.clone()}</p> })}
            <p class="muted">
                {format!(
                    "{} member(s) · required by {} project(s)",
                    g.member_count,
                    g.projects,
                )}
            </p>
            <ul class="plain-list">{members}</ul>
            <ActionForm action=add attr:class="inline">
                <input type="hidden" name="group" value=id />
                <label>
                    "Add by email" <input type="email" name="email" maxlength="254" required />
                </label>
                <button type="submit">"Add"</button>
            </ActionForm>
            <FieldError error=add_error field="email" />
            <ActionForm action=delete attr:class="inline">
                <input type="hidden" name="id" value=id />
                <button type="submit" class="danger">
                    "Delete group"
                </button>
            </ActionForm>
        </section>
    }
}

/// `/signoffs`: projects that need a sign-off of one of the viewer's groups.
#[component]
pub fn SignoffsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_signoff_queue());
    view! {
        <RequireUser>
            <h1>"Sign-offs"</h1>
            <p class="muted">
                "Projects that require the sign-off of a reviewer group you are in, waiting on you first. A sign-off is given on a project's latest final review and holds until a blocking item of the group's categories changes."
            </p>
            {loaded(list, move |list| {
                if list.is_empty() {
                    view! {
                        <p class="empty">
                            "Nothing needs your groups' sign-off (or you are in no reviewer group)."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Project"</th>
                                    <th scope="col">"Latest final review"</th>
                                    <th scope="col">"Groups"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|s| view! { <QueueRow s /> }).collect_view()}
                            </tbody>
                        </table>
                    }
                        .into_any()
                }
            })}
        </RequireUser>
    }
}

#[component]
fn QueueRow(s: SignoffState) -> impl IntoView {
    let review = match (s.review_id, s.review_label.clone()) {
        (Some(id), label) => view! {
            <a href=format!("/p/{}/reviews/{id}", s.slug)>
                {label.filter(|l| !l.is_empty()).unwrap_or_else(|| "Review".into())}
            </a>
        }
        .into_any(),
        _ => view! { <span class="muted">"None final yet"</span> }.into_any(),
    };
    let groups = s
        .groups
        .iter()
        .map(|g| format!("{}: {}", g.name, standing_label(&g.standing)))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <tr>
            <td>
                <a href=format!("/p/{}", s.slug)>{s.name.clone()}</a>
            </td>
            <td>{review}</td>
            <td>{groups}</td>
        </tr>
    }
}

/// The required sign-offs of a project and the groups owning its categories (its settings).
#[component]
pub fn SignoffCard(slug: String) -> impl IntoView {
    let toggle = page_action::<RequireSignoffGroup>();
    let owner = page_action::<SetCategoryGroup>();
    let errors = [action_error(toggle), action_error(owner)];
    let state = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        get_signoff_state,
    );
    view! {
        <section class="card" aria-labelledby="signoff-heading">
            <h2 id="signoff-heading">"Sign-off by discipline"</h2>
            <p class="muted">
                "The reviewer groups that must sign the latest final review before the project is ready. A group owning a category vouches for that category's blocking items; a group owning none vouches for all of them."
            </p>
            {errors.map(|e| view! { <FormError error=e /> })}
            {loaded(state, move |s| view! { <SignoffSettings s toggle owner /> })}
        </section>
    }
}

#[component]
fn SignoffSettings(
    s: SignoffState,
    toggle: ServerAction<RequireSignoffGroup>,
    owner: ServerAction<SetCategoryGroup>,
) -> impl IntoView {
    let manage = s.can_manage;
    let required: Vec<i32> = s.groups.iter().map(|g| g.group_id).collect();
    if s.all_groups.is_empty() {
        return view! {
            <p class="empty">"No reviewer groups yet: a site administrator creates them."</p>
        }
        .into_any();
    }
    let slug = s.slug.clone();
    let rows = s
        .all_groups
        .clone()
        .into_iter()
        .map(|g| (g.id, g.name))
        .map(|(id, name)| {
            let slug = slug.clone();
            let on = required.contains(&id);
            let standing = s
                .groups
                .iter()
                .find(|g| g.group_id == id)
                .map(|g| standing_label(&g.standing));
            view! {
                <tr>
                    <td>{name}</td>
                    <td>{if on { standing.unwrap_or("Required") } else { "Not required" }}</td>
                    <td>
                        {manage
                            .then(|| {
                                view! {
                                    <ActionForm action=toggle attr:class="inline">
                                        <input type="hidden" name="slug" value=slug />
                                        <input type="hidden" name="group" value=id />
                                        <input type="hidden" name="required" value=(!on).to_string() />
                                        <button type="submit" class="secondary">
                                            {if on { "Stop requiring" } else { "Require" }}
                                        </button>
                                    </ActionForm>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let groups: Vec<(i32, String)> = s
        .all_groups
        .iter()
        .map(|g| (g.id, g.name.clone()))
        .collect();
    let cats = s
        .categories
        .into_iter()
        .map(|c| {
            let options = groups
                .iter()
                .map(|(id, name)| {
                    view! {
                        <option value=id.to_string() selected=c.group_id == Some(*id)>
                            {name.clone()}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <li>
                    <ActionForm action=owner attr:class="inline">
                        <input type="hidden" name="category" value=c.id />
                        <label>
                            {c.name.clone()} " is owned by "
                            <select name="group" disabled=!manage>
                                <option value="" selected=c.group_id.is_none()>
                                    "no group"
                                </option>
                                {options}
                            </select>
                        </label>
                        {manage.then(|| view! { <button type="submit" class="secondary">"Save"</button> })}
                    </ActionForm>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Group"</th>
                    <th scope="col">"Sign-off"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Change"</span>
                    </th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <h3>"Category owners"</h3>
        <ul class="plain-list">{cats}</ul>
    }
    .into_any()
}

/// The required groups' sign-offs of a review page (the project's latest final review).
#[component]
pub fn ReviewGroups(review_id: i32, state: SignoffState) -> impl IntoView {
    let sign = page_action::<crate::reviews::api::SignReview>();
    let ask = page_action::<RequestSignoff>();
    let (sign_error, ask_error) = (action_error(sign), action_error(ask));
    let awaiting = state.awaiting();
    let slug = state.slug.clone();
    let groups = state
        .groups
        .into_iter()
        .map(|g| view! { <GroupRow g review_id sign /> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="group-signoff">
            <h2 id="group-signoff">"Sign-off by discipline"</h2>
            <FormError error=sign_error />
            <ul class="plain-list">{groups}</ul>
            {(state.can_request && !awaiting.is_empty())
                .then(|| {
                    view! {
                        <ActionForm action=ask>
                            <FormError error=ask_error />
                            <input type="hidden" name="slug" value=slug.clone() />
                            <button type="submit" class="secondary">
                                {format!("Ask {} for sign-off", awaiting.join(", "))}
                            </button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}

#[component]
fn GroupRow(
    g: GroupStanding,
    review_id: i32,
    sign: ServerAction<crate::reviews::api::SignReview>,
) -> impl IntoView {
    let signatures = g
        .signatures
        .iter()
        .map(|s| {
            let note = if s.holds { "" } else { " (no longer holds)" };
            let comment = if s.comment.is_empty() {
                String::new()
            } else {
                format!(": {}", s.comment)
            };
            format!("{} signed on {} UTC{note}{comment}", s.name, s.signed_at)
        })
        .collect::<Vec<_>>();
    let group = g.group_id;
    view! {
        <li class="stack">
            <p>
                <strong>{g.name.clone()}</strong>
                " — "
                {standing_label(&g.standing)}
            </p>
            {(!signatures.is_empty())
                .then(|| {
                    view! {
                        <ul>
                            {signatures.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                        </ul>
                    }
                })}
            {g
                .may_sign
                .then(|| {
                    view! {
                        <ActionForm action=sign attr:class="inline">
                            <input type="hidden" name="review_id" value=review_id />
                            <input type="hidden" name="group" value=group />
                            <label>
                                "Comment (optional)"
                                <input type="text" name="comment" maxlength="2000" />
                            </label>
                            <button type="submit">{format!("Sign for {}", g.name)}</button>
                        </ActionForm>
                    }
                })}
        </li>
    }
}
