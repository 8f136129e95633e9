//! Search across everything a user may see: projects, items (title, description, evidence
//! text), risks and comments, with filters, newest text first, matches highlighted.
//!
//! The index is the database's own (FTS5 on SQLite, `tsvector` + GIN on PostgreSQL), kept by
//! triggers (migration 27); one grammar ([`query`]) writes both backends' queries, and
//! authorization is a condition of the query itself, so neither results nor counts ever include
//! a project the user may not see.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
pub mod query;
#[cfg(feature = "ssr")]
pub mod service;

/// Results are counted up to this many (a count of every match of a common word would read the
/// whole index).
pub const COUNT_CAP: u32 = 1000;
/// Hits a page on `/search`.
pub const PAGE_SIZE: u32 = 20;
/// The deepest page (the count cap over the page size).
pub const MAX_PAGE: u32 = COUNT_CAP / PAGE_SIZE;
