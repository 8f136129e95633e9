//! Evidence files attached to items: screenshots, PDFs, load-test reports.
//!
//! Kept in the database (`file_contents`, once per content by SHA-256; `evidence_files`, one
//! row per attachment): several instances share the database but not a disk, and the files go
//! with its backups. Limits: [`MAX_FILE`] a file, [`MAX_PROJECT`] a project, [`MAX_PER_ITEM`]
//! files an item. The type is read from the first bytes, never from the uploader; files are
//! served only to people who may see the project, as downloads (`Content-Disposition:
//! attachment`, `nosniff`, a sandboxing CSP).

pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

/// Largest file, in bytes (10 MiB).
pub const MAX_FILE: usize = 10 * 1024 * 1024;
/// Most bytes of files one project holds (200 MiB).
pub const MAX_PROJECT: i64 = 200 * 1024 * 1024;
/// Most files one item holds.
pub const MAX_PER_ITEM: u64 = 50;
