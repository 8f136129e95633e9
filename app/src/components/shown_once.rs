//! A new secret (an API token, a share link) shown the one time it exists in clear.

use leptos::prelude::*;

/// "Copy the {what} now: it is not shown again.", with the secret in a read-only field named
/// `label`, and anything else the caller adds.
#[component]
pub fn ShownOnce(
    what: &'static str,
    label: &'static str,
    value: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="success" role="status">
            <p>{format!("Copy the {what} now: it is not shown again.")}</p>
            <input type="text" readonly value=value aria-label=label class="share-url" />
            {children.map(|c| c())}
        </div>
    }
}
