//! `/p/{slug}/report`: the report with its downloads, a choice of "as of" review, and for
//! owners the project's share links.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{CreateShareLink, RevokeShareLink, get_report, list_share_links},
    model::ShareState,
    view::ReportView,
};
use crate::components::loaded::loaded;
use crate::components::page_action::page_action;
use crate::{
    checklist::page::ProjectTabs,
    components::{
        error_view::ErrorView,
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
        shown_once::ShownOnce,
    },
};

/// Download formats: (extension, label).
pub const DOWNLOADS: [(&str, &str); 5] = [
    ("pdf", "PDF"),
    ("md", "Markdown"),
    ("html", "HTML"),
    ("csv", "CSV of items"),
    ("json", "Preflight JSON"),
];

/// `/p/{slug}/report`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                query.read().get("review").filter(|r| !r.is_empty()),
            )
        },
        |(slug, review)| get_report(slug, review),
    );
    // The share links are loaded here, outside `RequireUser`'s Suspense, which would make
    // (and fetch) them again each time the server walks it.
    let share = ShareActions {
        create: page_action(),
        revoke: page_action(),
    };
    let links = Resource::new(
        move || (params.read().get("slug").unwrap_or_default(),),
        |(slug, ..)| list_share_links(slug),
    );
    view! {
            <RequireUser>
                {loaded(data, move |d| {
                                let slug = d.report.slug.clone();
                                let review = d.report.review.as_ref().map(|r| r.id);
                                let suffix = review.map(|id| format!("?review={id}")).unwrap_or_default();
                                view! {
                                    <ProjectTabs slug=slug.clone() current="Report" />
                                    <section class="card report-tools" aria-label="Report tools">
                                        <form method="get" class="inline-form">
                                            <label>
                                                "Show "
                                                <select name="review">
                                                    <option value="" selected=review.is_none()>"the live project"</option>
                                                    {d.finals.iter().map(|(id, label)| view! {
                                                        <option value=*id selected=review == Some(*id)>
                                                            {format!("as of {label}")}
                                                        </option>
                                                    }).collect_view()}
                                                </select>
                                            </label>
                                            <button type="submit">"Show"</button>
                                        </form>
                                        <p class="downloads">
                                            "Download: "
                                            {DOWNLOADS.iter().map(|(ext, label)| view! {
                                                <a
                                                    href=format!("/p/{slug}/export/{ext}{suffix}")
                                                    rel="external"
                                                    download
                                                    class="button-link"
                                                >
                                                    {*label}
                                                </a>
                                                " "
                                            }).collect_view()}
                                        </p>
                                    </section>
                                    <ReportView report=d.report />
                                    {d.can_share.then(|| view! { <ShareLinks slug=slug.clone() finals=d.finals.clone() share links /> })}
                                }
    })}
            </RequireUser>
        }
}

/// Creating and revoking share links.
#[derive(Clone, Copy)]
struct ShareActions {
    create: ServerAction<CreateShareLink>,
    revoke: ServerAction<RevokeShareLink>,
}

/// Owners: create read-only links for stakeholders, see when each was last used, revoke.
#[component]
fn ShareLinks(
    slug: String,
    finals: Vec<(i32, String)>,
    share: ShareActions,
    links: Resource<Result<Vec<crate::report::model::ShareLinkView>, crate::error::AppError>>,
) -> impl IntoView {
    let ShareActions { create, revoke } = share;
    let error = action_error(create);
    // The address of a new link, shown once (the server keeps only its hash).
    let created = move || create.value().get().and_then(Result::ok);
    // Rendered on the server (the page is no island).
    let origin = move || {
        #[cfg(feature = "ssr")]
        {
            crate::state::public_origin()
        }
        #[cfg(not(feature = "ssr"))]
        {
            String::new()
        }
    };
    view! {
        <section class="card share-links" aria-labelledby="share-heading">
            <h2 id="share-heading">"Share links"</h2>
            <p class="muted">
                "A share link shows this report to anyone who has it, without signing in, and nothing else. "
                "Revoke it and it stops working at once."
            </p>
            <ActionForm action=create attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=slug.clone() />
                <label>
                    "For whom (label)" <input type="text" name="label" maxlength="120" placeholder="Board, Q4" />
                </label>
                <FieldError error field="label" />
                <label>
                    "Shows "
                    <select name="review">
                        <option value="">"the live report"</option>
                        {finals.iter().map(|(id, label)| view! {
                            <option value=*id>{format!("the final review {label}")}</option>
                        }).collect_view()}
                    </select>
                </label>
                <FieldError error field="review" />
                <label>
                    "Expires after (days, blank: never)"
                    <input type="number" name="expires_in_days" min="1" max="365" />
                </label>
                <FieldError error field="expires_in_days" />
                <button type="submit" disabled=move || create.pending().get()>"Create share link"</button>
            </ActionForm>
            {move || created().map(|path| {
                let url = format!("{}{path}", origin());
                view! {
                    <ShownOnce what="link" label="New share link" value=url>
                        <p><a href=path rel="external" target="_blank">"Open the shared report"</a></p>
                    </ShownOnce>
                }
            })}
            <Transition>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(list) if list.is_empty() => view! { <p>"No share links yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Label"</th>
                                        <th scope="col">"Shows"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"Expires"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col">"State"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|l| view! {
                                        <tr>
                                            <th scope="row">{if l.label.is_empty() { "—".to_owned() } else { l.label.clone() }}</th>
                                            <td>{l.review.clone().unwrap_or_else(|| "Live report".into())}</td>
                                            <td>{format!("{}{}", l.created_at, l.created_by.map(|n| format!(" by {n}")).unwrap_or_default())}</td>
                                            <td>{l.expires_at.clone().unwrap_or_else(|| "Never".into())}</td>
                                            <td>{match &l.last_used_at {
                                                Some(at) => format!("{at} ({} use{})", l.uses, if l.uses == 1 { "" } else { "s" }),
                                                None => "Never".to_owned(),
                                            }}</td>
                                            <td>{l.state.label()}</td>
                                            <td>
                                                {(l.state == ShareState::Active).then(|| view! {
                                                    <ActionForm action=revoke attr:class="inline">
                                                        <input type="hidden" name="id" value=l.id />
                                                        <button type="submit" class="danger">"Revoke"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
