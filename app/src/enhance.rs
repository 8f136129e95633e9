//! Progressive enhancement of the server-rendered forms (browser only).
//!
//! Pages are rendered on the server, and only their islands ship as wasm. Their forms post
//! natively and work before (or without) the wasm. Once it loads, one `submit` listener on the
//! document sends such a form's server function call with `fetch` instead, then renders the
//! page's header and `<main>` again in place from the server: no reload, the scroll position
//! stays, and what was typed survives an error.
//! - An error renders the page again with the error in a request header
//!   ([`ERROR_HEADER`]: the `__path`/`__err` pairs Leptos uses for a post without JavaScript),
//!   so the server shows each message beside its field. The form's values are then put back.
//! - A success renders it with the result in two request headers, which
//!   [`crate::components::page_action::page_action`] hands back to the page's action, so a
//!   "Saved." (or a new token, shown once) shows as it would after a client-side call.
//! - A server function that redirects (a new project, a deleted item, signing out) is followed.
//!
//! Left alone: forms inside an island (they handle their own submit), `GET` forms (filters),
//! forms with a `target`, and forms marked `data-native`. Anything unexpected (no network, a
//! response that is not the server function's) falls back to the native post.

use server_fn::error::ServerFnUrlError;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Document, DomParser, Element, FormData, HtmlButtonElement, HtmlFormElement, HtmlInputElement,
    HtmlSelectElement, HtmlTextAreaElement, RequestInit, Response, SubmitEvent, SupportedType,
    UrlSearchParams,
};

use crate::{
    components::page_action::{ERROR_HEADER, RESULT_FN_HEADER, RESULT_HEADER},
    error::AppError,
};

/// Results longer than this are not carried back (headers are limited; pages show small ones).
const MAX_RESULT_IN_HEADER: usize = 4000;

/// Installs the submit listener and marks the body `data-hydrated` once the islands are live
/// (the browser tests wait for that mark).
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_submit = Closure::<dyn FnMut(SubmitEvent)>::new(on_submit);
    let _ = document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    on_submit.forget();
    // Islands' own server calls that redirect (an import creating a project) go there.
    let _ = server_fn::redirect::set_redirect_hook(|to: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(to);
        }
    });
    // The islands script hydrates the islands right after `hydrate()` returns, in microtasks;
    // a timer runs after all of them.
    leptos::prelude::set_timeout(
        move || {
            if let Some(body) = document.body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// One enhanced submit: what was sent, and where to put it back.
struct Submit {
    form: HtmlFormElement,
    /// The server function's URL (the form's, or the pressed button's `formaction`).
    action: String,
    /// The form's values, as sent.
    values: Vec<(String, String)>,
    /// Which form of the page it was, and which of its controls was pressed.
    form_index: u32,
    submitter_index: Option<u32>,
}

fn on_submit(ev: SubmitEvent) {
    if ev.default_prevented() {
        return;
    }
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    if !enhanced(&form) {
        return;
    }
    let submitter = ev.submitter();
    let Ok(submit) = prepare(form, submitter.as_ref()) else {
        return;
    };
    ev.prevent_default();
    set_busy(&submit.form, true);
    wasm_bindgen_futures::spawn_local(async move {
        if send(&submit).await.is_err() {
            // Let the browser do it the plain way; it shows whatever the server says.
            set_busy(&submit.form, false);
            submit_natively(&submit.form, submitter.as_ref());
        }
    });
}

/// Whether this listener takes the form's submit.
fn enhanced(form: &HtmlFormElement) -> bool {
    form.method().eq_ignore_ascii_case("post")
        && form.target().is_empty()
        && !form.has_attribute("data-native")
        && form.closest("leptos-island").ok().flatten().is_none()
}

fn prepare(
    form: HtmlFormElement,
    submitter: Option<&web_sys::HtmlElement>,
) -> Result<Submit, JsValue> {
    let data = FormData::new_with_form(&form)?;
    let mut values = form_values(&data);
    let mut action = form.action();
    let mut submitter_index = None;
    if let Some(button) = submitter {
        if let Some(to) = button.get_attribute("formaction") {
            action = to;
        }
        let (name, value) = match button.dyn_ref::<HtmlButtonElement>() {
            Some(b) => (b.name(), b.value()),
            None => button
                .dyn_ref::<HtmlInputElement>()
                .map(|i| (i.name(), i.value()))
                .unwrap_or_default(),
        };
        if !name.is_empty() {
            values.push((name, value));
        }
        let elements = form.elements();
        submitter_index =
            (0..elements.length()).find(|&i| elements.item(i).is_some_and(|e| e == **button));
    }
    let forms = document()?.forms();
    let form_index = (0..forms.length())
        .find(|&i| forms.item(i).is_some_and(|f| f == **form))
        .unwrap_or(0);
    Ok(Submit {
        form,
        action,
        values,
        form_index,
        submitter_index,
    })
}

/// The text values of a form (files are never part of an enhanced form).
fn form_values(data: &FormData) -> Vec<(String, String)> {
    let mut values = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(data) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                values.push((name, value));
            }
        }
    }
    values
}

async fn send(submit: &Submit) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let params = UrlSearchParams::new()?;
    for (name, value) in &submit.values {
        params.append(name, value);
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&params);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&submit.action, &init))
        .await?
        .dyn_into()?;
    let headers = response.headers();
    if headers.has("serverfnredirect")?
        && let Some(to) = headers.get("location")?
    {
        return window.location().assign(&to);
    }
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    if response.ok()
        && let Some(url) = fragments_url(submit)
        && swap_fragments(&url).await.is_ok()
    {
        set_busy(&submit.form, false);
        focus_submitter(submit, &document()?);
        return Ok(());
    }
    let path = web_sys::Url::new_with_base(&submit.action, &window.location().href()?)?.pathname();
    let here = window.location().href()?;
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "text/html")?;
    let (page, failed) = if response.ok() {
        let encoded = String::from(js_sys::encode_uri_component(&text));
        if encoded.len() <= MAX_RESULT_IN_HEADER {
            headers.set(RESULT_FN_HEADER, &path)?;
            headers.set(RESULT_HEADER, &encoded)?;
        }
        (here, false)
    } else {
        // Only our own error is shown in place; anything else goes the native way. The error
        // travels in a header: the server ignores errors in a page's URL.
        let error: AppError = serde_json::from_str(&text).map_err(|_| JsValue::NULL)?;
        let url = ServerFnUrlError::new(path, error)
            .to_url(&here)
            .map_err(|_| JsValue::NULL)?;
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (key, value) in url.query_pairs() {
            if key == "__path" || key == "__err" {
                pairs.append_pair(&key, &value);
            }
        }
        headers.set(ERROR_HEADER, &pairs.finish())?;
        (here, true)
    };
    let Some(html) = fetch_page(&page, &headers).await? else {
        return Ok(());
    };
    let document = document()?;
    let fresh = DomParser::new()?.parse_from_string(&html, SupportedType::TextHtml)?;
    for selector in ["header.topbar", "main#main"] {
        if let (Some(old), Some(new)) = (
            document.query_selector(selector)?,
            fresh.query_selector(selector)?,
        ) {
            old.set_inner_html(&new.inner_html());
            hydrate_islands(&old)?;
        }
    }
    document.set_title(&fresh.title());
    let form = document
        .forms()
        .item(submit.form_index)
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok());
    if let Some(form) = form {
        if failed {
            restore(&form, &submit.values);
            focus_first_error(&form, &document);
        } else {
            focus_submitter(submit, &document);
        }
    }
    Ok(())
}

/// Where the parts of the page a successful submit changed can be read: the form's
/// `data-fragments` URL with the pressed button's name and value added. `None` when the form
/// has none (the whole page is then rendered again).
fn fragments_url(submit: &Submit) -> Option<String> {
    let base = submit.form.get_attribute("data-fragments")?;
    let elements = submit.form.elements();
    let button = elements
        .item(submit.submitter_index?)?
        .dyn_into::<HtmlButtonElement>()
        .ok()?;
    let pair: String = form_urlencoded::Serializer::new(String::new())
        .append_pair(&button.name(), &button.value())
        .finish();
    let joiner = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{joiner}{pair}"))
}

/// Reads the changed parts (a server function's JSON string of HTML) and puts each in place of
/// the page's element with the same `id`: every element of the answer that has an `id` and sits
/// in no other such element. Nothing is changed unless the whole answer arrived.
async fn swap_fragments(url: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(JsValue::NULL);
    }
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let html: String = serde_json::from_str(&text).map_err(|_| JsValue::NULL)?;
    let document = document()?;
    let template: web_sys::HtmlTemplateElement = document.create_element("template")?.dyn_into()?;
    template.set_inner_html(&html);
    let parts = template.content().query_selector_all("[id]")?;
    let mut swaps = Vec::new();
    for i in 0..parts.length() {
        let Some(part) = parts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let inside_another = part
            .parent_element()
            .and_then(|p| p.closest("[id]").ok().flatten())
            .is_some();
        if inside_another {
            continue;
        }
        let old = document
            .get_element_by_id(&part.id())
            .ok_or(JsValue::NULL)?;
        swaps.push((old, part));
    }
    for (old, part) in swaps {
        old.replace_with_with_node_1(&document.import_node_with_deep(&part, true)?)?;
    }
    Ok(())
}

/// Puts the focus back on the control that was pressed (found again by its place in the form,
/// as the element itself may have been replaced).
fn focus_submitter(submit: &Submit, document: &Document) {
    let control = document
        .forms()
        .item(submit.form_index)
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        .and_then(|form| form.elements().item(submit.submitter_index?))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(control) = control {
        let _ = control.focus();
    }
}

/// The page at `url`, as HTML (whatever its status: a 404 page is shown as one). `None` when
/// it sent the browser elsewhere (a session that ended goes to the sign-in page), which is
/// then followed as a navigation.
async fn fetch_page(url: &str, headers: &web_sys::Headers) -> Result<Option<String>, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(headers);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    let is_html = response
        .headers()
        .get("content-type")?
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        return Err(JsValue::NULL);
    }
    if response.redirected() {
        let to = web_sys::Url::new(&response.url())?;
        if to.pathname() != window.location().pathname()? {
            window.location().assign(&to.href())?;
            return Ok(None);
        }
    }
    JsFuture::from(response.text()?)
        .await?
        .as_string()
        .map(Some)
        .ok_or(JsValue::NULL)
}

/// Hydrates the islands inside `root` through the islands script's own hook.
fn hydrate_islands(root: &Element) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let hook = js_sys::Reflect::get(&window, &JsValue::from_str("__hydrateIsland"))?;
    let Some(hook) = hook.dyn_ref::<js_sys::Function>() else {
        return Ok(());
    };
    let islands = root.query_selector_all("leptos-island")?;
    for i in 0..islands.length() {
        if let Some(island) = islands.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            let id = island.get_attribute("data-component").unwrap_or_default();
            hook.call2(&JsValue::NULL, &island, &JsValue::from_str(&id))?;
        }
    }
    Ok(())
}

/// Puts what the user had typed or chosen back into the re-rendered form (not passwords, files
/// or hidden values, which come from the server).
fn restore(form: &HtmlFormElement, values: &[(String, String)]) {
    let elements = form.elements();
    let mut used = vec![false; values.len()];
    let mut next = |name: &str| {
        let i = values
            .iter()
            .enumerate()
            .position(|(i, (n, _))| !used[i] && n == name)?;
        used[i] = true;
        Some(values[i].1.clone())
    };
    for i in 0..elements.length() {
        let Some(element) = elements.item(i) else {
            continue;
        };
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            let name = input.name();
            match input.type_().as_str() {
                "hidden" | "password" | "file" | "submit" | "button" | "reset" | "image" => {}
                "checkbox" | "radio" => {
                    let value = input.value();
                    input.set_checked(values.iter().any(|(n, v)| *n == name && *v == value));
                }
                _ => {
                    if let Some(v) = next(&name) {
                        input.set_value(&v);
                    }
                }
            }
        } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
            if let Some(v) = next(&area.name()) {
                area.set_value(&v);
            }
        } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>()
            && let Some(v) = next(&select.name())
        {
            select.set_value(&v);
        }
    }
}

/// Moves the focus to the first field with an error, or to the form's error message.
fn focus_first_error(form: &HtmlFormElement, document: &Document) {
    let target = form
        .query_selector(".field-error")
        .ok()
        .flatten()
        .and_then(|e| e.id().strip_suffix("-error").map(str::to_owned))
        .and_then(|field| {
            form.query_selector(&format!("[name=\"{field}\"]"))
                .ok()
                .flatten()
        })
        .or_else(|| form.query_selector("[role=alert]").ok().flatten())
        .or_else(|| document.query_selector("main [role=alert]").ok().flatten());
    if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        if !element.has_attribute("tabindex") && element.get_attribute("role").is_some() {
            let _ = element.set_attribute("tabindex", "-1");
        }
        let _ = element.focus();
    }
}

/// Disables the form's buttons while its call is under way (no double submits).
fn set_busy(form: &HtmlFormElement, busy: bool) {
    let _ = form.set_attribute("aria-busy", if busy { "true" } else { "false" });
    if let Ok(buttons) = form.query_selector_all("button") {
        for i in 0..buttons.length() {
            if let Some(b) = buttons
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlButtonElement>().ok())
            {
                b.set_disabled(busy);
            }
        }
    }
}

/// Posts the form the plain way, keeping the pressed button's name, value and `formaction`.
fn submit_natively(form: &HtmlFormElement, submitter: Option<&web_sys::HtmlElement>) {
    let _ = form.set_attribute("data-native", "");
    match submitter {
        Some(button) => button.click(),
        None => {
            let _ = form.submit();
        }
    }
}

fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)
}
