//! Stakeholder reports: one model built from the project (live or as of a final review),
//! shown as a page and a share link and exported as HTML, Markdown and PDF.

pub mod api;
pub mod build;
#[cfg(feature = "ssr")]
pub mod html;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod sections;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod share;
pub mod view;
