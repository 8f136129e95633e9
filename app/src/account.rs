//! The signed-in user's own account: name, password and sessions (`/account`).

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
