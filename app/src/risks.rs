//! A project's risk register: its matrix, risks and the items that mitigate them; the register
//! and settings pages, and the heat maps (server-rendered HTML, also used by reports).

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod heatmap;
pub mod matrix;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stored;
