//! Checks that measure items: probes Preflight runs at an interval (an HTTP request, a TLS
//! certificate, a DNS name) and checks pipelines report to under a key. A passing result marks
//! its item done with measured (or CI) evidence; a failing one reopens a done item, audited
//! and told to its holders and watchers. The last 100 results of each check are kept.

#[cfg(feature = "ssr")]
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod probe;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod spec;
