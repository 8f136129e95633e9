use leptos::prelude::*;

/// A folded list titled "{name} ({count} items)": a category's items in the import preview
/// and on the templates page.
#[component]
pub fn FoldedList(name: String, count: usize, children: Children) -> impl IntoView {
    view! {
        <details>
            <summary>{format!("{name} ({count} items)")}</summary>
            <ul class="plain">{children()}</ul>
        </details>
    }
}
