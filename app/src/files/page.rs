//! The item page's files card: the files attached as evidence, and (editors) a native upload
//! form and a remove button per file.

use leptos::prelude::*;

use super::model::{FileView, human_size};
use crate::{
    checklist::api::DeleteEvidenceFile,
    components::{
        field_error::{FormError, action_error},
        page_action::page_action,
    },
};

/// The cookie an upload's error comes back in (set by the upload route, for this item's page).
pub const UPLOAD_ERROR_COOKIE: &str = "preflight_upload_error";

/// The error the last upload left for this page, if any; the cookie is cleared as it is read.
fn upload_error() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let value = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == UPLOAD_ERROR_COOKIE).then(|| v.to_owned())
        })?;
    let message: String = form_urlencoded::parse(format!("m={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let path = parts.uri.path().to_owned();
        let clear =
            format!("{UPLOAD_ERROR_COOKIE}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict");
        if let Ok(v) = http::HeaderValue::from_str(&clear) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }
    // Only our own sentences are shown: short, one line.
    (!message.is_empty() && message.len() <= 300 && !message.contains('\n')).then_some(message)
}

/// The remove action, made once by the page.
pub fn remove_action() -> ServerAction<DeleteEvidenceFile> {
    page_action::<DeleteEvidenceFile>()
}

/// The files card.
#[component]
pub fn FilesCard(
    files: Vec<FileView>,
    slug: String,
    item_id: i32,
    edit: bool,
    remove: ServerAction<DeleteEvidenceFile>,
) -> impl IntoView {
    let remove_error = action_error(remove);
    let error = upload_error();
    let list = files
        .into_iter()
        .map(|f| {
            let meta = format!(
                " · {} · {}{}",
                human_size(f.size),
                f.content_type.split(';').next().unwrap_or_default(),
                f.uploaded_by
                    .as_ref()
                    .map(|b| format!(" · {b}, {}", f.uploaded_at.get(..10).unwrap_or_default()))
                    .unwrap_or_default()
            );
            view! {
                <li class="file">
                    <a href=f.download.clone() download=f.name.clone()>{f.name.clone()}</a>
                    <span class="muted">{meta}</span>
                    {edit
                        .then(|| {
                            view! {
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="file_id" value=f.id />
                                    <button type="submit" class="link danger">"Remove"</button>
                                </ActionForm>
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let action = format!("/p/{slug}/items/{item_id}/files");
    view! {
        <section class="card" id="files" aria-labelledby="item-files">
            <h2 id="item-files">"Files"</h2>
            <FormError error=remove_error />
            <ul class="plain-list files">{list}</ul>
            {edit
                .then(|| {
                    view! {
                        <form
                            method="post"
                            action=action
                            enctype="multipart/form-data"
                            data-native="true"
                            class="stack"
                        >
                            <label>
                                "Attach a file (at most 10 MB)"
                                <input
                                    type="file"
                                    name="file"
                                    required=true
                                    aria-invalid=if error.is_some() { "true" } else { "false" }
                                />
                            </label>
                            {error.map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                            <button type="submit" class="secondary">"Attach"</button>
                        </form>
                    }
                })}
        </section>
    }
}
