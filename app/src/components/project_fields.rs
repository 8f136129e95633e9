//! The fields every "new project from …" form shares: the team, and a name and slug that may be
//! left blank.

use leptos::prelude::*;

use super::field_error::FieldError;
use crate::{error::AppError, teams::model::TeamChoice};

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
