//! `/admin/tiers` (site admins keep the tiers) and the tier card of a project's settings.

use leptos::prelude::*;

use super::{
    api::{CreateTier, DeleteTier, SetProjectTier, UpdateTier, get_project_tier, list_tiers},
    model::{ProjectTier, TierView},
};
use crate::components::{
    field_error::{FieldError, FormError, action_error, non_field_error},
    loaded::loaded,
    page_action::page_action,
    require_user::RequireUser,
};

/// `/admin/tiers`.
#[component]
pub fn TiersPage() -> impl IntoView {
    let create = page_action::<CreateTier>();
    let update = page_action::<UpdateTier>();
    let delete = page_action::<DeleteTier>();
    let tiers = Resource::new(|| (), |_| list_tiers());
    // Site admins only (the groups answer 403 to anybody else); their names help fill the form.
    let groups = Resource::new(|| (), |_| crate::signoff::api::list_reviewer_groups());
    let create_error = action_error(create);
    let update_error = action_error(update);
    let delete_error = action_error(delete);
    view! {
        <RequireUser>
            <h1>"Launch tiers"</h1>
            <p class="muted">
                "Levels of scrutiny a launch can get. A project on a tier takes its readiness threshold and required sign-offs (and follows changes to them); a project made from a template on a tier gets only the tier's sections."
            </p>
            <FormError error=non_field_error(update_error) />
            <FormError error=delete_error />
            {loaded(groups, |groups| {
                let names = groups.into_iter().map(|g| g.name).collect::<Vec<_>>().join(", ");
                view! {
                    <p class="muted small">
                        {if names.is_empty() {
                            "No reviewer groups yet.".to_owned()
                        } else {
                            format!("Reviewer groups: {names}.")
                        }}
                    </p>
                }
            })}
            {loaded(tiers, move |tiers| {
                tiers
                    .into_iter()
                    .map(|t| view! { <TierCard t update delete error=update_error /> })
                    .collect_view()
            })}
            <section class="card" aria-labelledby="new-tier">
                <h2 id="new-tier">"New tier"</h2>
                <ActionForm action=create attr:class="stack">
                    <FormError error=non_field_error(create_error) />
                    <TierFields t=None error=create_error />
                    <button type="submit">"Create tier"</button>
                </ActionForm>
            </section>
        </RequireUser>
    }
}

#[component]
fn TierFields(t: Option<TierView>, error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let t = t.unwrap_or(TierView {
        id: 0,
        name: String::new(),
        description: String::new(),
        threshold: 80,
        sections: Vec::new(),
        groups: Vec::new(),
        projects: 0,
    });
    let groups = t
        .groups
        .iter()
        .map(|g| g.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <label>"Name" <input type="text" name="name" maxlength="60" required value=t.name /></label>
        <FieldError error field="name" />
        <label>
            "For launches that are"
            <input type="text" name="description" maxlength="2000" value=t.description />
        </label>
        <label>
            "Readiness threshold"
            <input type="number" name="threshold" min="0" max="100" required value=t.threshold />
        </label>
        <FieldError error field="threshold" />
        <label>
            "Sections it requires (category names, one per line; none: all)"
            <textarea name="sections" rows="3">{t.sections.join("\n")}</textarea>
        </label>
        <FieldError error field="sections" />
        <label>
            "Sign-off from (reviewer groups, separated by commas)"
            <input type="text" name="groups" value=groups />
        </label>
        <FieldError error field="groups" />
    }
}

#[component]
fn TierCard(
    t: TierView,
    update: ServerAction<UpdateTier>,
    delete: ServerAction<DeleteTier>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let id = t.id;
    let (label, heading) = (t.name.clone(), t.name.clone());
    let fields = t.clone();
    view! {
        <section class="card" aria-label=label>
            <h2>{heading}</h2>
            <p class="muted">
                {format!(
                    "Threshold {} · {} · sign-off: {} · {} project(s)",
                    t.threshold,
                    if t.sections.is_empty() {
                        "all sections".to_owned()
                    } else {
                        t.sections.join(", ")
                    },
                    if t.groups.is_empty() {
                        "none".to_owned()
                    } else {
                        t.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join(", ")
                    },
                    t.projects,
                )}
            </p>
            <details>
                <summary>"Change"</summary>
                <ActionForm action=update attr:class="stack">
                    <input type="hidden" name="id" value=id />
                    <TierFields t=Some(fields.clone()) error />
                    <button type="submit">"Save tier"</button>
                </ActionForm>
            </details>
            <ActionForm action=delete attr:class="inline">
                <input type="hidden" name="id" value=id />
                <button type="submit" class="danger">"Delete tier"</button>
            </ActionForm>
        </section>
    }
}

/// A project's tier (its settings).
#[component]
pub fn ProjectTierCard(slug: String) -> impl IntoView {
    let set = page_action::<SetProjectTier>();
    let error = action_error(set);
    let data = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        get_project_tier,
    );
    view! {
        <section class="card" aria-labelledby="tier-heading">
            <h2 id="tier-heading">"Launch tier"</h2>
            <FormError error />
            {loaded(data, move |p| view! { <ProjectTierForm p set /> })}
        </section>
    }
}

#[component]
fn ProjectTierForm(p: ProjectTier, set: ServerAction<SetProjectTier>) -> impl IntoView {
    let current = p.tier.as_ref().map(|t| t.id);
    let summary = match &p.tier {
        Some(t) => format!(
            "On {}: threshold {} and the sign-offs of {} come from the tier.",
            t.name,
            t.threshold,
            if t.groups.is_empty() {
                "no group".to_owned()
            } else {
                t.groups
                    .iter()
                    .map(|g| g.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        None => "No tier: the project sets its own threshold and sign-offs.".to_owned(),
    };
    let outside = p.outside.clone();
    let options = p
        .tiers
        .iter()
        .map(|t| {
            view! {
                <option value=t.id.to_string() selected=current == Some(t.id)>
                    {format!("{} — {}", t.name, t.description)}
                </option>
            }
        })
        .collect_view();
    view! {
        <p>{summary}</p>
        {(!outside.is_empty())
            .then(|| {
                view! {
                    <p class="muted">
                        {format!(
                            "Outside this tier's sections (not required of it): {}.",
                            outside.join(", "),
                        )}
                    </p>
                }
            })}
        {(p.can_manage && !p.tiers.is_empty())
            .then(|| {
                view! {
                    <ActionForm action=set attr:class="inline">
                        <input type="hidden" name="slug" value=p.slug.clone() />
                        <label>
                            "Tier "
                            <select name="tier">
                                <option value="0" selected=current.is_none()>"No tier"</option>
                                {options}
                            </select>
                        </label>
                        <button type="submit" class="secondary">"Set tier"</button>
                    </ActionForm>
                }
            })}
    }
}
