//! `/templates`: built-in and team templates, each with "new project from this template";
//! team templates can be deleted by the team's editors. Saving a project as a template is on
//! the project's Settings page ([`SaveAsTemplateForm`]).

use leptos::prelude::*;

use super::{
    api::{CreateFromTemplate, DeleteTemplate, SaveAsTemplate, list_templates},
    model::TemplateSummary,
};
use crate::components::loaded::loaded;
use crate::components::page_action::page_action;
use crate::components::project_fields::{OptionalNameAndSlug, TeamSelect};
use crate::{
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        folded_list::FoldedList,
        require_user::RequireUser,
    },
    scoring::Priority,
    teams::model::TeamChoice,
};

/// `/templates`.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let delete = page_action::<DeleteTemplate>();
    let data = Resource::new(|| (), |_| list_templates());
    view! {
            <RequireUser>
                <h1>"Templates"</h1>
                <p class="muted">
                    "A template is a project's structure: categories and items with priorities and \
                     descriptions, no statuses or people. Save any project as a template from its \
                     Settings page."
                </p>
                {loaded(data, move |v| {
                                let teams = v.teams.clone();
                                v.templates
                                    .into_iter()
                                    .map(|t| view! { <TemplateCard t teams=teams.clone() delete /> })
                                    .collect_view()
    })}
            </RequireUser>
        }
}

#[component]
fn TemplateCard(
    t: TemplateSummary,
    teams: Vec<TeamChoice>,
    delete: ServerAction<DeleteTemplate>,
) -> impl IntoView {
    // One action a card, so an error shows on the card it belongs to.
    let create = page_action::<CreateFromTemplate>();
    let error = action_error(create);
    let form_error = non_field_error(error);
    let heading_id = format!("template-{}", t.key.replace(':', "-"));
    let categories = t
        .categories
        .iter()
        .map(|c| {
            let items = c
                .items
                .iter()
                .map(|(title, priority)| {
                    let label = Priority::parse(priority).map_or("Medium", Priority::label);
                    view! {
                        <li>
                            <span class=format!("priority priority-{priority}")>{label}</span>
                            " "
                            {title.clone()}
                        </li>
                    }
                })
                .collect_view();
            view! { <FoldedList name=c.name.clone() count=c.items.len()>{items}</FoldedList> }
        })
        .collect_view();
    let can_create = !teams.is_empty();
    let delete_id = t.key.strip_prefix("team:").map(str::to_owned);
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{t.name.clone()}</h2>
            <p class="muted">
                {match &t.team {
                    Some(team) => format!("Saved by {team}"),
                    None => "Built in".to_owned(),
                }}
                {format!(" · {} categories, {} items", t.categories.len(), t.item_count)}
            </p>
            {(!t.description.is_empty()).then(|| view! { <p>{t.description.clone()}</p> })}
            {categories}
            {can_create.then(|| view! {
                <details class="use-template">
                    <summary>"New project from this template"</summary>
                    <ActionForm action=create attr:class="stack">
                        <FormError error=form_error />
                        <input type="hidden" name="template" value=t.key.clone() />
                        <TeamSelect teams=teams.clone() error />
                        <OptionalNameAndSlug source="the template's name" error />
                        <button type="submit" class="primary" disabled=move || create.pending().get()>
                            "Create the project"
                        </button>
                    </ActionForm>
                </details>
            })}
            {(t.can_delete)
                .then(|| delete_id.clone())
                .flatten()
                .map(|id| view! {
                    <ActionForm action=delete>
                        <input type="hidden" name="template_id" value=id />
                        <button type="submit" class="danger">"Delete template"</button>
                    </ActionForm>
                })}
        </section>
    }
}

/// "Save as template" for the project's Settings page (editors).
#[component]
pub fn SaveAsTemplateForm(slug: String, name: String) -> impl IntoView {
    let save = page_action::<SaveAsTemplate>();
    let error = action_error(save);
    let form_error = non_field_error(error);
    view! {
        <section class="card" aria-labelledby="save-template-heading">
            <h2 id="save-template-heading">"Save as template"</h2>
            <p class="muted">
                "Saves the categories and items (titles, descriptions, priorities, blocking) for \
                 your team, without statuses, people, dates or scores."
            </p>
            <ActionForm action=save attr:class="stack">
                <FormError error=form_error />
                <input type="hidden" name="slug" value=slug />
                <label>
                    "Template name"
                    <input type="text" name="name" required maxlength="120" value=name />
                </label>
                <FieldError error field="name" />
                <label>
                    "Description"
                    <textarea name="description" rows="2" maxlength="2000"></textarea>
                </label>
                <FieldError error field="description" />
                <button type="submit" disabled=move || save.pending().get()>"Save as template"</button>
                {move || {
                    save.value()
                        .get()
                        .and_then(Result::ok)
                        .map(|_| view! {
                            <p class="success" role="status">
                                "Saved. " <a href="/templates">"See your templates"</a>
                            </p>
                        })
                }}
            </ActionForm>
        </section>
    }
}
