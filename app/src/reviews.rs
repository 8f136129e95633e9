//! Reviews: frozen snapshots of a project, sign-off, "since last review" diffs and trends.

#[cfg(feature = "ssr")]
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
pub mod snapshot;
#[cfg(feature = "ssr")]
pub mod trend;
