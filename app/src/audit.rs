//! The audit log: every mutation records who changed what, when, with before/after state,
//! in the same transaction as the change. Admins read it at `/admin/audit`.

#[cfg(feature = "ssr")]
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
