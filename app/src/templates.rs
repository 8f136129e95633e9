//! Templates: named project structures (categories and items with priorities and short
//! descriptions). Four are built in, written for Preflight as Markdown and read by the
//! importer; teams save any project's structure as their own.

#[cfg(feature = "ssr")]
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
