//! Campaigns: a team's owners (or, site-wide, the site admins) push one set of requirements into
//! many projects at once, with a deadline — "every service gets a secrets rotation runbook by
//! March". Applying a campaign adds its items to each project's campaign category, linked to the
//! campaign's items, in one transaction; applying it again adds only what is missing. The
//! campaign's page follows progress per project; closing it keeps the items.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
