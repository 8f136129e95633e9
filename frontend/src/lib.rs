//! The wasm crate: it hydrates the islands of the server-rendered pages and enhances their forms.

/// Entry point called by the islands script that the server renders into every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::enhance::install();
}
