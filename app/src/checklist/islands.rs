//! The checklist's island: the one part of the page that needs the browser.

use leptos::prelude::*;

/// "Select all shown": checks or clears every row's checkbox (the rows are plain HTML). An
/// island, hidden until its wasm runs: without it, it could do nothing.
#[island]
pub fn SelectAllRows() -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    view! {
        <label class="checkbox" hidden=move || !ready.get()>
            <input
                type="checkbox"
                on:change=move |_ev| {
                    #[cfg(feature = "hydrate")]
                    check_all_rows(event_target_checked(&_ev));
                }
            />
            "Select all shown"
        </label>
    }
}

/// Checks or clears every row's checkbox (they are plain HTML, outside Leptos' views).
#[cfg(feature = "hydrate")]
fn check_all_rows(checked: bool) {
    use leptos::wasm_bindgen::JsCast;
    let Ok(boxes) = document().query_selector_all(r#"input[name="items[]"]"#) else {
        return;
    };
    for n in 0..boxes.length() {
        if let Some(b) = boxes
            .item(n)
            .and_then(|b| b.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            b.set_checked(checked);
        }
    }
}
