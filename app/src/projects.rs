//! Projects: the list, creation and the project page.

pub mod api;
pub mod list_page;
pub mod model;
pub mod project_page;
#[cfg(feature = "ssr")]
pub mod service;
