//! A project's checklist: categories, items, comments; the checklist page and the overview.

#[cfg(feature = "ssr")]
pub mod api;
pub mod islands;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod rows;
#[cfg(feature = "ssr")]
pub mod service;
