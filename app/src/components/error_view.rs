use leptos::prelude::*;

use crate::{error::AppError, http_status::set_status};

/// Shows an error to the user and, during server rendering, makes it the page's HTTP status.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    set_status(error.status());
    let title = match error {
        AppError::NotFound => "Not found",
        AppError::Forbidden => "Not allowed",
        AppError::Unauthorized => "Please sign in",
        AppError::Validation(_) => "Check the request",
        _ => "Something went wrong",
    };
    // A page whose own query is invalid (a search too long) says what to change.
    let fields = match &error {
        AppError::Validation(fields) if !fields.is_empty() => Some(view! {
            <ul class="field-errors">
                {fields
                    .values()
                    .map(|message| view! { <li>{message.clone()}</li> })
                    .collect_view()}
            </ul>
        }),
        _ => None,
    };
    view! {
        <section class="error-page" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            {fields}
            <p>
                <a href="/">"Back to your projects"</a>
            </p>
        </section>
    }
}

/// The page for any URL that matches no route: a real 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorView error=AppError::NotFound /> }
}
