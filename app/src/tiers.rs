//! Launch tiers. Site admins define the levels of scrutiny a launch can get — "Tier 1:
//! customer-facing, revenue" down to "Tier 3: internal experiment" — each naming the template
//! sections, sign-off groups and readiness threshold it requires. A project's owners pick its
//! tier; the project then takes the tier's threshold and required sign-offs (and keeps them in
//! step when an admin changes the tier), and a project made from a template on a tier gets only
//! the tier's sections: the fast common path for small launches.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
