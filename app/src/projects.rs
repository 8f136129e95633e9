//! Projects: the list, creation and the project page.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod list_page;
pub mod model;
#[cfg(feature = "ssr")]
pub mod project_page;
#[cfg(feature = "ssr")]
pub mod service;
