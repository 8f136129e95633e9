//! Teams and roles.

pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
