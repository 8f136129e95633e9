//! Preflight's application: pages, components and server functions.
//!
//! The server (feature `ssr`) compiles all of it. The browser (feature `hydrate`) compiles only
//! what it runs: the islands (`checklist::islands`, `import::form`, the name and slug of
//! `components::project_fields`), what they call (the import's server functions, models, errors)
//! and the form enhancement (`enhance`). Pages, routes and every other server function are
//! behind `ssr`, so the wasm build does not compile them.

#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod authz;
pub mod campaigns;
pub mod checklist;
pub mod checks;
#[cfg(feature = "ssr")]
pub mod clock;
pub mod components;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "hydrate")]
pub mod enhance;
#[cfg(feature = "ssr")]
pub mod entities;
pub mod error;
pub mod exceptions;
#[cfg(feature = "ssr")]
pub mod export;
pub mod files;
pub mod forecast;
pub mod http_status;
pub mod import;
pub mod inbox;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod limits;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod memo;
#[cfg(feature = "ssr")]
pub mod phases;
#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod portfolio;
pub mod projects;
pub mod report;
pub mod reviews;
pub mod risks;
#[cfg(feature = "ssr")]
mod routes;
pub mod scoring;
pub mod search;
#[cfg(feature = "ssr")]
pub mod secret;
pub mod signoff;
#[cfg(feature = "ssr")]
pub mod state;
pub mod teams;
pub mod templates;
pub mod tiers;
#[cfg(feature = "ssr")]
pub mod txn;
pub mod webhooks;

#[cfg(feature = "ssr")]
pub use routes::{App, shell};
