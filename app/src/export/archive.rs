//! The archive export: one zip holding the project as Preflight JSON (`project.json`, whose
//! items list their files with the path each has here) and every evidence file under
//! `files/{id}-{name}`.
//!
//! A project holds up to [`crate::files::MAX_PROJECT`] of files, so the zip is never built in
//! memory: a blocking thread writes it entry by entry (one file's bytes read at a time) into a
//! bounded channel that the response body drains. A client that stops reading for
//! [`STALL`] ends the download; at most [`ARCHIVES`] are written at once.

use std::io::Write;

use chrono::{Datelike, NaiveDate, Timelike};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::{
    auth::model::AuthUser,
    entities::{evidence_files, file_contents, projects},
    error::AppError,
    import::doc,
};

/// Archives written at once; the next waits [`ARCHIVE_WAIT`] for a slot, then answers `Busy`.
pub const ARCHIVES: usize = 4;
/// See [`ARCHIVES`].
pub const ARCHIVE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long the writer waits for a client that has stopped reading before it gives up.
pub const STALL: std::time::Duration = std::time::Duration::from_secs(60);
/// Bytes handed to the response at a time.
const CHUNK: usize = 64 * 1024;

/// Where the archive holds file `id` named `name` (names are cleaned on upload: no slashes,
/// no leading dots).
pub fn path_of(id: i32, name: &str) -> String {
    format!("files/{id}-{name}")
}

/// An archive ready to write: the project's JSON and the files to put beside it.
#[derive(Debug)]
pub struct Archive {
    /// `{slug}-readiness-{date}.zip`.
    pub filename: String,
    json: Vec<u8>,
    files: Vec<evidence_files::Model>,
    _slot: Option<tokio::sync::SemaphorePermit<'static>>,
}

impl Archive {
    /// The number of evidence files it holds.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Writes the zip to `out`, reading each file's bytes through `db` on `handle`'s runtime
    /// (call it off the async workers: it blocks). Entries are stored, not compressed: evidence
    /// is mostly PDFs and images, compressed already.
    pub fn write<W: Write>(
        &self,
        db: &impl ConnectionTrait,
        handle: &tokio::runtime::Handle,
        out: W,
    ) -> Result<W, AppError> {
        let fail = |e: &dyn std::fmt::Display| {
            tracing::warn!(error = %e, "archive export stopped");
            AppError::Internal
        };
        let mut zip = ZipWriter::new_stream(out);
        zip.start_file("project.json", options(chrono::Utc::now()))
            .map_err(|e| fail(&e))?;
        zip.write_all(&self.json).map_err(|e| fail(&e))?;
        for f in &self.files {
            let bytes = handle
                .block_on(file_contents::Entity::find_by_id(f.sha256.clone()).one(db))?
                .ok_or(AppError::Internal)?
                .bytes;
            zip.start_file(path_of(f.id, &f.name), options(f.created_at))
                .map_err(|e| fail(&e))?;
            zip.write_all(&bytes).map_err(|e| fail(&e))?;
        }
        let mut out = zip.finish().map_err(|e| fail(&e))?.into_inner();
        out.flush().map_err(|e| fail(&e))?;
        Ok(out)
    }

    /// The zip as a response body, written on a blocking thread as the client reads it. An
    /// error after the first bytes can only cut the download short (the status is sent), so
    /// it is logged.
    pub fn into_body(self, db: DatabaseConnection) -> axum::body::Body {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let out = Channel {
                tx,
                handle: handle.clone(),
                buf: Vec::with_capacity(CHUNK),
            };
            // The writer's own errors are logged inside; a client that went away is not one.
            let _ = self.write(&db, &handle, out);
        });
        // Fused: a layer (compression) may poll again after the end.
        axum::body::Body::from_stream(futures::StreamExt::fuse(futures::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) },
        )))
    }
}

/// Stored entries stamped with `at` (zip times have no zone: UTC).
fn options(at: chrono::DateTime<chrono::Utc>) -> SimpleFileOptions {
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        u8::try_from(at.month()).unwrap_or(1),
        u8::try_from(at.day()).unwrap_or(1),
        u8::try_from(at.hour()).unwrap_or(0),
        u8::try_from(at.minute()).unwrap_or(0),
        u8::try_from(at.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .unix_permissions(0o644)
}

/// A writer that hands full chunks to the response body, waiting at most [`STALL`] for room.
struct Channel {
    tx: tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    handle: tokio::runtime::Handle,
    buf: Vec<u8>,
}

impl Channel {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        match self
            .handle
            .block_on(tokio::time::timeout(STALL, self.tx.send(Ok(chunk))))
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::ErrorKind::BrokenPipe.into()),
            Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
        }
    }
}

impl Write for Channel {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// The archive of project `slug` for someone who may see it (404 otherwise), once a slot is
/// free (see [`ARCHIVES`]).
pub async fn archive(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    today: NaiveDate,
) -> Result<Archive, AppError> {
    let project = crate::projects::access::project(db, user, slug)
        .await?
        .project;
    let slot = slot_within(ARCHIVE_WAIT).await?;
    let mut archive = archive_project(db, &project, today).await?;
    archive._slot = Some(slot);
    Ok(archive)
}

/// The archive of `project`. No access check: the caller has done it (or is the command line).
pub async fn archive_project(
    db: &impl ConnectionTrait,
    project: &projects::Model,
    today: NaiveDate,
) -> Result<Archive, AppError> {
    let json = doc::to_json(&super::document(db, project).await?).into_bytes();
    let files = evidence_files::Entity::find()
        .filter(evidence_files::Column::ProjectId.eq(project.id))
        .order_by_asc(evidence_files::Column::Id)
        .all(db)
        .await?;
    Ok(Archive {
        filename: format!("{}-readiness-{today}.zip", project.slug),
        json,
        files,
        _slot: None,
    })
}

/// An archive slot, waiting at most `wait` for one.
pub async fn slot_within(
    wait: std::time::Duration,
) -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(ARCHIVES);
    super::slot(&SLOTS, wait).await
}
