use leptos::prelude::*;

use crate::error::AppError;

/// The error message for one form field (empty when none), linked to its input by id.
#[component]
pub fn FieldError(
    /// The last result of the form's action.
    error: Signal<Option<AppError>>,
    /// The field name, as in the server function's parameter.
    field: &'static str,
) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.field_message(field)).map(|msg| {
            view! {
                <p class="field-error" id=format!("{field}-error")>
                    {msg}
                </p>
            }
        })
    }
}

/// A form-level error (anything that is not about one field).
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="form-error" role="alert">
                    {e.to_string()}
                </p>
            }
        })
    }
}

/// The part of `error` that belongs to no single field (shown at the top of the form).
pub fn non_field_error(error: Signal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
    })
}

/// The error of an action's last result, as a signal for the components above.
pub fn action_error<I, O>(action: leptos::server::ServerAction<I>) -> Signal<Option<AppError>>
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}
