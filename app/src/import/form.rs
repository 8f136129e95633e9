//! The import form and its preview: the island of `/import` and `/p/{slug}/import`. It reads a
//! chosen file and previews in place; without JavaScript, "Import" posts the form straight to the
//! import (its `formaction`).

use leptos::{form::FromFormData, prelude::*};

use super::{
    api::{PreviewImport, RunImport},
    model::{FORMATS, ImportPreview, MAX_IMPORT_BYTES},
};
use crate::{
    components::{
        error_view::ErrorView,
        field_error::{FieldError, FormError, action_error, non_field_error},
        folded_list::FoldedList,
        project_fields::{OptionalNameAndSlug, TeamSelect},
    },
    error::AppError,
    scoring::{Priority, Status, Verdict},
    teams::model::TeamChoice,
};

// Longer than 120 lines: an island: its signals and the form they drive must live
// in one component, since only the island ships to the browser.
#[allow(clippy::too_many_lines)]
/// The import form and its preview: an island (it reads files and previews in place).
#[island]
pub fn ImportForm(
    /// Merge into this project (its slug); `None`: a new project, in one of `teams`.
    project: Option<String>,
    /// The teams the user may create projects in (for a new project).
    teams: Vec<TeamChoice>,
) -> impl IntoView {
    let preview = ServerAction::<PreviewImport>::new();
    let run = ServerAction::<RunImport>::new();
    let preview_error = action_error(preview);
    let run_error = action_error(run);
    let error = Signal::derive(move || run_error.get().or_else(|| preview_error.get()));
    let form_error = non_field_error(error);
    let pending = Signal::derive(move || preview.pending().get() || run.pending().get());
    let is_new = project.is_none();
    // The document and format as signals, so a chosen file can fill them in.
    let document = RwSignal::new(String::new());
    let format = RwSignal::new("markdown".to_owned());
    let file_error = RwSignal::new(None::<String>);
    // Choosing a file needs the page hydrated; until then the paste area is the way in.
    let on_client = RwSignal::new(false);
    Effect::new(move |_| on_client.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let import = ev
            .submitter()
            .and_then(|s| s.get_attribute("formaction"))
            .is_some();
        let Ok(data) = leptos::form::form_data_from_event(&ev) else {
            return;
        };
        if import {
            if let Ok(input) = RunImport::from_form_data(&data) {
                run.dispatch(input);
            }
        } else if let Ok(input) = PreviewImport::from_form_data(&data) {
            preview.dispatch(input);
        }
    };
    let target_fields = match project {
        Some(slug) => view! {
            <input type="hidden" name="project" value=slug />
            <p class="muted">
                "Categories are matched by name and items by title within their category: \
                 nothing is duplicated. Matching items take the document's status and \
                 priority; everything else is added."
            </p>
        }
        .into_any(),
        None => view! {
            <TeamSelect teams error />
            <OptionalNameAndSlug source="the document's title" error />
        }
        .into_any(),
    };
    view! {
        <section class="card">
            <form
                method="post"
                action="/rpc/preview_import"
                class="stack"
                on:submit=on_submit
            >
                <FormError error=form_error />
                {target_fields}
                {move || {
                    on_client
                        .get()
                        .then(|| {
                            view! {
                                <label>
                                    "Choose a file (.md, .txt, .csv, .json)"
                                    <input
                                        type="file"
                                        accept=".md,.markdown,.txt,.csv,.json,text/markdown,text/plain,text/csv,application/json"
                                        on:change=move |ev| read_file(&ev, document, format, file_error)
                                    />
                                </label>
                                {move || {
                                    file_error
                                        .get()
                                        .map(|e| view! { <p class="field-error">{e}</p> })
                                }}
                            }
                        })
                }}
                <label>
                    "Format"
                    <select
                        name="format"
                        prop:value=move || format.get()
                        on:change=move |ev| format.set(event_target_value(&ev))
                    >
                        {FORMATS
                            .iter()
                            .map(|(value, label)| view! { <option value=*value>{*label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <FieldError error field="format" />
                <label>
                    "Document (paste it here)"
                    <textarea
                        name="document"
                        rows="16"
                        required
                        spellcheck="false"
                        class="mono"
                        aria-describedby="document-error document-help"
                        prop:value=move || document.get()
                        on:input=move |ev| document.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <p class="muted small" id="document-help">
                    {format!(
                        "Markdown: headings become categories; - [ ] / - [x] and ❌ ✅ ⚠️ \
                         bullets become items; priorities, BLOCKING and scores such as 3/10 \
                         are read. CSV: a header row with category, title, description, \
                         priority, blocking, status, assignee, due_date, effort_hours, \
                         evidence. Up to {} MB.",
                        MAX_IMPORT_BYTES / 1_048_576
                    )}
                </p>
                <FieldError error field="document" />
                <div class="row">
                    <button type="submit" disabled=move || pending.get()>
                        "Preview"
                    </button>
                    <button
                        type="submit"
                        class="primary"
                        formaction="/rpc/run_import"
                        disabled=move || pending.get()
                    >
                        {if is_new { "Create the project" } else { "Import" }}
                    </button>
                </div>
            </form>
        </section>
        {move || match preview.value().get() {
            Some(Ok(p)) => view! { <PreviewView p /> }.into_any(),
            Some(Err(AppError::Validation(_))) | None => ().into_any(),
            Some(Err(error)) => view! { <ErrorView error /> }.into_any(),
        }}
    }
}

/// Reads the chosen file into the document and picks the format from its extension.
#[allow(unused_variables)]
fn read_file(
    ev: &leptos::ev::Event,
    document: RwSignal<String>,
    format: RwSignal<String>,
    error: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        if file.size() > MAX_IMPORT_BYTES as f64 {
            error.set(Some(format!(
                "This file is larger than {} MB, the importer's limit.",
                MAX_IMPORT_BYTES / 1_048_576
            )));
            return;
        }
        error.set(None);
        let name = file.name().to_lowercase();
        format.set(
            if name.ends_with(".csv") {
                "csv"
            } else if name.ends_with(".json") {
                "json"
            } else {
                "markdown"
            }
            .to_owned(),
        );
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => document.set(text.as_string().unwrap_or_default()),
                Err(_) => error.set(Some("This file could not be read.".to_owned())),
            }
        });
    }
}

fn status_word(s: &str) -> &'static str {
    Status::parse(s).map_or("Open", Status::label)
}

fn priority_word(s: &str) -> &'static str {
    Priority::parse(s).map_or("Medium", Priority::label)
}

/// What the document holds and what importing it would do.
#[component]
fn PreviewView(p: ImportPreview) -> impl IntoView {
    let s = p.summary;
    let items: usize = p.categories.iter().map(|c| c.items.len()).sum();
    let verdict = match p.verdict.as_str() {
        "ready" => Verdict::Ready,
        "ready_with_gaps" => Verdict::ReadyWithGaps,
        "awaiting_sign_off" => Verdict::AwaitingSignOff,
        _ => Verdict::NotReady,
    };
    let rows = p
        .categories
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.name.clone()}</th>
                    <td>{if c.exists { "existing" } else { "new" }}</td>
                    <td class="num">{c.items.len()}</td>
                    <td class="num">{c.by_status[0] + c.by_status[1]}</td>
                    <td class="num">{c.by_status[2]}</td>
                    <td class="num">{c.by_priority[0]}</td>
                    <td class="num">{c.by_priority[1]}</td>
                    <td class="num">{c.assessor_score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{c.computed.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let lists = p
        .categories
        .iter()
        .map(|c| {
            let items = c
                .items
                .iter()
                .map(|i| {
                    view! {
                        <li>
                            <span class=format!("status status-{}", i.status)>{status_word(&i.status)}</span>
                            " "
                            <span class=format!("priority priority-{}", i.priority)>{priority_word(&i.priority)}</span>
                            {i.blocking.then_some(" · blocking")}
                            " — "
                            {i.title.clone()}
                            {(i.action != "add").then(|| view! { <span class="muted">{format!(" ({})", if i.action == "update" { "updates an existing item" } else { "already there" })}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! { <FoldedList name=c.name.clone() count=c.items.len()>{items}</FoldedList> }
        })
        .collect_view();
    let warnings = p
        .warnings
        .iter()
        .map(|w| view! { <li>{w.clone()}</li> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="preview-heading" data-testid="import-preview">
            <h2 id="preview-heading">"Preview: " {p.name.clone()}</h2>
            <p>
                {format!(
                    "{} categories, {} items, {} risks. Importing adds {} categories and {} items, updates {} items{}, and leaves {} items alone{}.",
                    p.categories.len(),
                    items,
                    p.risks,
                    s.categories_added,
                    s.items_added,
                    s.items_updated,
                    if s.categories_updated > 0 { format!(" and {} category scores", s.categories_updated) } else { String::new() },
                    s.items_unchanged,
                    if s.risks_added + s.risks_unchanged > 0 { format!("; {} risks are new, {} already exist", s.risks_added, s.risks_unchanged) } else { String::new() },
                )}
            </p>
            <p>
                "After the import: "
                <strong>{p.overall.map_or_else(|| "no score".to_owned(), |o| format!("{o}/100"))}</strong>
                ", "
                <span class=format!("verdict verdict-{}", verdict.as_str())>{verdict.label()}</span>
                {p.document_score.map(|d| format!(" (the document itself says {d}/100)"))}
            </p>
            {(!p.warnings.is_empty()).then(|| view! {
                <h3>"Skipped or repaired"</h3>
                <ul class="warnings">{warnings}</ul>
            })}
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">"In the project"</th>
                            <th scope="col" class="num">"Items"</th>
                            <th scope="col" class="num">"Gaps"</th>
                            <th scope="col" class="num">"Done"</th>
                            <th scope="col" class="num">"Critical"</th>
                            <th scope="col" class="num">"High"</th>
                            <th scope="col" class="num">"Assessor score"</th>
                            <th scope="col" class="num">"Computed score"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {lists}
        </section>
    }
}
