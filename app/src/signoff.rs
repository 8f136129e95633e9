//! Sign-off by discipline. Site admins keep reviewer groups (SRE, Security, Privacy) with
//! members; a project names the groups whose sign-off it needs, and each category may name the
//! group that owns it. A member signs the project's latest final review for their group; the
//! sign-off records a fingerprint of what it vouched for — the blocking items of the group's
//! categories — and holds while that fingerprint still matches the live project. Until every
//! required group holds a sign-off the verdict is "awaiting sign-off". Members of a required
//! group read the project as viewers, so a reviewer need not join every team.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
