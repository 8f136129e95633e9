//! Attaching, listing, reading and removing evidence files.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait, sea_query::OnConflict,
};
use sha2::{Digest, Sha256};

use super::{MAX_FILE, MAX_PER_ITEM, MAX_PROJECT, model::FileView};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    entities::{evidence_files, file_contents, items, projects, users},
    error::AppError,
    projects::access,
};

/// A file's name as kept: its last path segment (`../../x` is `x`, `C:\a\b.png` is `b.png`),
/// without control characters, at most 200 characters; `file` when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = name.trim().trim_start_matches('.').trim().to_owned();
    if name.is_empty() {
        "file".to_owned()
    } else {
        name
    }
}

/// Types a browser would run (markup, scripts): kept as text, whatever the bytes say.
const ACTIVE: [&str; 7] = [
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "application/xml",
    "text/xml",
    "application/javascript",
    "text/javascript",
];

/// The type of `bytes`, from their first bytes (PDF, images, archives, …), else text when they
/// are UTF-8, else `application/octet-stream`. What the uploader claimed is never used, and
/// markup or script is never served as such.
pub fn sniff(bytes: &[u8]) -> String {
    if let Some(kind) = infer::get(bytes).filter(|k| !ACTIVE.contains(&k.mime_type())) {
        return kind.mime_type().to_owned();
    }
    if std::str::from_utf8(bytes).is_ok() {
        "text/plain; charset=utf-8".to_owned()
    } else {
        "application/octet-stream".to_owned()
    }
}

/// The item `user` may attach files to (editors), with its project: asked before any byte of
/// the file is read.
pub async fn may_attach(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    item_id: i32,
) -> Result<(items::Model, projects::Model), AppError> {
    let (item, seen) = access::item(db, user, item_id).await?;
    seen.require_edit()?;
    Ok((item, seen.project))
}

/// The field error of a file over [`MAX_FILE`].
pub fn too_large() -> AppError {
    AppError::field(
        "file",
        format!(
            "A file may be at most {}.",
            super::model::human_size(MAX_FILE as i64)
        ),
    )
}

/// Attaches `bytes` named `raw_name` to `item` of `project` as `user` (who [`may_attach`]).
/// Nothing is stored when a limit is reached. Returns the new file.
pub async fn attach(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item: &items::Model,
    project: &projects::Model,
    raw_name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<FileView, AppError> {
    if bytes.is_empty() {
        return Err(AppError::field(
            "file",
            "Choose a file (this one is empty).",
        ));
    }
    if bytes.len() > MAX_FILE {
        return Err(too_large());
    }
    let name = clean_name(raw_name);
    let content_type = sniff(bytes);
    let sha256 = hex(&Sha256::digest(bytes));
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let txn = crate::txn::begin(db).await?;
    let on_item = evidence_files::Entity::find()
        .filter(evidence_files::Column::ItemId.eq(item.id))
        .count(&txn)
        .await?;
    if on_item >= MAX_PER_ITEM {
        return Err(AppError::field(
            "file",
            format!("An item holds at most {MAX_PER_ITEM} files; remove one first."),
        ));
    }
    // Summed here rather than by SQL: PostgreSQL's SUM of a bigint is a numeric.
    let sizes: Vec<i64> = evidence_files::Entity::find()
        .select_only()
        .column(evidence_files::Column::Size)
        .filter(evidence_files::Column::ProjectId.eq(project.id))
        .into_tuple()
        .all(&txn)
        .await?;
    if sizes.iter().sum::<i64>() + size > MAX_PROJECT {
        return Err(AppError::field(
            "file",
            format!(
                "This project's files would pass {}; remove some first.",
                super::model::human_size(MAX_PROJECT)
            ),
        ));
    }
    file_contents::Entity::insert(file_contents::ActiveModel {
        sha256: Set(sha256.clone()),
        bytes: Set(bytes.to_vec()),
    })
    .on_conflict(
        OnConflict::column(file_contents::Column::Sha256)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let row = evidence_files::Entity::insert(evidence_files::ActiveModel {
        project_id: Set(project.id),
        item_id: Set(item.id),
        name: Set(name),
        content_type: Set(content_type),
        size: Set(size),
        sha256: Set(sha256),
        uploaded_by: Set(Some(user.id)),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("item", item.id, "file_attached")
            .in_project(project)
            .after(&serde_json::json!({
                "file_id": row.id,
                "name": row.name,
                "size": row.size,
                "sha256": row.sha256,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(view(&project.slug, row, Some(user.display_name.clone())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn view(slug: &str, f: evidence_files::Model, by: Option<String>) -> FileView {
    FileView {
        download: format!("/p/{slug}/files/{}", f.id),
        id: f.id,
        item_id: f.item_id,
        name: f.name,
        content_type: f.content_type,
        size: f.size,
        sha256: f.sha256,
        uploaded_by: by,
        uploaded_at: f.created_at.to_rfc3339(),
    }
}

/// The files of a project's items (`item`: one item's), oldest first, with their uploaders'
/// names. The caller has authorized reading the project.
pub async fn files_of(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    item: Option<i32>,
) -> Result<Vec<FileView>, AppError> {
    let mut find = evidence_files::Entity::find()
        .filter(evidence_files::Column::ProjectId.eq(project.id))
        .order_by_asc(evidence_files::Column::Id);
    if let Some(item) = item {
        find = find.filter(evidence_files::Column::ItemId.eq(item));
    }
    let rows = find.all(db).await?;
    let mut ids: Vec<i32> = rows.iter().filter_map(|f| f.uploaded_by).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: std::collections::HashMap<i32, String> = if ids.is_empty() {
        Default::default()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|f| {
            let by = f.uploaded_by.and_then(|u| names.get(&u).cloned());
            view(&project.slug, f, by)
        })
        .collect())
}

/// An item's files (viewers).
pub async fn item_files(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    item_id: i32,
) -> Result<Vec<FileView>, AppError> {
    let (_, seen) = access::item(db, user, item_id).await?;
    files_of(db, &seen.project, Some(item_id)).await
}

/// A file to download: its metadata and bytes, for anyone who may see its project (404
/// otherwise, as if it did not exist).
pub async fn read(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    file_id: i32,
) -> Result<(evidence_files::Model, Vec<u8>), AppError> {
    let file = evidence_files::Entity::find_by_id(file_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    access::item(db, user, file.item_id).await?;
    let bytes = file_contents::Entity::find_by_id(file.sha256.clone())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .bytes;
    Ok((file, bytes))
}

/// Removes a file (editors); its bytes go when no other file holds them.
pub async fn remove(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    file_id: i32,
) -> Result<(), AppError> {
    let file = evidence_files::Entity::find_by_id(file_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (item, project) = may_attach(db, user, file.item_id).await?;
    let txn = crate::txn::begin(db).await?;
    evidence_files::Entity::delete_by_id(file.id)
        .exec(&txn)
        .await?;
    let others = evidence_files::Entity::find()
        .filter(evidence_files::Column::Sha256.eq(file.sha256.as_str()))
        .count(&txn)
        .await?;
    if others == 0 {
        file_contents::Entity::delete_by_id(file.sha256.clone())
            .exec(&txn)
            .await?;
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("item", item.id, "file_removed")
            .in_project(&project)
            .before(&serde_json::json!({ "file_id": file.id, "name": file.name, "sha256": file.sha256 })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_folders_and_control_characters() {
        assert_eq!(clean_name("../../x"), "x");
        assert_eq!(clean_name("C:\\reports\\load test.pdf"), "load test.pdf");
        assert_eq!(clean_name("a/b/\u{0}evil\n.png"), "evil.png");
        assert_eq!(clean_name("../"), "file");
        assert_eq!(clean_name("..."), "file");
        assert_eq!(clean_name(".htaccess"), "htaccess");
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), "application/pdf");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"p99 180 ms"), "text/plain; charset=utf-8");
        assert_eq!(
            sniff(&[0xff, 0xfe, 0x00, 0x80, 0x81]),
            "application/octet-stream"
        );
        // Markup is text, never served as HTML or SVG.
        assert_eq!(
            sniff(b"<html><script>alert(1)</script>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(sniff(b"<!DOCTYPE html><p>"), "text/plain; charset=utf-8");
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            "text/plain; charset=utf-8"
        );
    }
}
