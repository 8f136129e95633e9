//! A project's risk register: its matrix, risks and the items that mitigate them; the register
//! and settings pages, and the heat maps (server-rendered HTML, also used by reports).

pub mod api;
pub mod heatmap;
pub mod matrix;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
