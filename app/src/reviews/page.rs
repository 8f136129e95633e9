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
use crate::components::loaded::loaded;
use crate::components::page_action::page_action;
use crate::{
    checklist::page::{ProjectTabs, ScoreBar, VerdictBadge},
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        require_user::RequireUser,
    },
    error::AppError,
    risks::page::LevelBadge,
};

mod diff;
mod review;

pub use diff::DiffView;
pub use review::ReviewPage;

fn score_text(s: Option<u8>) -> String {
    s.map_or("—".to_owned(), |s| s.to_string())
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
    let data = Resource::new(move || slug.get(), get_reviews);
    view! {
        <RequireUser>
            {loaded(data, move |view| view! { <ReviewsBody view create /> })}
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
