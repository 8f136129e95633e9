//! Importing readiness documents: uploaded bytes to clean text (byte-order marks, line endings,
//! non-UTF-8 files, mojibake) and CSV files of items. The Markdown importer, the preview and
//! the write path come next.

pub mod csv_items;
pub mod text;
