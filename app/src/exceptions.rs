//! Approved exceptions. Where a project asks for it, accepting a risk (or marking an item not
//! applicable) is a request: a reason, an expiry within the project's maximum, and a decision by
//! someone else — a team owner (or site admin) who is not the requester. Until it is approved
//! the item keeps its status, so it counts as open; an approved acceptance past its expiry is
//! open again (the scoring rule every accepted risk follows).

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
