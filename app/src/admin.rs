//! Site administration: accounts (`/admin/users`) and the audit log (`/admin/audit`).

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
pub mod users_page;
