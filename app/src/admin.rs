//! Site administration: accounts (`/admin/users`) and the audit log (`/admin/audit`).

#[cfg(feature = "ssr")]
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod users_page;
