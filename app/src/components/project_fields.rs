//! The fields every "new project from …" form shares: the team, and a name and slug that may be
//! left blank.

use leptos::prelude::*;

use super::field_error::FieldError;
use crate::{error::AppError, projects::model::slugify, teams::model::TeamChoice};

/// The team a new project goes into, with its field error.
#[component]
pub fn TeamSelect(teams: Vec<TeamChoice>, error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <label>
            "Team"
            <select name="team_id" required>
                {teams
                    .into_iter()
                    .map(|t| view! { <option value=t.id>{t.name}</option> })
                    .collect_view()}
            </select>
        </label>
        <FieldError error field="team_id" />
    }
}

/// A name and a slug that may be left blank: the name then comes from `source` ("the
/// document's title"), the slug from the name.
#[component]
pub fn OptionalNameAndSlug(source: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <label>
            {format!("Project name (blank: {source})")}
            <input type="text" name="name" maxlength="120" />
        </label>
        <FieldError error field="name" />
        <label>
            "Slug (blank: from the name)"
            <input type="text" name="slug" maxlength="64" pattern="[a-z0-9]+(-[a-z0-9]+)*" />
        </label>
        <FieldError error field="slug" />
    }
}

/// The name and slug fields of a new project: an island, so the slug follows the name as it
/// is typed, until it is edited itself. Without wasm the server derives a blank slug.
#[island]
pub fn NameAndSlug(name_error: Option<String>, slug_error: Option<String>) -> impl IntoView {
    let slug = RwSignal::new(String::new());
    let slug_edited = RwSignal::new(false);
    let message = |field: &'static str, msg: Option<String>| {
        msg.map(|m| view! { <p class="field-error" id=format!("{field}-error")>{m}</p> })
    };
    view! {
        <label>
            "Name"
            <input
                type="text"
                name="name"
                required
                maxlength="120"
                on:input=move |ev| {
                    if !slug_edited.get_untracked() {
                        slug.set(slugify(&event_target_value(&ev)));
                    }
                }
            />
        </label>
        {message("name", name_error)}
        <label>
            "Slug (used in the URL; derived from the name when left blank)"
            <input
                type="text"
                name="slug"
                maxlength="64"
                pattern="[a-z0-9]+(-[a-z0-9]+)*"
                prop:value=move || slug.get()
                on:input=move |ev| {
                    slug_edited.set(true);
                    slug.set(event_target_value(&ev));
                }
            />
        </label>
        {message("slug", slug_error)}
    }
}
