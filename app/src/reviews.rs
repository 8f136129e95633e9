//! Reviews: frozen snapshots of a project, sign-off, "since last review" diffs and trends.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
pub mod snapshot;
pub mod trend;
