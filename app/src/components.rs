//! Small components shared by every page.

pub mod error_view;
pub mod field_error;
pub mod folded_list;
pub mod layout;
pub mod page_action;
pub mod project_fields;
pub mod require_user;
pub mod shown_once;
