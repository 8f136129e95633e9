//! `/p/{slug}/risks/{id}`: one risk, its form and its links.

use super::*;
use crate::components::loaded::by_id;
use crate::risks::model::ItemChoice;

/// `/p/{slug}/risks/{id}`.
#[component]
pub fn RiskPage() -> impl IntoView {
    let update = page_action::<UpdateRisk>();
    let link = page_action::<LinkRiskItem>();
    let delete = page_action::<DeleteRisk>();
    let detail = by_id(get_risk);
    view! {
        <RequireUser>
            {loaded(detail, move |d| view! { <RiskBody d update link delete /> })}
        </RequireUser>
    }
}

#[component]
pub(super) fn RiskBody(
    d: RiskDetail,
    update: ServerAction<UpdateRisk>,
    link: ServerAction<LinkRiskItem>,
    delete: ServerAction<DeleteRisk>,
) -> impl IntoView {
    let r = d.risk.clone();
    let edit = d.permissions.can_edit;
    let slug = d.slug.clone();
    let update_error = action_error(update);
    let delete_error = action_error(delete);
    let risk_id = r.id;
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
        <Mitigations r=r.clone() slug=slug.clone() edit linkable=d.linkable.clone() link />
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

/// The items that mitigate a risk, and the forms that link and unlink them (editors).
#[component]
fn Mitigations(
    r: RiskView,
    slug: String,
    edit: bool,
    linkable: Vec<ItemChoice>,
    link: ServerAction<LinkRiskItem>,
) -> impl IntoView {
    let link_error = action_error(link);
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
        <section class="card" aria-labelledby="mitigations">
            <h2 id="mitigations">"Mitigating items"</h2>
            {if r.items.is_empty() {
                view! { <p class="empty">"No items linked yet."</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{linked}</ul> }.into_any()
            }}
            <FormError error=link_error />
            {(edit && !linkable.is_empty())
                .then(|| {
                    let choices = linkable
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
    }
}
