//! A project's checklist: categories, items, comments; the checklist page and the overview.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
