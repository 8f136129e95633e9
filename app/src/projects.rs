//! Projects: the list, creation and the project page, and the one way to reach a project's
//! objects for a user ([`access`]).

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod list_page;
pub mod model;
#[cfg(feature = "ssr")]
pub mod project_page;
#[cfg(feature = "ssr")]
pub mod service;
