//! `/items/{id}/files` and `/files/{id}`: an item's evidence files, as on its page.

use app::files::{model::FileView, service};
use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use utoipa::ToSchema;

use super::{
    ApiError, ApiState, created,
    extract::{ApiPath, Reader, Writer},
};

/// The item's files, oldest first (metadata; download each from `/files/{id}`).
#[utoipa::path(get, path = "/items/{id}/files", tag = "files",
    params(("id" = i32, Path, description = "Item id")),
    responses((status = 200, body = Vec<FileView>)))]
pub async fn list(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<Vec<FileView>>, ApiError> {
    Ok(Json(service::item_files(&s.app.db, &user, id).await?))
}

/// A file to attach.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The file (at most 10 MiB; its type is read from its bytes).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attaches a file to an item (editors), as `multipart/form-data` with the part `file`. Refused
/// with a field error on `file`, and nothing stored, over 10 MiB a file, 200 MiB a project or
/// 50 files an item.
#[utoipa::path(post, path = "/items/{id}/files", tag = "files",
    params(("id" = i32, Path, description = "Item id")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = FileView, headers(("Location" = String)))))]
pub async fn upload(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let db = &s.app.db;
    // Authorized first; a body that is not multipart is then a 400 problem like any other.
    let (item, project) = service::may_attach(db, &user, id).await?;
    let mut form = form
        .map_err(|_| ApiError::bad_request("Send the file as multipart/form-data, part `file`."))?;
    let (name, bytes) = crate::files::read_file(&mut form).await?;
    let file =
        service::attach(db, &user, &item, &project, &name, &bytes, s.app.clock.now()).await?;
    Ok(created(format!("/files/{}", file.id), file))
}

/// Downloads a file (anyone who may see its project), as an attachment of its sniffed type.
#[utoipa::path(get, path = "/files/{id}", tag = "files",
    params(("id" = i32, Path, description = "File id")),
    responses((status = 200, description = "The file's bytes, with the type read from them", content_type = "*/*")))]
pub async fn download(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Response, ApiError> {
    let (file, bytes) = service::read(&s.app.db, &user, id).await?;
    Ok(crate::files::attachment(
        &file.name,
        &file.content_type,
        bytes,
    ))
}

/// Removes a file (editors).
#[utoipa::path(delete, path = "/files/{id}", tag = "files",
    params(("id" = i32, Path, description = "File id")),
    responses((status = 204, description = "Removed")))]
pub async fn delete(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::remove(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
