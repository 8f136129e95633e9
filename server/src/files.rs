//! Evidence files over HTTP for signed-in browsers: the item page's upload form (a native
//! multipart post, so it works without JavaScript) and downloads. The REST API has its own
//! routes over the same service (`api/files.rs`).

use app::{auth::model::AuthUser, error::AppError, files::MAX_FILE};
use axum::{
    Extension,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::router::is_subresource_load;

use app::files::page::UPLOAD_ERROR_COOKIE;

/// Reads the multipart field `file` of `form` into memory, at most [`MAX_FILE`] bytes: its
/// name and bytes, or the field error. Called after authorization.
pub async fn read_file(form: &mut Multipart) -> Result<(String, Vec<u8>), AppError> {
    let unreadable = || AppError::field("file", "The upload could not be read; try again.");
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            if bytes.len() + chunk.len() > MAX_FILE {
                return Err(app::files::service::too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(AppError::field("file", "Choose a file to attach."))
}

/// `POST /p/{slug}/items/{id}/files`: attaches the form's file (editors) and goes back to the
/// item page, with the error in a short-lived cookie when it was refused (nothing stored).
pub async fn upload(
    State(state): State<app::state::AppState>,
    Path((slug, item_id)): Path<(String, i32)>,
    user: Option<Extension<AuthUser>>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(Extension(user)) = user else {
        return (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response();
    };
    // A temporary password must be replaced first, as on the pages.
    if user.must_change_password {
        return (StatusCode::FOUND, [(header::LOCATION, "/account")]).into_response();
    }
    let back = format!("/p/{}/items/{item_id}", urlencode(&slug));
    let result = async {
        let (item, project) = app::files::service::may_attach(&state.db, &user, item_id).await?;
        let mut form = form.map_err(|_| AppError::field("file", "Choose a file to attach."))?;
        let (name, bytes) = read_file(&mut form).await?;
        app::files::service::attach(
            &state.db,
            &user,
            &item,
            &project,
            &name,
            &bytes,
            state.clock.now(),
        )
        .await
    }
    .await;
    let mut res = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("{back}#files"))],
    )
        .into_response();
    match result {
        Ok(_) => res,
        Err(e @ AppError::Validation(_)) => {
            let message = match &e {
                AppError::Validation(fields) => fields.values().next().cloned().unwrap_or_default(),
                other => other.to_string(),
            };
            let secure = state
                .settings
                .base_url
                .as_deref()
                .is_some_and(|b| b.starts_with("https://"));
            let cookie = format!(
                "{UPLOAD_ERROR_COOKIE}={}; Path={back}; Max-Age=60; HttpOnly; SameSite=Strict{}",
                urlencode(&message),
                if secure { "; Secure" } else { "" }
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => error(&e),
    }
}

fn error(e: &AppError) -> Response {
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.to_string(),
    )
        .into_response()
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `GET /p/{slug}/files/{id}`: a file, for anyone who may see its project.
pub async fn download(
    State(state): State<app::state::AppState>,
    Path((_slug, file_id)): Path<(String, i32)>,
    user: Option<Extension<AuthUser>>,
    headers: http::HeaderMap,
) -> Response {
    if is_subresource_load(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "files are downloads, not page resources",
        )
            .into_response();
    }
    let Some(Extension(user)) = user else {
        return (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response();
    };
    if user.must_change_password {
        return (StatusCode::FOUND, [(header::LOCATION, "/account")]).into_response();
    }
    match app::files::service::read(&state.db, &user, file_id).await {
        Ok((file, bytes)) => attachment(&file.name, &file.content_type, bytes),
        Err(e) => error(&e),
    }
}

/// A file as a download: its sniffed type, `attachment` with its name, never sniffed again by
/// the browser, never run as a page (a sandboxing CSP), not kept by shared caches.
pub fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent(name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    for (k, v) in [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    res
}

/// RFC 5987 percent-encoding of a file name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
