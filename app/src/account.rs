//! The signed-in user's own account: name, password, sessions and API tokens (`/account`).

#[cfg(feature = "ssr")]
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tokens;
