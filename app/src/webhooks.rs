//! Team webhooks: a team's owners name URLs and the events each wants; every such event is
//! posted there, signed the Standard Webhooks way (or as a Slack-compatible `{"text": …}`),
//! retried for a day, with a delivery log and "send again".

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod deliver;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;
