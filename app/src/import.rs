//! Importing readiness documents: uploaded bytes to clean text (byte-order marks, line endings,
//! non-UTF-8 files, mojibake), Markdown readiness documents, CSV files of items and Preflight
//! JSON, all read into one [`doc::Document`] that the write path turns into a project or
//! merges into one.

pub mod api;
#[cfg(feature = "ssr")]
pub mod csv_items;
#[cfg(feature = "ssr")]
pub mod doc;
pub mod form;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod text;

#[cfg(all(test, feature = "ssr"))]
#[path = "import/corpus_tests.rs"]
mod corpus_tests;
