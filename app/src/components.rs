//! Small components shared by every page.

pub mod error_view;
pub mod field_error;
pub mod folded_list;
#[cfg(feature = "ssr")]
pub mod layout;
#[cfg(feature = "ssr")]
pub mod loaded;
pub mod page_action;
pub mod project_fields;
#[cfg(feature = "ssr")]
pub mod require_user;
#[cfg(feature = "ssr")]
pub mod shown_once;
