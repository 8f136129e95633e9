//! Accounts, first-run setup, login and logout.

pub mod api;
pub mod login_page;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
pub mod setup_page;
#[cfg(feature = "ssr")]
pub mod throttle;
