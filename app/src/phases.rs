//! A project's plan: ordered phases ("Week 1", "Before launch") with a goal and a target date,
//! the items scheduled into each, and the plan page (`/p/{slug}/plan`) that sets them beside
//! the team's capacity, the burn-down and the forecast of [`crate::plan`].

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
mod burndown;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
