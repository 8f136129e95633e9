//! `/p/{slug}/reviews/{id}`: one review, its snapshot, its diff and its sign-offs.

use super::*;
use crate::components::loaded::by_id;

/// `/p/{slug}/reviews/{id}`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let update = page_action::<UpdateReview>();
    let finalize = page_action::<FinalizeReview>();
    let sign = page_action::<SignReview>();
    let delete = page_action::<DeleteReview>();
    let next = page_action::<StartNextReview>();
    let data = by_id(get_review);
    view! {
        <RequireUser>
            {loaded(data, move |v| view! { <ReviewBody v update finalize sign delete next /> })}
        </RequireUser>
    }
}

#[component]
pub(super) fn ReviewBody(
    v: ReviewView,
    update: ServerAction<UpdateReview>,
    finalize: ServerAction<FinalizeReview>,
    sign: ServerAction<SignReview>,
    delete: ServerAction<DeleteReview>,
    next: ServerAction<StartNextReview>,
) -> impl IntoView {
    let r = v.review.clone();
    let slug = v.slug.clone();
    let reviews_path = format!("/p/{slug}/reviews");
    let next_path = format!("{reviews_path}/{{id}}");
    let edit = v.permissions.can_edit;
    let draft = r.status == ReviewStatus::Draft;
    let (sign_error, next_error) = (action_error(sign), action_error(next));
    let against = v
        .previous
        .as_ref()
        .map(|(_, title)| format!("“{title}”"))
        .unwrap_or_default();
    let signoffs = v
        .signoffs
        .iter()
        .map(|s| {
            view! {
                <li>
                    <strong>{s.name.clone()}</strong>
                    " signed on "
                    {s.signed_at.clone()}
                    " UTC"
                    {(!s.comment.is_empty()).then(|| format!(": {}", s.comment))}
                </li>
            }
        })
        .collect_view();
    view! {
        <p>
            <a href=format!("/p/{slug}/reviews")>"← " {v.name.clone()} " reviews"</a>
        </p>
        <h1>{r.title.clone()}</h1>
        <p class="muted">
            {if draft { "Draft — shows the live project" } else { "Final" }}
            {(!r.version_label.is_empty()).then(|| format!(" · {}", r.version_label))} " · "
            {r.review_date.to_string()}
            {(!r.reviewer.is_empty()).then(|| format!(" · reviewed by {}", r.reviewer))}
            {v.finalized.clone().map(|(by, at)| format!(" · finalized by {by} on {at} UTC"))}
        </p>
        {v
            .previous
            .clone()
            .map(|(id, title)| {
                view! {
                    <p>
                        "Compared with " <a href=format!("/p/{slug}/reviews/{id}")>{title}</a>
                    </p>
                }
            })}
        <div class="markdown" inner_html=v.summary_html.clone()></div>
        <SnapshotScores s=v.snapshot.clone() />
        {v.diff.clone().map(|diff| view! { <DiffView diff slug=slug.clone() against=against.clone() /> })}
        {v
            .groups
            .clone()
            .map(|state| view! { <crate::signoff::page::ReviewGroups review_id=r.id state /> })}
        {(!draft)
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="signoff">
                        <h2 id="signoff">"Sign-off"</h2>
                        {if v.signoffs.is_empty() {
                            view! { <p class="empty">"Not signed yet."</p> }.into_any()
                        } else {
                            view! { <ul class="plain-list">{signoffs}</ul> }.into_any()
                        }}
                        {v
                            .can_sign
                            .then(|| {
                                view! {
                                    <ActionForm action=sign attr:class="stack">
                                        <FormError error=non_field_error(sign_error) />
                                        <input type="hidden" name="review_id" value=r.id />
                                        <label>
                                            "Comment (optional)"
                                            <input type="text" name="comment" maxlength="2000" />
                                        </label>
                                        <FieldError error=sign_error field="comment" />
                                        <button type="submit">"Sign this review"</button>
                                    </ActionForm>
                                }
                            })}
                    </section>
                }
            })}
        {(edit && draft)
            .then(|| {
                view! {
                    <DraftForms
                        r=r.clone()
                        summary=v.summary.clone()
                        reviews_path=reviews_path.clone()
                        update
                        finalize
                        delete
                    />
                }
            })}
        {(edit && !draft)
            .then(|| {
                view! {
                    <ActionForm action=next>
                        <FormError error=next_error />
                        <input type="hidden" name="review_id" value=r.id />
                        <input type="hidden" name="next" value=next_path />
                        <button type="submit" class="secondary">"Start next review"</button>
                    </ActionForm>
                }
            })}
        <SnapshotItems snapshot=v.snapshot.clone() draft />
    }
}

/// The items of the snapshot by category: now for a draft, as frozen for a final review.
#[component]
fn SnapshotItems(snapshot: Snapshot, draft: bool) -> impl IntoView {
    let mut by_category: std::collections::HashMap<i32, Vec<&crate::reviews::snapshot::SnapItem>> =
        std::collections::HashMap::new();
    for i in &snapshot.items {
        by_category.entry(i.category_id).or_default().push(i);
    }
    let items = snapshot
        .categories
        .iter()
        .map(|c| {
            let rows = by_category
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|i| {
                    view! {
                        <tr>
                            <td>{i.title.clone()} {i.blocking.then(|| view! { <span class="badge blocking">"blocking"</span> })}</td>
                            <td>{i.priority.label()}</td>
                            <td>{i.status.label()}</td>
                            <td>{i.assignee.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <tbody>
                    <tr class="group">
                        <th scope="rowgroup" colspan="4">{c.name.clone()}</th>
                    </tr>
                    {rows}
                </tbody>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{if draft { "Items now" } else { "Items as frozen" }}</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Item"</th>
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Assignee"</th>
                    </tr>
                </thead>
                {items}
            </table>
        </section>
    }
}

/// A draft's forms: finalize, edit, delete (editors).
#[component]
fn DraftForms(
    r: ReviewSummary,
    summary: String,
    reviews_path: String,
    update: ServerAction<UpdateReview>,
    finalize: ServerAction<FinalizeReview>,
    delete: ServerAction<DeleteReview>,
) -> impl IntoView {
    let (update_error, finalize_error, delete_error) = (
        action_error(update),
        action_error(finalize),
        action_error(delete),
    );
    let fields = review_fields(update_error, Some(&r), r.review_date.to_string());
    view! {
        <section class="card">
            <h2>"Finalize"</h2>
            <p>"Freezes every item, score, the verdict and every risk level as they are now."</p>
            <ActionForm action=finalize>
                <FormError error=finalize_error />
                <input type="hidden" name="review_id" value=r.id />
                <input type="hidden" name="version" value=r.version />
                <button type="submit">"Finalize review"</button>
            </ActionForm>
        </section>
        <details class="card">
            <summary>"Edit review"</summary>
            <ActionForm action=update attr:class="stack">
                <FormError error=non_field_error(update_error) />
                <input type="hidden" name="review_id" value=r.id />
                <input type="hidden" name="version" value=r.version />
                {fields}
                <label>
                    "Summary (Markdown)"
                    <textarea name="summary" rows="4">{summary.clone()}</textarea>
                </label>
                <FieldError error=update_error field="summary" />
                <button type="submit">"Save"</button>
            </ActionForm>
            <ActionForm action=delete attr:class="danger-zone">
                <FormError error=delete_error />
                <input type="hidden" name="review_id" value=r.id />
                <input type="hidden" name="next" value=reviews_path.clone() />
                <button type="submit" class="danger">"Delete draft"</button>
            </ActionForm>
        </details>
    }
}
