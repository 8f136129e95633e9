//! `/p/{slug}/reviews` (reviews, trend, changes since the last final review) and
//! `/p/{slug}/reviews/{id}` (one review: frozen scores, diff, sign-off).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    api::{
        CreateReview, DeleteReview, FinalizeReview, SignReview, StartNextReview, UpdateReview,
        get_review, get_reviews,
    },
    model::{ReviewStatus, ReviewSummary, ReviewView, ReviewsView},
    snapshot::{Diff, ItemChange, ItemRef, Snapshot},
    trend::TrendChart,
};
use crate::components::page_action::page_action;
use crate::{
    checklist::page::{ProjectTabs, ScoreBar, VerdictBadge},
    components::{
        error_view::ErrorView,
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
    error::AppError,
    risks::page::LevelBadge,
};

fn signed(n: i32) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn score_text(s: Option<u8>) -> String {
    s.map_or("—".to_owned(), |s| s.to_string())
}

// Longer than 120 lines: one section per kind of change, each a few lines of view.
#[allow(clippy::too_many_lines)]
/// A diff as a page section: counts first, then each kind of change.
#[component]
pub fn DiffView(diff: Diff, slug: String, against: String) -> impl IntoView {
    let d = diff;
    let headline = match d.overall_delta {
        Some(delta) => format!("{} since {against}", signed(delta)),
        None => format!("Since {against}"),
    };
    let item_link = |i: &ItemRef| {
        view! {
            <a href=format!("/p/{slug}/items/{}", i.id)>{i.title.clone()}</a>
            <span class="muted">" · " {i.category.clone()} " · " {i.priority.label()}</span>
        }
    };
    let status_list = |changes: &[ItemChange<crate::scoring::Status>]| {
        changes
            .iter()
            .map(|c| {
                view! {
                    <li>
                        {item_link(&c.item)} " · " {c.from.label()} " → " {c.to.label()}
                    </li>
                }
            })
            .collect_view()
    };
    let section = |title: &'static str, count: usize, body: AnyView| {
        (count > 0).then(|| {
            view! {
                <section class="diff-part">
                    <h3>{format!("{title} ({count})")}</h3>
                    {body}
                </section>
            }
        })
    };
    let categories = d
        .categories
        .iter()
        .map(|c| {
            let change = if c.added {
                "new".to_owned()
            } else if c.removed {
                "removed".to_owned()
            } else {
                c.delta.map_or("—".to_owned(), signed)
            };
            view! {
                <tr>
                    <th scope="row">
                        {c.name.clone()}
                        {c.renamed_from.clone().map(|o| view! { <span class="muted">" (was " {o} ")"</span> })}
                    </th>
                    <td class="num">{score_text(c.before)}</td>
                    <td class="num">{score_text(c.after)}</td>
                    <td class="num">{change}</td>
                </tr>
            }
        })
        .collect_view();
    let fixed = section(
        "Fixed",
        d.fixed.len(),
        view! { <ul>{status_list(&d.fixed)}</ul> }.into_any(),
    );
    let regressions = section(
        "Regressions",
        d.regressions.len(),
        view! { <ul>{status_list(&d.regressions)}</ul> }.into_any(),
    );
    let new_items = section(
        "New items",
        d.new_items.len(),
        view! { <ul>{d.new_items.iter().map(|i| view! { <li>{item_link(i)}</li> }).collect_view()}</ul> }
            .into_any(),
    );
    let removed = section(
        "Removed items",
        d.removed_items.len(),
        view! {
            <ul>
                {d
                    .removed_items
                    .iter()
                    .map(|i| view! { <li>{i.title.clone()} <span class="muted">" · " {i.category.clone()}</span></li> })
                    .collect_view()}
            </ul>
        }
            .into_any(),
    );
    let priorities = section(
        "Priority changed",
        d.priority_changes.len(),
        view! {
            <ul>
                {d
                    .priority_changes
                    .iter()
                    .map(|c| view! { <li>{item_link(&c.item)} " · " {c.from.label()} " → " {c.to.label()}</li> })
                    .collect_view()}
            </ul>
        }
            .into_any(),
    );
    let risks = section(
        "Risk level changed",
        d.risk_changes.len(),
        view! {
            <ul>
                {d
                    .risk_changes
                    .iter()
                    .map(|r| {
                        let level = |l: Option<crate::risks::matrix::Level>| match l {
                            Some(level) => view! { <LevelBadge level /> }.into_any(),
                            None => view! { <span class="muted">"none"</span> }.into_any(),
                        };
                        view! {
                            <li>
                                <a href=format!("/p/{slug}/risks/{}", r.id)>{r.title.clone()}</a>
                                " · "
                                {level(r.from)}
                                " → "
                                {level(r.to)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    );
    let empty = d.is_empty();
    view! {
        <section class="card diff" aria-label="Changes">
            <h2>{headline}</h2>
            <p class="diff-counts" role="status">
                {format!(
                    "Overall {} → {} · {} fixed · {} regressed · {} new · {} removed · {} priority changes · {} risk changes",
                    score_text(d.overall.0),
                    score_text(d.overall.1),
                    d.fixed.len(),
                    d.regressions.len(),
                    d.new_items.len(),
                    d.removed_items.len(),
                    d.priority_changes.len(),
                    d.risk_changes.len(),
                )}
            </p>
            {(d.verdict.0 != d.verdict.1)
                .then(|| {
                    view! {
                        <p>
                            "Verdict: " <VerdictBadge verdict=d.verdict.0 /> " → "
                            <VerdictBadge verdict=d.verdict.1 />
                        </p>
                    }
                })}
            {empty.then(|| view! { <p class="empty">"Nothing changed."</p> })}
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col" class="num">"Before"</th>
                        <th scope="col" class="num">"After"</th>
                        <th scope="col" class="num">"Change"</th>
                    </tr>
                </thead>
                <tbody>{categories}</tbody>
            </table>
            {fixed}
            {regressions}
            {new_items}
            {removed}
            {priorities}
            {risks}
        </section>
    }
}

/// The scores of a snapshot: verdict, overall, per category.
#[component]
fn SnapshotScores(s: Snapshot) -> impl IntoView {
    let rows = s
        .categories
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.name.clone()}</th>
                    <td>
                        <ScoreBar score=c.effective label=format!("{} score", c.name) />
                    </td>
                    <td class="num">{score_text(c.computed)}</td>
                    <td class="num">{score_text(c.assessor)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card verdict-card" aria-label="Scores">
            <p class="verdict-line">
                <VerdictBadge verdict=s.verdict />
                <span class="overall">"Overall score " <strong>{score_text(s.overall)}</strong></span>
            </p>
            <p class="muted">
                {format!(
                    "{} items: {} open, {} in progress, {} done, {} accepted, {} n/a · effort to ready {} h",
                    s.counts.total(),
                    s.counts.open,
                    s.counts.in_progress,
                    s.counts.done,
                    s.counts.accepted,
                    s.counts.not_applicable,
                    s.effort_to_ready,
                )}
            </p>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Effective"</th>
                        <th scope="col" class="num">"Computed"</th>
                        <th scope="col" class="num">"Assessor"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

fn review_fields(
    error: Signal<Option<AppError>>,
    r: Option<&ReviewSummary>,
    date: String,
) -> impl IntoView + use<> {
    let title = r.map(|r| r.title.clone()).unwrap_or_default();
    let reviewer = r.map(|r| r.reviewer.clone()).unwrap_or_default();
    let label = r.map(|r| r.version_label.clone()).unwrap_or_default();
    view! {
        <label>
            "Title" <input type="text" name="title" required maxlength="200" value=title />
        </label>
        <FieldError error field="title" />
        <div class="row">
            <label>
                "Reviewer" <input type="text" name="reviewer" maxlength="120" value=reviewer />
            </label>
            <label>
                "Date" <input type="date" name="review_date" value=date />
            </label>
            <label>
                "Version label" <input type="text" name="version_label" maxlength="60" value=label />
            </label>
        </div>
        <FieldError error field="reviewer" />
        <FieldError error field="review_date" />
        <FieldError error field="version_label" />
    }
}

/// `/p/{slug}/reviews`.
#[component]
pub fn ReviewsPage() -> impl IntoView {
    let create = page_action::<CreateReview>();
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let data = Resource::new(
        move || (slug.get(), create.version().get()),
        |(slug, _)| get_reviews(slug),
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <ReviewsBody view create /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

#[component]
fn ReviewsBody(view: ReviewsView, create: ServerAction<CreateReview>) -> impl IntoView {
    let slug = view.slug.clone();
    let error = action_error(create);
    let rows = view
        .reviews
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td>
                        <a href=format!("/p/{slug}/reviews/{}", r.id)>{r.title.clone()}</a>
                    </td>
                    <td>{r.version_label.clone()}</td>
                    <td>{r.review_date.to_string()}</td>
                    <td>{r.reviewer.clone()}</td>
                    <td>
                        {match r.status {
                            ReviewStatus::Draft => "Draft".to_owned(),
                            ReviewStatus::Final if r.signoffs > 0 => format!("Final · signed ({})", r.signoffs),
                            ReviewStatus::Final => "Final".to_owned(),
                        }}
                    </td>
                    <td class="num">{score_text(r.overall)}</td>
                    <td>{r.verdict.map(|verdict| view! { <VerdictBadge verdict /> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>{view.name.clone()} " reviews"</h1>
        <ProjectTabs slug=slug.clone() current="Reviews" />
        {(!view.trend.is_empty())
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="trend">
                        <h2 id="trend">"Scores across final reviews"</h2>
                        <TrendChart points_in=view.trend.clone() />
                    </section>
                }
            })}
        {view
            .since_last
            .clone()
            .map(|diff| view! { <DiffView diff slug=slug.clone() against="last review".to_owned() /> })}
        <section class="card">
            <h2>"Reviews"</h2>
            {if view.reviews.is_empty() {
                view! { <p class="empty">"No reviews yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Title"</th>
                                <th scope="col">"Version"</th>
                                <th scope="col">"Date"</th>
                                <th scope="col">"Reviewer"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="num">"Score"</th>
                                <th scope="col">"Verdict"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
        {view
            .permissions
            .can_edit
            .then(|| {
                view! {
                    <details class="card" open=error.get_untracked().is_some()>
                        <summary>"Start a review"</summary>
                        <ActionForm action=create attr:class="stack">
                            <FormError error=non_field_error(error) />
                            <input type="hidden" name="slug" value=slug.clone() />
                            <input type="hidden" name="next" value=format!("/p/{slug}/reviews/{{id}}") />
                            {review_fields(error, None, view.today.to_string())}
                            <label>
                                "Summary (Markdown)" <textarea name="summary" rows="3"></textarea>
                            </label>
                            <FieldError error field="summary" />
                            <button type="submit">"Start review"</button>
                        </ActionForm>
                    </details>
                }
            })}
    }
}

/// `/p/{slug}/reviews/{id}`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let update = page_action::<UpdateReview>();
    let finalize = page_action::<FinalizeReview>();
    let sign = page_action::<SignReview>();
    let delete = page_action::<DeleteReview>();
    let next = page_action::<StartNextReview>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    });
    let data = Resource::new(
        move || {
            (
                id.get(),
                update.version().get(),
                finalize.version().get(),
                sign.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_review(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <RequireUser>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { <ReviewBody v update finalize sign delete next /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequireUser>
    }
}

#[component]
fn ReviewBody(
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
    let (update_error, finalize_error, sign_error, delete_error, next_error) = (
        action_error(update),
        action_error(finalize),
        action_error(sign),
        action_error(delete),
        action_error(next),
    );
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
    let items = v
        .snapshot
        .categories
        .iter()
        .map(|c| {
            let rows = v
                .snapshot
                .items
                .iter()
                .filter(|i| i.category_id == c.id)
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
                                <textarea name="summary" rows="4">{v.summary.clone()}</textarea>
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
